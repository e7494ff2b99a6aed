/**
 * Sessions slide forward on use, but a member's pages do not write the session each time; reads
 * asked for together share one query, and none is answered by a query that began before it was asked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../src/platform/db/migrate.ts';
import { createSession, endSession, sessionMember, sessionMemberWith } from '../../src/membership/sessions.ts';
import type { Queryable } from '../../src/platform/db/queryable.ts';
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
  /** The pool, counting the queries sent through it; with `hold`, each answer waits for it. */
  const counted = (hold?: Promise<void>) => {
    const db = {
      queries: 0,
      /** Each query's own answer, before `hold`. */
      ran: [] as Promise<unknown>[],
      query: ((...args: Parameters<pg.Pool['query']>) => {
        db.queries++;
        const answer = (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
        db.ran.push(answer);
        return hold ? answer.then(async (r) => (await hold, r)) : answer;
      }) as Queryable['query'],
    };
    return db;
  };
  const newMember = async (email: string) => {
    const id = Number((await pool.query<{ id: string }>(`insert into members (email) values ($1) returning id`, [email])).rows[0]!.id);
    return { id, raw: await createSession(pool, id, { days: 14 }) };
  };

  test('sessions asked for together are read in one query, each answered with its own member (or no one)', async () => {
    const a = await newMember('a.batch@gsa.gov');
    const b = await newMember('b.batch@gsa.gov');
    const db = counted();
    const asked = [a.raw, b.raw, 'x'.repeat(43), a.raw, b.raw];
    const answers = await Promise.all(asked.map((raw) => sessionMember(db, raw, 14)));
    assert.deepEqual(
      answers.map((m) => m?.email),
      ['a.batch@gsa.gov', 'b.batch@gsa.gov', undefined, 'a.batch@gsa.gov', 'b.batch@gsa.gov'],
    );
    assert.notEqual(answers[0], answers[3], 'each request gets its own answer, not one shared with another');
    assert.equal(db.queries, 2, 'the first at once, the four that came while it ran in one query');

    // the page's own query: read for each session's member, and with no member for an unknown session
    const q = { name: 'test-who-alongside', sql: 'select v.member_id as who, $1::text as page', values: ['p1'] };
    const db2 = counted();
    const withRows = await Promise.all([a.raw, b.raw, 'y'.repeat(43)].map((raw) => sessionMemberWith(db2, raw, 14, q)));
    assert.deepEqual(
      withRows.map((r) => [r.member?.memberId, r.row]),
      [
        [a.id, { who: a.id, page: 'p1' }],
        [b.id, { who: b.id, page: 'p1' }],
        [undefined, { who: null, page: 'p1' }],
      ],
    );
    assert.equal(db2.queries, 2);
    // the same session twice in one query: equal rows, each its own
    const db3 = counted();
    const twice = await Promise.all([a.raw, a.raw, a.raw].map((raw) => sessionMemberWith(db3, raw, 14, q)));
    assert.deepEqual(twice[1]!.row, twice[2]!.row);
    assert.notEqual(twice[1]!.row, twice[2]!.row, 'two requests of one member do not share the page row object');
    // another page's values are another kind: not answered with the first page's row
    const other = await Promise.all([sessionMemberWith(db2, a.raw, 14, q), sessionMemberWith(db2, a.raw, 14, { ...q, values: ['p2'] })]);
    assert.deepEqual(
      other.map((r) => r.row?.page),
      ['p1', 'p2'],
    );
  });

  test('a session ended while a read is under way: a request that asked after the end finds no one', async () => {
    const a = await newMember('c.batch@gsa.gov');
    let release!: () => void;
    const db = counted(new Promise<void>((r) => (release = r)));
    const first = sessionMember(db, a.raw, 14);
    // the first read has run (its answer held back) before the session ends
    await db.ran[0];
    await endSession(pool, a.raw);
    const second = sessionMember(db, a.raw, 14);
    release();
    assert.equal((await first)?.email, 'c.batch@gsa.gov', 'read before the end');
    assert.equal(await second, undefined, 'asked after the end: not answered by the read begun before it');
    assert.equal(db.queries, 2);
  });
  test('a read does not wait for a session row another transaction holds (no lock waits, so reads of many sessions cannot deadlock)', async () => {
    const a = await newMember('d.batch@gsa.gov');
    await pool.query(`update sessions set last_seen_at = now() - interval '2 minutes' where member_id = $1`, [a.id]);
    const other = await pool.connect();
    try {
      await other.query('begin');
      await other.query(`select 1 from sessions where member_id = $1 for update`, [a.id]);
      const answer = await Promise.race([sessionMember(pool, a.raw, 14), new Promise<'waited'>((r) => setTimeout(() => r('waited'), 3000))]);
      assert.notEqual(answer, 'waited', 'the read waited for the other transaction');
      assert.equal((answer as { email: string } | undefined)?.email, 'd.batch@gsa.gov');
    } finally {
      await other.query('rollback');
      other.release();
    }
    // once free, the next read extends it
    await sessionMember(pool, a.raw, 14);
    const seen = (await pool.query<{ ok: boolean }>(`select last_seen_at > now() - interval '10 seconds' as ok from sessions where member_id = $1`, [a.id]))
      .rows[0]!;
    assert.ok(seen.ok, 'extended by the read after');
  });
});
