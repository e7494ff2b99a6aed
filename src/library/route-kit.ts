/** What the library's pages share: options, the article a page is about (and who may see it), the article page, the guide a page is about. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { communityNames } from '../communities/index.ts';
import { formToken, NotFoundError, ownPage, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import type { Actor } from '../platform/audit.ts';
import { producersOf } from '../groups/index.ts';
import { allowedTransitions, articleSteps, canChange, canEdit, findArticle, type Article, type Transition } from './articles.ts';
import type { FeedFormat } from './feeds.ts';
import { findGuide } from './guides.ts';
import { ArticlePage } from './article-views.tsx';

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const TRANSITIONS: Transition[] = ['submit', 'return', 'publish', 'archive', 'restore', 'reviewed'];
export const NOTICES: Record<string, string> = {
  saved: 'The draft is saved.',
  submit: 'Sent for review. An editor will publish it or send it back.',
  return: 'Returned to the writer as a draft.',
  publish: 'Published. It is now in the library, its feeds and search.',
  archive: 'Archived.',
  restore: 'Published again.',
  reviewed: 'Marked as reviewed today.',
};

export function slugFromTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

export function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

/** The feed format a feed address ends in (.rss, .atom or .json); any other is a 404. */
export function feedFormat(ext: string): FeedFormat {
  if (ext === 'rss' || ext === 'atom' || ext === 'json') return ext;
  throw new NotFoundError('Feeds end in .rss, .atom or .json.');
}

export const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);

/** The route options and helpers every library page plugin uses, bound to the platform's context. */
export function libraryRouteKit(ctx: AppContext, app: FastifyInstance) {
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
  const publicPage = { ...hide, config: { pageCache: true } };
  // the same for every member of the same standing (roles and memberships): kept for them too (page-cache.ts)
  const standingPage = { ...hide, config: { pageCache: true, memberPageCache: true } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

  function viewerOf(req: FastifyRequest) {
    if (!req.viewer) throw new SignInRequiredError('Sign in to write or edit library articles.');
    return req.viewer;
  }

  /** An article the viewer may see: published or archived for everyone, drafts and reviews for writers and editors. */
  async function visibleArticle(req: FastifyRequest, slug: string): Promise<Article> {
    const a = await findArticle(ctx.pool, slug);
    if (!a) throw new NotFoundError(`There is no article at “${slug}”.`);
    if (a.status === 'published' || a.status === 'archived') return a;
    if (
      req.viewer &&
      ((await canChange(ctx.pool, req.viewer, a)) || a.createdById === req.viewer.memberId || (await canEdit(ctx.pool, req.viewer, a.communityId)))
    )
      return a;
    throw new NotFoundError(`There is no article at “${slug}”.`);
  }

  async function articlePage(
    req: FastifyRequest,
    reply: FastifyReply,
    a: Article,
    extra: { notice?: string; error?: string; producedBy?: Awaited<ReturnType<typeof producersOf>> } = {},
    status = 200,
  ) {
    const v = req.viewer;
    // what its writer or content lead may do with it is theirs alone: their page is not kept for others
    if (v && (a.createdById === v.memberId || a.contentLeadId === v.memberId || a.status !== 'published')) ownPage(req);
    const moves = v ? await allowedTransitions(ctx.pool, v, a) : [];
    const change = v ? await canChange(ctx.pool, v, a) : false;
    const steps = v && (moves.length || change) ? await articleSteps(ctx.pool, a.id) : [];
    return sendPage(
      reply,
      ArticlePage({
        site: siteFor(ctx, req),
        a,
        moves,
        canChange: change,
        steps,
        producedBy: extra.producedBy ?? (await producersOf(ctx.pool, { kind: 'article', id: a.id })),
        csrf: v ? formToken(reply) : undefined,
        ...extra,
      }),
      status,
    );
  }

  async function communityChoices() {
    return (await communityNames(ctx.pool, { includeHidden: true })).map((c) => ({ slug: c.slug, title: c.name }));
  }

  async function guide(slug: string) {
    const g = await findGuide(ctx.pool, slug);
    if (!g) throw new NotFoundError(`There is no guide at “${slug}”.`);
    return g;
  }

  return { hide, publicPage, standingPage, csrf, viewerOf, visibleArticle, articlePage, communityChoices, guide };
}
