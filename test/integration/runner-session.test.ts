/**
 * The delivery runner's own session records 250s with synchronous_commit off (delivery-runner.ts
 * says why). That setting must leave with the runner: a connection handed back to the pool with
 * it would let mail-in answer 250 for a post whose commit is not yet on disk.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';

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
