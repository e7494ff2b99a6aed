/** The member directory: members only; coordinators also see addresses, export CSV, remove and ban. */
import type { Actor } from '../platform/audit.ts';
import { toCsv } from '../platform/csv.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { changeMembership, type Role } from './members.ts';

export interface DirectoryEntry {
  memberId: number;
  name: string | null;
  agency: string | null;
  jobTitle: string | null;
  expertise: string[];
  role: Role;
  /** Only for coordinators. */
  email?: string;
  joinedAt: Date;
}

/** Active members, optionally matching words in name, agency, job title or expertise. */
export async function directory(db: Queryable, communityId: number, q: string, withEmail: boolean): Promise<DirectoryEntry[]> {
  const pattern = q.trim()
    ? `%${q
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    : null;
  const { rows } = await db.query(
    `select m.id, m.name, m.agency, m.job_title, m.expertise, m.email, s.role, s.created_at
       from memberships s join members m on m.id = s.member_id
      where s.community_id = $1 and s.status = 'active'
        and ($2::text is null or lower(coalesce(m.name, '')) like $2 or lower(coalesce(m.agency, '')) like $2
             or lower(coalesce(m.job_title, '')) like $2 or lower(array_to_string(m.expertise, ' ')) like $2)
      order by lower(coalesce(m.name, m.email))`,
    [communityId, pattern],
  );
  return rows.map((r) => ({
    memberId: Number(r.id),
    name: r.name,
    agency: r.agency,
    jobTitle: r.job_title,
    expertise: r.expertise ?? [],
    role: r.role,
    joinedAt: r.created_at,
    ...(withEmail ? { email: r.email } : {}),
  }));
}

export function directoryCsv(entries: DirectoryEntry[]): string {
  return toCsv(
    ['email', 'name', 'job_title', 'agency', 'expertise', 'role', 'joined_at'],
    entries.map((e) => [e.email ?? '', e.name ?? '', e.jobTitle ?? '', e.agency ?? '', e.expertise.join('; '), e.role, e.joinedAt.toISOString()]),
  );
}

export type CoordinatorAction = Role | 'remove' | 'ban';

/** A coordinator's change to one member: role, removal or ban (audited). */
export async function applyCoordinatorAction(db: Queryable, actor: Actor, communityId: number, memberId: number, action: CoordinatorAction): Promise<void> {
  if (action === 'remove' || action === 'ban') {
    await changeMembership(db, actor, {
      communityId,
      memberId,
      status: action === 'remove' ? 'removed' : 'banned',
      source: 'coordinator',
      action: `membership.${action}`,
    });
  } else {
    await changeMembership(db, actor, { communityId, memberId, role: action, source: 'coordinator', action: 'membership.role' });
  }
}
