/** Topics: pages that gather articles, guides, events and communities, with featured items. */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';

export interface Topic {
  id: number;
  slug: string;
  title: string;
  deck: string | null;
  summary: string | null;
  body: string;
  weight: number;
  featuredCommunities: string[];
  featuredLinks: Array<{ title: string; summary?: string; href: string }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toTopic(r: any): Topic {
  return {
    id: Number(r.id),
    slug: r.slug,
    title: r.title,
    deck: r.deck,
    summary: r.summary,
    body: r.body_md,
    weight: r.weight,
    featuredCommunities: r.featured_communities,
    featuredLinks: r.featured_links,
  };
}

export async function findTopic(db: Queryable, slug: string): Promise<Topic | undefined> {
  const { rows } = await db.query('select * from library_topics where slug = $1', [slug]);
  return rows[0] ? toTopic(rows[0]) : undefined;
}

/** Topics with the number of published articles in each, most used first. */
export async function listTopics(db: Queryable): Promise<Array<Topic & { articles: number }>> {
  const { rows } = await db.query(
    `select t.*, (select count(*) from library_articles a where a.status = 'published' and t.slug = any(a.topics)) as articles
       from library_topics t order by t.weight desc, t.title`,
  );
  return rows.map((r) => ({ ...toTopic(r), articles: Number(r.articles) }));
}

export async function saveTopic(db: Queryable, actor: Actor, t: Omit<Topic, 'id'>): Promise<void> {
  await db.query(
    `insert into library_topics (slug, title, deck, summary, body_md, weight, featured_communities, featured_links) values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (slug) do update set title = excluded.title, deck = excluded.deck, summary = excluded.summary, body_md = excluded.body_md,
        weight = excluded.weight, featured_communities = excluded.featured_communities, featured_links = excluded.featured_links, updated_at = now()`,
    [t.slug, t.title, t.deck, t.summary, t.body, t.weight, t.featuredCommunities, JSON.stringify(t.featuredLinks)],
  );
  await recordAudit(db, actor, { action: 'library.topic.save', subjectType: 'topic', subjectId: t.slug, after: { title: t.title } });
}
