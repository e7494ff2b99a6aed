/** A record's page, and its workflow buttons (submit, publish, reject, archive, …). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { changeStatus, RECORD_ACTIONS, WorkflowError, type RecordAction } from './workflow.ts';
import { actorOf, NOTICES, registryRouteKit } from './route-kit.ts';

export function registryRecordRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { reviewerPage, csrf, deps, viewerOf, requireViewer, recordFor, showRecord } = registryRouteKit(ctx, app);

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/registry/records/:id', reviewerPage, async (req, reply) => {
      const v = await viewerOf(req);
      const r = await recordFor(req, req.params.id, v);
      const notice = req.query.done ? NOTICES[req.query.done] : undefined;
      return showRecord(req, reply, r, v, notice ? { notice } : {});
    });

    app.post<{ Params: { id: string; action: string } }>('/registry/records/:id/:action', csrf, async (req, reply) => {
      const v = await requireViewer(req);
      const r = await recordFor(req, req.params.id, v);
      const action = req.params.action as RecordAction;
      if (!RECORD_ACTIONS.includes(action)) throw new NotFoundError('There is no such action on a registry record.');
      try {
        await changeStatus(ctx.pool, deps(), actorOf(req), v, r.id, action, field(req.body, 'reason', 2000));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        if (err.code === 'FORBIDDEN') throw new ForbiddenError(err.message);
        return showRecord(req, reply, r, v, { error: err.message }, err.code === 'REASON_REQUIRED' ? 400 : 409);
      }
      return reply.redirect(`/registry/records/${r.id}?done=${action}`, 303);
    });
  };
}
