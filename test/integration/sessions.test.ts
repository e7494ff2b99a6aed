/** Sessions slide forward on use, but a member's pages do not write the session each time. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../src/platform/db/migrate.ts';
import { createSession, endSession, sessionMember } from '../../src/membership/sessions.ts';
import { freshServerDatabase, NO_SERVER } from '../helpers.ts';

describe('sessions', { skip: NO_SERVER }, () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  before(async () => {
    db = await freshServerDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    await migrate(pool);
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('a session used after a minute moves its expiry; used again at once, it is only read; an ended or expired one finds no one', async () => {
    const member = (await pool.query<{ id: string }>(`insert into members (email, name) values ('ana.ruiz@gsa.gov', 'Ana Ruiz') returning id`)).rows[0]!.id;
    const raw = await createSession(pool, Number(member), { days: 14 });
    const expiry = async () => (await pool.query<{ e: Date; seen: Date }>(`select expires_at as e, last_seen_at as seen from sessions`)).rows[0]!;

    await pool.query(`update sessions set last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '1 day'`);
    const who = await sessionMember(pool, raw, 14);
    // no memberships, not a site admin: the standing pages are kept under (see Viewer.standing)
    assert.deepEqual(who, { memberId: Number(member), email: 'ana.ruiz@gsa.gov', name: 'Ana Ruiz', siteAdmin: false, memberships: new Map(), standing: ';' });
    const moved = await expiry();
    assert.ok(moved.e.getTime() > Date.now() + 13.9 * 86400_000, `extended to 14 days: ${moved.e.toISOString()}`);

    await pool.query(`update sessions set expires_at = now() + interval '1 day'`);
    assert.equal((await sessionMember(pool, raw, 14))?.email, 'ana.ruiz@gsa.gov');
    const same = await expiry();
    assert.ok(same.e.getTime() < Date.now() + 1.1 * 86400_000, 'used again within the minute: not written');

    await pool.query(`update sessions set expires_at = now() - interval '1 second', last_seen_at = now() - interval '2 minutes'`);
    assert.equal(await sessionMember(pool, raw, 14), undefined, 'an expired session is not brought back');
    assert.ok((await expiry()).e.getTime() < Date.now(), 'and stays expired');

    const raw2 = await createSession(pool, Number(member), { days: 14 });
    await endSession(pool, raw2);
    assert.equal(await sessionMember(pool, raw2, 14), undefined);
  });
});
