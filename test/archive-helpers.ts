/** Shared by the archive tests: list mail written as an mbox, and a fresh migrated database. */
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.ts';
import { listByLocalPart, type List } from '../src/lists/store.ts';
import { mboxrdEntry } from '../src/archives/mbox.ts';
import { freshServerDatabase } from './helpers.ts';

export interface TestMail {
  id: string;
  from: string;
  subject: string;
  date: string;
  inReplyTo?: string;
  references?: string[];
  text?: string;
  html?: string;
  attachment?: { filename: string; type: string; content: string };
}

/** One message as raw RFC 5322 text (multipart when it has HTML or an attachment). */
export function rawMail(m: TestMail): string {
  const head = [
    `From: ${m.from}`,
    `To: list@lists.example.gov`,
    `Subject: ${m.subject}`,
    `Date: ${new Date(m.date).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${m.id}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
    'MIME-Version: 1.0',
  ];
  const text = m.text ?? 'Hello.';
  if (!m.html && !m.attachment) return [...head, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\n');
  const parts: string[] = [];
  if (m.html) {
    parts.push(['Content-Type: multipart/alternative; boundary="alt"', '', '--alt', 'Content-Type: text/plain; charset=utf-8', '', text, '--alt', 'Content-Type: text/html; charset=utf-8', '', m.html, '--alt--', ''].join('\n'));
  } else parts.push(['Content-Type: text/plain; charset=utf-8', '', text, ''].join('\n'));
  if (m.attachment) {
    parts.push([`Content-Type: ${m.attachment.type}; name="${m.attachment.filename}"`, `Content-Disposition: attachment; filename="${m.attachment.filename}"`, 'Content-Transfer-Encoding: base64', '', Buffer.from(m.attachment.content).toString('base64'), ''].join('\n'));
  }
  return [...head, 'Content-Type: multipart/mixed; boundary="mix"', '', ...parts.map((p) => `--mix\n${p}`), '--mix--', ''].join('\n');
}

export function mboxOf(mails: TestMail[]): Buffer {
  return Buffer.concat(mails.map((m) => mboxrdEntry(Buffer.from(rawMail(m)), m.from.replace(/.*</, '').replace(/>.*/, ''), new Date(m.date))));
}

export interface ArchiveDb {
  pool: pg.Pool;
  url: string;
  list(localPart: string): Promise<List>;
  close(): Promise<void>;
}

/** A fresh, migrated database with the given communities (each gets its list). */
export async function archiveDb(communities: Array<{ slug: string; title: string; archivePublic?: boolean }>): Promise<ArchiveDb> {
  const db = await freshServerDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await migrate(pool);
  for (const c of communities) {
    await pool.query('insert into communities (slug, title) values ($1, $2)', [c.slug, c.title]);
    if (c.archivePublic) await pool.query('update lists set archive_public = true where local_part = $1', [c.slug]);
  }
  return {
    pool,
    url: db.url,
    list: async (lp) => (await listByLocalPart(pool, lp))!,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}
