/**
 * Archive pages for members keep what every reader sees alike (threads, posts, months, bodies) a
 * few seconds (ctx.recent), with kept pages on as in production (PAGE_CACHE_SECONDS=5). These
 * prove what that may never cost: a new post shows on the member's next page, also one that came
 * in through another process (mail in, an import) and still waits to be archived; what one member
 * loaded never reaches a visitor the access check turns away; a member's own mute shows at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { listByLocalPart, type List } from '../../src/lists/index.ts';
import { importMbox } from '../../src/archives/import.ts';
import { muteThread, unmuteThread } from '../../src/archives/mutes.ts';
import { mboxOf, rawMail, type TestMail } from '../archive-helpers.ts';
import { NO_SERVER, testConfig, testDatabaseEnv } from '../helpers.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

const FIRST: TestMail[] = [
  {
    id: 'start@x',
    from: 'Jo Smith <jo.smith@agency.gov>',
    subject: '[Social Media] Caption vendors',
    date: '2024-05-06T15:00:00Z',
    text: 'Which caption vendors do you use?',
  },
  {
    id: 'reply1@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Re: [Social Media] Caption vendors',
    date: '2024-05-06T16:00:00Z',
    inReplyTo: 'start@x',
    text: 'We use the schedule from GSA.',
  },
];

describe('archive pages for members, kept a few seconds', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let list: List;
  let threadId: number;
  let memberId: number;
  let member: WebClient;
  let otherCommunity: WebClient;
  let nonMember: WebClient;
  let anonymous: WebClient;

  async function signedIn(email: string, community: string | null): Promise<{ id: number; client: WebClient }> {
    const pool = platform.db.pool;
    const id = Number((await pool.query(`insert into members (email, name) values ($1, $1) returning id`, [email])).rows[0].id);
    if (community)
      await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = $2`, [id, community]);
    const client = new WebClient(platform.url);
    client.cookies.set('sg_session', await createSession(pool, id, { days: 1 }));
    return { id, client };
  }

  /** A post accepted by another process (mail in), not yet archived: as the list pipeline stores it. */
  async function postFromMailIn(m: TestMail): Promise<number> {
    const raw = Buffer.from(rawMail(m));
    const client = await platform.db.pool.connect();
    try {
      await client.query('begin');
      const n = Number((await client.query(`update lists set post_count = post_count + 1 where id = $1 returning post_count`, [list.id])).rows[0].post_count);
      await client.query(
        `insert into posts (list_id, number, message_id, in_reply_to, subject, from_address, from_name, sent_at, raw, decorated, size)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
        [
          list.id,
          n,
          m.id,
          m.inReplyTo ?? null,
          m.subject,
          m.from.replace(/.*</, '').replace(/>.*/, ''),
          m.from.replace(/\s*<.*/, ''),
          new Date(m.date),
          raw,
          raw.length,
        ],
      );
      await client.query('commit');
      return n;
    } finally {
      client.release();
    }
  }

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', PAGE_CACHE_SECONDS: '5' }));
    const pool = platform.db.pool;
    await pool.query(`insert into communities (slug, title) values ('open-data', 'Open Data')`);
    list = (await listByLocalPart(pool, 'social-media'))!;
    assert.equal(list.archivePublic, false, 'the archive is members-only');
    await importMbox(pool, list, mboxOf(FIRST), { name: 'test', source: 'cli' });
    threadId = Number((await pool.query(`select thread_id from archive_entries where message_id like '%start@x%'`)).rows[0].thread_id);
    ({ id: memberId, client: member } = await signedIn('member@agency.gov', 'social-media'));
    otherCommunity = (await signedIn('open.data@agency.gov', 'open-data')).client;
    nonMember = (await signedIn('nobody@agency.gov', null)).client;
    anonymous = new WebClient(platform.url);
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  test('a new post shows on the member’s next thread, month, message and archive page', async () => {
    const thread = `/archives/social-media/threads/${threadId}`;
    const month = '/archives/social-media/months/2024-05';
    const first = await member.get(thread);
    assert.equal(first.status, 200);
    assert.match(first.text, /We use the schedule from GSA/);
    assert.doesNotMatch(first.text, /plain-language captions/);
    assert.match((await member.get(month)).text, /Caption vendors/);
    const root = await member.get('/archives/social-media/1');
    assert.doesNotMatch(root.text, /Bea Lu/, 'no reply from Bea yet');

    // Imported by another process (the CLI): archived at once, nothing goes through this web process.
    await importMbox(
      platform.db.pool,
      list,
      mboxOf([
        {
          id: 'reply2@x',
          from: 'Bea Lu <bea@agency.gov>',
          subject: 'Re: [Social Media] Caption vendors',
          date: '2024-05-07T09:00:00Z',
          inReplyTo: 'start@x',
          text: 'We switched to plain-language captions.',
        },
      ]),
      { name: 'test', source: 'cli' },
    );
    assert.match((await member.get(thread)).text, /plain-language captions/, 'the thread page shows the new reply');
    assert.match((await member.get('/archives/social-media/1')).text, /Bea Lu/, 'the message page lists the new reply');
    assert.match((await member.get(month)).text, /2 replies · 3 participants/, 'the month counts it');

    // Accepted by mail in, still waiting to be archived: the page archives it first and shows it.
    const n = await postFromMailIn({
      id: 'reply3@x',
      from: 'Cy Park <cy@agency.gov>',
      subject: 'Re: [Social Media] Caption vendors',
      date: '2024-05-08T09:00:00Z',
      inReplyTo: 'reply2@x',
      text: 'Same here, since March.',
    });
    assert.match((await member.get(thread)).text, /Same here, since March/, 'a post from mail in shows on the next thread page');
    assert.equal((await member.get(`/archives/social-media/${n}`)).status, 200);
    const june = await postFromMailIn({
      id: 'june@x',
      from: 'Cy Park <cy@agency.gov>',
      subject: '[Social Media] Alt text for charts',
      date: '2024-06-03T09:00:00Z',
      text: 'How do you describe charts?',
    });
    assert.ok(june > n);
    const home = await member.get('/archives/social-media');
    assert.match(home.text, /href="\/archives\/social-media\/months\/2024-06"/, 'the archive page lists the new month');
    assert.match((await member.get('/archives/social-media/months/2024-06')).text, /Alt text for charts/);
  });

  test('what a member loaded never reaches someone the archive turns away', async () => {
    const pages = [
      '/archives/social-media',
      `/archives/social-media/threads/${threadId}`,
      '/archives/social-media/months/2024-05',
      '/archives/social-media/1',
      '/archives/social-media/1?format=text',
      `/archives/social-media/threads/${threadId + 1000}`,
    ];
    for (const p of pages) await member.get(p);
    for (const p of pages) {
      for (const [who, client] of [
        ['a member of another community', otherCommunity],
        ['a signed-in non-member', nonMember],
      ] as const) {
        const r = await client.get(p);
        assert.equal(r.status, 403, `${who} on ${p}`);
        assert.doesNotMatch(r.text, /Caption vendors|schedule from GSA|jo\.smith/, `${who} on ${p}`);
      }
      const anon = await anonymous.get(p);
      assert.match(anon.url, /\/signin\?next=/, `a visitor is sent to sign in from ${p}`);
      assert.doesNotMatch(anon.text, /Caption vendors|schedule from GSA|jo\.smith/, p);
    }
  });

  test('muting and unmuting show on the member’s next thread page, however they were made', async () => {
    const thread = `/archives/social-media/threads/${threadId}`;
    const before = await member.get(thread);
    assert.match(before.text, />\s*Mute this thread\s*</);
    // Through the page's own button.
    const muted = await member.request('POST', `${thread}/mute`, { _csrf: csrfToken(before.text), action: 'mute' });
    assert.match(muted.text, />\s*Unmute this thread\s*</);
    assert.match((await member.get(thread)).text, />\s*Unmute this thread\s*</);
    // Made elsewhere (the mute link of an email, handled by another web process).
    await unmuteThread(platform.db.pool, { threadId, memberId });
    assert.match((await member.get(thread)).text, />\s*Mute this thread\s*</);
    await muteThread(platform.db.pool, { listId: list.id, threadId, memberId });
    assert.match((await member.get(thread)).text, />\s*Unmute this thread\s*</);
  });

  test('a thread page kept for members of the same standing: each gets a form token and a draft id of their own, and the token works', async () => {
    const thread = `/archives/social-media/threads/${threadId}`;
    const ana = (await signedIn('ana.same@agency.gov', 'social-media')).client;
    const bo = (await signedIn('bo.same@agency.gov', 'social-media')).client;
    await ana.get(thread); // the first page with a form gives Ana her CSRF cookie: not kept
    const hers = await ana.get(thread);
    const his = await bo.get(thread);
    assert.equal(his.status, 200);
    assert.ok(his.headers.get('age') !== null, 'Bo, of the same standing, gets the page kept from Ana’s');
    assert.notEqual(csrfToken(his.text), csrfToken(hers.text));
    assert.notEqual(hidden(his.text, 'draft'), hidden(hers.text, 'draft'), 'each reply form has its own draft id');
    assert.doesNotMatch(his.text, /ana\.same@/);
    assert.equal(his.text.replace(/value="[^"]*"/g, ''), hers.text.replace(/value="[^"]*"/g, ''), 'the same page but for the per-request values');
    // Bo's token from the kept page is his: his mute goes through, and shows on his next page only.
    const muted = await bo.request('POST', `${thread}/mute`, { _csrf: csrfToken(his.text), action: 'mute' });
    assert.match(muted.text, />\s*Unmute this thread\s*</);
    assert.match((await bo.get(thread)).text, />\s*Unmute this thread\s*</);
    assert.match((await ana.get(thread)).text, />\s*Mute this thread\s*</);
  });
});
