/** Shared by the listserv tests: members in bulk, posting over SMTP/LMTP, DKIM keys and DNS, list code run in-process. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import { loadAppConfig } from '../src/app/settings.ts';
import { seedDefaultCommunity } from '../src/communities/seed.ts';
import type { ListContext } from '../src/lists/context.ts';
import { acceptPost } from '../src/lists/pipeline.ts';
import { listByLocalPart, type List } from '../src/lists/store.ts';
import type { Config } from '../src/platform/config.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { inTransaction } from '../src/platform/db/queryable.ts';

/** Add `count` active members (m0001@agency.gov ...) to a community, in one statement. */
export async function addMembers(pool: pg.Pool, communitySlug: string, emails: string[], mode = 'each'): Promise<void> {
  await pool.query(
    `with m as (insert into members (email, name) select e, 'Member ' || e from unnest($1::text[]) e
                on conflict ((lower(email))) do update set name = excluded.name returning id)
     , ms as (insert into memberships (community_id, member_id, status)
     select c.id, m.id, 'active' from m, communities c where c.slug = $2
     on conflict (community_id, member_id) do update set status = 'active' returning community_id, member_id)
     -- how they take the community's list: the lists feature's subscription (0072_list_subscriptions.sql)
     insert into list_subscriptions (list_id, member_id, delivery_mode) select community_list_id(ms.community_id), ms.member_id, $3 from ms
     on conflict (list_id, member_id) do update set delivery_mode = excluded.delivery_mode`,
    [emails, communitySlug, mode],
  );
}

/** Set how members take their communities' lists (the lists feature's subscriptions), as a member choosing it would. */
export async function chooseDelivery(pool: pg.Pool, emails: string[], mode: string): Promise<void> {
  await pool.query(
    `insert into list_subscriptions (list_id, member_id, delivery_mode)
     select community_list_id(ms.community_id), ms.member_id, $2 from memberships ms join members m on m.id = ms.member_id where lower(m.email) = any($1::text[])
     on conflict (list_id, member_id) do update set delivery_mode = excluded.delivery_mode`,
    [emails.map((e) => e.toLowerCase()), mode],
  );
}

export interface RsaKey {
  privatePem: string;
  /** The DNS TXT value of the public key. */
  txt: string;
}

export function rsaKey(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt: `v=DKIM1; k=rsa; p=${der}` };
}

/** An Ed25519 DKIM key; its record holds the raw 32-byte public key (RFC 8463). */
export function ed25519Key(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt: `v=DKIM1; k=ed25519; p=${raw}` };
}

export function writeKey(dir: string, key: RsaKey, name = 'dkim.pem'): string {
  const file = path.join(dir, name);
  writeFileSync(file, key.privatePem, { mode: 0o600 });
  return file;
}

export interface PostOptions {
  port: number;
  from: string;
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  envelopeFrom?: string;
  lmtp?: boolean;
  headers?: Record<string, string>;
  messageId?: string;
  inReplyTo?: string;
  /** Sign as the sender's domain (so DMARC passes). */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** Send one message to the mail-in listener with a real SMTP (or LMTP) client. */
export async function postMail(o: PostOptions): Promise<{ accepted: string[]; rejected: string[]; response: string }> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: o.port,
    secure: false,
    ignoreTLS: true,
    lmtp: !!o.lmtp,
    ...(o.dkim ? { dkim: o.dkim } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  try {
    const info = await transport.sendMail({
      from: o.from,
      to: o.to,
      subject: o.subject,
      text: o.text,
      ...(o.html ? { html: o.html } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.messageId ? { messageId: o.messageId } : {}),
      ...(o.inReplyTo ? { inReplyTo: o.inReplyTo, references: o.inReplyTo } : {}),
      envelope: { from: o.envelopeFrom ?? /<([^>]+)>/.exec(o.from)?.[1] ?? o.from, to: o.to },
    });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response };
  } finally {
    transport.close();
  }
}

export interface ListTestSetup {
  db: Database;
  config: Config;
  list: List;
  /** What the list code in this process needs (no queue: its sends are dropped). */
  ctx: ListContext;
}

/**
 * For tests of the list code in this process (fan-out, the delivery runner): the database of
 * `env` migrated and seeded, its Social Media list, and a list context on `domain`.
 */
export async function openListTest(env: Record<string, string>, domain: string): Promise<ListTestSetup> {
  const config = loadAppConfig({ ...env, LIST_DOMAIN: domain, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const db = await openDatabase(config);
  await migrate(db.pool);
  await seedDefaultCommunity(db.pool);
  const list = (await listByLocalPart(db.pool, 'social-media'))!;
  const ctx = {
    pool: db.pool,
    config,
    queue: { send: async () => null },
    domain,
    baseUrl: 'https://socialgov.test.gov',
    dkim: [],
    secret: 'test-secret-'.repeat(3),
  } as unknown as ListContext;
  return { db, config, list, ctx };
}

/** A post accepted on the list as mail-in would accept it (not yet planned); its id. */
export async function acceptTestPost(t: ListTestSetup, from: string, subject: string): Promise<number> {
  const { postId } = await inTransaction(t.db.pool, (tx) =>
    acceptPost(tx, t.ctx, t.list, {
      incomingId: null,
      raw: Buffer.from(`From: ${from}\r\nSubject: ${subject}\r\n\r\nHello\r\n`),
      messageId: `<${subject.replace(/\W+/g, '-')}@agency.gov>`,
      inReplyTo: null,
      references: [],
      subject,
      fromAddress: from,
      fromName: null,
      memberId: null,
      sentAt: new Date(),
      auth: null,
    }),
  );
  return postId;
}
