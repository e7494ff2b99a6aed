/**
 * Working groups' lists (sub-lists of a community's list). Their members are the group's active
 * members who are still active members of the community; the group's leads moderate them with
 * the community's moderators and coordinators. How a member takes a group's list is their
 * subscription to it (subscriptions.ts): their own delivery for it, else the community list's;
 * delivery stopped by bounces is kept on the community list's and applies to every list of the
 * community. Leaving a group's list is leaving the group: the groups feature does that
 * (`groupListLeaving`, from its descriptor).
 */
import { canCoordinate, membershipIn } from '../membership/index.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import type { List } from './store.ts';

export interface ListStanding {
  /** May post and gets the list's mail. */
  member: boolean;
  banned: boolean;
  role: 'member' | 'moderator' | 'coordinator' | null;
}

/** A member's standing on a list: the community membership, narrowed to the group on a group's list. */
export async function listStanding(db: Queryable, list: Pick<List, 'communityId' | 'groupId'>, memberId: number | undefined): Promise<ListStanding> {
  const m = memberId ? await membershipIn(db, memberId, list.communityId) : undefined;
  const active = m?.status === 'active';
  const standing: ListStanding = { member: active, banned: m?.status === 'banned', role: active ? m.role : null };
  if (!active || list.groupId === null) return standing;
  const g = await db.query<{ role: 'lead' | 'member' }>(`select role from working_group_members where group_id = $1 and member_id = $2 and status = 'active'`, [
    list.groupId,
    memberId,
  ]);
  const inGroup = g.rows[0];
  if (!inGroup) return { member: false, banned: false, role: standing.role === 'member' ? null : standing.role };
  // A group's leads moderate its list; the community's moderators and coordinators keep their role.
  return { member: true, banned: false, role: standing.role === 'member' && inGroup.role === 'lead' ? 'moderator' : standing.role };
}

/** Addresses of a group's active leads who are still active in the community. */
export async function groupLeadAddresses(db: Queryable, groupId: number): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>(
    `select m.email from working_group_members w join working_groups g on g.id = w.group_id join members m on m.id = w.member_id
       join memberships ms on ms.member_id = w.member_id and ms.community_id = g.community_id and ms.status = 'active'
      where w.group_id = $1 and w.status = 'active' and w.role = 'lead' order by m.email`,
    [groupId],
  );
  return rows.map((r) => r.email);
}

/** Whether the viewer may moderate a list: the community's moderators and coordinators, site admins, and on a group's list its leads. */
export async function canModerateList(
  db: Queryable,
  viewer: { memberId: number; siteAdmin: boolean },
  list: Pick<List, 'communityId' | 'groupId'>,
  moderatorOk = true,
): Promise<boolean> {
  if (await canCoordinate(db, viewer, list.communityId, moderatorOk)) return true;
  if (list.groupId === null) return false;
  const { rows } = await db.query(`select 1 from working_group_members where group_id = $1 and member_id = $2 and role = 'lead' and status = 'active'`, [
    list.groupId,
    viewer.memberId,
  ]);
  return rows.length > 0 && (await membershipIn(db, viewer.memberId, list.communityId))?.status === 'active';
}
