/** An article's page, its workflow buttons (submit, publish, …), and a writer's or editor's drafts. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { producersOf } from '../groups/index.ts';
import { canEdit, findArticle, listArticles, moveArticle, WorkflowError, type Article, type Transition } from './articles.ts';
import { DraftsPage } from './views.tsx';
import { actorOf, libraryRouteKit, NOTICES, TRANSITIONS } from './route-kit.ts';

export function libraryArticleRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, standingPage, csrf, viewerOf, visibleArticle, articlePage } = libraryRouteKit(ctx, app);

    app.post<{ Params: { slug: string } }>('/library/articles/:slug/move', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = field(req.body, 'transition', 20) as Transition;
      const a = await visibleArticle(req, req.params.slug);
      if (!TRANSITIONS.includes(t)) return articlePage(req, reply, a, { error: 'Choose one of the buttons on the page.' }, 400);
      try {
        await moveArticle(ctx.pool, actorOf(req), v, a.slug, t, field(req.body, 'note', 500) || undefined);
      } catch (err) {
        if (err instanceof WorkflowError) return articlePage(req, reply, a, { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/library/articles/${a.slug}?done=${t}`, 303);
    });

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/articles/:slug', standingPage, async (req, reply) => {
      const notice = req.viewer ? NOTICES[req.query.done ?? ''] : undefined;
      // A published article is the same for every visitor, a few seconds old at most (ctx.recent);
      // a draft is read afresh, and only for those who may see it.
      const published = await ctx.recent(`library-article:${req.params.slug}`, async () => {
        const a = await findArticle(ctx.pool, req.params.slug);
        return a && (a.status === 'published' || a.status === 'archived')
          ? { a, producedBy: await producersOf(ctx.pool, { kind: 'article', id: a.id }) }
          : undefined;
      });
      if (published) return articlePage(req, reply, published.a, { notice, producedBy: published.producedBy });
      return articlePage(req, reply, await visibleArticle(req, req.params.slug), { notice });
    });

    app.get('/library/drafts', hide, async (req, reply) => {
      const v = viewerOf(req);
      const editor = await canEdit(ctx.pool, v, null);
      const all = await listArticles(ctx.pool, { status: 'any', limit: 500 });
      const mine = all.filter((a) => a.createdById === v.memberId || a.contentLeadId === v.memberId);
      const queue: Article[] = [];
      for (const a of all) if (a.status === 'in-review' && (await canEdit(ctx.pool, v, a.communityId))) queue.push(a);
      return sendPage(reply, DraftsPage({ site: siteFor(ctx, req), mine, queue, editor }));
    });

    // ---- Guides ----------------------------------------------------------------------------
  };
}
