/**
 * The archive's service functions against a real PostgreSQL: import (all or nothing, idempotent),
 * threading, access, search, mboxrd export read back by Python's mailbox module, and the real
 * list corpus.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { archiveAccess } from '../../src/archives/access.ts';
import { archivePending } from '../../src/archives/archiver.ts';
import { archiveMonths, postByNumber, threadById, threadPosts, threadsBetween } from '../../src/archives/browse.ts';
import { mboxrdChunks } from '../../src/archives/export.ts';
import { importMbox } from '../../src/archives/import.ts';
import { MboxFormatError } from '../../src/archives/mbox.ts';
import { monthRange } from '../../src/archives/months.ts';
import { newestMatches, searchArchive, searchConditions, SearchQueryError } from '../../src/archives/search.ts';
import { archiveDb, mboxOf, rawMail, type ArchiveDb, type TestMail } from '../archive-helpers.ts';
import { HAS_SHARED, NO_SERVER, NO_SHARED, removeDir, SHARED, tempDir } from '../helpers.ts';

const actor = { name: 'test', source: 'cli' };
const CORPUS = path.join(SHARED, 'data/mail-corpus/usrp-users-1500.mbox.gz');

const MAILS: TestMail[] = [
  {
    id: 'a@x',
    from: 'Jo Smith <jo.smith@agency.gov>',
    subject: '[SocialGov] Office hours on Tuesday',
    date: '2024-03-04T15:00:00Z',
    text: 'Join our office hours about accessible captions.\nFrom now on we meet weekly.',
  },
  {
    id: 'b@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Re: [SocialGov] Office hours on Tuesday',
    date: '2024-03-04T16:00:00Z',
    inReplyTo: 'a@x',
    text: 'I will come.\n\nOn Mon, Jo wrote:\n> Join our office hours about accessible captions.',
  },
  {
    id: 'c@x',
    from: 'Bea Lu <bea@agency.gov>',
    subject: 'Re: Office hours on Tuesday',
    date: '2024-03-05T09:00:00Z',
    references: ['a@x', 'b@x'],
    text: 'Me too, with slides.',
    attachment: { filename: 'slides.pdf', type: 'application/pdf', content: '%PDF-1.4 test' },
  },
  { id: 'd@x', from: 'Cy Po <cy@agency.gov>', subject: 'RE: [SocialGov] Office hours on Tuesday', date: '2024-03-06T09:00:00Z', text: 'Late to this: yes.' },
  {
    id: 'e@x',
    from: 'Jo Smith <jo.smith@agency.gov>',
    subject: 'Emergency alerts policy',
    date: '2024-04-01T12:00:00Z',
    text: 'Who has a policy for emergency alerts on social media?',
    html: '<p>Who has a <b>policy</b> for emergency alerts?</p><script>window.__xss=1</script>',
  },
  // a reply whose sender's clock ran early: dated before its parent
  {
    id: 'g@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Re: Emergency alerts policy',
    date: '2024-04-01T11:59:00Z',
    inReplyTo: 'e@x',
    text: 'We use a template.',
  },
];

describe('archives: import, threads, search, export', { skip: NO_SERVER }, () => {
  let db: ArchiveDb;
  let dir: string;
  before(async () => {
    db = await archiveDb([
      { slug: 'social-media', title: 'Social Media' },
      { slug: 'open-data', title: 'Open Data', archivePublic: true },
    ]);
    dir = tempDir();
  });
  after(async () => {
    await db?.close();
    if (dir) removeDir(dir);
  });

  test('an mbox imports all or nothing, and again adds nothing', async () => {
    const list = await db.list('social-media');
    await assert.rejects(importMbox(db.pool, list, Buffer.from('Subject: not an mbox\n\nx\n'), actor), MboxFormatError);
    const r = await importMbox(db.pool, list, gzipSync(mboxOf(MAILS)), actor);
    assert.deepEqual(
      { found: r.found, imported: r.imported, duplicates: r.duplicates, first: r.firstNumber, last: r.lastNumber },
      { found: 6, imported: 6, duplicates: 0, first: 1, last: 6 },
    );
    const again = await importMbox(db.pool, list, mboxOf(MAILS), actor);
    assert.equal(again.imported, 0);
    assert.equal(again.duplicates, 6);
    const { rows } = await db.pool.query('select post_count from lists where id = $1', [list.id]);
    assert.equal(rows[0].post_count, 6, 'numbers continue where the list is');
    const audit = await db.pool.query("select count(*)::int as n from audit_log where action = 'archives.import'");
    assert.equal(audit.rows[0].n, 1, 'an import that added nothing changed nothing');
  });

  test('posts are threaded by In-Reply-To, References, subject, and out of order', async () => {
    const list = await db.list('social-media');
    const march = monthRange('2024-03', list.timeZone);
    const threads = await threadsBetween(db.pool, list.id, march.from, march.to);
    assert.equal(threads.length, 1);
    assert.equal(threads[0]!.messages, 4);
    assert.equal(threads[0]!.replies, 3);
    assert.equal(threads[0]!.participants, 4);
    const april = await threadsBetween(db.pool, list.id, ...(Object.values(monthRange('2024-04', list.timeZone)) as [Date, Date]));
    assert.equal(april.length, 1, 'the early reply joined its parent');
    const posts = await threadPosts(db.pool, april[0]!.id);
    assert.deepEqual(
      posts.map((p) => p.messageId),
      ['<g@x>', '<e@x>'],
    );
    const e = posts.find((p) => p.messageId === '<e@x>')!;
    const g = posts.find((p) => p.messageId === '<g@x>')!;
    assert.equal(g.parentNumber, e.number);
    assert.equal((await threadById(db.pool, list.id, april[0]!.id))!.rootNumber, g.number, 'the first post by date starts the thread');
    const c = (await postByNumber(db.pool, list.id, 3))!;
    assert.deepEqual(
      c.attachments.map((a) => [a.filename, a.contentType]),
      [['slides.pdf', 'application/pdf']],
    );
    assert.deepEqual(
      (await archiveMonths(db.pool, list.id, list.timeZone)).map((m) => [m.month, m.threads, m.posts]),
      [
        ['2024-04', 1, 2],
        ['2024-03', 1, 4],
      ],
    );
  });

  test('a post the listserv stores is archived from the queue', async () => {
    const list = await db.list('social-media');
    const raw = Buffer.from(
      rawMail({
        id: 'live@x',
        from: 'jo.smith@agency.gov',
        subject: 'Re: Emergency alerts policy',
        date: '2024-04-02T10:00:00Z',
        inReplyTo: 'e@x',
        text: 'Here is ours.',
      }),
    );
    await db.pool.query(
      `insert into posts (list_id, number, message_id, in_reply_to, subject, from_address, sent_at, raw, decorated, size)
       values ($1, 7, '<live@x>', '<e@x>', 'Re: Emergency alerts policy', 'jo.smith@agency.gov', '2024-04-02T10:00:00Z', $2, $2, $3)`,
      [list.id, raw, raw.length],
    );
    assert.equal(await archivePending(db.pool, list.id), 1);
    const post = (await postByNumber(db.pool, list.id, 7))!;
    assert.equal(post.text.trim(), 'Here is ours.');
    assert.equal((await threadById(db.pool, list.id, post.threadId))!.messages, 3);
  });

  test('who may read: members; anyone (addresses hidden) on a public list; nobody else', async () => {
    const { rows } = await db.pool.query(`insert into members (email, name) values ('m@agency.gov', 'M'), ('out@agency.gov', 'O') returning id`);
    const [m, out] = rows.map((r) => Number(r.id)) as [number, number];
    await db.pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [m]);
    await db.pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'left' from communities where slug = 'social-media'`, [out]);
    const privateList = await db.list('social-media');
    const publicList = await db.list('open-data');
    assert.deepEqual(await archiveAccess(db.pool, privateList, null), { read: false, why: 'sign-in' });
    assert.deepEqual(await archiveAccess(db.pool, privateList, { memberId: out, siteAdmin: false }), { read: false, why: 'not-a-member' });
    assert.deepEqual(await archiveAccess(db.pool, privateList, { memberId: m, siteAdmin: false }), {
      read: true,
      member: true,
      coordinator: false,
      hideAddresses: false,
    });
    assert.deepEqual(await archiveAccess(db.pool, privateList, { memberId: out, siteAdmin: true }), {
      read: true,
      member: true,
      coordinator: true,
      hideAddresses: false,
    });
    assert.deepEqual(await archiveAccess(db.pool, publicList, null), { read: true, member: false, coordinator: false, hideAddresses: true });
  });

  test('search: words, phrases, sender, dates, attachments; ranked, highlighted, safe', async () => {
    const list = await db.list('social-media');
    const s = (q: Parameters<typeof searchArchive>[1], hide = false) => searchArchive(db.pool, q, { hideAddresses: hide });
    const captions = await s({ listIds: [list.id], words: 'caption' });
    assert.deepEqual(
      captions.hits.map((h) => h.number),
      [1],
      'stemmed; the quote in the reply is not indexed',
    );
    assert.match(captions.hits[0]!.snippet, /<mark>captions<\/mark>/);
    const alerts = await s({ listIds: [list.id], words: '"emergency alerts"' });
    assert.equal(alerts.hits[0]!.subject, 'Emergency alerts policy', 'subject and body matches rank first');
    assert.equal((await s({ listIds: [list.id], words: '"alerts emergency"' })).total, 0, 'a phrase keeps its order');
    // numbers follow the dates: the early reply (g) is 5, its parent (e) 6
    assert.deepEqual((await s({ listIds: [list.id], from: 'jo.smith' })).hits.map((h) => h.number).sort(), [1, 6, 7]);
    assert.deepEqual(
      (await s({ listIds: [list.id], from: 'Al Green', since: new Date('2024-04-01T00:00:00Z') })).hits.map((h) => h.number),
      [5],
    );
    assert.deepEqual(
      (await s({ listIds: [list.id], hasAttachment: true })).hits.map((h) => h.number),
      [3],
    );
    await assert.rejects(s({ listIds: [list.id], words: 'the and' }), SearchQueryError);
    await assert.rejects(s({ listIds: [list.id] }), SearchQueryError);
    const hidden = await s({ listIds: [list.id], words: 'office' }, true);
    assert.ok(hidden.hits.every((h) => !h.snippet.includes('@agency.gov') || h.snippet.includes('…@')));
    const xss = await s({ listIds: [list.id], words: 'policy' });
    assert.ok(
      xss.hits.every((h) => !/<(?!\/?mark>)/.test(h.snippet)),
      'only <mark> tags in snippets',
    );
  });

  test("export: mboxrd that Python's mailbox module reads back, message for message", async () => {
    const list = await db.list('social-media');
    const chunks: Buffer[] = [];
    for await (const c of mboxrdChunks(db.pool, { listId: list.id, ...monthRange('2024-03', list.timeZone) })) chunks.push(c);
    const file = path.join(dir, 'march.mbox');
    writeFileSync(file, Buffer.concat(chunks));
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import mailbox,sys\nfor m in mailbox.mbox(sys.argv[1]):\n  b=m.get_payload(0).get_payload() if m.is_multipart() else m.get_payload()\n  print(m["Message-ID"], "|", m["Subject"], "|", "From now on" in b)',
        file,
      ],
      { encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[0], '<a@x> | [SocialGov] Office hours on Tuesday | True', 'a body line starting "From " survives');
    assert.deepEqual(
      lines.map((l) => l.split(' | ')[0]),
      ['<a@x>', '<b@x>', '<c@x>', '<d@x>'],
    );
  });

  test('the real list corpus: 1,500 messages import, thread, and can be found', { skip: NO_SHARED, timeout: 180_000 }, async () => {
    if (!HAS_SHARED) return;
    const list = await db.list('open-data');
    const r = await importMbox(db.pool, list, readFileSync(CORPUS), actor);
    assert.equal(r.found, 1500);
    assert.equal(r.imported + r.duplicates, 1500);
    assert.ok(r.imported >= 1490, `imported ${r.imported}`);
    const { rows } = await db.pool.query<{ threads: number; longest: number; entries: number }>(
      'select count(*)::int as threads, max(message_count)::int as longest, sum(message_count)::int as entries from archive_threads where list_id = $1',
      [list.id],
    );
    assert.equal(rows[0]!.entries, r.imported, 'every message is in exactly one thread');
    assert.ok(rows[0]!.threads > 200 && rows[0]!.threads < 1000, `${rows[0]!.threads} threads`);
    assert.ok(rows[0]!.longest >= 10, 'long threads are held together');
    const theseus = await searchArchive(db.pool, { listIds: [list.id], words: '"Theseus Cores"' }, { hideAddresses: true });
    assert.ok(theseus.total >= 1);
    assert.match(theseus.hits[0]!.subject, /Theseus Cores/);
    assert.equal(theseus.hits[0]!.fromAddress, 'ejkreinar@gmail.com');
    const bySender = await searchArchive(db.pool, { listIds: [list.id], from: 'ejkreinar' }, { hideAddresses: true });
    assert.ok(bySender.total >= 1);
    assert.ok(bySender.hits.every((h) => h.fromAddress === 'ejkreinar@gmail.com'));
    // The two ways to find the newest matches (walking the dates, or the GIN index then a sort)
    // find the same posts, and so does PostgreSQL left to itself (a client, not the pool).
    const client = await db.pool.connect();
    try {
      for (const q of [
        { words: 'uhd' },
        { words: 'timeout' },
        { from: 'patchvonbraun' },
        { words: 'x310', from: 'leech' },
        { words: 'b210', since: new Date('2019-05-01T00:00:00Z') },
        { words: 'error', hasAttachment: true },
      ]) {
        const c = searchConditions({ listIds: [list.id], ...q });
        const { rows } = await db.pool.query<{ n: number }>(
          `select count(*)::int as n from archive_entries e where ${[...c.cheap, ...c.costly].join(' and ')}`,
          c.params,
        );
        const all = rows[0]!.n;
        assert.ok(all > 0, `${JSON.stringify(q)} finds something`);
        for (const limit of [all + 5, 20]) {
          // the walk reads the newest rows up to its budget: exactly enough rows for `limit` matches, then one less
          const { rows: edge } = await db.pool.query<{ n: number; alone: boolean }>(
            `select n, count(*) over (partition by sent_at) = 1 as alone from (
               select row_number() over (order by e.sent_at desc) as n, e.sent_at, ${c.costly.join(' and ')} as hit from archive_entries e where ${c.cheap.join(' and ')}) r
             where hit order by n limit 1 offset ${Math.min(limit, all) - 1}`,
            c.params,
          );
          const budget = edge[0]!.n;
          const walked = await newestMatches(db.pool, c, limit, { walk: budget });
          assert.equal(walked.length, Math.min(limit, all), `${JSON.stringify(q)}: the walk through ${budget} rows finds ${Math.min(limit, all)}`);
          // (unless another post has the same date as the last one found: then which of them is first is not fixed)
          if (edge[0]!.alone)
            assert.equal(
              (await newestMatches(db.pool, c, limit, { walk: budget - 1 })).length,
              Math.min(limit, all) - 1,
              `${JSON.stringify(q)}: one row less, one match less`,
            );
          const bitmap = await newestMatches(db.pool, c, limit, 'bitmap');
          const chosen = await newestMatches(db.pool, c, limit);
          const planner = await newestMatches(client, c, limit);
          const when = async (ids: string[]) =>
            (await db.pool.query<{ t: Date }>('select sent_at as t from archive_entries where post_id = any($1) order by sent_at desc', [ids])).rows.map((r) =>
              r.t.getTime(),
            );
          if (limit > all) for (const other of [bitmap, chosen, planner]) assert.deepEqual([...other].sort(), [...walked].sort(), JSON.stringify(q));
          // at a page's edge two posts of the same second may swap: the dates are the same
          else for (const other of [bitmap, chosen, planner]) assert.deepEqual(await when(other), await when(walked), JSON.stringify(q));
        }
      }
    } finally {
      client.release();
    }
    assert.equal((await importMbox(db.pool, list, readFileSync(CORPUS), actor)).imported, 0, 'importing again adds nothing');
  });
});
