/**
 * Threading: a post joins the thread of the post it answers (In-Reply-To, then References from
 * the nearest back), else — when it looks like a reply — a recent thread with the same subject,
 * else it starts a thread. A post that arrives before its parent (imports out of order) is
 * joined up when the parent arrives.
 */
import { DateTime } from '../platform/luxon.ts';
import type { Queryable } from '../platform/db/queryable.ts';

const REPLY_MARK = /^\s*(re|fw|fwd|aw|sv|antw|r\u00e9f|rif)\s*(\[\d+\])?\s*:/i; // réf
const LIST_TAG = /^\s*\[[^\]]{1,60}\]\s*/;
/** How far apart two posts with the same subject may be and still share a thread. */
const SUBJECT_WINDOW_DAYS = 30;

/** The subject without reply marks and list tags, lower case: "Re: [SocialGov] Hi" → "hi". */
export function subjectKey(subject: string): string {
  let s = subject;
  for (;;) {
    const t = s.replace(REPLY_MARK, '').replace(LIST_TAG, '');
    if (t === s) break;
    s = t;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function looksLikeReply(subject: string): boolean {
  return REPLY_MARK.test(subject.replace(LIST_TAG, ''));
}

export interface ThreadingInput {
  listId: number;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  sentAt: Date;
}

export interface ThreadPlace {
  threadId: number | null;
  parentPostId: number | null;
}

/** Where a new post belongs (threadId null: start a new thread). */
export async function findThread(db: Queryable, p: ThreadingInput): Promise<ThreadPlace> {
  const candidates = [...new Set([p.inReplyTo, ...[...p.references].reverse()].filter((x): x is string => !!x && x !== p.messageId))];
  if (candidates.length) {
    const { rows } = await db.query<{ post_id: number; thread_id: number; message_id: string }>(
      'select post_id, thread_id, message_id from archive_entries where list_id = $1 and message_id = any($2::text[])',
      [p.listId, candidates],
    );
    for (const id of candidates) {
      const hit = rows.find((r) => r.message_id === id);
      if (hit) return { threadId: Number(hit.thread_id), parentPostId: Number(hit.post_id) };
    }
  }
  const key = subjectKey(p.subject);
  if (key && (candidates.length || looksLikeReply(p.subject))) {
    const at = DateTime.fromJSDate(p.sentAt, { zone: 'utc' });
    const { rows } = await db.query<{ id: number }>(
      `select id from archive_threads where list_id = $1 and subject_key = $2 and last_at between $3 and $4
       order by abs(extract(epoch from last_at - $5::timestamptz)) limit 1`,
      [p.listId, key, at.minus({ days: SUBJECT_WINDOW_DAYS }).toJSDate(), at.plus({ days: SUBJECT_WINDOW_DAYS }).toJSDate(), p.sentAt],
    );
    if (rows[0]) return { threadId: Number(rows[0].id), parentPostId: null };
  }
  return { threadId: null, parentPostId: null };
}

export async function createThread(db: Queryable, listId: number, subject: string, sentAt: Date): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'insert into archive_threads (list_id, subject, subject_key, started_at, last_at) values ($1, $2, $3, $4, $4) returning id',
    [listId, subject || '(no subject)', subjectKey(subject), sentAt],
  );
  return Number(rows[0]!.id);
}

/**
 * A post that arrives after its replies (held for moderation, or imported out of order): threads
 * whose first post answers it (In-Reply-To) were started without it, and move
 * into its thread; and every post that answers it directly (In-Reply-To) gets it as parent,
 * wherever that post was threaded meanwhile — by References to an older post, or by subject.
 * Returns the threads emptied (deleted).
 */
export async function adoptOrphans(db: Queryable, listId: number, postId: number, messageId: string, threadId: number): Promise<number[]> {
  await db.query(
    'update archive_entries set parent_post_id = $1 where list_id = $2 and in_reply_to = $3 and post_id <> $1 and parent_post_id is distinct from $1',
    [postId, listId, messageId],
  );
  const { rows } = await db.query<{ thread_id: number }>(
    `select distinct e.thread_id from archive_entries e join archive_threads t on t.id = e.thread_id and t.root_post_id = e.post_id
     where e.list_id = $1 and e.in_reply_to = $2 and e.thread_id <> $3`,
    [listId, messageId, threadId],
  );
  const orphans = rows.map((r) => Number(r.thread_id));
  if (!orphans.length) return [];
  await db.query('update archive_entries set thread_id = $1 where thread_id = any($2::bigint[])', [threadId, orphans]);
  // Whoever muted an adopted thread keeps it muted as part of the whole (0053_thread_mutes.sql).
  await db.query(
    `insert into thread_mutes (thread_id, member_id, list_id, muted_at) select $1, member_id, list_id, min(muted_at) from thread_mutes
      where thread_id = any($2::bigint[]) group by member_id, list_id on conflict do nothing`,
    [threadId, orphans],
  );
  await db.query('delete from archive_threads where id = any($1::bigint[])', [orphans]);
  return orphans;
}

/** Recount a thread: first and last post, number of posts and of people. */
export async function refreshThread(db: Queryable, threadId: number): Promise<void> {
  await db.query(
    `update archive_threads t set
       started_at = s.started_at, last_at = s.last_at, message_count = s.n, participant_count = s.people, root_post_id = s.root,
       subject = coalesce(nullif(s.subject, ''), t.subject)
     from (select min(sent_at) as started_at, max(sent_at) as last_at, count(*) as n, count(distinct lower(from_address)) as people,
                  (array_agg(post_id order by sent_at, post_id))[1] as root, (array_agg(subject order by sent_at, post_id))[1] as subject
           from archive_entries where thread_id = $1) s
     where t.id = $1`,
    [threadId],
  );
}
