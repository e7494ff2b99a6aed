/** The library's home page, topics, authors, and the site-wide search. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { communityNames } from '../communities/index.ts';
import { NotFoundError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { canEdit, canWrite, listArticles } from './articles.ts';
import { findAuthor } from './authors.ts';
import { listGuides } from './guides.ts';
import { siteSearch } from './search.ts';
import { findTopic, listTopics } from './topics.ts';
import { AuthorPage, LibraryIndexPage, SearchPage, TopicPage, TopicsPage } from './views.tsx';
import { libraryRouteKit } from './route-kit.ts';

export function libraryBrowseRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { publicPage, standingPage } = libraryRouteKit(ctx, app);

    app.get('/library', standingPage, async (req, reply) => {
      const v = req.viewer;
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const shared = await ctx.recent('library-index', async () => ({
        articles: await listArticles(ctx.pool, { limit: 20 }),
        guides: await listGuides(ctx.pool),
        topics: await listTopics(ctx.pool),
        communities: (await communityNames(ctx.pool)).map((c) => ({ slug: c.slug, title: c.name })),
      }));
      return sendPage(
        reply,
        LibraryIndexPage({
          site: siteFor(ctx, req),
          ...shared,
          canWrite: v ? await canWrite(ctx.pool, v) : false,
          canEdit: v ? await canEdit(ctx.pool, v, null) : false,
        }),
      );
    });

    // ---- Articles and the workflow --------------------------------------------------------

    app.get('/topics', standingPage, async (req, reply) => sendPage(reply, TopicsPage({ site: siteFor(ctx, req), topics: await listTopics(ctx.pool) })));

    app.get<{ Params: { slug: string } }>('/topics/:slug', publicPage, async (req, reply) => {
      const t = await findTopic(ctx.pool, req.params.slug);
      if (!t) throw new NotFoundError(`There is no topic “${req.params.slug}”.`);
      const all = await communityNames(ctx.pool, { includeHidden: false });
      const featured = t.featuredCommunities.flatMap((s) => all.filter((c) => c.slug === s).map((c) => ({ slug: c.slug, title: c.name })));
      const more = all.filter((c) => !t.featuredCommunities.includes(c.slug)).map((c) => ({ slug: c.slug, title: c.name }));
      const { rows } = await ctx.pool.query<{ slug: string }>('select slug from communities where $1 = any(topics)', [t.slug]);
      const tagged = more.filter((c) => rows.some((r) => r.slug === c.slug));
      return sendPage(
        reply,
        TopicPage({
          site: siteFor(ctx, req),
          t,
          articles: await listArticles(ctx.pool, { topic: t.slug, limit: 30 }),
          guides: await listGuides(ctx.pool, { topic: t.slug }),
          communities: [...featured, ...tagged],
        }),
      );
    });

    app.get<{ Params: { slug: string } }>('/library/authors/:slug', publicPage, async (req, reply) => {
      const author = await findAuthor(ctx.pool, req.params.slug);
      if (!author) throw new NotFoundError(`There is no author “${req.params.slug}”.`);
      return sendPage(reply, AuthorPage({ site: siteFor(ctx, req), author, articles: await listArticles(ctx.pool, { authorSlug: author.slug, limit: 50 }) }));
    });

    // ---- Feeds -----------------------------------------------------------------------------

    app.get<{ Querystring: { q?: string; source?: string } }>('/search', publicPage, async (req, reply) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
      const only = typeof req.query.source === 'string' && req.query.source ? req.query.source : undefined;
      const error = typeof req.query.q === 'string' && !q ? 'Enter a word or phrase to search for.' : undefined;
      const result = await siteSearch(ctx.pool, { text: q, member: !!req.viewer, viewer: req.viewer, limit: 50 }, only);
      return sendPage(reply, SearchPage({ site: siteFor(ctx, req), q, only, result, error }), error ? 400 : 200);
    });
  };
}
