/** The lists of records to act on: an agency's records, and the reviewers' queue. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { listAgencies } from './agencies.ts';
import { searchRecords } from './search.ts';
import { RecordListPage } from './record-views.tsx';
import { registryRouteKit } from './route-kit.ts';

export function registryQueueRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, requireViewer } = registryRouteKit(ctx, app);

    app.get('/registry/manage', hide, async (req, reply) => {
      const all = await listAgencies(ctx.pool);
      const v = await requireViewer(req, all);
      const ids = [...v.agencyIds];
      const statuses = ['draft', 'submitted', 'published', 'archive-requested'] as const;
      const found = ids.length ? await searchRecords(ctx.pool, { sponsoredBy: ids, statuses: [...statuses], pageSize: 500 }) : { records: [] };
      const home = all.find((a) => a.id === v.homeAgencyId);
      return sendPage(
        reply,
        RecordListPage({
          site: siteFor(ctx, req),
          title: 'Your agency’s records',
          intro: home
            ? `Records sponsored by ${home.path} and the offices under it. You can register new ones and change these.`
            : 'Your email address does not belong to an agency the registry lists, so you can’t register records. Ask a registry reviewer if your agency is missing.',
          links: home
            ? [
                { href: '/registry/new?kind=account', label: 'Register an account' },
                { href: '/registry/new?kind=app', label: 'Register a mobile app' },
                { href: '/registry/new?kind=website', label: 'Register a website' },
              ]
            : [],
          sections: statuses.map((s) => ({
            heading: { draft: 'Drafts', submitted: 'Waiting for review', published: 'Published', 'archive-requested': 'Archive requested' }[s],
            records: found.records.filter((r) => r.status === s),
            empty: 'None.',
          })),
        }),
      );
    });

    app.get('/registry/review', hide, async (req, reply) => {
      const v = await requireViewer(req);
      if (!v.reviewer) throw new ForbiddenError('Only registry reviewers can see the review queue.');
      const [submitted, archive, due] = await Promise.all([
        searchRecords(ctx.pool, { statuses: ['submitted'], pageSize: 500 }),
        searchRecords(ctx.pool, { statuses: ['archive-requested'], pageSize: 500 }),
        searchRecords(ctx.pool, { statuses: ['published', 'archive-requested'], reviewDue: true, pageSize: 500 }),
      ]);
      return sendPage(
        reply,
        RecordListPage({
          site: siteFor(ctx, req),
          title: 'Review queue',
          intro: 'Records waiting for a reviewer: publish or reject new ones, archive on request, and confirm the ones due for their regular review.',
          links: [{ href: '/registry/new?kind=account', label: 'Register an account' }],
          sections: [
            { heading: 'Waiting for review', records: submitted.records, empty: 'Nothing is waiting.' },
            { heading: 'Archive requested', records: archive.records, empty: 'No requests.' },
            { heading: 'Due for regular review', records: due.records, empty: 'Every published record was reviewed recently.' },
          ],
        }),
      );
    });
  };
}
