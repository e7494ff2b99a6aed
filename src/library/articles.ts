/**
 * Articles (news, best practices, case studies, resources) and their editorial workflow:
 * draft → in review → published → archived, each step recorded with who and when.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { canCoordinate, coordinatesAny, type MemberRef } from '../membership/index.ts';
import { ensureAuthors, type AuthorSummary } from './authors.ts';

export const ARTICLE_KINDS = ['news', 'best-practice', 'case-study', 'resource'] as const;
export type ArticleKind = (typeof ARTICLE_KINDS)[number];
export const KIND_TEXT: Record<ArticleKind, string> = { news: 'News', 'best-practice': 'Best practice', 'case-study': 'Case study', resource: 'Resource' };

export const ARTICLE_STATUSES = ['draft', 'in-review', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
export const STATUS_TEXT: Record<ArticleStatus, string> = { draft: 'Draft', 'in-review': 'In review', published: 'Published', archived: 'Archived' };

export class WorkflowError extends Error {
  readonly code = 'WORKFLOW';
}

export interface Article {
  id: number;
  slug: string;
  kind: ArticleKind;
  title: string;
  deck: string | null;
  summary: string | null;
  body: string;
  topics: string[];
  communityId: number | null;
  communitySlug: string | null;
  communityTitle: string | null;
  sourceName: string | null;
  sourceUrl: string | null;
  heroImageUrl: string | null;
  heroImageAlt: string | null;
  redirectTo: string | null;
  status: ArticleStatus;
  contentLeadId: number | null;
  contentLeadName: string | null;
  contentLeadEmail: string | null;
  createdById: number | null;
  publishedAt: Date | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  authors: AuthorSummary[];
}

export interface ArticleStep {
  at: Date;
  actor: string;
  fromStatus: string | null;
  toStatus: string;
  note: string | null;
}

const SELECT = `
  select a.*, c.slug as community_slug, coalesce(c.short_name, c.title) as community_title, l.name as lead_name, l.email as lead_email,
         coalesce((select json_agg(json_build_object('slug', au.slug, 'name', au.name, 'agency', au.agency) order by aa.position)
                     from library_article_authors aa join library_authors au on au.id = aa.author_id where aa.article_id = a.id), '[]') as authors
    from library_articles a
    left join communities c on c.id = a.community_id
    left join members l on l.id = a.content_lead_id`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toArticle(r: any): Article {
  return {
    id: Number(r.id),
    slug: r.slug,
    kind: r.kind,
    title: r.title,
    deck: r.deck,
    summary: r.summary,
    body: r.body_md,
    topics: r.topics,
    communityId: r.community_id === null ? null : Number(r.community_id),
    communitySlug: r.community_slug,
    communityTitle: r.community_title,
    sourceName: r.source_name,
    sourceUrl: r.source_url,
    heroImageUrl: r.hero_image_url,
    heroImageAlt: r.hero_image_alt,
    redirectTo: r.redirect_to,
    status: r.status,
    contentLeadId: r.content_lead_id === null ? null : Number(r.content_lead_id),
    contentLeadName: r.lead_name,
    contentLeadEmail: r.lead_email,
    createdById: r.created_by_id === null ? null : Number(r.created_by_id),
    publishedAt: r.published_at,
    reviewedAt: r.reviewed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    authors: r.authors,
  };
}

export async function findArticle(db: Queryable, slug: string): Promise<Article | undefined> {
  const { rows } = await db.query(`${SELECT} where a.slug = $1`, [slug]);
  return rows[0] ? toArticle(rows[0]) : undefined;
}

export interface ArticleFilter {
  communitySlug?: string;
  topic?: string;
  authorSlug?: string;
  kind?: ArticleKind;
  status?: ArticleStatus | 'any';
  limit?: number;
  offset?: number;
}

/** Articles, newest first (undated ones last: no date is made up for them); published ones unless `status` says otherwise. */
export async function listArticles(db: Queryable, f: ArticleFilter = {}): Promise<Article[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const status = f.status ?? 'published';
  if (status !== 'any') where.push(`a.status = ${p(status)}`);
  if (f.communitySlug) where.push(`c.slug = ${p(f.communitySlug)}`);
  if (f.topic) where.push(`${p(f.topic)} = any(a.topics)`);
  if (f.kind) where.push(`a.kind = ${p(f.kind)}`);
  if (f.authorSlug)
    where.push(
      `exists (select 1 from library_article_authors aa join library_authors au on au.id = aa.author_id where aa.article_id = a.id and au.slug = ${p(f.authorSlug)})`,
    );
  const { rows } = await db.query(
    `${SELECT} ${where.length ? 'where ' + where.join(' and ') : ''} order by a.published_at desc nulls last, a.updated_at desc, a.id desc limit ${p(f.limit ?? 50)} offset ${p(f.offset ?? 0)}`,
    params,
  );
  return rows.map(toArticle);
}

export async function articleSteps(db: Queryable, articleId: number): Promise<ArticleStep[]> {
  const { rows } = await db.query('select at, actor, from_status, to_status, note from library_article_steps where article_id = $1 order by at, id', [
    articleId,
  ]);
  return rows.map((r) => ({ at: r.at, actor: r.actor, fromStatus: r.from_status, toStatus: r.to_status, note: r.note }));
}

export interface ArticleInput {
  slug: string;
  kind: ArticleKind;
  title: string;
  deck?: string | null;
  summary?: string | null;
  body: string;
  topics: string[];
  /** Author slugs; unknown slugs become guest authors named from the slug. */
  authors: string[];
  communityId?: number | null;
  sourceName?: string | null;
  sourceUrl?: string | null;
  heroImageUrl?: string | null;
  heroImageAlt?: string | null;
  redirectTo?: string | null;
  contentLeadId?: number | null;
}

export interface Viewer extends MemberRef {
  email: string;
}

/** Library editors publish and archive: site admins, and coordinators of the article's community (of any community when it has none). */
export async function canEdit(db: Queryable, viewer: Viewer, communityId: number | null): Promise<boolean> {
  if (viewer.siteAdmin) return true;
  if (communityId !== null) return canCoordinate(db, viewer, communityId);
  return coordinatesAny(db, viewer);
}

/** Whether a member may write articles at all: an active member of some community, or a site admin. */
export async function canWrite(db: Queryable, viewer: Viewer): Promise<boolean> {
  if (viewer.siteAdmin) return true;
  if (viewer.memberships) return [...viewer.memberships.values()].some((m) => m.status === 'active');
  const { rows } = await db.query(`select 1 from memberships where member_id = $1 and status = 'active' limit 1`, [viewer.memberId]);
  return rows.length > 0;
}

/** Whether the viewer may change this article's text: an editor, or its writer/content lead while it is a draft. */
export async function canChange(db: Queryable, viewer: Viewer, a: Article): Promise<boolean> {
  if (await canEdit(db, viewer, a.communityId)) return true;
  const own = a.createdById === viewer.memberId || a.contentLeadId === viewer.memberId;
  return own && a.status === 'draft';
}

async function setAuthors(db: Queryable, articleId: number, slugs: string[]) {
  const authors = await ensureAuthors(db, slugs);
  await db.query('delete from library_article_authors where article_id = $1', [articleId]);
  for (const [i, a] of authors.entries()) {
    await db.query('insert into library_article_authors (article_id, author_id, position) values ($1, $2, $3) on conflict do nothing', [articleId, a.id, i]);
  }
}

async function step(db: Queryable, articleId: number, actor: Actor, from: ArticleStatus | null, to: ArticleStatus, note?: string) {
  await db.query('insert into library_article_steps (article_id, actor, from_status, to_status, note) values ($1, $2, $3, $4, $5)', [
    articleId,
    actor.name,
    from,
    to,
    note ?? null,
  ]);
}

function values(a: ArticleInput) {
  return [
    a.slug,
    a.kind,
    a.title,
    a.deck ?? null,
    a.summary ?? null,
    a.body,
    a.topics,
    a.communityId ?? null,
    a.sourceName ?? null,
    a.sourceUrl ?? null,
    a.heroImageUrl ?? null,
    a.heroImageUrl ? (a.heroImageAlt ?? null) : null,
    a.redirectTo ?? null,
  ];
}

export class SlugTakenError extends Error {
  readonly code = 'SLUG_TAKEN';
}

/** A new draft written on the site. */
export async function createDraft(pool: pg.Pool, actor: Actor, by: number, a: ArticleInput): Promise<Article> {
  return inTransaction(pool, async (db) => {
    const taken = await db.query('select 1 from library_articles where slug = $1', [a.slug]);
    if (taken.rows.length) throw new SlugTakenError(`Another article already uses the address “${a.slug}”. Choose another short name.`);
    const { rows } = await db.query<{ id: number }>(
      `insert into library_articles (slug, kind, title, deck, summary, body_md, topics, community_id, source_name, source_url, hero_image_url, hero_image_alt, redirect_to,
                                     status, content_lead_id, created_by_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $15) returning id`,
      [...values(a), a.contentLeadId ?? by, by],
    );
    const id = Number(rows[0]!.id);
    await setAuthors(db, id, a.authors);
    await step(db, id, actor, null, 'draft');
    const created = (await findArticle(db, a.slug))!;
    await recordAudit(db, actor, { action: 'library.article.create', subjectType: 'article', subjectId: String(id), after: { slug: a.slug, title: a.title } });
    return created;
  });
}

/** Change an article's text and details (not its status). */
export async function updateArticle(pool: pg.Pool, actor: Actor, current: Article, a: ArticleInput): Promise<Article> {
  return inTransaction(pool, async (db) => {
    await db.query(
      `update library_articles set kind = $2, title = $3, deck = $4, summary = $5, body_md = $6, topics = $7, community_id = $8, source_name = $9,
              source_url = $10, hero_image_url = $11, hero_image_alt = $12, redirect_to = $13, content_lead_id = coalesce($14, content_lead_id), updated_at = now()
        where id = $15`,
      [...values(a).slice(1), a.contentLeadId ?? null, current.id],
    );
    await setAuthors(db, current.id, a.authors);
    const after = (await findArticle(db, current.slug))!;
    await recordAudit(db, actor, {
      action: 'library.article.edit',
      subjectType: 'article',
      subjectId: String(current.id),
      before: { title: current.title, summary: current.summary, body: current.body },
      after: { title: after.title, summary: after.summary, body: after.body },
    });
    return after;
  });
}

export type Transition = 'submit' | 'return' | 'publish' | 'archive' | 'restore' | 'reviewed';

const MOVES: Record<Transition, { from: ArticleStatus[]; to: ArticleStatus; editorOnly: boolean }> = {
  submit: { from: ['draft'], to: 'in-review', editorOnly: false },
  return: { from: ['in-review'], to: 'draft', editorOnly: true },
  publish: { from: ['in-review'], to: 'published', editorOnly: true },
  archive: { from: ['published'], to: 'archived', editorOnly: true },
  restore: { from: ['archived'], to: 'published', editorOnly: true },
  reviewed: { from: ['published'], to: 'published', editorOnly: false },
};

/** Which moves this viewer may make on this article now. */
export async function allowedTransitions(db: Queryable, viewer: Viewer, a: Article): Promise<Transition[]> {
  const editor = await canEdit(db, viewer, a.communityId);
  const own = a.createdById === viewer.memberId || a.contentLeadId === viewer.memberId;
  return (Object.keys(MOVES) as Transition[]).filter((t) => MOVES[t].from.includes(a.status) && (editor || (!MOVES[t].editorOnly && own)));
}

/** Move an article through the workflow. "reviewed" confirms a published page is still right (page reviewed/updated). */
export async function moveArticle(
  pool: pg.Pool,
  actor: Actor,
  viewer: Viewer | 'operator',
  slug: string,
  t: Transition,
  note?: string,
  now = new Date(),
): Promise<Article> {
  return inTransaction(pool, async (db) => {
    const a = await findArticle(db, slug);
    if (!a) throw new WorkflowError(`There is no article “${slug}”.`);
    const move = MOVES[t];
    if (!move.from.includes(a.status))
      throw new WorkflowError(
        `This article is ${STATUS_TEXT[a.status].toLowerCase()}, so it cannot be moved that way. Reload the page to see what you can do now.`,
      );
    if (viewer !== 'operator' && !(await allowedTransitions(db, viewer, a)).includes(t)) {
      throw new WorkflowError(
        move.editorOnly ? 'Only a coordinator of the community (a library editor) can do this.' : 'Only the writer, the content lead or an editor can do this.',
      );
    }
    const sets = ['status = $2', 'updated_at = now()'];
    if (t === 'publish' || t === 'reviewed') sets.push('reviewed_at = $3');
    if (t === 'publish') sets.push('published_at = coalesce(published_at, $3)');
    await db.query(
      `update library_articles set ${sets.join(', ')} where id = $1`,
      t === 'publish' || t === 'reviewed' ? [a.id, move.to, now] : [a.id, move.to],
    );
    await step(db, a.id, actor, a.status, move.to, t === 'reviewed' ? note || 'Page reviewed' : note);
    await recordAudit(db, actor, {
      action: `library.article.${t}`,
      subjectType: 'article',
      subjectId: String(a.id),
      before: { status: a.status },
      after: { status: move.to, note: note ?? null },
    });
    return (await findArticle(db, slug))!;
  });
}

/** Save an imported digital.gov article: created, or replaced when the slug exists. It arrives published. */
export async function saveImportedArticle(
  db: Queryable,
  actor: Actor,
  a: ArticleInput & { publishedAt?: Date; reviewedAt?: Date },
): Promise<'created' | 'updated'> {
  const { rows } = await db.query<{ id: number; inserted: boolean }>(
    `insert into library_articles (slug, kind, title, deck, summary, body_md, topics, community_id, source_name, source_url, hero_image_url, hero_image_alt, redirect_to,
                                   status, published_at, reviewed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'published', $14, $15)
     on conflict (slug) do update set kind = excluded.kind, title = excluded.title, deck = excluded.deck, summary = excluded.summary, body_md = excluded.body_md,
        topics = excluded.topics, source_name = excluded.source_name, source_url = excluded.source_url, hero_image_url = excluded.hero_image_url,
        hero_image_alt = excluded.hero_image_alt, redirect_to = excluded.redirect_to, published_at = excluded.published_at, reviewed_at = excluded.reviewed_at, updated_at = now()
     returning id, (xmax = 0) as inserted`,
    [...values(a), a.publishedAt ?? null, a.reviewedAt ?? a.publishedAt ?? null],
  );
  const id = Number(rows[0]!.id);
  await setAuthors(db, id, a.authors);
  const inserted = rows[0]!.inserted;
  if (inserted) await step(db, id, actor, null, 'published', 'Imported from digital.gov');
  await recordAudit(db, actor, { action: 'library.article.import', subjectType: 'article', subjectId: String(id), after: { slug: a.slug, title: a.title } });
  return inserted ? 'created' : 'updated';
}
