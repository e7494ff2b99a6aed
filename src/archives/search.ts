/**
 * Archive search in PostgreSQL full-text search: words and "phrases" (web-search syntax: quotes,
 * OR, -word), sender, date range and "has attachment", ranked (subject above sender above body),
 * with highlighted snippets from ts_headline. Quoted text is not indexed (it repeats earlier
 * posts), which keeps the index small and puts the original post first.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import { escapeHtml, obfuscateAddresses } from './text.ts';

export interface SearchQuery {
  listIds: number[];
  /** Words, "a phrase", -excluded, a OR b. */
  words?: string;
  /** A name or address, or the start of its words ("smith", "agency.gov"). */
  from?: string;
  since?: Date;
  /** Exclusive. */
  until?: Date;
  hasAttachment?: boolean;
  offset?: number;
  limit?: number;
}

export interface SearchHit {
  listId: number;
  number: number;
  threadId: number;
  subject: string;
  fromName: string | null;
  fromAddress: string;
  sentAt: Date;
  hasAttachment: boolean;
  /** Safe HTML: escaped text with <mark> around matches. */
  snippet: string;
}

export interface SearchResult {
  /** Matches, counted up to RANKED. */
  total: number;
  /** More than RANKED matched: only the newest RANKED were ranked (shown as "more than RANKED"). */
  capped: boolean;
  hits: SearchHit[];
}

export class SearchQueryError extends Error {
  readonly code = 'BAD_SEARCH';
  constructor(message: string, readonly field: 'q' | 'from' = 'q') {
    super(message);
  }
}

/** The words of a sender search: each matches the start of a word of a name or address. */
export function senderWords(from: string): string[] {
  return from.toLowerCase().split(/[^\p{L}\p{N}_-]+/u).filter(Boolean).slice(0, 8);
}

/**
 * The most matches ranked and counted: the newest RANKED matches (found through the GIN index)
 * are ranked; more than that is shown as "more than RANKED". Ranking reads each candidate's
 * vector, so this bound keeps a common word as fast as a rare one however large the archive.
 */
export const RANKED = 300;

/** How much of a result's body ts_headline reads (it parses all it is given: the slow part). */
const SNIPPET_CHARS = 2000;

const START = '\u0001';
const STOP = '\u0002';

/** Escape the headline, then turn our markers into <mark>. */
export function safeSnippet(headline: string, hideAddresses: boolean): string {
  const clean = headline.replace(/\s+/g, ' ').trim();
  const text = hideAddresses ? obfuscateAddresses(clean) : clean;
  return escapeHtml(text).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}

export function isEmptyQuery(q: SearchQuery): boolean {
  return !q.words?.trim() && !q.from?.trim() && !q.since && !q.until && !q.hasAttachment;
}

/** One match as the database gives it: the headline is plain text with START/STOP around matched words. */
export interface RawHit {
  postId: number;
  listId: number;
  number: number;
  threadId: number;
  subject: string;
  fromName: string | null;
  fromAddress: string;
  sentAt: Date;
  hasAttachment: boolean;
  rank: number;
  headline: string;
}

/** The search itself, for the archive search page and for site search (which marks snippets its own way). */
export async function searchArchiveRaw(db: Queryable, q: SearchQuery): Promise<{ total: number; capped: boolean; hits: RawHit[] }> {
  if (isEmptyQuery(q)) throw new SearchQueryError('Type some words to look for, a sender, or a date range.');
  const words = q.words?.trim() ?? '';
  const limit = Math.min(q.limit ?? 20, 100);
  const sender = q.from?.trim() ? senderWords(q.from) : null;
  if (sender && !sender.length) throw new SearchQueryError('Type a name or an address (or the start of one), for example smith or agency.gov.', 'from');
  const params: unknown[] = [q.listIds, words || null, sender, q.since ?? null, q.until ?? null, q.hasAttachment ?? false, limit, q.offset ?? 0];
  const { rows } = await db.query<{
    post_id: number; list_id: number; number: number; thread_id: number; subject: string; from_name: string | null; from_address: string; sent_at: Date; has_attachment: boolean;
    rank: number; headline: string; total: number;
  }>(
    `with q as (select case when $2::text is null then null else websearch_to_tsquery('english', $2) end as tsq,
                       -- the sender's words carry weight B in the search vector (see archiver.ts)
                       case when $3::text[] is null then null
                            else to_tsquery('simple', (select string_agg(quote_literal(t) || ':*B', ' & ') from unnest($3::text[]) t)) end as sender),
     -- The candidates: the newest ${RANKED + 1} matches (one more than are ranked, to know there are more).
     candidates as materialized (
       select e.post_id, e.sent_at from archive_entries e, q
       where e.list_id = any($1::bigint[])
         and (q.tsq is null or e.search @@ q.tsq)
         and (q.sender is null or e.search @@ q.sender)
         and ($4::timestamptz is null or e.sent_at >= $4)
         and ($5::timestamptz is null or e.sent_at < $5)
         and (not $6 or e.has_attachment)
       order by e.sent_at desc
       limit ${RANKED + 1}),
     hits as materialized (
       select e.post_id, e.list_id, e.thread_id, e.subject, e.from_name, e.from_address, e.sent_at, e.has_attachment, e.body_text,
              case when q.tsq is null then 0 else ts_rank(e.search, q.tsq) end as rank, (select count(*) from candidates) as total
       from (select * from candidates order by sent_at desc limit ${RANKED}) c join archive_entries e on e.post_id = c.post_id, q
       order by rank desc, e.sent_at desc, e.post_id
       limit $7 offset $8)
     -- snippets for the shown page only, from the start of the body
     select h.post_id, h.list_id, h.thread_id, h.subject, h.from_name, h.from_address, h.sent_at, h.has_attachment, h.rank, h.total, p.number,
            case when q.tsq is null then left(h.body_text, 240)
                 else ts_headline('english', left(h.body_text, ${SNIPPET_CHARS}), q.tsq, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${START}, StopSel=${STOP}') end as headline
     from hits h join posts p on p.id = h.post_id, q
     order by h.rank desc, h.sent_at desc, h.post_id`,
    params,
  );
  if (words && rows.length === 0) {
    const { rows: check } = await db.query<{ empty: boolean }>("select numnode(websearch_to_tsquery('english', $1)) = 0 as empty", [words]);
    if (check[0]?.empty) throw new SearchQueryError(`“${words}” has only very common words (like “the” or “and”), which are not indexed. Add a more specific word.`);
  }
  const found = rows[0] ? Number(rows[0].total) : 0;
  return {
    total: Math.min(found, RANKED),
    capped: found > RANKED,
    hits: rows.map((r) => ({
      postId: Number(r.post_id), listId: Number(r.list_id), number: Number(r.number), threadId: Number(r.thread_id), subject: r.subject, fromName: r.from_name,
      fromAddress: r.from_address, sentAt: r.sent_at, hasAttachment: r.has_attachment, rank: Number(r.rank), headline: r.headline,
    })),
  };
}

export async function searchArchive(db: Queryable, q: SearchQuery, opts: { hideAddresses: boolean }): Promise<SearchResult> {
  const r = await searchArchiveRaw(db, q);
  return {
    total: r.total,
    capped: r.capped,
    hits: r.hits.map((h) => ({
      listId: h.listId, number: h.number, threadId: h.threadId, subject: h.subject, fromName: h.fromName, fromAddress: h.fromAddress,
      sentAt: h.sentAt, hasAttachment: h.hasAttachment, snippet: safeSnippet(h.headline, opts.hideAddresses),
    })),
  };
}
