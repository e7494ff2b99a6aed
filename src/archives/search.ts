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

/** The sender's words, as indexed by archive_entries_sender (the same text as weight B of `search`, see archiver.ts). */
export const SENDER_VECTOR = "to_tsvector('simple', coalesce(e.from_name, '') || ' ' || e.from_address || ' ' || translate(e.from_address, '@.', '  '))";

/** Words that may make a phrase query ("quoted", or joined by punctuation like x-310). */
const PHRASE_LIKE = /["\p{P}]/u;
/** How many posts with all the words of a phrase are checked for the phrase itself. */
const PREFILTER = 1500;

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
  // Only the conditions asked for, each written so an index can serve it: "x is null or …"
  // would hide the GIN index from the planner and read every row of the list.
  const params: unknown[] = [q.listIds, Math.min(limit, 100), q.offset ?? 0];
  const where = ['e.list_id = any($1::bigint[])'];
  const add = (value: unknown) => `$${params.push(value)}`;
  let tsq = 'null::tsquery';
  if (words) {
    tsq = `websearch_to_tsquery('english', ${add(words)})`;
    where.push(`e.search @@ ${tsq}`);
  }
  // the sender's own index (migration 0051): name and address words, matched by their start; each
  // word is only letters, digits, "_" and "-", so quoting it makes a safe tsquery term
  if (sender) where.push(`${SENDER_VECTOR} @@ to_tsquery('simple', ${add(sender.map((w) => `'${w}':*`).join(' & '))})`);
  if (q.since) where.push(`e.sent_at >= ${add(q.since)}`);
  if (q.until) where.push(`e.sent_at < ${add(q.until)}`);
  if (q.hasAttachment) where.push('e.has_attachment');
  type Row = {
    post_id: number; list_id: number; number: number; thread_id: number; subject: string; from_name: string | null; from_address: string; sent_at: Date; has_attachment: boolean;
    rank: number; headline: string; total: number; prefiltered: number;
  };
  const run = (candidates: string) =>
    db.query<Row>(
      `with ${candidates},
       hits as materialized (
         select e.post_id, e.list_id, e.thread_id, e.subject, e.from_name, e.from_address, e.sent_at, e.has_attachment, e.body_text,
                ${words ? `ts_rank(e.search, ${tsq})` : '0'} as rank, (select count(*) from candidates) as total
         from (select * from candidates order by sent_at desc limit ${RANKED}) c join archive_entries e on e.post_id = c.post_id
         order by rank desc, e.sent_at desc, e.post_id
         limit $2 offset $3)
       -- snippets for the shown page only, from the start of the body
       select h.post_id, h.list_id, h.thread_id, h.subject, h.from_name, h.from_address, h.sent_at, h.has_attachment, h.rank, h.total, p.number,
              ${words ? `ts_headline('english', left(h.body_text, ${SNIPPET_CHARS}), ${tsq}, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${START}, StopSel=${STOP}')` : 'left(h.body_text, 240)'} as headline,
              ${candidates.startsWith('pre') ? '(select count(*) from pre)' : '0'} as prefiltered
       from hits h join posts p on p.id = h.post_id
       order by h.rank desc, h.sent_at desc, h.post_id`,
      params,
    );
  // The candidates: the newest RANKED + 1 matches (one more than are ranked, to know there are more).
  const plain = `candidates as materialized (
         select e.post_id, e.sent_at from archive_entries e where ${where.join(' and ')}
         order by e.sent_at desc limit ${RANKED + 1})`;
  let rows: Row[] | undefined;
  if (words && PHRASE_LIKE.test(words)) {
    // A phrase is checked against each match's word positions, which means reading its vector;
    // every phrase match also has all the words, so first take the newest PREFILTER posts that
    // have all the words (the GIN index alone answers that), then check the phrase on those.
    // When that finds fewer than RANKED + 1 while more posts had all the words, search in full.
    const allWords = `(select case when t::text ~ '!' then t else regexp_replace(t::text, '<[0-9]*-?>', '&', 'g')::tsquery end from ${tsq} t)`;
    const prefilter = `pre as materialized (
         select e.post_id, e.sent_at, e.search from archive_entries e where ${where.join(' and ').replace(`e.search @@ ${tsq}`, `e.search @@ ${allWords}`)}
         order by e.sent_at desc limit ${PREFILTER}),
       candidates as materialized (
         select post_id, sent_at from pre where search @@ ${tsq} order by sent_at desc limit ${RANKED + 1})`;
    const first = (await run(prefilter)).rows;
    const exact = !first[0] ? false : Number(first[0].prefiltered) < PREFILTER || Number(first[0].total) > RANKED;
    if (exact) rows = first;
  }
  rows ??= (await run(plain)).rows;
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
