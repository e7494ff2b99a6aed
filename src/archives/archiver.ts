/**
 * The archiver: turns posts (as the listserv or an import stored them) into archive entries —
 * readable text, attachment list, thread and search vector. A trigger queues every new post in
 * `archive_pending`; `archivePending` empties that queue (from the worker, and before an archive
 * page is shown, so an Archived-At link works the moment the copy is delivered).
 */
import type pg from 'pg';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { parseMessage, type ParsedMessage } from './message.ts';
import { freshText } from './text.ts';
import { adoptOrphans, createThread, findThread, refreshThread } from './threads.ts';

/** The most text of one post that goes into the search index (tsvector's limit is 1 MB). */
const MAX_INDEXED_CHARS = 200_000;

interface PostRow {
  id: number;
  list_id: number;
  message_id: string;
  in_reply_to: string | null;
  refs: string[];
  subject: string;
  from_address: string;
  from_name: string | null;
  sent_at: Date;
  raw: Buffer;
}

/** Add one post to the archive (in the caller's transaction); `parsed` when the caller already parsed it. */
export async function archivePost(db: Queryable, post: PostRow, parsed?: ParsedMessage): Promise<void> {
  parsed ??= await parseMessage(post.raw);
  const references = post.refs.length ? post.refs : parsed.references;
  const inReplyTo = post.in_reply_to ?? parsed.inReplyTo;
  const place = await findThread(db, { listId: post.list_id, messageId: post.message_id, inReplyTo, references, subject: post.subject, sentAt: post.sent_at });
  const threadId = place.threadId ?? (await createThread(db, post.list_id, post.subject, post.sent_at));
  const fresh = freshText(parsed.text).slice(0, MAX_INDEXED_CHARS);
  const sender = [post.from_name ?? '', post.from_address, post.from_address.replace(/[@.]/g, ' ')].join(' ');
  await db.query(
    `insert into archive_entries (post_id, list_id, thread_id, parent_post_id, message_id, in_reply_to, sent_at, from_address, from_name, subject,
                                  body_text, has_html, attachments, has_attachment, search)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
             setweight(to_tsvector('english', $10), 'A') || setweight(to_tsvector('simple', $15), 'B') || setweight(to_tsvector('english', $16), 'D'))
     on conflict (post_id) do nothing`,
    [
      post.id, post.list_id, threadId, place.parentPostId, post.message_id, inReplyTo, post.sent_at, post.from_address, post.from_name, post.subject,
      parsed.text.replaceAll('\u0000', ''), parsed.html !== null, JSON.stringify(parsed.attachments), parsed.attachments.some((a) => !a.contentId),
      sender, fresh.replaceAll('\u0000', ''),
    ],
  );
  await adoptOrphans(db, post.list_id, post.id, post.message_id, threadId);
  await refreshThread(db, threadId);
  await db.query('delete from archive_pending where post_id = $1', [post.id]);
}

const POST_COLUMNS = 'p.id, p.list_id, p.message_id, p.in_reply_to, p.refs, p.subject, p.from_address, p.from_name, p.sent_at, p.raw';

/** Archive the given posts, oldest first, in the caller's transaction (an import passes what it parsed). */
export async function archivePosts(db: Queryable, postIds: number[], parsed?: Map<number, ParsedMessage>): Promise<void> {
  for (let i = 0; i < postIds.length; i += 200) {
    const { rows } = await db.query<PostRow>(`select ${POST_COLUMNS} from posts p where p.id = any($1::bigint[]) order by p.sent_at, p.id`, [postIds.slice(i, i + 200)]);
    for (const r of rows) await archivePost(db, { ...r, id: Number(r.id), list_id: Number(r.list_id) }, parsed?.get(Number(r.id)));
  }
}

/**
 * Archive posts waiting in the queue (one list, or all), a batch at a time; several processes
 * may run this at once (rows are claimed with SKIP LOCKED). Returns how many were archived.
 */
export async function archivePending(pool: pg.Pool, listId?: number, batch = 50): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<PostRow>(
        `select ${POST_COLUMNS} from archive_pending q join posts p on p.id = q.post_id
         where ($1::bigint is null or q.list_id = $1) order by p.sent_at, p.id limit $2 for update of q skip locked`,
        [listId ?? null, batch],
      );
      for (const r of rows) await archivePost(tx, { ...r, id: Number(r.id), list_id: Number(r.list_id) });
      return rows.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** Is anything waiting? (cheap: checked before every archive page) */
export async function hasPending(db: Queryable, listId: number): Promise<boolean> {
  const { rows } = await db.query('select 1 from archive_pending where list_id = $1 limit 1', [listId]);
  return rows.length > 0;
}
