import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { quietAfterEnd } from './database.ts';

const SERVER = process.env.TEST_DATABASE_URL;

test('a query after the pool ended never answers (no rejection for nothing to catch); before, it works', { skip: SERVER ? false : 'TEST_DATABASE_URL is not set (CI sets it)' }, async () => {
  const pool = quietAfterEnd(new pg.Pool({ connectionString: SERVER, max: 1 }));
  assert.equal((await pool.query<{ n: number }>('select 1 as n')).rows[0]!.n, 1);
  await pool.end();
  let settled = false;
  void pool.query('select 1').then(() => (settled = true), () => (settled = true));
  void pool.connect().then(() => (settled = true), () => (settled = true));
  // a plain pg.Pool rejects both at once (on the next turns of the event loop)
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  const plain = new pg.Pool({ connectionString: SERVER, max: 1 });
  await plain.end();
  await assert.rejects(plain.query('select 1'), /Cannot use a pool after calling end/);
});
