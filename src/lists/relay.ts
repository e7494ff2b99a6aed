/**
 * Hand-off of list copies: to the SMTP relay over pooled, reused connections, each copy with its
 * own envelope (VERP sender, one recipient); without a relay, into `<data>/outbox/lists/` as one
 * .eml file per copy, named after the delivery so writing it twice leaves one file.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../platform/config.ts';

export interface HandOffResult {
  ok: boolean;
  /** SMTP reply code, when the relay answered (250, 451, 550 ...). */
  code?: number;
  response: string;
}

export interface ListRelay {
  readonly kind: 'relay' | 'outbox';
  send(envelope: { from: string; to: string }, raw: Buffer, name: string): Promise<HandOffResult>;
  close(): void;
}

export function createListRelay(config: Config): ListRelay {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: config.relayConnections,
      maxMessages: Infinity,
      requireTLS: config.smtpRequireTls,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return {
      kind: 'relay',
      async send(envelope, raw) {
        try {
          const info = await transport.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw });
          if (info.rejected?.length) return { ok: false, code: 550, response: info.response ?? 'recipient rejected' };
          return { ok: true, code: 250, response: info.response ?? '250' };
        } catch (err) {
          const e = err as Error & { responseCode?: number; response?: string };
          // The reply text, never the relay URL (it may hold a password).
          return { ok: false, ...(e.responseCode ? { code: e.responseCode } : {}), response: (e.response ?? e.message).slice(0, 1000) };
        }
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(config.dataDir, 'outbox', 'lists');
  return {
    kind: 'outbox',
    async send(envelope, raw, name) {
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.eml`);
      if (!existsSync(file)) {
        const head = Buffer.from(`X-Envelope-From: <${envelope.from}>\r\nX-Envelope-To: <${envelope.to}>\r\n`);
        writeFileSync(`${file}.tmp`, Buffer.concat([head, raw]), { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
      }
      return { ok: true, code: 250, response: `written to ${file}` };
    },
    close: () => undefined,
  };
}
