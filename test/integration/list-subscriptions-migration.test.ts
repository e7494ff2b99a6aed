/**
 * Migration 0072 on a database that already has members: each member's delivery, digest place and
 * bounce stop move from memberships (the community's list) and working_group_members (a group's
 * list) to the lists feature's list_subscriptions, unchanged; the old columns and the triggers
 * across features go; from then on a change of delivery moves the digest place by the same rules,
 * and coming back to the community (changeMembership, no trigger now) starts it afresh.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { setCommunityDelivery, setGroupDelivery } from '../../src/lists/subscriptions.ts';
import { changeMembership } from '../../src/membership/members.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { freshServerDatabase, NO_SERVER } from '../helpers.ts';

describe('list subscriptions migration', { skip: NO_SERVER }, () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;
  let community: number;
  let group: number;
  const ids: Record<string, number> = {};

  before(async () => {
    const db = await freshServerDatabase();
    drop = db.drop;
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const all = listMigrations();
    await migrate(
      pool,
      () => undefined,
      all.filter((m) => m.name < '0072'),
    );
    community = Number((await pool.query(`insert into communities (slug, title) values ('gov-ux', 'Gov UX') returning id`)).rows[0].id);
    group = Number(
      (await pool.query(`insert into working_groups (community_id, slug, name, status) values ($1, 'forms', 'Forms', 'active') returning id`, [community]))
        .rows[0].id,
    );
    for (const email of ['ana@gsa.gov', 'ben@gsa.gov', 'cy@gsa.gov']) {
      ids[email] = Number((await pool.query(`insert into members (email) values ($1) returning id`, [email])).rows[0].id);
    }
    // the community's list has had 3 posts, the group's 2, when they join
    await pool.query(`update lists set post_count = case when group_id is null then 3 else 2 end where community_id = $1`, [community]);
    await pool.query(
      `insert into memberships (community_id, member_id, status, delivery_mode) values ($1, $2, 'active', 'each'), ($1, $3, 'active', 'daily'), ($1, $4, 'active', 'weekly')`,
      [community, ids['ana@gsa.gov'], ids['ben@gsa.gov'], ids['cy@gsa.gov']],
    );
    await pool.query(`update memberships set delivery_disabled_at = '2026-01-02T03:04:05Z', delivery_disabled_reason = 'bounces' where member_id = $1`, [
      ids['cy@gsa.gov'],
    ]);
    await pool.query(`insert into working_group_members (group_id, member_id, status) values ($1, $2, 'active'), ($1, $3, 'active')`, [
      group,
      ids['ana@gsa.gov'],
      ids['ben@gsa.gov'],
    ]);
    await pool.query(`update working_group_members set delivery_mode = 'weekly' where member_id = $1`, [ids['ben@gsa.gov']]);
    await pool.query(`update lists set post_count = case when group_id is null then 10 else 20 end where community_id = $1`, [community]);
    await migrate(pool, () => undefined, all);
  });
  after(async () => {
    await pool?.end();
    await drop?.();
  });

  const subscriptions = async () =>
    (
      await pool.query(
        `select m.email, case when l.group_id is null then 'community' else 'group' end as list, s.delivery_mode, s.last_digest_post, s.digest_until_post,
                s.delivery_disabled_at is not null as disabled, s.delivery_disabled_reason
           from list_subscriptions s join members m on m.id = s.member_id join lists l on l.id = s.list_id order by m.email, l.group_id nulls first`,
      )
    ).rows;

  test('every delivery, digest place and bounce stop moves to the lists feature unchanged', async () => {
    assert.deepEqual(await subscriptions(), [
      {
        email: 'ana@gsa.gov',
        list: 'community',
        delivery_mode: 'each',
        last_digest_post: null,
        digest_until_post: null,
        disabled: false,
        delivery_disabled_reason: null,
      },
      {
        email: 'ana@gsa.gov',
        list: 'group',
        delivery_mode: null,
        last_digest_post: 2,
        digest_until_post: null,
        disabled: false,
        delivery_disabled_reason: null,
      },
      {
        email: 'ben@gsa.gov',
        list: 'community',
        delivery_mode: 'daily',
        last_digest_post: 3,
        digest_until_post: null,
        disabled: false,
        delivery_disabled_reason: null,
      },
      {
        email: 'ben@gsa.gov',
        list: 'group',
        delivery_mode: 'weekly',
        last_digest_post: 2,
        digest_until_post: null,
        disabled: false,
        delivery_disabled_reason: null,
      },
      {
        email: 'cy@gsa.gov',
        list: 'community',
        delivery_mode: 'weekly',
        last_digest_post: 3,
        digest_until_post: null,
        disabled: true,
        delivery_disabled_reason: 'bounces',
      },
    ]);
    const { rows } = await pool.query(
      `select table_name, column_name from information_schema.columns
        where table_name in ('memberships', 'working_group_members') and column_name in ('delivery_mode', 'last_digest_post', 'digest_until_post', 'last_digest_at', 'delivery_disabled_at', 'delivery_disabled_reason')`,
    );
    assert.deepEqual(rows, [], 'kept once, by the lists feature');
    const triggers = await pool.query(
      `select tgname from pg_trigger where tgrelid in ('memberships'::regclass, 'working_group_members'::regclass) and not tgisinternal order by tgname`,
    );
    assert.deepEqual(
      triggers.rows.map((r) => r.tgname),
      ['memberships_changes'],
      'only the metrics history is written by a trigger on memberships',
    );
  });

  test('the list members: who is on each list and the delivery that applies (the group’s own, else the community’s)', async () => {
    const { rows } = await pool.query(
      `select m.email, case when l.group_id is null then 'community' else 'group' end as list, lm.delivery_mode, lm.delivery_disabled_at is not null as disabled
         from list_members lm join lists l on l.id = lm.list_id join members m on m.id = lm.member_id where l.community_id = $1 order by m.email, l.group_id nulls first`,
      [community],
    );
    assert.deepEqual(rows, [
      { email: 'ana@gsa.gov', list: 'community', delivery_mode: 'each', disabled: false },
      { email: 'ana@gsa.gov', list: 'group', delivery_mode: 'each', disabled: false },
      { email: 'ben@gsa.gov', list: 'community', delivery_mode: 'daily', disabled: false },
      { email: 'ben@gsa.gov', list: 'group', delivery_mode: 'weekly', disabled: false },
      { email: 'cy@gsa.gov', list: 'community', delivery_mode: 'weekly', disabled: true },
    ]);
  });

  test('a change of the community’s delivery moves the place on the group lists that follow it, and only there', async () => {
    await setCommunityDelivery(pool, community, ids['ana@gsa.gov']!, 'daily');
    await setCommunityDelivery(pool, community, ids['ben@gsa.gov']!, 'each');
    const rows = (await subscriptions())
      .filter((r) => r.email !== 'cy@gsa.gov')
      .map((r) => [r.email, r.list, r.delivery_mode, r.last_digest_post, r.digest_until_post]);
    assert.deepEqual(rows, [
      ['ana@gsa.gov', 'community', 'daily', 10, null], // into digests: from the newest planned post
      ['ana@gsa.gov', 'group', null, 20, null], // follows the community into digests: from the group list's newest planned post
      ['ben@gsa.gov', 'community', 'each', 3, 10], // back to each message: a final digest of posts 4-10
      ['ben@gsa.gov', 'group', 'weekly', 2, null], // its own delivery: unmoved
    ]);
    await setGroupDelivery(pool, group, ids['ben@gsa.gov']!, null); // weekly to the community's (each): a final digest
    await setGroupDelivery(pool, group, ids['ana@gsa.gov']!, 'none');
    const after = (await subscriptions()).filter((r) => r.list === 'group').map((r) => [r.email, r.delivery_mode, r.last_digest_post, r.digest_until_post]);
    assert.deepEqual(after, [
      ['ana@gsa.gov', 'none', 20, null],
      ['ben@gsa.gov', null, 2, 20],
    ]);
  });

  test('coming back to the community starts the digests at the newest planned post, never with posts from while away', async () => {
    const cy = ids['cy@gsa.gov']!;
    await changeMembership(pool, SYSTEM, { communityId: community, memberId: cy, status: 'left', source: 'web', action: 'membership.leave' });
    await pool.query(`update lists set post_count = 15 where community_id = $1 and group_id is null`, [community]);
    const place = async () =>
      (
        await pool.query(`select last_digest_post, digest_until_post from list_subscriptions where list_id = community_list_id($1) and member_id = $2`, [
          community,
          cy,
        ])
      ).rows[0];
    assert.deepEqual(await place(), { last_digest_post: 3, digest_until_post: null }, 'leaving keeps the place');
    await changeMembership(pool, SYSTEM, { communityId: community, memberId: cy, status: 'active', source: 'web', action: 'membership.join' });
    assert.deepEqual(await place(), { last_digest_post: 15, digest_until_post: null });
    const audit = await pool.query(
      `select before->>'deliveryMode' as before, after->>'deliveryMode' as after from audit_log where action = 'membership.join' order by id desc limit 1`,
    );
    assert.deepEqual(audit.rows[0], { before: 'weekly', after: 'weekly' }, 'the audit row still shows the delivery');
  });
});
