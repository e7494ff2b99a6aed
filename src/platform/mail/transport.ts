/**
 * Outgoing mail: through the configured SMTP relay (pooled connections), or, with no relay, as
 * `.eml` files in `<dataDir>/outbox/` so a new install works with no mail server and the person
 * trying it can open the message (and its links) in any mail program.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface OutgoingMail {
  /** The From address; default MAIL_FROM (or no-reply@<site>). */
  from?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** Text attachments (an .ics invitation, a CSV); content is the text itself. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  /** e.g. `text/calendar; method=REQUEST; charset=utf-8` */
  contentType: string;
  content: string;
}

export interface SentMail {
  messageId: string;
  /** "relay" or the .eml file written. */
  where: string;
}

export class MailSendError extends Error {
  readonly code = 'MAIL_NOT_SENT';
}

export interface MailTransport {
  readonly kind: 'relay' | 'outbox';
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

export function defaultFrom(config: Config): string {
  if (config.mailFrom) return config.mailFrom;
  let host = 'localhost';
  if (config.publicUrl) host = new URL(config.publicUrl).hostname;
  return `${config.siteName} <no-reply@${host}>`;
}

function message(from: string, mail: OutgoingMail) {
  return {
    from: mail.from ?? from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    ...(mail.attachments?.length
      ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) }
      : {}),
    // Everything socialgov sends by itself is automatic (RFC 3834): auto-responders must not answer.
    headers: { 'Auto-Submitted': 'auto-generated', ...(mail.headers ?? {}) },
  };
}

export function createMailTransport(config: Config): MailTransport {
  const from = defaultFrom(config);
  if (config.smtpUrl) {
    const relay = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 5,
      requireTLS: config.smtpRequireTls,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return {
      kind: 'relay',
      async send(mail) {
        try {
          const info = await relay.sendMail(message(from, mail));
          return { messageId: info.messageId, where: 'relay' };
        } catch (err) {
          // The relay's reply, without the URL (it may hold a password).
          throw new MailSendError(`The mail relay did not accept the message: ${(err as Error).message}`);
        }
      },
      close: () => relay.close(),
    };
  }
  const outbox = path.join(config.dataDir, 'outbox');
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'outbox',
    async send(mail) {
      const info = await composer.sendMail(message(from, mail));
      mkdirSync(outbox, { recursive: true });
      const name = `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}.eml`;
      const file = path.join(outbox, name);
      // Write then rename, so a reader never sees half a message.
      writeFileSync(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return { messageId: info.messageId, where: file };
    },
    close: () => composer.close(),
  };
}
