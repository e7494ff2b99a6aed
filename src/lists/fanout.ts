/**
 * Fan-out planning: one delivery record per (post, member) for every member who gets each
 * message — active, delivery mode "each", not stopped by bounces, and (unless the list sends
 * posters their own posts) not the poster; on a working group's list, only the group's active
 * members, by the delivery they chose for the group (or, if none, for the community). Planning is idempotent: a retried plan adds nobody
 * twice. The delivery runner then works through the records.
 */
import type pg from 'pg';
import { inTransaction } from '../platform/db/queryable.ts';
import { membersMutingPost } from '../archives/mutes.ts';

export const DELIVERY_CHANNEL = 'socialgov_deliveries';

export async function planFanout(pool: pg.Pool, postId: number): Promise<{ planned: number; already: boolean }> {
  // Members who muted this post's thread (src/archives/mutes.ts; none without mutes on the list).
  const muted = await membersMutingPost(pool, postId);
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ planned_at: Date | null }>('select planned_at from posts where id = $1 for update', [postId]);
    if (!rows[0]) return { planned: 0, already: true };
    if (rows[0].planned_at) return { planned: 0, already: true };
    const inserted = await tx.query(
      `insert into deliveries (kind, ref_id, list_id, member_id, address)
       select 'post', p.id, l.id, m.id, m.email
         from posts p
         join lists l on l.id = p.list_id
         join memberships ms on ms.community_id = l.community_id
         join members m on m.id = ms.member_id
        where p.id = $1 and ms.status = 'active' and ms.delivery_disabled_at is null
          and (l.send_to_poster or lower(m.email) <> lower(p.from_address))
          and m.id <> all($2::bigint[])
          -- a working group's list: its active members, by their delivery for the group (null: as for the community)
          and (case when l.group_id is null then ms.delivery_mode = 'each'
                    else exists (select 1 from working_group_members w where w.group_id = l.group_id and w.member_id = m.id and w.status = 'active'
                                    and coalesce(w.delivery_mode, ms.delivery_mode) = 'each') end)
        order by m.id
       on conflict (kind, ref_id, member_id) do nothing`,
      [postId, muted],
    );
    await tx.query('update posts set planned_at = now() where id = $1', [postId]);
    await tx.query(`select pg_notify('${DELIVERY_CHANNEL}', '')`);
    return { planned: inserted.rowCount ?? 0, already: false };
  });
}
