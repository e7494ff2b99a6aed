/**
 * Archive search in PostgreSQL full-text search: words and "phrases" (web-search syntax: quotes,
 * OR, -word), sender, date range and "has attachment", ranked (subject above sender above body),
 * with highlighted snippets from ts_headline. Quoted text is not indexed (it repeats earlier
 * posts), which keeps the index small and puts the original post first.
 */
import pg from 'pg';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
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
  constructor(
    message: string,
    readonly field: 'q' | 'from' = 'q',
  ) {
    super(message);
  }
}

/** The words of a sender search: each matches the start of a word of a name or address. */
export function senderWords(from: string): string[] {
  return from
    .toLowerCase()
    .split(/[^\p{L}\p{N}_-]+/u)
    .filter(Boolean)
    .slice(0, 8);
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
/** The posts checked for the phrase first: when RANKED + 1 of them have it, the rest are not read. */
const PHRASE_STEP = 450;

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

/**
 * What testing one row costs while walking the newest rows, in units of what one more match costs
 * a bitmap scan of a GIN index. Reading a row's search vector (stored out of line) is about 5×;
 * the sender's words, pre-tested with a plain substring match, about 1×. Measured on the
 * 100,000-message benchmark archive (docs/archives.md, "Search at scale").
 */
export const WALK_COST = { words: 5, sender: 1 };

/**
 * How to find the newest `limit` rows that match, from the planner's row estimates: `matches`
 * (all the conditions) and `scanned` (the cheap ones alone: lists, dates, attachments).
 * A bitmap scan reads every match, then sorts them: its cost grows with `matches`. A walk goes
 * through the newest rows testing each until `limit` match: it reads about limit × scanned ÷
 * matches rows. The walk is tried when that fits in the time the bitmap scan would take (its
 * `budget` of rows); if the matches turn out sparser near the top than estimated, the walk stops
 * at its budget and the bitmap scan runs, so a wrong estimate costs at most twice the time.
 */
export function choosePlan(matches: number, scanned: number, limit: number, walkCost: number): { walk: boolean; budget: number } {
  const budget = Math.floor(Math.min(scanned, matches / walkCost));
  const expected = (limit * scanned) / Math.max(matches, 1);
  return { walk: budget >= limit && expected <= budget, budget };
}

interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/** The estimated rows of each branch of a UNION ALL plan. */
function appendRows(plan: PlanNode): number[] {
  if (plan['Node Type'] === 'Append') return (plan.Plans ?? []).map((p) => p['Plan Rows']);
  return plan.Plans?.length ? appendRows(plan.Plans[0]!) : [plan['Plan Rows']];
}

/** The conditions of a search, split by what testing them costs (see newestMatches). */
export interface SearchConditions {
  /** Lists, dates, attachments: btree indexes; no vector is read. */
  cheap: string[];
  /** Words and sender: GIN indexes, or a read of each row's vector. */
  costly: string[];
  /** Cheap tests a walk makes before the costly ones (a necessary condition of them). */
  walkOnly: string[];
  params: unknown[];
  walkCost: number;
}

/**
 * Only the conditions asked for, each written so an index can serve it: "x is null or …" would
 * hide the GIN index from the planner and read every row of the list. The words are matched as
 * `q.words` in web-search syntax, or as `tsquery` (a tsquery's text) when given.
 */
export function searchConditions(q: SearchQuery, tsquery?: string): SearchConditions {
  const params: unknown[] = [q.listIds];
  const add = (value: unknown) => `$${params.push(value)}`;
  const cheap = ['e.list_id = any($1::bigint[])'];
  if (q.since) cheap.push(`e.sent_at >= ${add(q.since)}`);
  if (q.until) cheap.push(`e.sent_at < ${add(q.until)}`);
  if (q.hasAttachment) cheap.push('e.has_attachment');
  const costly: string[] = [];
  const walkOnly: string[] = [];
  const words = q.words?.trim();
  if (tsquery !== undefined) costly.push(`e.search @@ ${add(tsquery)}::tsquery`);
  else if (words) costly.push(`e.search @@ websearch_to_tsquery('english', ${add(words)})`);
  // the sender's own index (migration 0051): name and address words, matched by their start; each
  // word is only letters, digits, "_" and "-", so quoting it makes a safe tsquery term. A walk
  // tests a plain substring first (every start of a word is a substring), which is far cheaper.
  const sender = q.from?.trim() ? senderWords(q.from) : [];
  if (sender.length) {
    costly.push(`${SENDER_VECTOR} @@ to_tsquery('simple', ${add(sender.map((w) => `'${w}':*`).join(' & '))})`);
    // (a literal: such a word is only a-z, 0-9, "_" and "-"; "_" is escaped for LIKE)
    for (const w of sender)
      if (/^[a-z0-9_-]+$/.test(w)) walkOnly.push(`lower(coalesce(e.from_name, '') || ' ' || e.from_address) like '%${w.replaceAll('_', '\\_')}%'`);
  }
  return { cheap, costly, walkOnly, params, walkCost: words || tsquery !== undefined ? WALK_COST.words : WALK_COST.sender };
}

/**
 * The newest `limit` rows matching `cheap` and `costly` conditions (newest first). PostgreSQL's
 * own choice between walking and a bitmap scan is often wrong here: it prices testing an
 * out-of-line vector like comparing two numbers, so it walks thousands of rows where the bitmap
 * scan is ten times faster, or reads the whole table. Its row estimates are good, though; so they
 * are asked for and the plan chosen from them (choosePlan). The walk is bounded by its budget in
 * SQL; the bitmap scan has the other plans turned off for its one query (SET LOCAL, in a short
 * transaction of its own: `db` must be a pool for that; given a client, PostgreSQL chooses).
 */
export async function newestMatches(db: Queryable, c: SearchConditions, limit: number, force?: { walk: number } | 'bitmap'): Promise<string[]> {
  const all = [...c.cheap, ...c.costly];
  const { rows: explained } = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `explain (format json) select 1 from archive_entries e where ${all.join(' and ')} union all select 1 from archive_entries e where ${c.cheap.join(' and ')}`,
    c.params,
  );
  const [matches, scanned] = appendRows(explained[0]!['QUERY PLAN'][0]!.Plan);
  const plan = choosePlan(matches ?? 0, scanned ?? 0, limit, c.walkCost);
  // (tests compare the two plans: a forced walk has the budget given, and no bitmap scan after it)
  if (typeof force === 'object') plan.budget = force.walk;
  if (force ? force !== 'bitmap' : plan.walk) {
    // the newest `budget` rows by the date index (their vectors stay unread), then the tests
    const { rows } = await db.query<{ post_id: string }>(
      `select e.post_id from (select * from archive_entries e where ${c.cheap.join(' and ')} order by e.sent_at desc limit ${plan.budget}) e
       where ${[...c.walkOnly, ...c.costly, 'true'].join(' and ')} order by e.sent_at desc limit ${limit}`,
      c.params,
    );
    if (rows.length >= limit || force) return rows.map((r) => r.post_id);
  }
  const sql = `select e.post_id from archive_entries e where ${all.join(' and ')} order by e.sent_at desc limit ${limit}`;
  if (!(db instanceof pg.Pool)) return (await db.query<{ post_id: string }>(sql, c.params)).rows.map((r) => r.post_id);
  return inTransaction(db, async (tx) => {
    await tx.query(
      'set local enable_seqscan = off; set local enable_indexscan = off; set local enable_indexonlyscan = off; set local max_parallel_workers_per_gather = 0',
    );
    return (await tx.query<{ post_id: string }>(sql, c.params)).rows.map((r) => r.post_id);
  });
}

/** The search itself, for the archive search page and for site search (which marks snippets its own way). */
export async function searchArchiveRaw(db: Queryable, q: SearchQuery): Promise<{ total: number; capped: boolean; hits: RawHit[] }> {
  if (isEmptyQuery(q)) throw new SearchQueryError('Type some words to look for, a sender, or a date range.');
  const words = q.words?.trim() ?? '';
  const limit = Math.min(q.limit ?? 20, 100);
  const sender = q.from?.trim() ? senderWords(q.from) : null;
  if (sender && !sender.length) throw new SearchQueryError('Type a name or an address (or the start of one), for example smith or agency.gov.', 'from');
  // The candidates: the newest RANKED + 1 matches (one more than are ranked, to know there are more).
  let candidates: string[] | undefined;
  if (words && PHRASE_LIKE.test(words)) {
    // A phrase is checked against each match's word positions, which means reading its vector;
    // every phrase match also has all the words, so first take the newest PREFILTER posts that
    // have all the words (the GIN index alone answers that), then check the phrase on those.
    // When that finds fewer than RANKED + 1 while more posts had all the words, search in full.
    const {
      rows: [allWords],
    } = await db.query<{ q: string }>(
      `select (case when t::text ~ '!' then t else regexp_replace(t::text, '<[0-9]*-?>', '&', 'g')::tsquery end)::text as q from websearch_to_tsquery('english', $1) t`,
      [words],
    );
    const pre = allWords?.q ? await newestMatches(db, searchConditions(q, allWords.q), PREFILTER) : [];
    // newest first, in two steps: the phrase is often in most posts with its words, and then the
    // newest few hundred of them already hold RANKED + 1 matches (each check reads a vector)
    const rows: string[] = [];
    for (const ids of [pre.slice(0, PHRASE_STEP), pre.slice(PHRASE_STEP)]) {
      if (!ids.length || rows.length > RANKED) break;
      const found = await db.query<{ post_id: string }>(
        `select e.post_id from archive_entries e where e.post_id = any($1::bigint[]) and e.search @@ websearch_to_tsquery('english', $2)
         order by e.sent_at desc limit ${RANKED + 1 - rows.length}`,
        [ids, words],
      );
      rows.push(...found.rows.map((r) => r.post_id));
    }
    if (pre.length < PREFILTER || rows.length > RANKED) candidates = rows;
  }
  candidates ??= await newestMatches(db, searchConditions(q), RANKED + 1);

  type Row = {
    post_id: number;
    list_id: number;
    number: number;
    thread_id: number;
    subject: string;
    from_name: string | null;
    from_address: string;
    sent_at: Date;
    has_attachment: boolean;
    rank: number;
    headline: string;
  };
  // Rank the newest RANKED; snippets for the shown page only, from the start of the body.
  const query = words ? `websearch_to_tsquery('english', $4)` : '';
  const { rows } = candidates.length
    ? await db.query<Row>(
        `with hits as materialized (
           select e.post_id, e.list_id, e.thread_id, e.subject, e.from_name, e.from_address, e.sent_at, e.has_attachment,
                  ${words ? `ts_rank(e.search, ${query})` : '0'} as rank
           from archive_entries e where e.post_id = any($1::bigint[])
           order by rank desc, e.sent_at desc, e.post_id
           limit $2 offset $3)
         select h.post_id, h.list_id, h.thread_id, h.subject, h.from_name, h.from_address, h.sent_at, h.has_attachment, h.rank, p.number,
                ${words ? `ts_headline('english', left(b.body_text, ${SNIPPET_CHARS}), ${query}, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${START}, StopSel=${STOP}')` : 'left(b.body_text, 240)'} as headline
         -- the bodies of the page shown only
         from hits h join archive_entries b on b.post_id = h.post_id join posts p on p.id = h.post_id
         order by h.rank desc, h.sent_at desc, h.post_id`,
        [candidates.slice(0, RANKED), limit, q.offset ?? 0, ...(words ? [words] : [])],
      )
    : { rows: [] as Row[] };
  if (words && candidates.length === 0) {
    const { rows: check } = await db.query<{ empty: boolean }>("select numnode(websearch_to_tsquery('english', $1)) = 0 as empty", [words]);
    if (check[0]?.empty)
      throw new SearchQueryError(`“${words}” has only very common words (like “the” or “and”), which are not indexed. Add a more specific word.`);
  }
  return {
    total: Math.min(candidates.length, RANKED),
    capped: candidates.length > RANKED,
    hits: rows.map((r) => ({
      postId: Number(r.post_id),
      listId: Number(r.list_id),
      number: Number(r.number),
      threadId: Number(r.thread_id),
      subject: r.subject,
      fromName: r.from_name,
      fromAddress: r.from_address,
      sentAt: r.sent_at,
      hasAttachment: r.has_attachment,
      rank: Number(r.rank),
      headline: r.headline,
    })),
  };
}

export async function searchArchive(db: Queryable, q: SearchQuery, opts: { hideAddresses: boolean }): Promise<SearchResult> {
  const r = await searchArchiveRaw(db, q);
  return {
    total: r.total,
    capped: r.capped,
    hits: r.hits.map((h) => ({
      listId: h.listId,
      number: h.number,
      threadId: h.threadId,
      subject: h.subject,
      fromName: h.fromName,
      fromAddress: h.fromAddress,
      sentAt: h.sentAt,
      hasAttachment: h.hasAttachment,
      snippet: safeSnippet(h.headline, opts.hideAddresses),
    })),
  };
}
