/** The job queue and queued mail, on a real PostgreSQL with the worker running in-process. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { POOL_IDLE_SECONDS } from '../../src/platform/db/database.ts';
import { inTransaction, whenCommitted } from '../../src/platform/db/queryable.ts';
import { queueMail } from '../../src/platform/mail/queued.ts';
import { openQueue } from '../../src/platform/queue.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';

describe('job queue and queued mail', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    sink = await startMailSink();
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url, SOCIALGOV_ROLES: 'web,worker' }));
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  test('whenCommitted: after an inTransaction commit, never after a rollback, at once on a pool, not known on another transaction', async () => {
    const pool = platform.db.pool;
    const seen: string[] = [];
    await inTransaction(pool, async (tx) => {
      assert.equal(
        whenCommitted(tx, () => seen.push('committed')),
        true,
      );
      await tx.query('select 1');
      assert.deepEqual(seen, [], 'not before the commit');
    });
    assert.deepEqual(seen, ['committed']);
    await assert.rejects(
      inTransaction(pool, async (tx) => {
        whenCommitted(tx, () => seen.push('rolled back'));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(seen, ['committed']);
    assert.equal(
      whenCommitted(pool, () => seen.push('pool')),
      true,
    );
    assert.deepEqual(seen, ['committed', 'pool']);
    const client = await pool.connect();
    try {
      await client.query('begin');
      assert.equal(
        whenCommitted(client, () => seen.push('unknown')),
        false,
      );
      await client.query('commit');
    } finally {
      client.release();
    }
    // A hook that throws does not undo or fail the commit.
    await inTransaction(pool, async (tx) => {
      whenCommitted(tx, () => {
        throw new Error('hint failed');
      });
      whenCommitted(tx, () => seen.push('after a failed hook'));
    });
    assert.deepEqual(seen, ['committed', 'pool', 'after a failed hook']);
  });

  test('a job sent in a transaction is run by this process when the transaction commits, not at its next poll', async () => {
    // A second queue on the same database whose workers poll once an hour (and once as they
    // start): only being told at the commit can run these jobs within the test.
    const queue = await openQueue(platform.db.pool, { worker: true, pollSeconds: 3600 });
    try {
      const ran: number[] = [];
      await queue.work<{ n: number }>('test.woken', async ({ n }) => void ran.push(n));
      const until = (n: number) => waitFor(`job ${n} to run`, async () => ran.includes(n), 10_000, 20);
      for (const n of [1, 2]) {
        await inTransaction(platform.db.pool, (tx) => queue.send('test.woken', { n }, { db: tx }));
        await until(n);
      }
      // sendMany in a transaction too (how mail-in stores what arrives)
      await inTransaction(platform.db.pool, (tx) => queue.sendMany('test.woken', [{ n: 3 }], { db: tx }));
      await until(3);
      assert.deepEqual(ran, [1, 2, 3]);
    } finally {
      await queue.stop();
    }
  });

  test("the queue's own queries take one connection at a time, so an idle process keeps one, not one per job name", async () => {
    // its own pool, to count what the queue takes; six job names all polling every second
    const pool = new pg.Pool({ ...platform.db.pool.options, max: 10 });
    const queue = await openQueue(pool, { worker: true, pollSeconds: 1 });
    try {
      for (let i = 0; i < 6; i++) await queue.work(`test.idle${i}`, async () => undefined);
      let most = 0;
      const until = Date.now() + 3500;
      while (Date.now() < until) {
        most = Math.max(most, pool.totalCount - pool.idleCount);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.equal(most, 1, 'connections in use at once by the polls');
      assert.equal(pool.totalCount, 1, 'connections open');
    } finally {
      await queue.stop();
      await pool.end();
    }
  });

  test('connections a burst opened close once idle for POOL_IDLE_SECONDS: at rest, the one the polls reuse (and the runner session while it has work)', async () => {
    const pool = platform.db.pool;
    await Promise.all(Array.from({ length: 5 }, () => pool.query('select pg_sleep(0.2)')));
    assert.ok(pool.totalCount >= 5, `a burst of five opens five connections (${pool.totalCount})`);
    const burst = Date.now();
    await waitFor('the burst to close', async () => pool.totalCount <= 2, (POOL_IDLE_SECONDS + 2) * 1000);
    assert.ok(Date.now() - burst >= (POOL_IDLE_SECONDS - 1) * 1000, 'not before they were idle that long');
  });

  test('a worker that found a job asks again at once: jobs sent by another process are not run one per poll', async () => {
    // Sent through the platform's queue (another queue object, as another process would), then a
    // worker that polls once an hour starts: its first look finds one job; all five run only if
    // it asks again after each.
    for (let n = 1; n <= 5; n++) await platform.queue.send('test.drained', { n });
    const queue = await openQueue(platform.db.pool, { worker: true, pollSeconds: 3600 });
    try {
      const ran: number[] = [];
      await queue.work<{ n: number }>('test.drained', async ({ n }) => void ran.push(n));
      await waitFor('all five jobs to run', async () => ran.length >= 5, 10_000, 20);
      assert.deepEqual(
        ran.sort((a, b) => a - b),
        [1, 2, 3, 4, 5],
      );
    } finally {
      await queue.stop();
    }
  });

  test('a keyed mail is sent once, however often it is queued', async () => {
    const mail = { to: 'once@agency.gov', subject: 'Reminder', text: 'Hello' };
    assert.equal(await queueMail(platform.db.pool, platform.queue, mail, { key: 'test:once' }), true);
    assert.equal(await queueMail(platform.db.pool, platform.queue, mail, { key: 'test:once' }), false);
    const got = await sink.next('once@agency.gov');
    assert.equal(got.subject, 'Reminder');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sink.messages.filter((m) => m.to.includes('once@agency.gov')).length, 1);
    const { rows } = await platform.db.pool.query(`select sent_at from mail_queue where key = 'test:once'`);
    assert.ok(rows[0].sent_at);
  });

  test('mail queued in a transaction that rolls back is never sent', async () => {
    await assert.rejects(
      inTransaction(platform.db.pool, async (tx) => {
        await queueMail(tx, platform.queue, { to: 'rollback@agency.gov', subject: 'Never', text: 'x' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await queueMail(platform.db.pool, platform.queue, { to: 'after@agency.gov', subject: 'After', text: 'x' });
    await sink.next('after@agency.gov');
    assert.equal(
      sink.messages.some((m) => m.to.includes('rollback@agency.gov')),
      false,
    );
    const { rows } = await platform.db.pool.query(`select count(*)::int as n from mail_queue where message->>'to' = 'rollback@agency.gov'`);
    assert.equal(rows[0].n, 0);
  });

  test('a job that fails is retried', async () => {
    let calls = 0;
    await platform.queue.work<{ n: number }>('test.flaky', async () => {
      calls++;
      if (calls === 1) throw new Error('first try fails');
    });
    await platform.queue.send('test.flaky', { n: 1 }, { retryLimit: 2, retryDelay: 1, retryBackoff: false });
    await waitFor('the retry', async () => calls >= 2, 15_000, 200);
    assert.equal(calls, 2);
  });
});
