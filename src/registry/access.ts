/**
 * Who may do what in the registry. Members submit and edit the records of the agency their
 * address belongs to (and the agencies under it); reviewers (a role kept in
 * `registry_reviewers`, plus site administrators) publish, reject, archive and edit any record.
 */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { findMemberByEmail } from '../membership/index.ts';
import { listAgencies, memberHomeAgency, withDescendants, type Agency } from './agencies.ts';
import type { RegistryRecord } from './records.ts';

export interface RegistryViewer {
  memberId: number;
  email: string;
  name: string | null;
  reviewer: boolean;
  /** The agency the member's address belongs to, if the .gov registry knows it. */
  homeAgencyId: number | undefined;
  /** The agencies whose records the member may submit and edit. */
  agencyIds: Set<number>;
}

export async function isReviewer(db: Queryable, member: { memberId: number; siteAdmin: boolean }): Promise<boolean> {
  if (member.siteAdmin) return true;
  const { rows } = await db.query({ name: 'registry-reviewer', text: 'select 1 from registry_reviewers where member_id = $1', values: [member.memberId] });
  return rows.length > 0;
}

/**
 * What a signed-in member may do in the registry. `homeAgency` may answer the home agency from
 * shared data (it depends only on the address's domain); whether they review is always read.
 */
export async function registryViewer(
  db: Queryable,
  member: { memberId: number; email: string; name: string | null; siteAdmin: boolean },
  all?: Agency[],
  homeAgency: (email: string, agencies: Agency[]) => Promise<number | undefined> = (email, agencies) => memberHomeAgency(db, email, agencies),
  /** Whether they review, when this request already read it (with the session); else read here. */
  reviewer?: boolean,
): Promise<RegistryViewer> {
  const agencies = all ?? (await listAgencies(db));
  const home = await homeAgency(member.email, agencies);
  return {
    memberId: member.memberId,
    email: member.email,
    name: member.name,
    reviewer: reviewer ?? (await isReviewer(db, member)),
    homeAgencyId: home,
    agencyIds: home === undefined ? new Set() : withDescendants(agencies, [home]),
  };
}

export function canEdit(v: RegistryViewer, r: Pick<RegistryRecord, 'agencies' | 'status'>): boolean {
  if (v.reviewer) return true;
  if (r.status === 'archived') return false;
  return r.agencies.some((a) => v.agencyIds.has(a.id));
}

/** Published records are public; others only to reviewers and the sponsoring agencies' members. */
export function canSee(v: RegistryViewer | undefined, r: Pick<RegistryRecord, 'agencies' | 'status'>): boolean {
  if (r.status === 'published' || r.status === 'archive-requested' || r.status === 'archived') return true;
  return v ? v.reviewer || r.agencies.some((a) => v.agencyIds.has(a.id)) : false;
}

export class ReviewerError extends Error {
  readonly code = 'REVIEWER_INVALID';
}

export async function addReviewer(db: Queryable, actor: Actor, email: string): Promise<void> {
  const m = await findMemberByEmail(db, email);
  if (!m) throw new ReviewerError(`${email} is not a member of this site. They must join a community first (or be added with "socialgov members add").`);
  await db.query('insert into registry_reviewers (member_id, added_by) values ($1, $2) on conflict do nothing', [m.id, actor.name]);
  await recordAudit(db, actor, { action: 'registry.reviewer.add', subjectType: 'member', subjectId: String(m.id), after: { email: m.email } });
}

export async function removeReviewer(db: Queryable, actor: Actor, email: string): Promise<boolean> {
  const m = await findMemberByEmail(db, email);
  if (!m) return false;
  const r = await db.query('delete from registry_reviewers where member_id = $1', [m.id]);
  if (r.rowCount)
    await recordAudit(db, actor, { action: 'registry.reviewer.remove', subjectType: 'member', subjectId: String(m.id), before: { email: m.email } });
  return Boolean(r.rowCount);
}

export async function listReviewers(db: Queryable): Promise<Array<{ email: string; name: string | null; addedAt: Date }>> {
  const { rows } = await db.query<{ email: string; name: string | null; added_at: Date }>(
    'select m.email, m.name, r.added_at from registry_reviewers r join members m on m.id = r.member_id order by m.email',
  );
  return rows.map((r) => ({ email: r.email, name: r.name, addedAt: r.added_at }));
}

/** Addresses of every reviewer (site administrators included), for "waiting for review" mail. */
export async function reviewerAddresses(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>(
    'select email from members where site_admin union select m.email from registry_reviewers r join members m on m.id = r.member_id order by 1',
  );
  return rows.map((r) => r.email);
}
