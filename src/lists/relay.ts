/**
 * Hand-off of list copies: to the SMTP relay over pooled, reused connections, each copy with its
 * own envelope (VERP sender, one recipient); without a relay, into `<data>/outbox/lists/` as one
 * .eml file per copy, named after the delivery so writing it twice leaves one file.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config.ts';
import { createSmtpPool } from '../platform/mail/smtp-client.ts';

export interface HandOffResult {
  ok: boolean;
  /** SMTP reply code, when the relay answered (250, 451, 550 ...). */
  code?: number;
  response: string;
}

export interface ListRelay {
  readonly kind: 'relay' | 'outbox';
  /** `raw`: the message, or its pieces in order. */
  send(envelope: { from: string; to: string }, raw: Buffer | Buffer[], name: string): Promise<HandOffResult>;
  close(): void;
}

export function createListRelay(config: Config): ListRelay {
  if (config.smtpUrl) {
    // Pipelined hand-off (src/platform/mail/smtp-client.ts): two round trips per copy.
    const pool = createSmtpPool({ url: config.smtpUrl, connections: config.relayConnections, requireTls: config.smtpRequireTls });
    return {
      kind: 'relay',
      async send(envelope, raw) {
        // The reply text, never the relay URL (it may hold a password).
        const r = await pool.send(envelope, raw);
        return { ...r, response: r.response.slice(0, 1000) };
      },
      close: () => void pool.close(),
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
        writeFileSync(`${file}.tmp`, Buffer.concat([head, ...(Array.isArray(raw) ? raw : [raw])]), { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
      }
      return { ok: true, code: 250, response: `written to ${file}` };
    },
    close: () => undefined,
  };
}
