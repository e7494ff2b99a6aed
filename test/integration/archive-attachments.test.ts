/**
 * Archive attachments are downloads of inert types: the sender's Content-Type is kept only for a
 * few types no browser runs (a JavaScript or SVG attachment is application/octet-stream), never
 * sniffed, never inline. S/MIME signatures (which carry the signer's address) are for members.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { mboxrdEntry } from '../../src/archives/mbox.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { rawMail, type TestMail } from '../archive-helpers.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';

const FILES: Array<{ filename: string; type: string; served: string }> = [
  { filename: 'steal.js', type: 'application/javascript', served: 'application/octet-stream' },
  { filename: 'page.html', type: 'text/html', served: 'application/octet-stream' },
  { filename: 'logo.svg', type: 'image/svg+xml', served: 'application/octet-stream' },
  { filename: 'doc.xml', type: 'text/xml', served: 'application/octet-stream' },
  { filename: 'chart.png', type: 'image/png', served: 'image/png' },
  { filename: 'photo.jpg', type: 'image/jpeg', served: 'image/jpeg' },
  { filename: 'anim.gif', type: 'image/gif', served: 'image/gif' },
  { filename: 'report.pdf', type: 'application/pdf', served: 'application/pdf' },
  { filename: 'notes.txt', type: 'text/plain', served: 'text/plain' },
];

/** A signed message as S/MIME clients send it: the text, then the signature part. */
function signedMail(id: string, sigType: string): string {
  return [
    'From: Sam Signer <sam.signer@agency.gov>',
    'To: list@lists.example.gov',
    `Subject: Signed ${sigType}`,
    'Date: Tue, 05 Mar 2024 10:00:00 +0000',
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/signed; protocol="${sigType}"; micalg=sha-256; boundary="sig"`,
    '',
    '--sig',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Signed text.',
    '--sig',
    `Content-Type: ${sigType}; name="smime.p7s"`,
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="smime.p7s"',
    '',
    Buffer.from('signature naming sam.signer@agency.gov').toString('base64'),
    '--sig--',
    '',
  ].join('\n');
}

describe('archive attachments', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let memberCookie: string;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir('sg-attach-');
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const pool = platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    const mails: TestMail[] = FILES.map((f, i) => ({
      id: `f${i}@x`,
      from: 'Jo Smith <jo.smith@agency.gov>',
      subject: `File ${f.filename}`,
      date: `2024-03-0${1 + (i % 3)}T1${i}:00:00Z`,
      text: 'See attached.',
      attachment: { filename: f.filename, type: f.type, content: 'x' },
    }));
    const raws = [...mails.map((m) => rawMail(m)), signedMail('s1@x', 'application/pkcs7-signature'), signedMail('s2@x', 'application/x-pkcs7-signature')];
    await importMbox(
      pool,
      list,
      Buffer.concat(raws.map((r, i) => mboxrdEntry(Buffer.from(r), 'sender@agency.gov', new Date(Date.UTC(2024, 2, 1, i))))),
      SYSTEM,
    );
    const m = await pool.query<{ id: string }>(`insert into members (email, name) values ('member@agency.gov', 'Member') returning id`);
    await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [
      m.rows[0]!.id,
    ]);
    memberCookie = `sg_session=${await createSession(pool, Number(m.rows[0]!.id), { days: 1 })}`;
    await pool.query("update lists set archive_public = true where local_part = 'social-media'");
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  /** The archive number of the message with this subject. */
  async function numberOf(subject: string): Promise<number> {
    const { rows } = await platform.db.pool.query<{ number: number }>(
      `select p.number from posts p join archive_entries e on e.post_id = p.id where e.subject = $1`,
      [subject],
    );
    assert.equal(rows.length, 1, subject);
    return Number(rows[0]!.number);
  }

  test('a download keeps its type only when the type is inert; always an attachment, never sniffed', async () => {
    for (const f of FILES) {
      const n = await numberOf(`File ${f.filename}`);
      const res = await fetch(`${platform.url}/archives/social-media/${n}/attachments/0`, { headers: { cookie: memberCookie } });
      assert.equal(res.status, 200, f.filename);
      assert.equal(res.headers.get('content-type'), f.served, f.filename);
      assert.match(res.headers.get('content-disposition')!, new RegExp(`^attachment; filename="${f.filename.replace('.', '\\.')}"`), f.filename);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', f.filename);
      await res.arrayBuffer();
    }
  });

  for (const sigType of ['application/pkcs7-signature', 'application/x-pkcs7-signature']) {
    test(`a public archive keeps ${sigType} signatures from visitors who are not members`, async () => {
      const n = await numberOf(`Signed ${sigType}`);
      const visitor = await fetch(`${platform.url}/archives/social-media/${n}`);
      assert.equal(visitor.status, 200);
      const page = await visitor.text();
      assert.match(page, /Signed text\./);
      assert.doesNotMatch(page, /smime\.p7s/);
      const download = await fetch(`${platform.url}/archives/social-media/${n}/attachments/0`);
      assert.equal(download.status, 404);
      assert.doesNotMatch(await download.text(), /sam\.signer/);

      const member = await (await fetch(`${platform.url}/archives/social-media/${n}`, { headers: { cookie: memberCookie } })).text();
      assert.match(member, /smime\.p7s/, 'members see the signature');
      const theirs = await fetch(`${platform.url}/archives/social-media/${n}/attachments/0`, { headers: { cookie: memberCookie } });
      assert.equal(theirs.status, 200);
      assert.equal(theirs.headers.get('content-type'), 'application/octet-stream');
      assert.match(await theirs.text(), /sam\.signer@agency\.gov/);
    });
  }
});
