/**
 * Named statements over `lists` survive a migration that adds a column while the process runs:
 * mail-in's list-by-local-part and an archive page's Alongside (read with the session) name the
 * columns they read, so PostgreSQL's cached plan keeps its result type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import '../../src/app/index.ts';
import { listByLocalPart, listByLocalPartSql } from '../../src/lists/store.ts';
import { sessionMemberWith } from '../../src/membership/sessions.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { freshServerDatabase, NO_SERVER } from '../helpers.ts';

describe('named statements over lists', { skip: NO_SERVER }, () => {
  let db: { url: string; drop(): Promise<void> };
  // One connection: the statements are prepared on it, then the table changes under it.
  let pool: pg.Pool;

  before(async () => {
    db = await freshServerDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await migrate(pool, () => undefined);
    await pool.query(`insert into communities (slug, title) values ('named-test', 'Named Test')`);
  });

  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test('still answer after a column is added to lists', async () => {
    const { rows } = await pool.query<{ local_part: string }>('select local_part from lists limit 1');
    const localPart = rows[0]!.local_part;
    const alongside = { name: 'named-test-list', sql: listByLocalPartSql('true as waiting'), values: [localPart] };
    const read = async () => ({
      list: (await listByLocalPart(pool, localPart))?.localPart,
      waiting: (await sessionMemberWith(pool, 'no-such-session', 30, alongside)).row?.waiting,
    });
    assert.deepEqual(await read(), { list: localPart, waiting: true });
    await pool.query('alter table lists add column added_by_a_later_migration int');
    assert.deepEqual(await read(), { list: localPart, waiting: true }, 'no "cached plan must not change result type"');
  });
});
