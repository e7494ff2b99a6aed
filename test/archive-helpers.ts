/** Shared by the archive tests: list mail written as an mbox, a fresh migrated database, and the real corpus imported. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.ts';
import { listByLocalPart, type List } from '../src/lists/store.ts';
import { mboxrdEntry } from '../src/archives/mbox.ts';
import { importMbox } from '../src/archives/import.ts';
import { createSession } from '../src/membership/sessions.ts';
import { startPlatform, type RunningPlatform } from '../src/app/index.ts';
import { freshServerDatabase, removeDir, SHARED, tempDir, testConfig, testDatabaseEnv } from './helpers.ts';

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
    parts.push(
      [
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        m.html,
        '--alt--',
        '',
      ].join('\n'),
    );
  } else parts.push(['Content-Type: text/plain; charset=utf-8', '', text, ''].join('\n'));
  if (m.attachment) {
    parts.push(
      [
        `Content-Type: ${m.attachment.type}; name="${m.attachment.filename}"`,
        `Content-Disposition: attachment; filename="${m.attachment.filename}"`,
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(m.attachment.content).toString('base64'),
        '',
      ].join('\n'),
    );
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

/** Real list mail: 1,500 messages of usrp-users (see its SOURCE.md), in ../shared. */
export const CORPUS = path.join(SHARED, 'data/mail-corpus/usrp-users-1500.mbox.gz');

export interface CorpusArchive {
  platform: RunningPlatform;
  /** A member's session cookie value (sg_session): the archive is for members only. */
  session: string;
  /** Every message page, /archives/social-media/<n>, in number order. */
  messagePaths: string[];
  close(): Promise<void>;
}

/** The web role on a fresh database, with the corpus imported into the social-media list and a member to read it. */
export async function startCorpusArchive(): Promise<CorpusArchive> {
  const database = await testDatabaseEnv();
  const dir = tempDir();
  let platform: RunningPlatform | undefined;
  const close = async () => {
    await platform?.close();
    await database.cleanup();
    removeDir(dir);
  };
  try {
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const pool = platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    const report = await importMbox(pool, list, readFileSync(CORPUS), { name: 'test', source: 'cli' });
    assert.equal(report.found, 1500);
    const { rows } = await pool.query(`insert into members (email, name) values ('reader@agency.gov', 'Reader') returning id`);
    await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [
      rows[0].id,
    ]);
    const session = await createSession(pool, Number(rows[0].id), { days: 1 });
    const posts = await pool.query<{ number: number }>(
      'select p.number from posts p join archive_entries e on e.post_id = p.id where p.list_id = $1 order by p.number',
      [list.id],
    );
    // the corpus repeats a few Message-IDs: those are imported once
    assert.ok(posts.rows.length >= 1490, `${posts.rows.length} messages archived`);
    return { platform, session, messagePaths: posts.rows.map((r) => `/archives/social-media/${r.number}`), close };
  } catch (err) {
    await close();
    throw err;
  }
}
