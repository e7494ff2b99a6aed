/**
 * migrate() on the machine's PostgreSQL: the connection that applied migrations is closed, not
 * kept in the pool (its PostgreSQL process would keep the catalog of every table it touched for
 * as long as the pool keeps it: 8 MB after a first start); a start with nothing to apply keeps it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../src/platform/db/migrate.ts';
import { freshServerDatabase, NO_SERVER, SERVER_URL, waitFor } from '../helpers.ts';

test('the connection that applied migrations is closed; one that applied none stays in the pool', { skip: NO_SERVER }, async () => {
  const db = await freshServerDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const name = new URL(db.url).pathname.slice(1);
    const backends = async () => (await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])).rows[0]!.n;
    assert.ok((await migrate(pool)).length > 0);
    assert.equal(pool.totalCount, 0, 'no connection kept after applying');
    await waitFor('the PostgreSQL process that applied them to end', async () => (await backends()) === 0, 3000, 50);
    assert.deepEqual(await migrate(pool), []);
    assert.equal(pool.totalCount, 1, 'the connection of a start with nothing to apply is kept');
  } finally {
    await admin.end();
    await pool.end();
    await db.drop();
  }
});
