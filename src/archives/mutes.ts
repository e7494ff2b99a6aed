/**
 * Muted threads (issue 21): a member who mutes a thread gets no more copies of it, by mail or in
 * digests; the rest of the list keeps coming. "The thread" is the archive's: a new post belongs
 * to a muted thread when the archive threads it there (In-Reply-To, References, then subject;
 * threads.ts), so the filters below first archive the list's waiting posts, but only on a list
 * where someone muted something, so other lists pay nothing.
 */
import type pg from 'pg';
import type { Queryable } from '../platform/db/queryable.ts';
import { archiveListSettled } from './archiver.ts';

export async function muteThread(db: Queryable, m: { listId: number; threadId: number; memberId: number }): Promise<void> {
  await db.query('insert into thread_mutes (thread_id, member_id, list_id) values ($1, $2, $3) on conflict do nothing', [m.threadId, m.memberId, m.listId]);
}

export async function unmuteThread(db: Queryable, m: { threadId: number; memberId: number }): Promise<void> {
  await db.query('delete from thread_mutes where thread_id = $1 and member_id = $2', [m.threadId, m.memberId]);
}

export async function isMuted(db: Queryable, threadId: number, memberId: number): Promise<boolean> {
  const { rows } = await db.query({
    name: 'thread-muted',
    text: 'select 1 from thread_mutes where thread_id = $1 and member_id = $2',
    values: [threadId, memberId],
  });
  return rows.length > 0;
}

/** Archive the list's waiting posts when someone on it muted a thread, so the filters see every post's thread. */
export async function threadMutesReady(pool: pg.Pool, listId: number): Promise<boolean> {
  const { rows } = await pool.query('select 1 from thread_mutes where list_id = $1 limit 1', [listId]);
  if (!rows.length) return false;
  await archiveListSettled(pool, listId);
  return true;
}

/** The members who muted the thread of this post (fan-out leaves them out). */
export async function membersMutingPost(pool: pg.Pool, postId: number): Promise<number[]> {
  const { rows: post } = await pool.query<{ list_id: number }>({
    name: 'post-has-mutes',
    text: 'select p.list_id from posts p where p.id = $1 and exists (select 1 from thread_mutes tm where tm.list_id = p.list_id)',
    values: [postId],
  });
  if (!post[0]) return [];
  await archiveListSettled(pool, Number(post[0].list_id));
  const { rows } = await pool.query<{ member_id: number }>(
    'select tm.member_id from archive_entries e join thread_mutes tm on tm.thread_id = e.thread_id where e.post_id = $1',
    [postId],
  );
  return rows.map((r) => Number(r.member_id));
}

/**
 * For a digest on a list where someone muted a thread: the last post number up to which every
 * post of the list is archived (so mutedPostNumbers knows each one's thread), read in one
 * snapshot: the post before the first still waiting in archive_pending, else the newest post.
 * Posts are numbered in order under the list's row lock and queued for archiving in the same
 * transaction, so a post stored after this is numbered above it. Undefined when nobody on the
 * list muted a thread: no limit.
 */
export async function mutesSettledThrough(db: Queryable, listId: number): Promise<number | undefined> {
  const { rows } = await db.query<{ through: number | null }>({
    name: 'mutes-settled-through',
    text: `select case when exists (select 1 from thread_mutes where list_id = $1) then
                coalesce((select min(p.number) - 1 from archive_pending q join posts p on p.id = q.post_id where q.list_id = $1),
                         (select max(p.number) from posts p where p.list_id = $1), 0) end as through`,
    values: [listId],
  });
  const through = rows[0]?.through;
  return through === null || through === undefined ? undefined : Number(through);
}

/**
 * For a digest: each member's post numbers (after `after`) in threads they muted. Members with
 * none are absent. Call threadMutesReady first, outside the digest's transaction; a post stored
 * since is not known here, so the digest stops before the first post still in archive_pending.
 */
export async function mutedPostNumbers(db: Queryable, listId: number, memberIds: number[], after: number): Promise<Map<number, Set<number>>> {
  const out = new Map<number, Set<number>>();
  if (!memberIds.length) return out;
  const { rows } = await db.query<{ member_id: number; number: number }>(
    `select tm.member_id, p.number from thread_mutes tm
       join archive_entries e on e.thread_id = tm.thread_id
       join posts p on p.id = e.post_id
      where tm.list_id = $1 and tm.member_id = any($2::bigint[]) and p.list_id = $1 and p.number > $3`,
    [listId, memberIds, after],
  );
  for (const r of rows) {
    const id = Number(r.member_id);
    if (!out.has(id)) out.set(id, new Set());
    out.get(id)!.add(r.number);
  }
  return out;
}
