/**
 * The archiver: turns posts (as the listserv or an import stored them) into archive entries —
 * readable text, attachment list, thread and search vector. A trigger queues every new post in
 * `archive_pending`; `archivePending` empties that queue (from the worker), and
 * `archiveListSettled` does it for one list before an archive page is shown, waiting for posts
 * another process is archiving, so an Archived-At link works the moment the copy is delivered.
 */
import type pg from 'pg';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { parseMessage, viaName, type ParsedMessage } from './message.ts';
import { freshText, withJoinedParts } from './text.ts';
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

/** What an archive entry holds that is read from the post's bytes (re-read by rederivePending when the rules change). */
interface Derived {
  fromAddress: string;
  fromName: string | null;
  bodyText: string;
  hasHtml: boolean;
  attachments: string;
  hasAttachment: boolean;
  /** The text behind the search vector: sender, and subject and body with the parts of joined words. */
  searchSender: string;
  searchSubject: string;
  searchBody: string;
}

function derive(post: PostRow, parsed: ParsedMessage): Derived {
  // The poster: posts from mail-in carry the From header as sent; behind "X via OtherList" the
  // poster is read by the same rule (posterOf) the importer used for its posts.
  const poster =
    viaName(post.from_name) !== null ? { address: parsed.fromAddress, name: parsed.fromName } : { address: post.from_address, name: post.from_name };
  const fresh = freshText(parsed.text).replaceAll('\u0000', '');
  return {
    fromAddress: poster.address,
    fromName: poster.name,
    bodyText: parsed.text.replaceAll('\u0000', ''),
    hasHtml: parsed.html !== null,
    attachments: JSON.stringify(parsed.attachments),
    hasAttachment: parsed.hasAttachment,
    searchSender: [poster.name ?? '', poster.address, poster.address.replace(/[@.]/g, ' ')].join(' '),
    searchSubject: withJoinedParts(post.subject),
    searchBody: withJoinedParts(fresh.slice(0, MAX_INDEXED_CHARS)).slice(0, MAX_INDEXED_CHARS),
  };
}

/** The search vector from parameters (subject, sender, body): subject A, sender B, body D. */
const SEARCH_VECTOR = (subject: string, sender: string, body: string) =>
  `setweight(to_tsvector('english', ${subject}), 'A') || setweight(to_tsvector('simple', ${sender}), 'B') || setweight(to_tsvector('english', ${body}), 'D')`;

/** Add one post to the archive (in the caller's transaction); `parsed` when the caller already parsed it. */
export async function archivePost(db: Queryable, post: PostRow, parsed?: ParsedMessage): Promise<void> {
  parsed ??= await parseMessage(post.raw);
  const references = post.refs.length ? post.refs : parsed.references;
  const inReplyTo = post.in_reply_to ?? parsed.inReplyTo;
  const place = await findThread(db, { listId: post.list_id, messageId: post.message_id, inReplyTo, references, subject: post.subject, sentAt: post.sent_at });
  const threadId = place.threadId ?? (await createThread(db, post.list_id, post.subject, post.sent_at));
  const d = derive(post, parsed);
  await db.query(
    `insert into archive_entries (post_id, list_id, thread_id, parent_post_id, message_id, in_reply_to, sent_at, from_address, from_name, subject,
                                  body_text, has_html, attachments, has_attachment, search)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ${SEARCH_VECTOR('$17', '$15', '$16')})
     on conflict (post_id) do nothing`,
    [
      post.id,
      post.list_id,
      threadId,
      place.parentPostId,
      post.message_id,
      inReplyTo,
      post.sent_at,
      d.fromAddress,
      d.fromName,
      post.subject,
      d.bodyText,
      d.hasHtml,
      d.attachments,
      d.hasAttachment,
      d.searchSender,
      d.searchBody,
      d.searchSubject,
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
    const { rows } = await db.query<PostRow>(`select ${POST_COLUMNS} from posts p where p.id = any($1::bigint[]) order by p.sent_at, p.id`, [
      postIds.slice(i, i + 200),
    ]);
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

/**
 * Archive the list's waiting posts, and wait for those another process is archiving right now
 * (archivePending skips them): afterwards every post stored before the call is in the archive.
 * For the mute filters, which must know each post's thread.
 */
export async function archiveListSettled(pool: pg.Pool, listId: number): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await archivePending(pool, listId);
    // Locking what is left waits for the process that holds it to commit (and so to archive it).
    const left = await inTransaction(pool, (tx) => tx.query('select post_id from archive_pending where list_id = $1 for update', [listId]));
    if (!left.rowCount) return;
  }
}

/** Is anything waiting? (cheap: checked before every archive page) */
export async function hasPending(db: Queryable, listId: number): Promise<boolean> {
  const { rows } = await db.query({ name: 'archive-has-pending', text: 'select 1 from archive_pending where list_id = $1 limit 1', values: [listId] });
  return rows.length > 0;
}

/**
 * Derive archived entries again from their posts' bytes (sender, text, attachments, search
 * vector), for entries queued in `archive_rederive` (a migration queues them all when these
 * rules change). Threads stay as they are; their participant counts are recounted. Several
 * processes may run this at once; `limit` stops after about that many. Returns how many were done.
 */
export async function rederivePending(
  pool: pg.Pool,
  opts: { listId?: number; batch?: number; limit?: number; onBatch?: (done: number) => void } = {},
): Promise<number> {
  const batch = opts.batch ?? 100;
  let total = 0;
  for (;;) {
    const n = await inTransaction(pool, async (tx) => {
      const { rows } = await tx.query<PostRow & { thread_id: number }>(
        `select ${POST_COLUMNS}, e.thread_id from archive_rederive q join archive_entries e on e.post_id = q.post_id join posts p on p.id = q.post_id
         where ($1::bigint is null or q.list_id = $1) order by q.post_id limit $2 for update of q skip locked`,
        [opts.listId ?? null, batch],
      );
      const threads = new Set<number>();
      for (const r of rows) {
        const post = { ...r, id: Number(r.id), list_id: Number(r.list_id) };
        const d = derive(post, await parseMessage(post.raw));
        await tx.query(
          `update archive_entries set from_address = $2, from_name = $3, body_text = $4, has_html = $5, attachments = $6, has_attachment = $7,
                  search = ${SEARCH_VECTOR('$10', '$8', '$9')}
           where post_id = $1`,
          [post.id, d.fromAddress, d.fromName, d.bodyText, d.hasHtml, d.attachments, d.hasAttachment, d.searchSender, d.searchBody, d.searchSubject],
        );
        threads.add(Number(r.thread_id));
      }
      for (const t of threads) await refreshThread(tx, t);
      if (rows.length) await tx.query('delete from archive_rederive where post_id = any($1::bigint[])', [rows.map((r) => r.id)]);
      return rows.length;
    });
    total += n;
    if (n) opts.onBatch?.(total);
    if (n < batch || (opts.limit !== undefined && total >= opts.limit)) return total;
  }
}
