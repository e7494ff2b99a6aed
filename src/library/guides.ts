/** Guides, toolkits and playbooks: an introduction, ordered sections, and a glossary. */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';

export interface GuideSection {
  id: number;
  position: number;
  slug: string;
  title: string;
  summary: string | null;
  body: string;
}

export interface GuideSummary {
  id: number;
  slug: string;
  title: string;
  deck: string | null;
  summary: string | null;
  publishedAt: Date | null;
  updatedAt: Date;
}

export interface Guide extends GuideSummary {
  body: string;
  topics: string[];
  communityId: number | null;
  sections: GuideSection[];
  glossary: Array<{ term: string; definition: string }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toSummary(r: any): GuideSummary {
  return { id: Number(r.id), slug: r.slug, title: r.title, deck: r.deck, summary: r.summary, publishedAt: r.published_at, updatedAt: r.updated_at };
}

export async function findGuide(db: Queryable, slug: string): Promise<Guide | undefined> {
  const { rows } = await db.query('select * from library_guides where slug = $1', [slug]);
  const r = rows[0];
  if (!r) return undefined;
  const sections = await db.query('select * from library_guide_sections where guide_id = $1 order by position', [r.id]);
  const glossary = await db.query('select term, definition from library_glossary where guide_id = $1 order by lower(term)', [r.id]);
  return {
    ...toSummary(r),
    body: r.body_md,
    topics: r.topics,
    communityId: r.community_id === null ? null : Number(r.community_id),
    sections: sections.rows.map((s) => ({ id: Number(s.id), position: s.position, slug: s.slug, title: s.title, summary: s.summary, body: s.body_md })),
    glossary: glossary.rows,
  };
}

export async function listGuides(db: Queryable, opts: { topic?: string; communityId?: number } = {}): Promise<GuideSummary[]> {
  const { rows } = await db.query(
    `select * from library_guides where ($1::text is null or $1 = any(topics)) and ($2::bigint is null or community_id = $2) order by title`,
    [opts.topic ?? null, opts.communityId ?? null],
  );
  return rows.map(toSummary);
}

export interface GuideInput {
  slug: string;
  title: string;
  deck?: string;
  summary?: string;
  body: string;
  topics: string[];
  publishedAt?: Date;
  communityId?: number | null;
  sections: Array<{ slug: string; title: string; summary?: string; body: string }>;
  glossary?: Array<{ term: string; definition: string }>;
}

/** Save a guide and replace its sections (import, or a whole-guide edit). */
export async function saveGuide(db: Queryable, actor: Actor, g: GuideInput): Promise<'created' | 'updated'> {
  const { rows } = await db.query<{ id: number; inserted: boolean }>(
    `insert into library_guides (slug, title, deck, summary, body_md, topics, published_at, community_id) values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (slug) do update set title = excluded.title, deck = excluded.deck, summary = excluded.summary, body_md = excluded.body_md,
        topics = excluded.topics, published_at = excluded.published_at, community_id = coalesce(excluded.community_id, library_guides.community_id), updated_at = now()
     returning id, (xmax = 0) as inserted`,
    [g.slug, g.title, g.deck ?? null, g.summary ?? null, g.body, g.topics, g.publishedAt ?? null, g.communityId ?? null],
  );
  const id = Number(rows[0]!.id);
  await db.query('delete from library_guide_sections where guide_id = $1', [id]);
  for (const [i, s] of g.sections.entries()) {
    await db.query('insert into library_guide_sections (guide_id, position, slug, title, summary, body_md) values ($1, $2, $3, $4, $5, $6)', [
      id,
      i + 1,
      s.slug,
      s.title,
      s.summary ?? null,
      s.body,
    ]);
  }
  if (g.glossary) {
    await db.query('delete from library_glossary where guide_id = $1', [id]);
    for (const e of g.glossary)
      await db.query('insert into library_glossary (guide_id, term, definition) values ($1, $2, $3) on conflict do nothing', [id, e.term, e.definition]);
  }
  await recordAudit(db, actor, {
    action: 'library.guide.save',
    subjectType: 'guide',
    subjectId: g.slug,
    after: { title: g.title, sections: g.sections.map((s) => s.slug) },
  });
  return rows[0]!.inserted ? 'created' : 'updated';
}

/** Add or change one glossary entry. */
export async function saveGlossaryEntry(db: Queryable, actor: Actor, guideId: number, term: string, definition: string): Promise<void> {
  await db.query(
    'insert into library_glossary (guide_id, term, definition) values ($1, $2, $3) on conflict (guide_id, term) do update set definition = excluded.definition',
    [guideId, term, definition],
  );
  await recordAudit(db, actor, { action: 'library.glossary.save', subjectType: 'guide', subjectId: String(guideId), after: { term, definition } });
}

export class GuideError extends Error {
  readonly code = 'GUIDE';
}

/** A new guide written on the site: its introduction first; sections are added one by one. */
export async function createGuide(
  db: Queryable,
  actor: Actor,
  g: { slug: string; title: string; deck: string | null; summary: string | null; body: string; communityId: number | null },
): Promise<void> {
  const taken = await db.query('select 1 from library_guides where slug = $1', [g.slug]);
  if (g.slug === 'new') throw new GuideError('“new” is kept for the site’s own page. Choose another short name.');
  if (taken.rows.length) throw new GuideError(`Another guide already uses the address “${g.slug}”. Choose another short name.`);
  await db.query('insert into library_guides (slug, title, deck, summary, body_md, community_id, published_at) values ($1, $2, $3, $4, $5, $6, now())', [
    g.slug,
    g.title,
    g.deck,
    g.summary,
    g.body,
    g.communityId,
  ]);
  await recordAudit(db, actor, { action: 'library.guide.create', subjectType: 'guide', subjectId: g.slug, after: { title: g.title } });
}

/** Add a section at the end of a guide, or change one (same slug). */
export async function saveSection(
  db: Queryable,
  actor: Actor,
  guide: Guide,
  s: { slug: string; title: string; summary: string | null; body: string },
  existing?: GuideSection,
): Promise<void> {
  if (existing) {
    await db.query('update library_guide_sections set title = $2, summary = $3, body_md = $4 where id = $1', [existing.id, s.title, s.summary, s.body]);
  } else {
    if (guide.sections.some((x) => x.slug === s.slug) || ['print', 'glossary', 'sections'].includes(s.slug)) {
      throw new GuideError(`This guide already has a section at “${s.slug}”. Choose another short name.`);
    }
    await db.query('insert into library_guide_sections (guide_id, position, slug, title, summary, body_md) values ($1, $2, $3, $4, $5, $6)', [
      guide.id,
      guide.sections.length + 1,
      s.slug,
      s.title,
      s.summary,
      s.body,
    ]);
  }
  await db.query('update library_guides set updated_at = now() where id = $1', [guide.id]);
  await recordAudit(db, actor, {
    action: existing ? 'library.guide.section.edit' : 'library.guide.section.add',
    subjectType: 'guide',
    subjectId: guide.slug,
    before: existing ? { title: existing.title, summary: existing.summary, body: existing.body } : undefined,
    after: s,
  });
}
