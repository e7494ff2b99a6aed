/**
 * Fan-out planning: one delivery record per (post, member) for every member who gets each
 * message (`postRecipients` says who). The delivery runner then works through the records.
 *
 * Planned in slices of members, each its own transaction that wakes the runners, so the first
 * copies leave while later members are still being planned, rather than after one long insert.
 * Planning is idempotent: a retried plan (after a crash between slices, or a job run twice)
 * adds nobody twice, and the post is marked planned only when every slice is written.
 */
import type pg from 'pg';
import { inTransaction, whenCommitted, type Queryable } from '../platform/db/queryable.ts';
import { membersMutingPost } from '../archives/index.ts';

export const DELIVERY_CHANNEL = 'socialgov_deliveries';

/** Members per planning transaction. */
const SLICE = 1000;

/** What the statement needs of the post, each found once (a constant to the planner). */
const POST = {
  list: '(select x.list_id from posts x where x.id = $1)',
  community: '(select g.community_id from posts x join lists g on g.id = x.list_id where x.id = $1)',
  communityList:
    '(select c.id from posts x join lists g on g.id = x.list_id join lists c on c.community_id = g.community_id and c.group_id is null where x.id = $1)',
  group: '(select g.group_id from posts x join lists g on g.id = x.list_id where x.id = $1)',
  toPoster: '(select g.send_to_poster from posts x join lists g on g.id = x.list_id where x.id = $1)',
  poster: '(select pm.id from posts x join members pm on lower(pm.email) = lower(x.from_address) where x.id = $1)',
};

/**
 * Who gets each message of a post, as SQL selecting `member_id` and `address`, ordered by
 * member, from member ids above `$2`, at most `$3` (a slice); `$1` is the post, `$5` the members
 * who muted its thread. The list's members (as the list_members view, 0072_list_subscriptions.sql:
 * the community's active members, on a working group's list only the group's active members)
 * whose delivery for the list (on a group's list: their own for the group, else the community's)
 * is "each", delivery not stopped by bounces, and (unless the list sends posters their own posts)
 * not the poster. Every rule about who receives a post belongs here.
 */
export function postRecipients(): string {
  // The community's active members in member order, each looked up by list and member in its
  // subscriptions (list_subscriptions: the same rule as the list_members view), so a slice reads
  // only the members it takes.
  return `select ms.member_id, m.email as address
         from memberships ms
         join members m on m.id = ms.member_id
        where ms.community_id = ${POST.community} and ms.member_id > $2 and ms.status = 'active'
          -- not the poster, unless the list sends posters their own posts
          and (${POST.toPoster} or ms.member_id is distinct from ${POST.poster})
          -- not members who muted the post's thread ($5, src/archives/mutes.ts)
          and ms.member_id <> all($5::bigint[])
          -- a working group's list: its active members
          and (${POST.group} is null or exists (select 1 from working_group_members w where w.group_id = ${POST.group} and w.member_id = ms.member_id and w.status = 'active'))
          -- delivery not stopped by bounces (kept on the community's list)
          and not exists (select 1 from list_subscriptions s where s.list_id = ${POST.communityList} and s.member_id = ms.member_id and s.delivery_disabled_at is not null)
          -- each message: their delivery for this list, on a group's list else the community's
          and not exists (select 1 from list_subscriptions s where s.list_id = ${POST.list} and s.member_id = ms.member_id and s.delivery_mode <> 'each')
          and (${POST.group} is null
               or exists (select 1 from list_subscriptions s where s.list_id = ${POST.list} and s.member_id = ms.member_id and s.delivery_mode = 'each')
               or not exists (select 1 from list_subscriptions s where s.list_id = ${POST.communityList} and s.member_id = ms.member_id and s.delivery_mode <> 'each'))
        order by ms.member_id
        limit $3`;
}

const queuedListeners = new Set<() => void>();

/**
 * Calls `wake` each time this process has queued deliveries, after their commit (the delivery
 * runner, whose session and its LISTEN are closed while idle: delivery-runner.ts). Returns the
 * unsubscribe.
 */
export function onDeliveriesQueued(wake: () => void): () => void {
  queuedListeners.add(wake);
  return () => queuedListeners.delete(wake);
}

/** Wake this process's runners once `tx` commits; runners of other processes hear of it by NOTIFY or their next look. */
export function deliveriesQueued(tx: Queryable): void {
  whenCommitted(tx, () => {
    for (const wake of queuedListeners) wake();
  });
}

export async function planFanout(pool: pg.Pool, postId: number): Promise<{ planned: number; already: boolean }> {
  // Members who muted this post's thread (src/archives/mutes.ts; none without mutes on the list).
  const muted = await membersMutingPost(pool, postId);
  let planned = 0;
  let after = 0;
  for (;;) {
    const slice = await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<{ planned_at: Date | null; list_id: number }>({
        name: 'fanout-post',
        text: 'select planned_at, list_id from posts where id = $1 for update',
        values: [postId],
      });
      if (!rows[0] || rows[0].planned_at) return undefined;
      // One statement: the slice's records, the post marked planned after its last slice, and
      // the runners woken (at commit) when there is something new for them.
      // A named statement: planning it took three times as long as running it for a small list.
      const { rows: done } = await tx.query<{ chosen: number; last: number | null; inserted: number }>({
        name: 'fanout-slice',
        text: `with chosen as (${postRecipients()}),
              inserted as (
                insert into deliveries (kind, ref_id, list_id, member_id, address)
                select 'post', $1, $4, member_id, address from chosen order by member_id
                on conflict (kind, ref_id, member_id) do nothing
                returning 1),
              planned as (update posts set planned_at = now() where id = $1 and (select count(*) from chosen) < $3 returning 1)
         select (select count(*) from chosen)::int as chosen, (select max(member_id) from chosen) as last, (select count(*) from inserted)::int as inserted,
                (select count(*) from planned)::int as planned,
                case when exists (select 1 from inserted) then pg_notify('${DELIVERY_CHANNEL}', '') end as woke`,
        values: [postId, after, SLICE, rows[0].list_id, muted],
      });
      if (done[0]!.inserted) deliveriesQueued(tx);
      return done[0]!;
    });
    if (!slice) return { planned, already: after === 0 };
    planned += slice.inserted;
    if (slice.chosen < SLICE) return { planned, already: false };
    after = slice.last!;
  }
}
