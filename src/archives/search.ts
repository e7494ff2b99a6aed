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
  /** More than RANKED matched: only the newest RANKED were ranked. */
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

/** The most matches ranked and counted (the newest ones). */
export const RANKED = 2000;

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

export async function searchArchive(db: Queryable, q: SearchQuery, opts: { hideAddresses: boolean }): Promise<SearchResult> {
  if (isEmptyQuery(q)) throw new SearchQueryError('Type some words to look for, a sender, or a date range.');
  const words = q.words?.trim() ?? '';
  const limit = Math.min(q.limit ?? 20, 100);
  const sender = q.from?.trim() ? senderWords(q.from) : null;
  if (sender && !sender.length) throw new SearchQueryError('Type a name or an address (or the start of one), for example smith or agency.gov.', 'from');
  const params: unknown[] = [q.listIds, words || null, sender, q.since ?? null, q.until ?? null, q.hasAttachment ?? false, limit, q.offset ?? 0];
  const { rows } = await db.query<{
    list_id: number; number: number; thread_id: number; subject: string; from_name: string | null; from_address: string; sent_at: Date; has_attachment: boolean; headline: string; total: number;
  }>(
    `with q as (select case when $2::text is null then null else websearch_to_tsquery('english', $2) end as tsq,
                       -- the sender's words carry weight B in the search vector (see archiver.ts)
                       case when $3::text[] is null then null
                            else to_tsquery('simple', (select string_agg(quote_literal(t) || ':*B', ' & ') from unnest($3::text[]) t)) end as sender),
     -- Ranking reads every match's vector: a very common word is ranked among its newest
     -- RANKED matches only, which keeps a search fast however large the archive grows.
     matches as materialized (
       select e.post_id, e.sent_at from archive_entries e, q
       where e.list_id = any($1::bigint[])
         and (q.tsq is null or e.search @@ q.tsq)
         and (q.sender is null or e.search @@ q.sender)
         and ($4::timestamptz is null or e.sent_at >= $4)
         and ($5::timestamptz is null or e.sent_at < $5)
         and (not $6 or e.has_attachment)
       order by e.sent_at desc
       limit ${RANKED}),
     hits as (
       select e.post_id, e.list_id, e.thread_id, e.subject, e.from_name, e.from_address, e.sent_at, e.has_attachment,
              case when q.tsq is null then 0 else ts_rank(e.search, q.tsq) end as rank, (select count(*) from matches) as total
       from matches m join archive_entries e on e.post_id = m.post_id, q
       order by rank desc, e.sent_at desc
       limit $7 offset $8)
     select h.*, p.number,
            case when q.tsq is null then left(e.body_text, 240)
                 else ts_headline('english', left(e.body_text, 4000), q.tsq, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${START}, StopSel=${STOP}') end as headline
     from hits h join posts p on p.id = h.post_id join archive_entries e on e.post_id = h.post_id, q
     order by h.rank desc, h.sent_at desc`,
    params,
  );
  if (words && rows.length === 0) {
    const { rows: check } = await db.query<{ empty: boolean }>("select numnode(websearch_to_tsquery('english', $1)) = 0 as empty", [words]);
    if (check[0]?.empty) throw new SearchQueryError(`“${words}” has only very common words (like “the” or “and”), which are not indexed. Add a more specific word.`);
  }
  const total = rows[0] ? Number(rows[0].total) : 0;
  return {
    total,
    capped: total >= RANKED,
    hits: rows.map((r) => ({
      listId: Number(r.list_id), number: Number(r.number), threadId: Number(r.thread_id), subject: r.subject, fromName: r.from_name, fromAddress: r.from_address,
      sentAt: r.sent_at, hasAttachment: r.has_attachment, snippet: safeSnippet(r.headline, opts.hideAddresses),
    })),
  };
}
