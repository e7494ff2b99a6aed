/**
 * A member's subscription to a list (`list_subscriptions`, 0072_list_subscriptions.sql): how they
 * take the list, their digest place and delivery stopped by bounces, for a community's list and
 * its working groups' lists alike. The lists feature owns it; membership and groups change it
 * only through these functions. The digest place moves with the delivery by the table's own
 * trigger, by the same rules on every list.
 */
import type { Queryable } from '../platform/db/queryable.ts';

export type ListDelivery = 'each' | 'daily' | 'weekly' | 'none';

const COMMUNITY_LIST = '(select id from lists where community_id = $1 and group_id is null order by id limit 1)';
const GROUP_LIST = '(select id from lists where group_id = $1)';

/** How a member takes a community's list (each message when they never chose). */
export async function communityDelivery(db: Queryable, communityId: number, memberId: number): Promise<ListDelivery> {
  const { rows } = await db.query<{ delivery_mode: ListDelivery | null }>({
    name: 'community-delivery',
    text: `select delivery_mode from list_subscriptions where list_id = ${COMMUNITY_LIST} and member_id = $2`,
    values: [communityId, memberId],
  });
  return rows[0]?.delivery_mode ?? 'each';
}

/** How a member takes each community's list they chose for, by community id. */
export async function communityDeliveries(db: Queryable, memberId: number): Promise<Map<number, ListDelivery>> {
  const { rows } = await db.query<{ community_id: string; delivery_mode: ListDelivery | null }>(
    `select l.community_id, s.delivery_mode from list_subscriptions s join lists l on l.id = s.list_id
      where s.member_id = $1 and l.group_id is null`,
    [memberId],
  );
  return new Map(rows.map((r) => [Number(r.community_id), r.delivery_mode ?? 'each']));
}

/** Set how a member takes a community's list. */
export async function setCommunityDelivery(db: Queryable, communityId: number, memberId: number, mode: ListDelivery): Promise<void> {
  await db.query(
    `insert into list_subscriptions (list_id, member_id, delivery_mode) select ${COMMUNITY_LIST}, $2, $3
     on conflict (list_id, member_id) do update set delivery_mode = excluded.delivery_mode`,
    [communityId, memberId, mode],
  );
}

/** A group member's own delivery for the group's list (null: as for the community's list), and the community's. */
export async function groupDelivery(db: Queryable, groupId: number, memberId: number): Promise<{ own: ListDelivery | null; community: ListDelivery }> {
  const { rows } = await db.query<{ own: ListDelivery | null; community: ListDelivery | null }>(
    `select (select s.delivery_mode from list_subscriptions s where s.list_id = l.id and s.member_id = $2) as own,
            (select s.delivery_mode from list_subscriptions s join lists cl on cl.id = s.list_id
              where cl.community_id = l.community_id and cl.group_id is null and s.member_id = $2) as community
       from lists l where l.group_id = $1`,
    [groupId, memberId],
  );
  return { own: rows[0]?.own ?? null, community: rows[0]?.community ?? 'each' };
}

/** Own deliveries of a member on the groups' lists they chose for (null: as for the community's list), by group id. */
export async function groupDeliveries(db: Queryable, memberId: number): Promise<Map<number, ListDelivery | null>> {
  const { rows } = await db.query<{ group_id: string; delivery_mode: ListDelivery | null }>(
    'select l.group_id, s.delivery_mode from list_subscriptions s join lists l on l.id = s.list_id where s.member_id = $1 and l.group_id is not null',
    [memberId],
  );
  return new Map(rows.map((r) => [Number(r.group_id), r.delivery_mode]));
}

/** Set how a group member takes the group's list (null: as for the community's list). */
export async function setGroupDelivery(db: Queryable, groupId: number, memberId: number, mode: ListDelivery | null): Promise<void> {
  await db.query(
    `insert into list_subscriptions (list_id, member_id, delivery_mode) select ${GROUP_LIST}, $2, $3
     on conflict (list_id, member_id) do update set delivery_mode = excluded.delivery_mode`,
    [groupId, memberId, mode],
  );
}

/**
 * A member joined (or came back to) a community or a group: their digests of its list start at
 * the newest planned post, never with posts from before (nor from while they were away).
 */
export async function startSubscription(db: Queryable, to: { communityId: number } | { groupId: number }, memberId: number): Promise<void> {
  const [list, key] = 'groupId' in to ? [GROUP_LIST, to.groupId] : [COMMUNITY_LIST, to.communityId];
  await db.query(
    `insert into list_subscriptions (list_id, member_id, last_digest_post) select l.id, $2, list_digest_start(l.id) from lists l where l.id = ${list}
     on conflict (list_id, member_id) do update set last_digest_post = excluded.last_digest_post, digest_until_post = null`,
    [key, memberId],
  );
}
