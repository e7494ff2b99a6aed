/**
 * Working groups of a community: a charter, leads, members who join (at once when the group is
 * open, after a lead approves when it is closed), and the deliverables it produced.
 * Its discussion list is a sub-list in the listserv (src/lists/sub-lists.ts, created with the group
 * by 0042_group_lists.sql); its meetings are events linked to it (events.group_id).
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { canCoordinate, DELIVERY_MODES, type DeliveryMode, membershipIn } from '../membership/index.ts';
import { groupDelivery as listDelivery, setGroupDelivery as setListDelivery, startSubscription } from '../lists/index.ts';

export const GROUP_STATUSES = ['forming', 'active', 'completed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];
export const GROUP_STATUS_TEXT: Record<GroupStatus, string> = { forming: 'Forming', active: 'Active', completed: 'Completed' };
export type JoinPolicy = 'open' | 'closed';

export class GroupError extends Error {
  readonly code = 'GROUP';
}

export interface GroupSummary {
  id: number;
  communityId: number;
  communitySlug: string;
  communityTitle: string;
  slug: string;
  name: string;
  status: GroupStatus;
  joinPolicy: JoinPolicy;
  charter: string;
  members: number;
}

export interface GroupPerson {
  memberId: number;
  name: string;
  agency: string | null;
  role: 'lead' | 'member';
  status: 'pending' | 'active' | 'left' | 'declined';
}

export interface Deliverable {
  kind: 'guide' | 'article';
  slug: string;
  title: string;
  summary: string | null;
}

export interface Group extends GroupSummary {
  people: GroupPerson[];
  deliverables: Deliverable[];
}

const SELECT = `select g.*, c.slug as community_slug, coalesce(c.short_name, c.title) as community_title,
       (select count(*) from working_group_members m where m.group_id = g.id and m.status = 'active') as members
  from working_groups g join communities c on c.id = g.community_id`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toSummary(r: any): GroupSummary {
  return {
    id: Number(r.id),
    communityId: Number(r.community_id),
    communitySlug: r.community_slug,
    communityTitle: r.community_title,
    slug: r.slug,
    name: r.name,
    status: r.status,
    joinPolicy: r.join_policy,
    charter: r.charter_md,
    members: Number(r.members),
  };
}

export async function listGroups(db: Queryable, communitySlug: string): Promise<GroupSummary[]> {
  const { rows } = await db.query(`${SELECT} where c.slug = $1 order by case g.status when 'active' then 0 when 'forming' then 1 else 2 end, g.name`, [
    communitySlug,
  ]);
  return rows.map(toSummary);
}

export async function findGroup(db: Queryable, communitySlug: string, slug: string): Promise<Group | undefined> {
  const { rows } = await db.query(`${SELECT} where c.slug = $1 and g.slug = $2`, [communitySlug, slug]);
  if (!rows[0]) return undefined;
  const g = toSummary(rows[0]);
  const people = await db.query(
    `select m.member_id, coalesce(p.name, split_part(p.email, '@', 1)) as name, p.agency, m.role, m.status
       from working_group_members m join members p on p.id = m.member_id where m.group_id = $1
      order by case m.role when 'lead' then 0 else 1 end, lower(coalesce(p.name, p.email))`,
    [g.id],
  );
  const deliverables = await db.query(
    `select case when d.guide_id is not null then 'guide' else 'article' end as kind, coalesce(gu.slug, a.slug) as slug,
            coalesce(gu.title, a.title) as title, coalesce(gu.summary, a.summary) as summary
       from working_group_deliverables d left join library_guides gu on gu.id = d.guide_id
       left join library_articles a on a.id = d.article_id and a.status = 'published'
      where d.group_id = $1 and (gu.id is not null or a.id is not null) order by d.position, d.id`,
    [g.id],
  );
  return {
    ...g,
    people: people.rows.map((p) => ({ memberId: Number(p.member_id), name: p.name, agency: p.agency, role: p.role, status: p.status })),
    deliverables: deliverables.rows,
  };
}

export interface GroupInput {
  communityId: number;
  slug: string;
  name: string;
  charter: string;
  status: GroupStatus;
  joinPolicy: JoinPolicy;
}

export async function createGroup(pool: pg.Pool, actor: Actor, g: GroupInput, leadMemberIds: number[]): Promise<number> {
  return inTransaction(pool, async (db) => {
    const taken = await db.query('select 1 from working_groups where community_id = $1 and slug = $2', [g.communityId, g.slug]);
    if (g.slug === 'new') throw new GroupError('“new” is kept for the site’s own page. Choose another short name.');
    if (taken.rows.length) throw new GroupError(`This community already has a working group at “${g.slug}”. Choose another short name.`);
    const { rows } = await db.query<{ id: number }>(
      'insert into working_groups (community_id, slug, name, charter_md, status, join_policy) values ($1, $2, $3, $4, $5, $6) returning id',
      [g.communityId, g.slug, g.name, g.charter, g.status, g.joinPolicy],
    );
    const id = Number(rows[0]!.id);
    for (const m of leadMemberIds) {
      const r = await db.query(
        `insert into working_group_members (group_id, member_id, role, status) values ($1, $2, 'lead', 'active') on conflict do nothing`,
        [id, m],
      );
      if (r.rowCount) await startSubscription(db, { groupId: id }, m);
    }
    await recordAudit(db, actor, { action: 'group.create', subjectType: 'working-group', subjectId: String(id), after: { ...g, leads: leadMemberIds } });
    return id;
  });
}

export async function updateGroup(
  db: Queryable,
  actor: Actor,
  group: GroupSummary,
  changes: Pick<GroupInput, 'name' | 'charter' | 'status' | 'joinPolicy'>,
): Promise<void> {
  await db.query('update working_groups set name = $2, charter_md = $3, status = $4, join_policy = $5, updated_at = now() where id = $1', [
    group.id,
    changes.name,
    changes.charter,
    changes.status,
    changes.joinPolicy,
  ]);
  await recordAudit(db, actor, {
    action: 'group.edit',
    subjectType: 'working-group',
    subjectId: String(group.id),
    before: { name: group.name, status: group.status, joinPolicy: group.joinPolicy },
    after: { name: changes.name, status: changes.status, joinPolicy: changes.joinPolicy },
  });
}

/** Leads of the group, the community's coordinators and site admins may run it. */
export async function canLead(db: Queryable, viewer: { memberId: number; siteAdmin: boolean }, group: GroupSummary): Promise<boolean> {
  if (await canCoordinate(db, viewer, group.communityId)) return true;
  const { rows } = await db.query(`select 1 from working_group_members where group_id = $1 and member_id = $2 and role = 'lead' and status = 'active'`, [
    group.id,
    viewer.memberId,
  ]);
  return rows.length > 0;
}

export async function personIn(db: Queryable, groupId: number, memberId: number): Promise<GroupPerson['status'] | undefined> {
  const { rows } = await db.query('select status from working_group_members where group_id = $1 and member_id = $2', [groupId, memberId]);
  return rows[0]?.status;
}

/** A community member asks to join: active at once in an open group, pending a lead's approval in a closed one. */
export async function joinGroup(db: Queryable, actor: Actor, group: GroupSummary, memberId: number): Promise<'joined' | 'requested'> {
  const m = await membershipIn(db, memberId, group.communityId);
  if (m?.status !== 'active') throw new GroupError(`Only members of ${group.communityTitle} can join its working groups. Join the community first.`);
  if (group.status === 'completed') throw new GroupError('This working group has finished its work and takes no new members.');
  const status = group.joinPolicy === 'open' ? 'active' : 'pending';
  const before = await personIn(db, group.id, memberId);
  await db.query(
    `insert into working_group_members (group_id, member_id, role, status) values ($1, $2, 'member', $3)
     on conflict (group_id, member_id) do update set status = case when working_group_members.status = 'active' then 'active' else excluded.status end, updated_at = now()`,
    [group.id, memberId, status],
  );
  // the group's list: digests start at its newest planned post (the lists feature's subscription)
  if (status === 'active' && before !== 'active') await startSubscription(db, { groupId: group.id }, memberId);
  await recordAudit(db, actor, {
    action: status === 'active' ? 'group.join' : 'group.request',
    subjectType: 'working-group',
    subjectId: `${group.id}:${memberId}`,
    after: { status },
  });
  return status === 'active' ? 'joined' : 'requested';
}

export async function leaveGroup(db: Queryable, actor: Actor, group: GroupSummary, memberId: number): Promise<void> {
  await db.query(`update working_group_members set status = 'left', updated_at = now() where group_id = $1 and member_id = $2`, [group.id, memberId]);
  await recordAudit(db, actor, { action: 'group.leave', subjectType: 'working-group', subjectId: `${group.id}:${memberId}` });
}

/**
 * A member left the group's list (the list command, the unsubscribe link): they leave the group.
 * The lists feature calls it through the descriptor (`leaveGroupList`) and audits it. True when
 * they were an active member.
 */
export async function leaveGroupByList(db: Queryable, groupId: number, memberId: number): Promise<boolean> {
  const r = await db.query(
    `update working_group_members set status = 'left', updated_at = now() where group_id = $1 and member_id = $2 and status = 'active'`,
    [groupId, memberId],
  );
  return (r.rowCount ?? 0) > 0;
}

/** How an active member gets the group's list: their own choice for it, or null (as for the community's list); kept by the lists feature. */
export async function groupDelivery(
  db: Queryable,
  groupId: number,
  memberId: number,
): Promise<{ own: DeliveryMode | null; community: DeliveryMode } | undefined> {
  if ((await personIn(db, groupId, memberId)) !== 'active') return undefined;
  return listDelivery(db, groupId, memberId);
}

/**
 * A member chooses how they get the group's list, apart from the community's: each message, a
 * digest, or no mail; null goes back to the community's setting. Digests carry over as they do
 * for the community's list (0072_list_subscriptions.sql).
 */
export async function setGroupDelivery(db: Queryable, actor: Actor, group: GroupSummary, memberId: number, mode: DeliveryMode | null): Promise<void> {
  if (mode !== null && !DELIVERY_MODES.includes(mode)) throw new GroupError('Choose how you want to get the group’s messages from the list.');
  const r = await db.query(`update working_group_members set updated_at = now() where group_id = $1 and member_id = $2 and status = 'active'`, [
    group.id,
    memberId,
  ]);
  if (!r.rowCount) throw new GroupError('Only the group’s members choose how they get its list. Join the group first.');
  await setListDelivery(db, group.id, memberId, mode);
  await recordAudit(db, actor, { action: 'group.delivery', subjectType: 'working-group', subjectId: `${group.id}:${memberId}`, after: { deliveryMode: mode } });
}

/** A lead approves or declines a pending request. */
export async function decideRequest(db: Queryable, actor: Actor, group: GroupSummary, memberId: number, approve: boolean): Promise<void> {
  const r = await db.query(`update working_group_members set status = $3, updated_at = now() where group_id = $1 and member_id = $2 and status = 'pending'`, [
    group.id,
    memberId,
    approve ? 'active' : 'declined',
  ]);
  if (!r.rowCount) throw new GroupError('That request was already decided, or withdrawn. Reload the page.');
  if (approve) await startSubscription(db, { groupId: group.id }, memberId);
  await recordAudit(db, actor, { action: approve ? 'group.approve' : 'group.decline', subjectType: 'working-group', subjectId: `${group.id}:${memberId}` });
}

/** Show a library guide or article as one of the group's deliverables. */
export async function addDeliverable(db: Queryable, actor: Actor, group: GroupSummary, item: { kind: 'guide' | 'article'; slug: string }): Promise<void> {
  const table = item.kind === 'guide' ? 'library_guides' : 'library_articles';
  const found = await db.query<{ id: number }>(`select id from ${table} where slug = $1`, [item.slug]);
  if (!found.rows[0]) throw new GroupError(`There is no ${item.kind} at “${item.slug}” in the library. Check the short name in its address.`);
  const id = Number(found.rows[0].id);
  await db.query(
    `insert into working_group_deliverables (group_id, guide_id, article_id, position)
     values ($1, $2, $3, (select coalesce(max(position), 0) + 1 from working_group_deliverables where group_id = $1)) on conflict do nothing`,
    [group.id, item.kind === 'guide' ? id : null, item.kind === 'article' ? id : null],
  );
  await recordAudit(db, actor, { action: 'group.deliverable.add', subjectType: 'working-group', subjectId: String(group.id), after: item });
}

/** The groups that produced a guide or article, for "Produced by" on library pages. */
export async function producersOf(
  db: Queryable,
  item: { kind: 'guide' | 'article'; id: number },
): Promise<Array<{ communitySlug: string; slug: string; name: string }>> {
  const { rows } = await db.query(
    `select c.slug as community_slug, g.slug, g.name from working_group_deliverables d join working_groups g on g.id = d.group_id join communities c on c.id = g.community_id
      where ${item.kind === 'guide' ? 'd.guide_id' : 'd.article_id'} = $1 order by g.name`,
    [item.id],
  );
  return rows.map((r) => ({ communitySlug: r.community_slug, slug: r.slug, name: r.name }));
}

/** Make an active member of the group one of its leads. */
export async function makeLead(db: Queryable, actor: Actor, group: GroupSummary, memberId: number): Promise<void> {
  const r = await db.query(
    `update working_group_members set role = 'lead', updated_at = now() where group_id = $1 and member_id = $2 and status = 'active' and role = 'member'`,
    [group.id, memberId],
  );
  if (!r.rowCount) throw new GroupError('Only an active member of the group can become a lead. Reload the page.');
  await recordAudit(db, actor, { action: 'group.lead', subjectType: 'working-group', subjectId: `${group.id}:${memberId}`, after: { role: 'lead' } });
}
