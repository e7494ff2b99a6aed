/**
 * What a signed-in member may do is read afresh on every request: a ban, a new or lost role, a
 * sign-out or a site admin's lost rights shows on the very next page, also when another process
 * (the CLI, another web process) made the change straight in the database. The platform runs
 * with kept pages and shared figures on (PAGE_CACHE_SECONDS=5, as in production), so nothing
 * kept for a few seconds may hide such a change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession, SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { importMbox } from '../../src/archives/import.ts';
import { muteThread } from '../../src/archives/mutes.ts';
import { listByLocalPart } from '../../src/lists/index.ts';
import { mboxOf } from '../archive-helpers.ts';
import { createEvent } from '../../src/events/store.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { csrfToken, WebClient } from '../web-client.ts';

describe('a member’s rights are read on every request', () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let memberId: number;
  let communityId: number;
  /** SQL run as another process would (the CLI, a second web process): not through this web process. */
  const elsewhere = (sql: string, params: unknown[] = []) => platform.db.pool.query(sql, params);
  const communityPage = async (client: WebClient) => (await client.get('/communities/social-media')).text;
  const signedInAs = async (days = 1) => {
    const client = new WebClient(platform.url);
    client.cookies.set(SESSION_COOKIE, await createSession(platform.db.pool, memberId, { days }));
    return client;
  };

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', PAGE_CACHE_SECONDS: '5' }));
    communityId = Number((await platform.db.pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`)).rows[0]!.id);
    memberId = Number(
      (await platform.db.pool.query<{ id: string }>(`insert into members (email, name, agency) values ('pat.doe@hhs.gov', 'Pat Doe', 'HHS') returning id`))
        .rows[0]!.id,
    );
    await platform.db.pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'member')`, [
      communityId,
      memberId,
    ]);
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  test('a ban, and being let back in, show on the next page', async () => {
    const pat = await signedInAs();
    assert.doesNotMatch(await communityPage(pat), /Join this community/, 'a member is not asked to join');
    await elsewhere(`update memberships set status = 'banned' where member_id = $1`, [memberId]);
    assert.match(await communityPage(pat), /Join this community/, 'banned: no longer shown as a member');
    await elsewhere(`update memberships set status = 'active' where member_id = $1`, [memberId]);
    assert.doesNotMatch(await communityPage(pat), /Join this community/);
  });

  test('a role given and taken away shows on the next page', async () => {
    const pat = await signedInAs();
    const manage = /href="\/communities\/social-media\/admin"/;
    assert.doesNotMatch(await communityPage(pat), manage);
    await elsewhere(`update memberships set role = 'coordinator' where member_id = $1`, [memberId]);
    assert.match(await communityPage(pat), manage, 'a new coordinator gets the button at once');
    assert.equal((await pat.get('/communities/social-media/admin')).status, 200);
    await elsewhere(`update memberships set role = 'member' where member_id = $1`, [memberId]);
    assert.doesNotMatch(await communityPage(pat), manage, 'and loses it at once');
    assert.equal((await pat.get('/communities/social-media/admin')).status, 403);
  });

  test('a site admin who loses the right loses it on the next request', async () => {
    const pat = await signedInAs();
    await elsewhere(`update members set site_admin = true where id = $1`, [memberId]);
    await elsewhere(`update memberships set status = 'left' where member_id = $1`, [memberId]);
    assert.equal((await pat.get('/communities/social-media/admin')).status, 200);
    await elsewhere(`update members set site_admin = false where id = $1`, [memberId]);
    assert.equal((await pat.get('/communities/social-media/admin')).status, 403);
    await elsewhere(`update memberships set status = 'active' where member_id = $1`, [memberId]);
  });

  test('signing out ends the session for the very next request, even one that still sends the old cookie', async () => {
    const pat = await signedInAs();
    const cookie = pat.cookies.get(SESSION_COOKIE)!;
    const account = await pat.get('/account');
    assert.equal(account.status, 200);
    const out = await pat.request('POST', '/signout', { _csrf: csrfToken(account.text) });
    assert.match(out.text, /href="\/signin"[^>]*>(<span>)?Sign in/);
    const stolen = new WebClient(platform.url);
    stolen.cookies.set(SESSION_COOKIE, cookie);
    assert.match(await communityPage(stolen), /href="\/signin"[^>]*>(<span>)?Sign in/, 'the old cookie signs no one in');
    assert.equal((await stolen.get('/account')).url.includes('/signin'), true);
  });

  test('sessions ended elsewhere (sign out everywhere, an expiry) end on the next request', async () => {
    const pat = await signedInAs();
    assert.match(await communityPage(pat), /href="\/account"[^>]*>(<span>)?Your account/);
    await elsewhere(`delete from sessions where member_id = $1`, [memberId]);
    assert.match(await communityPage(pat), /href="\/signin"[^>]*>(<span>)?Sign in/);
    const again = await signedInAs();
    assert.match(await communityPage(again), /Your account/);
    await elsewhere(`update sessions set expires_at = now() - interval '1 second' where member_id = $1`, [memberId]);
    assert.match(await communityPage(again), /href="\/signin"[^>]*>(<span>)?Sign in/);
  });

  test('what one member is shown is never shown to another', async () => {
    const pat = await signedInAs();
    await elsewhere(`update memberships set role = 'coordinator' where member_id = $1`, [memberId]);
    assert.match(await communityPage(pat), /href="\/communities\/social-media\/admin"/);
    const otherId = Number(
      (await platform.db.pool.query<{ id: string }>(`insert into members (email, name) values ('ana.ruiz@gsa.gov', 'Ana Ruiz') returning id`)).rows[0]!.id,
    );
    const ana = new WebClient(platform.url);
    ana.cookies.set(SESSION_COOKIE, await createSession(platform.db.pool, otherId, { days: 1 }));
    const hers = await communityPage(ana);
    assert.doesNotMatch(hers, /href="\/communities\/social-media\/admin"/, 'not a coordinator');
    assert.match(hers, /Join this community/, 'not a member');
    const visitor = await communityPage(new WebClient(platform.url));
    assert.doesNotMatch(visitor, /href="\/communities\/social-media\/admin"|Your account/);
    await elsewhere(`update memberships set role = 'member' where member_id = $1`, [memberId]);
  });

  // Archive pages read the list (and on a thread page the viewer's mute) in the same query as the
  // session: what that query says about the viewer must be as fresh as on any other page.
  test('archive pages, read with the session in one query, show a ban, a mute and a sign-out on the next request', async () => {
    const pool = platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    await importMbox(
      pool,
      list,
      mboxOf([
        {
          id: 'viewer-start@x',
          from: 'Jo Smith <jo.smith@agency.gov>',
          subject: 'Caption vendors',
          date: '2024-05-06T15:00:00Z',
          text: 'Which caption vendors do you use?',
        },
      ]),
      { name: 'test', source: 'cli' },
    );
    const { thread_id: threadId, number } = (
      await pool.query<{ thread_id: string; number: number }>(
        `select e.thread_id, p.number from archive_entries e join posts p on p.id = e.post_id where e.message_id like '%viewer-start@x%'`,
      )
    ).rows[0]!;
    const pages = [
      `/archives/social-media/threads/${threadId}`,
      `/archives/social-media/months/2024-05`,
      `/archives/social-media/${number}`,
      '/archives/social-media',
    ];
    const pat = await signedInAs();
    for (const p of pages) assert.equal((await pat.get(p)).status, 200, p);
    const thread = pages[0]!;
    assert.match((await pat.get(thread)).text, />\s*Mute this thread\s*</);
    await muteThread(pool, { listId: list.id, threadId: Number(threadId), memberId });
    assert.match((await pat.get(thread)).text, />\s*Unmute this thread\s*</, 'a mute made elsewhere shows on the next page');
    const anaId = Number(
      (await pool.query<{ id: string }>(`insert into members (email, name) values ('ana.lee@gsa.gov', 'Ana Lee') returning id`)).rows[0]!.id,
    );
    await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'member')`, [communityId, anaId]);
    const ana = new WebClient(platform.url);
    ana.cookies.set(SESSION_COOKIE, await createSession(pool, anaId, { days: 1 }));
    assert.match((await ana.get(thread)).text, />\s*Mute this thread\s*</, 'one member’s mute is not another’s');
    await elsewhere(`update memberships set status = 'banned' where member_id = $1`, [memberId]);
    for (const p of pages) assert.equal((await pat.get(p)).status, 403, `banned: ${p}`);
    await elsewhere(`update memberships set status = 'active' where member_id = $1`, [memberId]);
    for (const p of pages) assert.equal((await pat.get(p)).status, 200, `let back in: ${p}`);
    const missing = await pat.get('/archives/no-such-list/threads/1');
    assert.equal(missing.status, 404);
    assert.match(missing.text, /Your account/, 'no such list: still shown as signed in');
    await elsewhere(`delete from sessions where member_id = $1`, [memberId]);
    for (const p of pages) assert.ok((await pat.get(p)).url.includes('/signin'), `signed out: ${p} asks to sign in`);
    await elsewhere(`update lists set archive_public = true where id = $1`, [list.id]);
    const visitor = await pat.get(thread);
    assert.equal(visitor.status, 200);
    assert.doesNotMatch(visitor.text, /Your account|Mute this thread|Reply to this thread/, 'an ended session reads a public archive as a visitor');
    assert.match((await ana.get(thread)).text, /Mute this thread/, 'while a member still gets their own controls');
    await elsewhere(`update lists set archive_public = false where id = $1`, [list.id]);
  });

  test('the registry, which reads whether a member reviews with their session, shows a reviewer given and taken away on the next page', async () => {
    const pat = await signedInAs();
    const queue = /href="\/registry\/review"/;
    assert.doesNotMatch((await pat.get('/registry')).text, queue);
    await elsewhere(`insert into registry_reviewers (member_id, added_by) values ($1, 'test')`, [memberId]);
    assert.match((await pat.get('/registry')).text, queue, 'a new reviewer gets the review queue at once');
    assert.doesNotMatch((await new WebClient(platform.url).get('/registry')).text, queue, 'a visitor does not');
    await elsewhere(`delete from registry_reviewers where member_id = $1`, [memberId]);
    assert.doesNotMatch((await pat.get('/registry')).text, queue, 'and it is gone at once');
    await elsewhere(`update members set site_admin = true where id = $1`, [memberId]);
    assert.match((await pat.get('/registry')).text, queue, 'a site admin reviews');
    await elsewhere(`update members set site_admin = false where id = $1`, [memberId]);
    assert.doesNotMatch((await pat.get('/registry')).text, queue);
  });

  test('an event page kept for members of a standing never shows one member’s registration or name to another', async () => {
    const pool = platform.db.pool;
    const event = {
      kind: 'webinar' as const,
      status: 'published' as const,
      body: 'About captions.',
      timeZone: 'America/New_York',
      startsAt: new Date('2027-12-01T19:00:00Z'),
      endsAt: new Date('2027-12-01T20:00:00Z'),
      topics: [],
      format: 'online' as const,
      venue: {},
      platform: 'zoom-gov' as const,
      joinUrl: 'https://gsa.zoomgov.com/j/5550002222',
      recorded: false,
      questions: [],
      communityIds: [communityId],
      presenters: [],
      extra: {},
    };
    await inTransaction(pool, async (tx) => {
      await createEvent(
        tx,
        SYSTEM,
        { ...event, slug: 'kept-external', title: 'Kept external', registration: 'external', externalRegistrationUrl: 'https://example.gov/r' },
        { source: 'cli' },
      );
      await createEvent(tx, SYSTEM, { ...event, slug: 'kept-open', title: 'Kept open', registration: 'public', capacity: 50 }, { source: 'cli' });
    });
    const pat = await signedInAs();
    const leeId = Number(
      (await pool.query<{ id: string }>(`insert into members (email, name) values ('lee.kim@hhs.gov', 'Lee Kim') returning id`)).rows[0]!.id,
    );
    await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'member')`, [communityId, leeId]);
    const lee = new WebClient(platform.url);
    lee.cookies.set(SESSION_COOKIE, await createSession(pool, leeId, { days: 1 }));

    // registration elsewhere: the same page for both, kept
    await pat.get('/events/kept-external');
    assert.ok((await lee.get('/events/kept-external')).headers.get('age') !== null, 'the same page for members of one standing is kept');
    // open registration, neither registered: the same page (a link to the registration form)
    await pat.get('/events/kept-open');
    assert.ok((await lee.get('/events/kept-open')).headers.get('age') !== null);
    // Pat registers: the page showing Pat's registration is Pat's alone, and Lee still may register
    const form = await pat.get('/events/kept-open/register');
    const done = await pat.request('POST', '/events/kept-open/register', { _csrf: csrfToken(form.text), agency: 'HHS' });
    assert.equal(done.status, 200, done.text);
    // Pat's registration cancelled, then made again elsewhere (another process, the CLI) while a page
    // is kept for their standing: Pat's next page shows the registration, not the kept page
    await pool.query(`update event_registrations set status = 'cancelled' where lower(email) = 'pat.doe@hhs.gov'`);
    await lee.get('/events/kept-open');
    assert.match((await pat.get('/events/kept-open')).text, /href="\/events\/kept-open\/register"/);
    await pool.query(`update event_registrations set status = 'registered' where lower(email) = 'pat.doe@hhs.gov'`);
    const patsPage = await pat.get('/events/kept-open');
    assert.equal(patsPage.headers.get('age'), null);
    assert.doesNotMatch(patsPage.text, /href="\/events\/kept-open\/register"/, 'Pat is registered: no offer to register');
    const leesPage = await lee.get('/events/kept-open');
    assert.match(leesPage.text, /href="\/events\/kept-open\/register"/, 'Lee may still register');
    assert.notEqual(leesPage.text, patsPage.text);
    assert.doesNotMatch(leesPage.text, /Pat Doe|pat\.doe@/);
    // nor is Pat's page kept for Lee
    assert.doesNotMatch((await lee.get('/events/kept-open')).text, /Pat Doe|pat\.doe@/);
  });
});
