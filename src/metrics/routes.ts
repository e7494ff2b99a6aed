/**
 * The metrics dashboard: a community's coordinators (and site administrators) see their
 * community; site administrators also see every community together. Thin: check who may look,
 * read the range, count, present. Every table downloads as CSV with the same numbers.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import { canCoordinate } from '../membership/index.ts';
import { ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { dashboardFigures, type Scope } from './figures.ts';
import { parseRange } from './range.ts';
import { dashboardTables, tableCsv } from './tables.ts';
import { DashboardPage } from './views.tsx';

type RangeQuery = { Querystring: { from?: string; to?: string } };

export function metricsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const hide = { schema: { hide: true } };

    async function community(req: FastifyRequest, slug: string) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to see community metrics.');
      const c = await joinSettings(ctx.pool, slug);
      if (!c) throw new NotFoundError(`There is no community called “${slug}”.`);
      if (!(await canCoordinate(ctx.pool, req.viewer, c.id))) throw new ForbiddenError(`Only the coordinators of ${c.title} can see its metrics.`);
      return c;
    }

    function siteAdmin(req: FastifyRequest) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to see site metrics.');
      if (!req.viewer.siteAdmin)
        throw new ForbiddenError(
          'Only site administrators can see metrics for all communities. Coordinators find their community’s metrics on its Manage page.',
        );
    }

    async function page(req: FastifyRequest<RangeQuery>, reply: FastifyReply, scope: Scope, base: string, c?: { slug: string; title: string }) {
      const range = parseRange(req.query);
      const site = siteFor(ctx, req);
      const props = { site, base, range, ...(c ? { community: { slug: c.slug, title: c.title } } : {}) };
      if (!range.ok) return sendPage(reply, DashboardPage(props), 400);
      return sendPage(reply, DashboardPage({ ...props, figures: await dashboardFigures(ctx.pool, scope, range.range) }));
    }

    async function csv(req: FastifyRequest<RangeQuery & { Params: { table: string } }>, reply: FastifyReply, scope: Scope, name: string) {
      const m = /^([a-z0-9-]+)\.csv$/.exec(req.params.table);
      const range = parseRange(req.query);
      if (!range.ok) {
        return reply
          .code(400)
          .type('text/plain; charset=utf-8')
          .send(`${Object.values(range.errors).join('\n')}\n`);
      }
      const figures = m ? await dashboardFigures(ctx.pool, scope, range.range) : undefined;
      const table = figures && dashboardTables(figures).find((t) => t.slug === m![1]);
      if (!table) throw new NotFoundError(`There is no table called “${req.params.table}”. Use the download links on the metrics page.`);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-${table.slug}-${range.range.from}-to-${range.range.to}.csv"`)
        .send(tableCsv(table));
    }

    app.get<RangeQuery & { Params: { slug: string } }>('/communities/:slug/admin/metrics', hide, async (req, reply) => {
      const c = await community(req, req.params.slug);
      return page(req, reply, { communityId: c.id }, `/communities/${c.slug}/admin/metrics`, c);
    });

    app.get<RangeQuery & { Params: { slug: string; table: string } }>('/communities/:slug/admin/metrics/:table', hide, async (req, reply) => {
      const c = await community(req, req.params.slug);
      return csv(req, reply, { communityId: c.id }, c.slug);
    });

    app.get<RangeQuery>('/admin/metrics', hide, async (req, reply) => {
      siteAdmin(req);
      return page(req, reply, {}, '/admin/metrics');
    });

    app.get<RangeQuery & { Params: { table: string } }>('/admin/metrics/:table', hide, async (req, reply) => {
      siteAdmin(req);
      return csv(req, reply, {}, 'all-communities');
    });
  };
}
