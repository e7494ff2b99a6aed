/**
 * Site search over PostgreSQL full-text search. Each feature contributes search sources through
 * its descriptor (`searchSources` in src/<feature>/feature.ts); the search page asks every source
 * the viewer may see and merges the hits by rank. The library's own sources are here.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import type { SearchHit, SearchQuery, SearchSource } from '../platform/contributions.ts';
import { searchSources } from '../platform/feature.ts';
import { decodeEntities } from './hugo.ts';

export type { SearchHit, SearchQuery, SearchSource };

/**
 * SQL that turns Markdown (and stray HTML) into plain words, so snippets show no link targets or
 * markup. Markdown's character references (&#8217;) stay; decode the snippet with decodeEntities.
 */
export function plainSql(expr: string): string {
  return `regexp_replace(regexp_replace(regexp_replace(${expr}, '<[^>]+>', ' ', 'g'), '!?\\[([^\\]]*)\\]\\([^)]*\\)', '\\1', 'g'), '[*#>_\x60|]+', ' ', 'g')`;
}

/** ts_headline options: plain-text markers the view turns into <mark>, after escaping. */
export const HEADLINE = `'StartSel=\u0001, StopSel=\u0002, MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "'`;

const articles: SearchSource = {
  name: 'articles',
  label: 'Articles',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select a.slug, a.title, a.published_at, ts_rank(a.search, query) as rank,
              ts_headline('english', ${plainSql("coalesce(a.summary, '') || ' ' || a.body_md")}, query, ${HEADLINE}) as snippet
         from library_articles a, websearch_to_tsquery('english', $1) query
        where a.status = 'published' and a.search @@ query order by rank desc, a.published_at desc nulls last limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'articles',
      title: r.title,
      url: `/library/articles/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: r.published_at,
      rank: Number(r.rank),
    }));
  },
};

const guides: SearchSource = {
  name: 'guides',
  label: 'Guides and toolkits',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select * from (
         select g.slug, null::text as section, g.title, g.updated_at, ts_rank(g.search, query) as rank,
                ts_headline('english', ${plainSql("coalesce(g.summary, '') || ' ' || g.body_md")}, query, ${HEADLINE}) as snippet
           from library_guides g, websearch_to_tsquery('english', $1) query where g.search @@ query
         union all
         select g.slug, s.slug, g.title || ': ' || s.title, g.updated_at, ts_rank(s.search, query) * 0.9,
                ts_headline('english', ${plainSql("coalesce(s.summary, '') || ' ' || s.body_md")}, query, ${HEADLINE})
           from library_guide_sections s join library_guides g on g.id = s.guide_id, websearch_to_tsquery('english', $1) query where s.search @@ query
       ) hits order by rank desc limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'guides',
      title: r.title,
      url: r.section ? `/library/guides/${r.slug}/${r.section}` : `/library/guides/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: r.updated_at,
      rank: Number(r.rank),
    }));
  },
};

const topics: SearchSource = {
  name: 'topics',
  label: 'Topics',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select t.slug, t.title, ts_rank(doc, query) as rank, ts_headline('english', ${plainSql("coalesce(t.summary, '') || ' ' || t.body_md")}, query, ${HEADLINE}) as snippet
         from library_topics t, websearch_to_tsquery('english', $1) query,
              lateral (select setweight(to_tsvector('english', t.title), 'A') || to_tsvector('english', coalesce(t.deck, '') || ' ' || coalesce(t.summary, '') || ' ' || t.body_md) as doc) d
        where doc @@ query order by rank desc limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'topics',
      title: r.title,
      url: `/topics/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: null,
      rank: Number(r.rank),
    }));
  },
};

const tools: SearchSource = {
  name: 'tools',
  label: 'Shared tools',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select t.slug, t.name, ts_rank(doc, query) as rank, ts_headline('english', coalesce(t.description, t.name), query, ${HEADLINE}) as snippet
         from tools t, websearch_to_tsquery('english', $1) query,
              lateral (select setweight(to_tsvector('english', t.name), 'A') || to_tsvector('english', coalesce(t.description, '') || ' ' || coalesce(t.category, '')) as doc) d
        where doc @@ query order by rank desc limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'tools',
      title: r.name,
      url: `/library/tools/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: null,
      rank: Number(r.rank),
    }));
  },
};

/** The library's sources, in the order the filter lists them. */
export const LIBRARY_SEARCH_SOURCES: SearchSource[] = [articles, guides, topics, tools];

export interface SearchResult {
  hits: SearchHit[];
  /** Hits per source, for the filter. */
  counts: Record<string, number>;
  sources: Array<Pick<SearchSource, 'name' | 'label'>>;
}

/** Search every source the viewer may see (or only `only`), best matches first; by default every installed feature's. */
export async function siteSearch(db: Queryable, q: SearchQuery, only?: string, sources: SearchSource[] = searchSources()): Promise<SearchResult> {
  const visible = sources.filter((s) => q.member || !s.membersOnly);
  const counts: Record<string, number> = {};
  const all: SearchHit[] = [];
  if (q.text.trim()) {
    for (const s of visible) {
      const hits = await s.search(db, q);
      counts[s.name] = hits.length;
      if (!only || only === s.name) all.push(...hits);
    }
  }
  all.sort((a, b) => b.rank - a.rank);
  return { hits: all.slice(0, q.limit), counts, sources: visible.map((s) => ({ name: s.name, label: s.label })) };
}
