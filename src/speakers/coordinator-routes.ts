/** The coordinators' queue of speaker requests. Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { consultationsOfCommunity } from './consultations.ts';
import { speakersOf } from './profiles.ts';
import { findSpeakerRequest, moveRequest, requestHistory, requestsOfCommunity, requestToEvent } from './store.ts';
import { isOpenRequest, REQUEST_STATUSES, requestStepsFor, WorkflowError, type RequestStatus } from './workflow.ts';
import type { CommunityRef } from './views.tsx';
import { AdminListPage, AdminRequestPage } from './admin-views.tsx';
import { actorOf, idOf, speakersRouteKit } from './route-kit.ts';

export function speakerCoordinatorRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, deps, coordinatorOf } = await speakersRouteKit(ctx, app);

    // ---- Coordinators ---------------------------------------------------------------------

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin/speaker-requests', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      return sendPage(
        reply,
        AdminListPage({
          site: siteFor(ctx, req),
          c,
          requests: await requestsOfCommunity(ctx.pool, c.id),
          consultations: await consultationsOfCommunity(ctx.pool, c.id),
        }),
      );
    });

    async function adminPage(req: FastifyRequest, reply: FastifyReply, c: CommunityRef, id: number, extra: { notice?: string; error?: string }, status = 200) {
      const r = await findSpeakerRequest(ctx.pool, id);
      if (!r || r.communityId !== c.id) throw new NotFoundError('That speaker request does not exist in this community. See the list of requests.');
      return sendPage(
        reply,
        AdminRequestPage({
          site: siteFor(ctx, req),
          c,
          r,
          history: await requestHistory(ctx.pool, r.id),
          csrf: formToken(reply),
          steps: isOpenRequest(r.status) ? requestStepsFor(r.status, 'coordinator') : [],
          speakers: await speakersOf(ctx.pool, c.id, {}, { publicOnly: false }),
          ...extra,
        }),
        status,
      );
    }

    const NOTICES: Record<string, string> = {
      in_review: 'The request is in review; the requester was told.',
      matched: 'The speaker was asked; they will accept or decline.',
      confirmed: 'The engagement is confirmed; the requester and the speaker were told.',
      completed: 'The engagement is marked completed.',
      withdrawn: 'The request is withdrawn; everyone involved was told.',
      event: 'The engagement is now a draft event. Check it and publish it.',
    };

    app.get<{ Params: { slug: string; id: string }; Querystring: { done?: string } }>(
      '/communities/:slug/admin/speaker-requests/:id',
      hide,
      async (req, reply) => {
        const c = await coordinatorOf(req, req.params.slug);
        const notice = NOTICES[req.query.done ?? ''];
        return adminPage(req, reply, c, idOf(req.params.id, 'request'), notice ? { notice } : {});
      },
    );

    app.post<{ Params: { slug: string; id: string } }>('/communities/:slug/admin/speaker-requests/:id', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const id = idOf(req.params.id, 'request');
      const to = field(req.body, 'to', 20) as RequestStatus;
      if (!REQUEST_STATUSES.includes(to)) return adminPage(req, reply, c, id, { error: 'Choose one of the actions below.' }, 400);
      const speakerRaw = field(req.body, 'speakerId', 20);
      const before = await findSpeakerRequest(ctx.pool, id);
      if (!before || before.communityId !== c.id) throw new NotFoundError('That speaker request does not exist in this community. See the list of requests.');
      try {
        await inTransaction(ctx.pool, (tx) =>
          moveRequest(tx, deps(), {
            requestId: id,
            to,
            role: 'coordinator',
            actor: actorOf(req),
            memberId: req.viewer!.memberId,
            note: field(req.body, 'note', 500),
            ...(/^\d{1,12}$/.test(speakerRaw) ? { speakerId: Number(speakerRaw) } : {}),
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return adminPage(req, reply, c, id, { error: err.message }, err.code === 'MISSING' ? 400 : 409);
      }
      return reply.redirect(`/communities/${c.slug}/admin/speaker-requests/${id}?done=${to}`, 303);
    });

    app.post<{ Params: { slug: string; id: string } }>('/communities/:slug/admin/speaker-requests/:id/event', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const id = idOf(req.params.id, 'request');
      const r = await findSpeakerRequest(ctx.pool, id);
      if (!r || r.communityId !== c.id) throw new NotFoundError('That speaker request does not exist in this community. See the list of requests.');
      try {
        await inTransaction(ctx.pool, (tx) => requestToEvent(tx, actorOf(req), id));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return adminPage(req, reply, c, id, { error: err.message }, 409);
      }
      return reply.redirect(`/communities/${c.slug}/admin/speaker-requests/${id}?done=event`, 303);
    });
  };
}
