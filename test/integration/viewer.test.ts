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
    memberId = Number((await platform.db.pool.query<{ id: string }>(`insert into members (email, name, agency) values ('pat.doe@hhs.gov', 'Pat Doe', 'HHS') returning id`)).rows[0]!.id);
    await platform.db.pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'member')`, [communityId, memberId]);
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
    const otherId = Number((await platform.db.pool.query<{ id: string }>(`insert into members (email, name) values ('ana.ruiz@gsa.gov', 'Ana Ruiz') returning id`)).rows[0]!.id);
    const ana = new WebClient(platform.url);
    ana.cookies.set(SESSION_COOKIE, await createSession(platform.db.pool, otherId, { days: 1 }));
    const hers = await communityPage(ana);
    assert.doesNotMatch(hers, /href="\/communities\/social-media\/admin"/, 'not a coordinator');
    assert.match(hers, /Join this community/, 'not a member');
    const visitor = await communityPage(new WebClient(platform.url));
    assert.doesNotMatch(visitor, /href="\/communities\/social-media\/admin"|Your account/);
    await elsewhere(`update memberships set role = 'member' where member_id = $1`, [memberId]);
  });
});
