/**
 * Migration 0070 on a database that already has members: the history of joins and leaves is
 * taken from the audit log, and from the membership rows the audit log never saw; from then on
 * the trigger records every status change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { recordAudit, SYSTEM } from '../../src/platform/audit.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { changeMembership, ensureMember } from '../../src/membership/members.ts';
import { freshServerDatabase, NO_SERVER } from '../helpers.ts';

describe('metrics migration', { skip: NO_SERVER }, () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;
  let community: number;

  before(async () => {
    const db = await freshServerDatabase();
    drop = db.drop;
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const all = listMigrations();
    await migrate(
      pool,
      () => undefined,
      all.filter((m) => m.name < '0070'),
    );
    community = Number((await pool.query(`insert into communities (slug, title) values ('gov-ux', 'Gov UX') returning id`)).rows[0].id);
    // audited: a join, then a leave
    const ana = await ensureMember(pool, { email: 'ana@gsa.gov' });
    // as changeMembership wrote them then (today's code needs the later schema: 0072 moved the delivery to the lists feature)
    const subject = { subjectType: 'membership', subjectId: `${community}:${ana.id}` };
    await pool.query(`insert into memberships (community_id, member_id, status, source) values ($1, $2, 'active', 'web')`, [community, ana.id]);
    await recordAudit(pool, SYSTEM, {
      action: 'membership.join',
      ...subject,
      after: { status: 'active', role: 'member', deliveryMode: 'each', source: 'web' },
    });
    await pool.query(`update memberships set status = 'left', updated_at = now() where community_id = $1 and member_id = $2`, [community, ana.id]);
    await recordAudit(pool, SYSTEM, {
      action: 'membership.leave',
      ...subject,
      before: { status: 'active', role: 'member', deliveryMode: 'each' },
      after: { status: 'left', role: 'member', deliveryMode: 'each', source: 'web' },
    });
    await pool.query(`update audit_log set at = '2025-03-01T10:00:00Z' where action = 'membership.join'`);
    await pool.query(`update audit_log set at = '2025-04-01T10:00:00Z' where action = 'membership.leave'`);
    // never audited: written directly, one still active, one removed
    const ben = await ensureMember(pool, { email: 'ben@gsa.gov' });
    const cy = await ensureMember(pool, { email: 'cy@gsa.gov' });
    await pool.query(
      `insert into memberships (community_id, member_id, status, created_at, updated_at) values
         ($1, $2, 'active', '2024-01-05T00:00:00Z', '2024-01-05T00:00:00Z'), ($1, $3, 'removed', '2024-02-01T00:00:00Z', '2024-06-01T00:00:00Z')`,
      [community, ben.id, cy.id],
    );
    await migrate(pool, () => undefined, all);
  });
  after(async () => {
    await pool?.end();
    await drop?.();
  });

  const history = async () =>
    (
      await pool.query(
        `select m.email, c.from_status, c.to_status, to_char(c.at at time zone 'utc', 'YYYY-MM-DD') as day from membership_changes c join members m on m.id = c.member_id order by m.email, c.at, c.id`,
      )
    ).rows;

  test('the past comes from the audit log and the membership rows', async () => {
    assert.deepEqual(await history(), [
      { email: 'ana@gsa.gov', from_status: null, to_status: 'active', day: '2025-03-01' },
      { email: 'ana@gsa.gov', from_status: 'active', to_status: 'left', day: '2025-04-01' },
      { email: 'ben@gsa.gov', from_status: null, to_status: 'active', day: '2024-01-05' },
      { email: 'cy@gsa.gov', from_status: null, to_status: 'active', day: '2024-02-01' },
      { email: 'cy@gsa.gov', from_status: 'active', to_status: 'removed', day: '2024-06-01' },
    ]);
  });

  test('from then on every status change is recorded, and nothing else', async () => {
    const ben = Number((await pool.query(`select id from members where email = 'ben@gsa.gov'`)).rows[0].id);
    await changeMembership(pool, SYSTEM, { communityId: community, memberId: ben, role: 'coordinator', source: 'cli', action: 'membership.role' });
    await changeMembership(pool, SYSTEM, { communityId: community, memberId: ben, status: 'banned', source: 'cli', action: 'membership.ban' });
    const rows = (await history()).filter((r) => r.email === 'ben@gsa.gov');
    assert.equal(rows.length, 2, 'a role change is not a status change');
    assert.deepEqual(rows[1], { email: 'ben@gsa.gov', from_status: 'active', to_status: 'banned', day: new Date().toISOString().slice(0, 10) });
  });
});
