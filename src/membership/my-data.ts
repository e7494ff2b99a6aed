/**
 * "Download my data": everything socialgov holds about one member, as JSON. Membership's own rows
 * are read here; every other feature adds its part through its descriptor (`myDataSources`).
 */
import type { Queryable } from '../platform/db/queryable.ts';
import { myDataSources } from '../platform/feature.ts';
import { findMember, membershipsOf } from './members.ts';

export async function memberData(db: Queryable, memberId: number): Promise<Record<string, unknown>> {
  const member = await findMember(db, memberId);
  if (!member) return {};
  const requests = await db.query(
    `select c.slug as community, r.name, r.job_title, r.agency, r.reason, r.status, r.created_at, r.confirmed_at, r.decided_at, r.decision_note
       from join_requests r join communities c on c.id = r.community_id where lower(r.email) = lower($1) order by r.created_at`,
    [member.email],
  );
  const sessions = await db.query('select created_at, last_seen_at, expires_at, ip, user_agent from sessions where member_id = $1 order by created_at', [
    memberId,
  ]);
  const audit = await db.query(
    `select at, actor, source, action, subject_type, subject_id, before, after from audit_log
      where (subject_type = 'member' and subject_id = $1) or (subject_type = 'membership' and subject_id like '%:' || $1) or actor = $2
      order by at`,
    [String(memberId), member.email],
  );
  // other features' rows about this person (working groups, events, archives, speakers bureau), so the export is whole
  const others: Record<string, unknown> = {};
  for (const source of myDataSources()) others[source.key] = await source.collect(db, { id: memberId, email: member.email });
  return {
    exportedAt: new Date().toISOString(),
    member,
    memberships: await membershipsOf(db, memberId),
    ...others,
    joinRequests: requests.rows,
    sessions: sessions.rows,
    auditTrail: audit.rows,
  };
}
