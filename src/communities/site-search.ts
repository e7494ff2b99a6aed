/**
 * The communities' site-search source. Communities are few, so their text is indexed on the fly
 * rather than in a stored column.
 */
import type { SearchSource } from '../platform/contributions.ts';
import { decodeEntities, HEADLINE, plainSql } from '../library/index.ts';

export const communitySearchSource: SearchSource = {
  name: 'communities',
  label: 'Communities',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select c.slug, coalesce(c.short_name, c.title) as title, ts_rank(doc, query) as rank, ts_headline('english', ${plainSql("coalesce(c.summary, '') || ' ' || c.body_md")}, query, ${HEADLINE}) as snippet
         from communities c, websearch_to_tsquery('english', $1) query,
              lateral (select setweight(to_tsvector('english', c.title || ' ' || coalesce(c.short_name, '')), 'A') ||
                              to_tsvector('english', coalesce(c.deck, '') || ' ' || coalesce(c.summary, '') || ' ' || c.body_md) as doc) d
        where c.weight > 0 and doc @@ query order by rank desc limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'communities',
      title: r.title,
      url: `/communities/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: null,
      rank: Number(r.rank),
    }));
  },
};
