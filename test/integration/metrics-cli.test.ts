/** `socialgov metrics rollup`: fills in missing days, then has nothing to do; counts a range again on request. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { addDays, dayOf } from '../../src/metrics/days.ts';
import { cliTestEnv, NO_SERVER, runCli } from '../helpers.ts';

describe('socialgov metrics rollup', { skip: NO_SERVER }, () => {
  let t: Awaited<ReturnType<typeof cliTestEnv>>;
  const today = dayOf(new Date());
  before(async () => {
    t = await cliTestEnv();
    assert.equal((await runCli(['migrate'], t.env)).code, 0);
    const db = new pg.Client({ connectionString: t.url });
    await db.connect();
    const c = await db.query("insert into communities (slug, title) values ('social-media', 'Social Media') returning id");
    const m = await db.query("insert into members (email) values ('ana@gsa.gov') returning id");
    await db.query(`insert into memberships (community_id, member_id, status, created_at) values ($1, $2, 'active', now() - interval '3 days')`, [
      c.rows[0].id,
      m.rows[0].id,
    ]);
    await db.end();
  });
  after(async () => t?.cleanup());

  async function stored(): Promise<Array<{ day: string; value: string }>> {
    const db = new pg.Client({ connectionString: t.url });
    await db.connect();
    const { rows } = await db.query(`select to_char(day, 'YYYY-MM-DD') as day, value::text from metrics_daily where metric = 'members.total' order by day`);
    await db.end();
    return rows;
  }

  test('fills in the days since the first join, then has nothing to do', async () => {
    const r = await runCli(['metrics', 'rollup'], t.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Rolled up ${addDays(today, -3)} to ${addDays(today, -1)} \\(3 day\\(s\\)\\)`));
    assert.deepEqual(
      await stored(),
      [1, 2, 3].reverse().map((n) => ({ day: addDays(today, -n), value: '1' })),
    );
    const again = await runCli(['metrics', 'rollup'], t.env);
    assert.match(again.stdout, /Nothing to roll up/);
  });

  test('--from and --to count days again', async () => {
    const r = await runCli(['metrics', 'rollup', '--from', addDays(today, -2), '--to', addDays(today, -1)], t.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 day\(s\) from .* will be counted again\.\nRolled up .* \(2 day\(s\)\)/);
    assert.equal((await stored()).length, 3);
  });

  test('a bad date says how to write it', async () => {
    const r = await runCli(['metrics', 'rollup', '--from', '31/01/2026', '--to', '2026-02-01'], t.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /write it as year-month-day/);
  });
});
