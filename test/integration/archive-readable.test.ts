/**
 * The archive, readable (issue 19, items 12–14), over HTTP on the real server: words inside
 * paths and slash-joined words are found; "has attachments" means a file the sender attached;
 * a post that came in by mail "via" another list shows its poster, as an import does; a reply
 * that arrives before its parent is linked when the parent arrives; a month page lists the
 * threads that had messages that month; and entries archived under the old rules are derived
 * again (the queue migration 0052 fills, emptied by the worker or `archives rederive`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { listByLocalPart, type List } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { mboxrdEntry } from '../../src/archives/mbox.ts';
import { rederivePending } from '../../src/archives/archiver.ts';
import { mboxOf, rawMail, type TestMail } from '../archive-helpers.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { WebClient } from '../web-client.ts';

const actor = { name: 'test', source: 'cli' };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

/** A message with parts written out (signatures, Content-IDs, related images): rawMail cannot make these. */
function multipart(id: string, date: string, subject: string, parts: string[][], type = 'multipart/mixed'): string {
  return [
    'From: Kim Park <kim@agency.gov>',
    'To: list@lists.example.gov',
    `Subject: ${subject}`,
    `Date: ${new Date(date).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
    `Content-Type: ${type}; boundary="p1"`,
    '',
    ...parts.flatMap((p) => ['--p1', ...p]),
    '--p1--',
    '',
  ].join('\r\n');
}
const TEXT = (words: string) => ['Content-Type: text/plain; charset=utf-8', '', words];

const MAILS: TestMail[] = [
  {
    id: 'paths@x',
    from: 'Jo Smith <jo@agency.gov>',
    subject: 'Where we post',
    date: '2024-03-04T15:00:00Z',
    text: 'We post on Facebook/Instagram/TikTok every day.',
  },
  {
    id: 'bench@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Throughput',
    date: '2024-03-05T15:00:00Z',
    text: 'Run ./benchmark_rate --rx_rate 10e6 on the radio.',
  },
  { id: 'radios@x', from: 'Bea Lu <bea@agency.gov>', subject: 'Which radio', date: '2024-03-06T15:00:00Z', text: 'It works on the X410/X440/E320 alike.' },
  // a thread started in March, answered in April
  { id: 'march@x', from: 'Jo Smith <jo@agency.gov>', subject: 'Caption vendors', date: '2024-03-28T15:00:00Z', text: 'Who captions your videos?' },
  {
    id: 'april@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Re: Caption vendors',
    date: '2024-04-02T15:00:00Z',
    inReplyTo: 'march@x',
    text: 'We do it in house.',
  },
];

describe('the archive, readable', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let member: WebClient;
  let list: List;

  /** Store a post as the listserv stores one that came in by mail (acceptPost): the From header as sent. */
  async function mailIn(
    raw: string,
    messageId: string,
    fromAddress: string,
    fromName: string | null,
    extra: { inReplyTo?: string; refs?: string[] } = {},
  ): Promise<number> {
    const pool = platform.db.pool;
    const { rows } = await pool.query<{ post_count: number }>('update lists set post_count = post_count + 1 where id = $1 returning post_count', [list.id]);
    const n = Number(rows[0]!.post_count);
    const subject = /^Subject: (.*)$/m.exec(raw)![1]!.trim();
    const sentAt = new Date(/^Date: (.*)$/m.exec(raw)![1]!.trim());
    await pool.query(
      `insert into posts (list_id, number, message_id, in_reply_to, refs, subject, from_address, from_name, sent_at, raw, decorated, size)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`,
      [list.id, n, messageId, extra.inReplyTo ?? null, extra.refs ?? [], subject, fromAddress, fromName, sentAt, Buffer.from(raw), raw.length],
    );
    return n;
  }

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const pool = platform.db.pool;
    list = (await listByLocalPart(pool, 'social-media'))!;
    await importMbox(pool, list, mboxOf(MAILS), actor);
    list = (await listByLocalPart(pool, 'social-media'))!;
    const { rows } = await pool.query(`insert into members (email, name) values ('reader@agency.gov', 'Reader') returning id`);
    await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [
      rows[0].id,
    ]);
    member = new WebClient(platform.url);
    member.cookies.set('sg_session', await createSession(pool, Number(rows[0].id), { days: 1 }));
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  const found = async (query: string) => {
    const r = await member.get(`/archives/social-media/search?${query}`);
    assert.equal(r.status, 200, query);
    return [...r.text.matchAll(/href="\/archives\/social-media\/(\d+)"/g)].map((m) => Number(m[1]));
  };
  const numberOf = async (messageId: string) =>
    Number((await platform.db.pool.query('select number from posts where message_id = $1', [`<${messageId}>`])).rows[0].number);

  test('search finds the words inside slash-joined words, paths and model lists', async () => {
    assert.deepEqual(await found('q=instagram'), [await numberOf('paths@x')]);
    assert.deepEqual(await found('q=tiktok'), [await numberOf('paths@x')]);
    assert.deepEqual(await found('q=benchmark_rate'), [await numberOf('bench@x')]);
    assert.deepEqual(await found('q=X440'), [await numberOf('radios@x')]);
    assert.deepEqual(await found('q=%22X410%2FX440%2FE320%22'), [await numberOf('radios@x')], 'the whole still matches');
  });

  test('a month lists the threads started in it and the earlier threads answered in it', async () => {
    const april = await member.get('/archives/social-media/months/2024-04');
    assert.equal(april.status, 200);
    assert.match(april.text, /No threads started this month\./);
    assert.match(april.text, /<h2>Earlier threads with messages in April 2024<\/h2>/);
    assert.match(april.text, /Caption vendors<\/a>/);
    assert.match(april.text, /1 message this month/);
    const march = await member.get('/archives/social-media/months/2024-03');
    assert.match(march.text, /Caption vendors<\/a>/);
    assert.ok(!march.text.includes('Earlier threads'), 'nothing continued from before March');
  });

  test('"has attachments": a file the sender attached, with or without a Content-ID; not a signature, not an image the HTML shows', async () => {
    const pool = platform.db.pool;
    const mails = [
      multipart(
        'signed@x',
        '2024-05-01T10:00:00Z',
        'Signed only',
        [
          TEXT('Signed mail, nothing attached.'),
          [
            'Content-Type: application/pkcs7-signature; name="smime.p7s"',
            'Content-Disposition: attachment; filename="smime.p7s"',
            'Content-Transfer-Encoding: base64',
            '',
            'MIAGCSqGSIb3DQEHAqCAMIACAQE=',
          ],
        ],
        'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256',
      ),
      multipart('log@x', '2024-05-02T10:00:00Z', 'Log attached', [
        TEXT('Here is the log.'),
        [
          'Content-Type: text/x-log; name="run.log"',
          'Content-Disposition: attachment; filename="run.log"',
          'Content-ID: <f_k1@mail.gmail.com>',
          '',
          '[ERROR] timeout',
        ],
      ]),
      multipart(
        'logo@x',
        '2024-05-03T10:00:00Z',
        'Signature logo',
        [
          ['Content-Type: text/html; charset=utf-8', '', '<p>Hi.</p><p><img src="cid:logo@x.gov" alt="Agency logo"></p>'],
          [
            'Content-Type: image/png; name="logo.png"',
            'Content-Disposition: inline; filename="logo.png"',
            'Content-ID: <logo@x.gov>',
            'Content-Transfer-Encoding: base64',
            '',
            PNG,
          ],
        ],
        'multipart/related',
      ),
    ];
    await importMbox(pool, list, Buffer.concat(mails.map((m) => mboxrdEntry(Buffer.from(m), 'kim@agency.gov', new Date('2024-05-01T10:00:00Z')))), actor);
    assert.deepEqual(await found('attachment=1&since=2024-05-01'), [await numberOf('log@x')]);
    const page = await member.get(`/archives/social-media/${await numberOf('logo@x')}`);
    assert.match(page.text, /<img src="\/archives\/social-media\/\d+\/attachments\/0" alt="Agency logo" \/>/, 'the inline image still shows');
  });

  test('mail that came in "via" another list shows its poster, as the importer does', async () => {
    const raw = [
      'From: "Pat Lee via OtherList" <otherlist@lists.example.org>',
      'Reply-To: "Pat Lee" <pat.lee@agency.gov>',
      'To: social-media@lists.example.gov',
      'Subject: Alt text checklist',
      'Date: Mon, 6 May 2024 10:00:00 +0000',
      'Message-ID: <via@x>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Our checklist for alt text.',
      '',
    ].join('\r\n');
    const n = await mailIn(raw, '<via@x>', 'otherlist@lists.example.org', 'Pat Lee via OtherList');
    const page = await member.get(`/archives/social-media/${n}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<dd>Pat Lee &lt;pat\.lee@agency\.gov(&gt;|>)<\/dd>/);
    assert.ok(!page.text.includes('otherlist@lists.example.org'), 'the other list is not shown as the poster');
    const month = await member.get('/archives/social-media/months/2024-05');
    assert.match(month.text, /Alt text checklist<\/a>\s*<div class="sg-card-meta">Started by Pat Lee,/);
    assert.deepEqual(await found('from=pat.lee'), [n], 'the poster is searchable');
    // the same message imported (into a list of its own): the same poster, by the same rule
    await platform.db.pool.query("insert into communities (slug, title) values ('open-data', 'Open Data')");
    const openData = (await listByLocalPart(platform.db.pool, 'open-data'))!;
    await importMbox(platform.db.pool, openData, mboxrdEntry(Buffer.from(raw), 'otherlist@lists.example.org', new Date('2024-05-06T10:00:00Z')), actor);
    const both = await platform.db.pool.query(`select from_address, from_name from archive_entries where message_id = '<via@x>' order by list_id`);
    assert.deepEqual(both.rows, [
      { from_address: 'pat.lee@agency.gov', from_name: 'Pat Lee' },
      { from_address: 'pat.lee@agency.gov', from_name: 'Pat Lee' },
    ]);
  });

  test('a reply that arrives before its parent is linked to it when the parent arrives', async () => {
    const pool = platform.db.pool;
    const root = rawMail({
      id: 'r0@x',
      from: 'Jo Smith <jo@agency.gov>',
      subject: 'Livestream setup',
      date: '2024-06-03T10:00:00Z',
      text: 'How do you stream?',
    });
    const parent = rawMail({
      id: 'r1@x',
      from: 'Al Green <al@other.gov>',
      subject: 'Re: Livestream setup',
      date: '2024-06-03T11:00:00Z',
      inReplyTo: 'r0@x',
      references: ['r0@x'],
      text: 'We use a hardware encoder.',
    });
    const child = rawMail({
      id: 'r2@x',
      from: 'Bea Lu <bea@agency.gov>',
      subject: 'Re: Livestream setup',
      date: '2024-06-03T12:00:00Z',
      inReplyTo: 'r1@x',
      references: ['r0@x', 'r1@x'],
      text: 'Which encoder?',
    });
    await mailIn(root, '<r0@x>', 'jo@agency.gov', 'Jo Smith');
    await member.get('/archives/social-media');
    // the parent was held for moderation: its reply is delivered (and archived) first
    const c = await mailIn(child, '<r2@x>', 'bea@agency.gov', 'Bea Lu', { inReplyTo: '<r1@x>', refs: ['<r0@x>', '<r1@x>'] });
    assert.match((await member.get(`/archives/social-media/${c}`)).text, /In reply to/);
    const p = await mailIn(parent, '<r1@x>', 'al@other.gov', 'Al Green', { inReplyTo: '<r0@x>', refs: ['<r0@x>'] });
    const page = await member.get(`/archives/social-media/${c}`);
    assert.match(page.text, new RegExp(`<dt>In reply to</dt>\\s*<dd>\\s*<a href="/archives/social-media/${p}">Message ${p}</a>`));
    const parentPage = await member.get(`/archives/social-media/${p}`);
    assert.match(parentPage.text, new RegExp(`href="/archives/social-media/${c}">Message ${c}</a>`), 'the parent lists its reply');
    const threads = await pool.query('select count(distinct thread_id)::int as n from archive_entries where message_id = any($1)', [
      ['<r0@x>', '<r1@x>', '<r2@x>'],
    ]);
    assert.equal(threads.rows[0].n, 1);
  });

  test('entries archived under the old rules are derived again: poster, attachments, search words', async () => {
    const pool = platform.db.pool;
    const bench = await numberOf('bench@x');
    const via = (await pool.query(`select post_id from archive_entries where message_id = '<via@x>'`)).rows[0].post_id;
    const log = (await pool.query(`select post_id from archive_entries where message_id = '<log@x>'`)).rows[0].post_id;
    // as 0050's archiver left them: the whole path as one word, the list as poster, the flag by Content-ID
    await pool.query(`update archive_entries set search = to_tsvector('english', 'Run ./benchmark_rate on the radio') where message_id = '<bench@x>'`);
    await pool.query(`update archive_entries set from_address = 'otherlist@lists.example.org', from_name = 'Pat Lee via OtherList' where post_id = $1`, [via]);
    await pool.query('update archive_entries set has_attachment = false where post_id = $1', [log]);
    assert.deepEqual(await found('q=benchmark_rate'), [], 'the old vector misses it');
    await pool.query('insert into archive_rederive (post_id, list_id) select post_id, list_id from archive_entries');
    const done = await rederivePending(pool, { batch: 4 });
    assert.ok(done >= 10, `${done} read again`);
    assert.equal((await pool.query('select count(*)::int as n from archive_rederive')).rows[0].n, 0);
    assert.deepEqual(await found('q=benchmark_rate'), [bench]);
    const { rows } = await pool.query('select from_address, from_name from archive_entries where post_id = $1', [via]);
    assert.deepEqual(rows[0], { from_address: 'pat.lee@agency.gov', from_name: 'Pat Lee' });
    assert.equal((await pool.query('select has_attachment from archive_entries where post_id = $1', [log])).rows[0].has_attachment, true);
  });
});
