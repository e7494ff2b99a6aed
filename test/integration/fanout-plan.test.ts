/**
 * Fan-out planning in slices (src/lists/fanout.ts): a list larger than one slice gets one
 * delivery record per recipient, the poster and members who left excluded; a plan cut off
 * between slices (a crash) and run again completes it without adding anyone twice; a plan run
 * after it finished adds nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { onDeliveriesQueued, planFanout } from '../../src/lists/fanout.ts';
import type { List } from '../../src/lists/store.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { testDatabaseEnv } from '../helpers.ts';
import { acceptTestPost, addMembers, openListTest, type ListTestSetup } from '../list-helpers.ts';

const DOMAIN = 'lists.test.gov';
const MEMBERS = Array.from({ length: 2500 }, (_, i) => `p${String(i).padStart(4, '0')}@agency.gov`);

describe('fan-out planning in slices', () => {
  let t: ListTestSetup;
  let db: Database;
  let cleanup: () => Promise<void>;
  let list: List;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    t = await openListTest(database.env, DOMAIN);
    ({ db, list } = t);
    await addMembers(db.pool, 'social-media', MEMBERS);
    await db.pool.query(`update memberships set status = 'left' where member_id = (select id from members where email = 'p0007@agency.gov')`);
    await db.pool.query(`update lists set send_to_poster = false where id = $1`, [list.id]); // as for a list whose posters do not want their own posts
  });
  after(async () => {
    await db?.close();
    await cleanup?.();
  });

  const post = (n: number) => acceptTestPost(t, 'p0000@agency.gov', `plan ${n}`);

  async function recipients(postId: number): Promise<string[]> {
    const { rows } = await db.pool.query<{ address: string }>(`select address from deliveries where kind = 'post' and ref_id = $1 order by address`, [postId]);
    return rows.map((r) => r.address);
  }

  const expected = MEMBERS.filter((m) => m !== 'p0000@agency.gov' && m !== 'p0007@agency.gov');

  test('every recipient once, across several slices; the poster and a member who left get none', async () => {
    const postId = await post(1);
    // This process's delivery runners are woken after each slice's commit (delivery-runner.ts):
    // what another connection sees at each wake-up is that slice's records and those before.
    const seen: Array<Promise<number>> = [];
    const unsubscribe = onDeliveriesQueued(() => seen.push(recipients(postId).then((r) => r.length)));
    try {
      assert.deepEqual(await planFanout(db.pool, postId), { planned: expected.length, already: false });
      const counts = await Promise.all(seen);
      assert.equal(counts.length, 3, 'once a slice (of 1,000)');
      // (at least: the next slice may have committed too by the time the count is read)
      counts.forEach((n, i) => assert.ok(n >= Math.min(1000 * (i + 1), expected.length), `after slice ${i + 1}'s commit: ${n} records seen`));
      assert.deepEqual(await planFanout(db.pool, postId), { planned: 0, already: true }, 'a finished plan adds nothing');
      assert.equal(seen.length, 3, 'and wakes nobody');
    } finally {
      unsubscribe();
    }
    assert.deepEqual(await recipients(postId), expected);
  });

  test('a plan cut off after its first slice completes when run again, adding nobody twice', async () => {
    const postId = await post(2);
    // What a crash after the first slice's commit leaves: some records, the post not yet planned.
    const first = expected.slice(0, 1000);
    await db.pool.query(
      `insert into deliveries (kind, ref_id, list_id, member_id, address)
       select 'post', $1, $2, m.id, m.email from members m where m.email = any($3::text[])`,
      [postId, list.id, first],
    );
    assert.deepEqual(await planFanout(db.pool, postId), { planned: expected.length - first.length, already: false });
    assert.deepEqual(await recipients(postId), expected);
    const planned = await db.pool.query<{ planned: boolean }>(`select planned_at is not null as planned from posts where id = $1`, [postId]);
    assert.equal(planned.rows[0]!.planned, true);
  });
});
