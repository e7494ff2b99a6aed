/**
 * The delivery runner's own session records 250s with synchronous_commit off (delivery-runner.ts
 * says why). That setting must leave with the runner: a connection handed back to the pool with
 * it would let mail-in answer 250 for a post whose commit is not yet on disk. And the session is
 * open only while there is work (and a little after), so an idle install keeps no connection for
 * list delivery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { SESSION_IDLE_MS, startDeliveryRunner } from '../../src/lists/delivery-runner.ts';
import { planFanout } from '../../src/lists/fanout.ts';
import { createListRelay } from '../../src/lists/relay.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { acceptTestPost, addMembers, openListTest, type ListTestSetup } from '../list-helpers.ts';

describe('the delivery runner session', () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'worker' }));
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  test('once the runner stops, no connection in the pool has synchronous_commit off', async () => {
    const pool = platform.db.pool;
    for (const name of Object.keys(platform.roles).reverse()) await platform.roles[name]!.close();
    // Every connection the pool holds, at once: the runner's, had it been given back, among them.
    const clients = await Promise.all(Array.from({ length: Math.max(pool.totalCount, 1) }, () => pool.connect()));
    try {
      for (const client of clients) {
        const { rows } = await client.query<{ synchronous_commit: string }>('show synchronous_commit');
        assert.equal(rows[0]!.synchronous_commit, 'on');
      }
    } finally {
      for (const client of clients) client.release();
    }
  });
});

describe('the delivery runner session, opened for work and closed when idle', () => {
  let t: ListTestSetup;
  let dir: string;
  let cleanup: () => Promise<void>;
  let runner: Awaited<ReturnType<typeof startDeliveryRunner>>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    t = await openListTest({ ...database.env, SOCIALGOV_DATA_DIR: dir }, 'lists.test.gov');
    await addMembers(t.db.pool, 'social-media', ['a@agency.gov', 'b@agency.gov', 'c@agency.gov']);
    runner = await startDeliveryRunner({
      pool: t.db.pool,
      relay: createListRelay(t.config),
      secret: t.ctx.secret,
      baseUrl: t.ctx.baseUrl,
      domain: t.ctx.domain,
      dkim: [],
      concurrency: 4,
      log: () => undefined,
    });
  });
  after(async () => {
    await runner?.close();
    await t?.db.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  /** Sessions holding a runner's advisory lock in this database (the runner's session is the one). */
  const sessions = async () =>
    (
      await t.db.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
      )
    ).rows[0]!.n;

  test('no session while nothing is due; one for a fan-out, closed SESSION_IDLE_MS after it', async () => {
    await runner.idle();
    assert.equal(await sessions(), 0, 'an idle runner holds no connection');
    const postId = await acceptTestPost(t, 'a@agency.gov', 'idle');
    await planFanout(t.db.pool, postId);
    const sent = async () =>
      (await t.db.pool.query<{ n: number }>(`select count(*)::int as n from deliveries where ref_id = $1 and status = 'sent'`, [postId])).rows[0]!.n;
    await waitFor('the copies sent', async () => (await sent()) >= 2, 10_000, 20);
    const done = Date.now();
    assert.equal(await sessions(), 1, 'the session stays open a while after work');
    await waitFor('the session closed', async () => (await sessions()) === 0, SESSION_IDLE_MS + 5000);
    assert.ok(Date.now() - done >= SESSION_IDLE_MS - 1500, 'not before it was idle that long');
    // closed, not handed back to the pool with synchronous_commit off (see the top)
    const clients = await Promise.all(Array.from({ length: Math.max(t.db.pool.totalCount, 1) }, () => t.db.pool.connect()));
    try {
      for (const client of clients)
        assert.equal((await client.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]!.synchronous_commit, 'on');
    } finally {
      for (const client of clients) client.release();
    }
  });
});
