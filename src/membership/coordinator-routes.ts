/** Routes for a community's coordinators: join requests, member import, the member directory. Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, ForbiddenError, idParam, NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { recordAudit } from '../platform/audit.ts';
import { awaitingApproval, decideRequest, RequestNotFoundError } from './approvals.ts';
import { applyCoordinatorAction, directory, directoryCsv, type CoordinatorAction } from './directory.ts';
import { canCoordinate, membershipIn } from './members.ts';
import { DirectoryPage, ImportPage, RequestsPage } from './views.tsx';
import { applyImport, ImportFileError, planImport } from './bulk-import.ts';
import { actorOf, membershipRouteKit, requireViewer } from './route-kit.ts';

export function coordinatorRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, community, coordinatorOf } = membershipRouteKit(ctx, app);

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/communities/:slug/admin/requests', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const notice = { approved: 'Approved: the applicant is now a member and has been told.', denied: 'Denied: the applicant has been told why.' }[
        req.query.done ?? ''
      ];
      return sendPage(
        reply,
        RequestsPage({
          site: siteFor(ctx, req),
          c,
          csrf: formToken(reply),
          requests: await awaitingApproval(ctx.pool, c.id),
          ...(notice ? { notice } : {}),
        }),
      );
    });

    app.post<{ Params: { slug: string; id: string } }>('/communities/:slug/admin/requests/:id', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const id = idParam(req.params.id);
      const decision = field(req.body, 'decision');
      const note = field(req.body, `note-${id}`, 1000);
      if (!id || (decision !== 'approve' && decision !== 'deny')) throw new NotFoundError('That request does not exist.');
      if (decision === 'deny' && !note) {
        return sendPage(
          reply,
          RequestsPage({
            site: siteFor(ctx, req),
            c,
            csrf: formToken(reply),
            requests: await awaitingApproval(ctx.pool, c.id),
            errors: { [id]: 'Give a reason: it is sent to the applicant.' },
          }),
          400,
        );
      }
      try {
        await decideRequest(ctx.pool, {
          communityId: c.id,
          community: c,
          requestId: id,
          approve: decision === 'approve',
          note,
          actor: actorOf(req),
          baseUrl: baseUrl(ctx),
          queue: ctx.queue,
        });
      } catch (err) {
        if (err instanceof RequestNotFoundError) throw new NotFoundError(err.message);
        throw err;
      }
      return reply.redirect(`/communities/${c.slug}/admin/requests?done=${decision === 'approve' ? 'approved' : 'denied'}`, 303);
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin/import', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      return sendPage(reply, ImportPage({ site: siteFor(ctx, req), c, csrf: formToken(reply) }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/admin/import', { ...csrf, bodyLimit: 2_500_000 }, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const csv = field(req.body, 'csv', 2_000_000);
      const page = (status: number, extra: Parameters<typeof ImportPage>[0]['report'] | undefined, error?: string) =>
        sendPage(
          reply,
          ImportPage({ site: siteFor(ctx, req), c, csrf: formToken(reply), csv, ...(error ? { error } : {}), ...(extra ? { report: extra } : {}) }),
          status,
        );
      if (!csv) return page(400, undefined, 'Paste the members to import.');
      let plan;
      try {
        plan = await planImport(ctx.pool, csv, c, ctx.config);
      } catch (err) {
        if (err instanceof ImportFileError) return page(400, undefined, err.message);
        throw err;
      }
      if (field(req.body, 'intent') !== 'import') return page(200, plan);
      const applied = await applyImport(ctx.pool, plan, {
        community: c,
        actor: actorOf(req),
        welcome: field(req.body, 'welcome') === 'yes',
        queue: ctx.queue,
        baseUrl: baseUrl(ctx),
      });
      return page(200, { ...plan, applied });
    });

    app.get<{ Params: { slug: string }; Querystring: { q?: string; done?: string } }>('/communities/:slug/members', hide, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const coordinator = await canCoordinate(ctx.pool, viewer, c.id);
      const mine = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (!coordinator && mine?.status !== 'active') throw new ForbiddenError(`The member directory of ${c.title} is for its members only.`);
      const q = (req.query.q ?? '').slice(0, 100);
      return sendPage(
        reply,
        DirectoryPage({
          site: siteFor(ctx, req),
          c,
          csrf: formToken(reply),
          q,
          entries: await directory(ctx.pool, c.id, q, coordinator),
          coordinator,
          ...(req.query.done ? { notice: 'The change is saved.' } : {}),
        }),
      );
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/members.csv', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      reply.header('content-disposition', `attachment; filename="${c.slug}-members.csv"`);
      await recordAudit(ctx.pool, actorOf(req), { action: 'members.export', subjectType: 'community', subjectId: c.slug });
      return reply.type('text/csv; charset=utf-8').send(directoryCsv(await directory(ctx.pool, c.id, '', true)));
    });

    app.post<{ Params: { slug: string; memberId: string } }>('/communities/:slug/members/:memberId', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const memberId = idParam(req.params.memberId);
      const action = field(req.body, 'action') as CoordinatorAction;
      if (!['member', 'moderator', 'coordinator', 'remove', 'ban'].includes(action)) throw new NotFoundError('Choose an action from the list.');
      const m = memberId ? await membershipIn(ctx.pool, memberId, c.id) : undefined;
      if (!m) throw new NotFoundError('That person is not a member of this community.');
      await applyCoordinatorAction(ctx.pool, actorOf(req), c.id, memberId, action);
      return reply.redirect(`/communities/${c.slug}/members?done=1`, 303);
    });
  };
}
