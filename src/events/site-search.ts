/**
 * Events as a site search source: published events (cancelled ones too: people look them up),
 * by title, summary, description, host and organizer. Events are few, so their text is indexed
 * on the fly rather than in a stored column.
 */
import type { SearchSource } from '../library/index.ts';
import { decodeEntities, HEADLINE, plainSql } from '../library/index.ts';

export const eventSearchSource: SearchSource = {
  name: 'events',
  label: 'Events',
  membersOnly: false,
  async search(db, q) {
    const { rows } = await db.query(
      `select e.slug, e.title, e.starts_at, ts_rank(doc, query) as rank,
              ts_headline('english', ${plainSql("coalesce(e.summary, '') || ' ' || e.body_md")}, query, ${HEADLINE}) as snippet
         from events e, websearch_to_tsquery('english', $1) query,
              lateral (select setweight(to_tsvector('english', e.title), 'A') ||
                              to_tsvector('english', coalesce(e.deck, '') || ' ' || coalesce(e.summary, '') || ' ' || e.body_md || ' ' ||
                                                     coalesce(e.host, '') || ' ' || coalesce(e.organizer, '')) as doc) d
        where e.status <> 'draft' and doc @@ query order by rank desc, e.starts_at desc limit $2`,
      [q.text, q.limit],
    );
    return rows.map((r) => ({
      source: 'events',
      title: r.title,
      url: `/events/${r.slug}`,
      snippet: decodeEntities(r.snippet),
      date: r.starts_at,
      rank: Number(r.rank),
    }));
  },
};
