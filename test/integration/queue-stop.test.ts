/**
 * Stopping the job queue while jobs are on their way: stop() returns only once the queue's own
 * queries are done, so the platform can end its pool after it. pg-boss does not wait for a job's
 * completion write (it is not awaited) nor for a fetch still on its way; on a loaded machine such
 * a query reached the ended pool and its "Cannot use a pool after calling end on the pool"
 * rejection was caught by nothing (a test file failed now and then on Node 24).
 *
 * The pool here answers every query a little late, as a busy machine does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openQueue } from '../../src/platform/queue.ts';
import { freshServerDatabase, NO_SERVER } from '../helpers.ts';

/**
 * A pool whose queries each wait `ms` first, counting those still running and those asked for
 * after end(), and the queue's fetches of jobs on their way. While `hold` is set, those fetches
 * wait until release().
 */
function slowPool(url: string, ms: number) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const state = { running: 0, afterEnd: 0, ended: false, hold: false, held: 0, fetching: 0 };
  let release = () => undefined as void;
  let released = Promise.resolve();
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    state.running++;
    try {
      // (a statement comes as its text, or as { name, text, values } when it is a named one)
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown } | undefined)?.text ?? '');
      const fetch = /skip locked/i.test(text);
      if (fetch) state.fetching++;
      try {
        if (state.hold && fetch) {
          state.held++;
          await released;
        }
        await new Promise((r) => setTimeout(r, ms));
        if (state.ended) state.afterEnd++;
        return await query(...args);
      } finally {
        if (fetch) state.fetching--;
      }
    } finally {
      state.running--;
    }
  };
  return {
    pool,
    state,
    holdFetches() {
      state.hold = true;
      released = new Promise<void>((r) => (release = r));
    },
    releaseFetches() {
      state.hold = false;
      release();
    },
    async end() {
      state.ended = true;
      await pool.end();
    },
  };
}

async function jobState(url: string, name: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ state: string }>('select state from pgboss.job where name = $1 order by created_on', [name]);
    return rows.map((r) => r.state);
  } finally {
    await c.end();
  }
}

describe('stopping the job queue', { skip: NO_SERVER }, () => {
  let db: { url: string; drop(): Promise<void> };
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);

  before(async () => {
    db = await freshServerDatabase();
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await db?.drop();
  });

  test('a job that ends as the queue stops is recorded as done before stop() returns', async () => {
    const { pool, state, end } = slowPool(db.url, 150);
    const queue = await openQueue(pool, { worker: true });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    await queue.work('test.stop-ends', async () => {
      started();
      await released;
    });
    await queue.send('test.stop-ends', {});
    await running;
    release(); // the handler ends; pg-boss writes the completion without waiting for it
    await queue.stop();
    assert.equal(state.running, 0, 'a query of the queue was still running after stop()');
    await end();
    await new Promise((r) => setTimeout(r, 400)); // room for a late query to show (there must be none)
    assert.equal(state.afterEnd, 0);
    assert.deepEqual(rejections, []);
    assert.deepEqual(await jobState(db.url, 'test.stop-ends'), ['completed']);
  });

  test('a job fetched while the queue stops is not run, and is left to be retried rather than to expire', async () => {
    const { pool, state, end, holdFetches, releaseFetches } = slowPool(db.url, 150);
    const queue = await openQueue(pool, { worker: true });
    let stopped = false;
    let ranAfterStop = false;
    await queue.work('test.stop-fetch', async () => {
      if (stopped) ranAfterStop = true;
    });
    // The worker's first fetch, begun before the hold, must be over: on a loaded machine it
    // reached the database after the job was sent, found it and ran it (completed, not retry).
    while (state.fetching) await new Promise((r) => setTimeout(r, 20));
    holdFetches();
    // Sent on the pool itself, not through the queue's own connection (one at a time): a poll's
    // fetch held here would keep that connection until the release below.
    await queue.send('test.stop-fetch', {}, { db: pool }); // wakes the worker: its fetch is on its way
    while (!state.held) await new Promise((r) => setTimeout(r, 20));
    const stopping = queue.stop();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    releaseFetches(); // the fetch reaches the database as the queue stops, and finds the job
    await stopping;
    stopped = true;
    assert.equal(state.running, 0, 'a query of the queue was still running after stop()');
    await end();
    await new Promise((r) => setTimeout(r, 400)); // room for a late query or run to show (there must be none)
    assert.equal(ranAfterStop, false);
    assert.equal(state.afterEnd, 0);
    assert.deepEqual(rejections, []);
    const states = await jobState(db.url, 'test.stop-fetch');
    assert.deepEqual(states, ['retry']);
  });
});
