/** The library's feeds (RSS, Atom, JSON Feed): all articles, a topic's, an author's, a community's. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { communityNames } from '../communities/index.ts';
import { absoluteUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { listArticles, type Article } from './articles.ts';
import { findAuthor } from './authors.ts';
import { buildFeed, FEED_TYPES } from './feeds.ts';
import { findTopic } from './topics.ts';
import { feedFormat, libraryRouteKit } from './route-kit.ts';

export function libraryFeedRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide } = libraryRouteKit(ctx, app);

    function sendFeed(
      req: FastifyRequest,
      reply: FastifyReply,
      ext: string,
      spec: { title: string; description: string; page: string; base: string },
      articles: Article[],
    ) {
      const format = feedFormat(ext);
      const site = absoluteUrl(ctx, '');
      const body = buildFeed(
        {
          title: spec.title,
          description: spec.description,
          pageUrl: site + spec.page,
          feedBase: site + spec.base,
          siteName: ctx.config.siteName,
          siteUrl: site,
        },
        articles,
        format,
      );
      return reply.type(FEED_TYPES[format]).header('cache-control', 'public, max-age=300').send(body);
    }

    app.get<{ Params: { ext: string } }>('/library/feed.:ext', hide, async (req, reply) =>
      sendFeed(
        req,
        reply,
        req.params.ext,
        { title: `${ctx.config.siteName}: library`, description: 'New articles in the library.', page: '/library', base: '/library/feed' },
        await listArticles(ctx.pool, { limit: 30 }),
      ),
    );

    app.get<{ Params: { slug: string; ext: string } }>('/topics/:slug/feed.:ext', hide, async (req, reply) => {
      const t = await findTopic(ctx.pool, req.params.slug);
      if (!t) throw new NotFoundError(`There is no topic “${req.params.slug}”.`);
      return sendFeed(
        req,
        reply,
        req.params.ext,
        {
          title: `${ctx.config.siteName}: ${t.title}`,
          description: t.summary ?? `Articles about ${t.title}.`,
          page: `/topics/${t.slug}`,
          base: `/topics/${t.slug}/feed`,
        },
        await listArticles(ctx.pool, { topic: t.slug, limit: 30 }),
      );
    });

    app.get<{ Params: { slug: string; ext: string } }>('/library/authors/:slug/feed.:ext', hide, async (req, reply) => {
      const au = await findAuthor(ctx.pool, req.params.slug);
      if (!au) throw new NotFoundError(`There is no author “${req.params.slug}”.`);
      return sendFeed(
        req,
        reply,
        req.params.ext,
        {
          title: `${ctx.config.siteName}: articles by ${au.name}`,
          description: `Articles by ${au.name}.`,
          page: `/library/authors/${au.slug}`,
          base: `/library/authors/${au.slug}/feed`,
        },
        await listArticles(ctx.pool, { authorSlug: au.slug, limit: 30 }),
      );
    });

    app.get<{ Params: { slug: string; ext: string } }>('/communities/:slug/library/feed.:ext', hide, async (req, reply) => {
      const c = (await communityNames(ctx.pool, { includeHidden: true })).find((x) => x.slug === req.params.slug);
      if (!c) throw new NotFoundError(`There is no community called “${req.params.slug}”.`);
      return sendFeed(
        req,
        reply,
        req.params.ext,
        { title: `${c.name}: library`, description: `Articles from ${c.name}.`, page: `/communities/${c.slug}`, base: `/communities/${c.slug}/library/feed` },
        await listArticles(ctx.pool, { communitySlug: c.slug, limit: 30 }),
      );
    });
  };
}
