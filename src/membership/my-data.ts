/** "Download my data": everything socialgov holds about one member, as JSON. */
import type { Queryable } from '../platform/db/queryable.ts';
import { findMember, membershipsOf } from './members.ts';

export async function memberData(db: Queryable, memberId: number): Promise<Record<string, unknown>> {
  const member = await findMember(db, memberId);
  if (!member) return {};
  const requests = await db.query(
    `select c.slug as community, r.name, r.job_title, r.agency, r.reason, r.status, r.created_at, r.confirmed_at, r.decided_at, r.decision_note
       from join_requests r join communities c on c.id = r.community_id where lower(r.email) = lower($1) order by r.created_at`,
    [member.email],
  );
  const sessions = await db.query('select created_at, last_seen_at, expires_at, ip, user_agent from sessions where member_id = $1 order by created_at', [memberId]);
  const audit = await db.query(
    `select at, actor, source, action, subject_type, subject_id, before, after from audit_log
      where (subject_type = 'member' and subject_id = $1) or (subject_type = 'membership' and subject_id like '%:' || $1) or actor = $2
      order by at`,
    [String(memberId), member.email],
  );
  const groups = await db.query(
    `select c.slug as community, g.slug as group, g.name, w.role, w.status, w.delivery_mode, w.created_at, w.updated_at
       from working_group_members w join working_groups g on g.id = w.group_id join communities c on c.id = g.community_id
      where w.member_id = $1 order by w.created_at`,
    [memberId],
  );
  // other features' rows about this person (events, speakers bureau), read here so the export is whole
  const registrations = await db.query(
    `select e.slug as event, e.title, o.starts_at, r.name, r.email, r.agency, r.status, r.needs_captions, r.needs_asl, r.accommodation_other,
            r.recording_consent, r.answers, r.attended, r.created_at, r.cancelled_at
       from event_registrations r join event_occurrences o on o.id = r.occurrence_id join events e on e.id = o.event_id
      where r.member_id = $1 or lower(r.email) = lower($2) order by r.created_at`,
    [memberId, member.email],
  );
  const speaker = await db.query('select formats, availability, active, created_at, updated_at from speakers where member_id = $1', [memberId]);
  const questions = await db.query(
    `select c.slug as community, q.topic, q.question, q.status, q.answer, q.created_at from consultations q join communities c on c.id = q.community_id
      where q.asker_id = $1 or q.expert_id = $1 order by q.created_at`,
    [memberId],
  );
  return {
    exportedAt: new Date().toISOString(),
    member,
    memberships: await membershipsOf(db, memberId),
    workingGroups: groups.rows,
    eventRegistrations: registrations.rows,
    speakerProfile: speaker.rows[0] ?? null,
    expertQuestions: questions.rows,
    joinRequests: requests.rows,
    sessions: sessions.rows,
    auditTrail: audit.rows,
  };
}
