/** Reading the archive: months, threads, a thread's posts, one post. Plain queries, no HTTP. */
import type { Queryable } from '../platform/db/queryable.ts';
import type { ArchiveAttachment } from './message.ts';

export interface MonthSummary {
  /** "2019-04" in the list's zone. */
  month: string;
  threads: number;
  posts: number;
}

/** Months that have posts, newest first, with thread (started that month) and post counts. */
export async function archiveMonths(db: Queryable, listId: number, zone: string): Promise<MonthSummary[]> {
  const { rows } = await db.query<{ month: string; posts: number; threads: number }>(
    `with p as (select to_char(sent_at at time zone $2, 'YYYY-MM') as month, count(*)::int as posts from archive_entries where list_id = $1 group by 1),
          t as (select to_char(started_at at time zone $2, 'YYYY-MM') as month, count(*)::int as threads from archive_threads where list_id = $1 group by 1)
     select p.month, p.posts, coalesce(t.threads, 0) as threads from p left join t using (month) order by p.month desc`,
    [listId, zone],
  );
  return rows;
}

export interface ThreadSummary {
  id: number;
  subject: string;
  startedAt: Date;
  lastAt: Date;
  messages: number;
  replies: number;
  participants: number;
  starter: { name: string | null; address: string };
  rootNumber: number;
}

// the starter as the archive shows posters (the entry's sender: the poster behind "X via List")
const THREAD_COLUMNS = 't.id, t.subject, t.started_at, t.last_at, t.message_count, t.participant_count, r.from_name, r.from_address, p.number';
const THREAD_FROM = 'archive_threads t join posts p on p.id = t.root_post_id join archive_entries r on r.post_id = t.root_post_id';
const THREAD_SELECT = `select ${THREAD_COLUMNS} from ${THREAD_FROM}`;

function toThread(r: Record<string, unknown>): ThreadSummary {
  const messages = Number(r.message_count);
  return {
    id: Number(r.id),
    subject: r.subject as string,
    startedAt: r.started_at as Date,
    lastAt: r.last_at as Date,
    messages,
    replies: messages - 1,
    participants: Number(r.participant_count),
    starter: { name: r.from_name as string | null, address: r.from_address as string },
    rootNumber: Number(r.number),
  };
}

/** Threads started in [from, to), oldest first. */
export async function threadsBetween(db: Queryable, listId: number, from: Date, to: Date): Promise<ThreadSummary[]> {
  const { rows } = await db.query(`${THREAD_SELECT} where t.list_id = $1 and t.started_at >= $2 and t.started_at < $3 order by t.started_at, t.id`, [
    listId,
    from,
    to,
  ]);
  return rows.map(toThread);
}

/**
 * Threads started before `from` with messages in [from, to) — a month's page lists them after
 * the threads it started — oldest first, each with how many of its messages fall in the range.
 */
export async function threadsContinuedBetween(
  db: Queryable,
  listId: number,
  from: Date,
  to: Date,
): Promise<Array<ThreadSummary & { messagesBetween: number }>> {
  const { rows } = await db.query(
    `select ${THREAD_COLUMNS}, x.n from ${THREAD_FROM}
       join (select thread_id, count(*)::int as n from archive_entries where list_id = $1 and sent_at >= $2 and sent_at < $3 group by thread_id) x on x.thread_id = t.id
     where t.list_id = $1 and t.started_at < $2 order by t.started_at, t.id`,
    [listId, from, to],
  );
  return rows.map((r) => ({ ...toThread(r), messagesBetween: Number(r.n) }));
}

/** The newest threads (for the feed). */
export async function newestThreads(db: Queryable, listId: number, limit: number): Promise<ThreadSummary[]> {
  const { rows } = await db.query(`${THREAD_SELECT} where t.list_id = $1 order by t.started_at desc, t.id desc limit $2`, [listId, limit]);
  return rows.map(toThread);
}

export async function threadById(db: Queryable, listId: number, id: number): Promise<ThreadSummary | undefined> {
  const { rows } = await db.query(`${THREAD_SELECT} where t.list_id = $1 and t.id = $2`, [listId, id]);
  return rows[0] ? toThread(rows[0]) : undefined;
}

export interface ArchivedPost {
  postId: number;
  number: number;
  threadId: number;
  parentNumber: number | null;
  messageId: string;
  subject: string;
  fromAddress: string;
  fromName: string | null;
  sentAt: Date;
  text: string;
  hasHtml: boolean;
  attachments: ArchiveAttachment[];
}

const POST_SELECT = `select e.post_id, p.number, e.thread_id, pp.number as parent_number, e.message_id, e.subject, e.from_address, e.from_name, e.sent_at,
    e.body_text, e.has_html, e.attachments
  from archive_entries e join posts p on p.id = e.post_id left join posts pp on pp.id = e.parent_post_id`;

function toPost(r: Record<string, unknown>): ArchivedPost {
  return {
    postId: Number(r.post_id),
    number: Number(r.number),
    threadId: Number(r.thread_id),
    parentNumber: r.parent_number == null ? null : Number(r.parent_number),
    messageId: r.message_id as string,
    subject: r.subject as string,
    fromAddress: r.from_address as string,
    fromName: r.from_name as string | null,
    sentAt: r.sent_at as Date,
    text: r.body_text as string,
    hasHtml: r.has_html as boolean,
    attachments: r.attachments as ArchiveAttachment[],
  };
}

export async function postByNumber(db: Queryable, listId: number, number: number): Promise<ArchivedPost | undefined> {
  const { rows } = await db.query(`${POST_SELECT} where p.list_id = $1 and p.number = $2`, [listId, number]);
  return rows[0] ? toPost(rows[0]) : undefined;
}

/** A thread's posts in the order they were sent. */
export async function threadPosts(db: Queryable, threadId: number): Promise<ArchivedPost[]> {
  const { rows } = await db.query(`${POST_SELECT} where e.thread_id = $1 order by e.sent_at, e.post_id`, [threadId]);
  return rows.map(toPost);
}

/** Posts that answer this one. */
export async function repliesTo(db: Queryable, postId: number): Promise<Array<{ number: number; fromName: string | null; fromAddress: string; sentAt: Date }>> {
  const { rows } = await db.query<{ number: number; from_name: string | null; from_address: string; sent_at: Date }>(
    'select p.number, e.from_name, e.from_address, e.sent_at from archive_entries e join posts p on p.id = e.post_id where e.parent_post_id = $1 order by e.sent_at',
    [postId],
  );
  return rows.map((r) => ({ number: Number(r.number), fromName: r.from_name, fromAddress: r.from_address, sentAt: r.sent_at }));
}

/** The raw message as received (for HTML and attachments). */
export async function rawPost(db: Queryable, postId: number): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ raw: Buffer }>('select raw from posts where id = $1', [postId]);
  return rows[0]?.raw;
}
