/** Consultations: a member asks the community's experts a question. Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { ForbiddenError, NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canCoordinate, membershipsOf } from '../membership/index.ts';
import { askExperts, consultationHistory, consultationRoles, findConsultation, moveConsultation, NoExpertsError } from './consultations.ts';
import { CONSULTATION_STATUSES, consultationStepsFor, WorkflowError, type ConsultationStatus } from './workflow.ts';
import type { CommunityRef } from './views.tsx';
import { AskPage, ConsultationPage } from './consultation-views.tsx';
import { actorOf, idOf, requireViewer, speakersRouteKit } from './route-kit.ts';

export function consultationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, deps, community } = await speakersRouteKit(ctx, app);

    // ---- Consultations --------------------------------------------------------------------

    async function memberOf(req: FastifyRequest, slug: string): Promise<CommunityRef> {
      const viewer = requireViewer(req);
      const c = await community(slug);
      const active = (await membershipsOf(ctx.pool, viewer.memberId)).some((m) => m.communityId === c.id && m.status === 'active');
      if (!active && !(await canCoordinate(ctx.pool, viewer, c.id)))
        throw new ForbiddenError(`Asking the experts is for members of ${c.title}. Join the community first.`);
      return c;
    }

    app.get<{ Params: { slug: string } }>('/communities/:slug/consultations/new', hide, async (req, reply) => {
      const c = await memberOf(req, req.params.slug);
      return sendPage(reply, AskPage({ site: siteFor(ctx, req), c, csrf: formToken(reply), values: { topic: '', question: '' }, errors: {} }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/consultations/new', csrf, async (req, reply) => {
      const c = await memberOf(req, req.params.slug);
      const viewer = req.viewer!;
      const values = { topic: field(req.body, 'topic', 200), question: field(req.body, 'question', 5000) };
      const errors: FieldErrors = {};
      if (!values.topic) errors.topic = 'Enter the topic of your question, for example “accessibility”.';
      if (!values.question) errors.question = 'Write your question.';
      const again = (e: FieldErrors, status: number) =>
        sendPage(reply, AskPage({ site: siteFor(ctx, req), c, csrf: formToken(reply), values, errors: e }), status);
      if (Object.keys(errors).length) return again(errors, 400);
      try {
        const q = await inTransaction(ctx.pool, (tx) =>
          askExperts(tx, deps(), {
            communityId: c.id,
            asker: { memberId: viewer.memberId, email: viewer.email },
            topic: values.topic,
            question: values.question,
            actor: actorOf(req),
          }),
        );
        return reply.redirect(`/consultations/${q.id}?done=asked`, 303);
      } catch (err) {
        if (!(err instanceof NoExpertsError)) throw err;
        return again({ topic: err.message }, 409);
      }
    });

    async function visibleConsultation(req: FastifyRequest, idRaw: string) {
      const viewer = requireViewer(req);
      const q = await findConsultation(ctx.pool, idOf(idRaw, 'question'));
      // Not found and not allowed look the same, so nobody learns which questions exist.
      const roles = q ? await consultationRoles(ctx.pool, q, viewer) : [];
      if (!q || !roles.length) throw new NotFoundError('That question does not exist, or it was not sent to you. See your questions on your speaker page.');
      return { q, roles };
    }

    async function consultationPage(
      req: FastifyRequest,
      reply: FastifyReply,
      idRaw: string,
      extra: { notice?: string; error?: string; answer?: string },
      status = 200,
    ) {
      const { q, roles } = await visibleConsultation(req, idRaw);
      let steps = consultationStepsFor(q.status, roles);
      // Only the expert who took a question answers it or hands it back (coordinators may hand it back).
      if (q.status === 'taken' && q.expert?.id !== req.viewer!.memberId)
        steps = steps.filter((s) => s === 'closed' || (s === 'open' && roles.includes('coordinator')));
      return sendPage(
        reply,
        ConsultationPage({
          site: siteFor(ctx, req),
          q,
          history: await consultationHistory(ctx.pool, q.id),
          csrf: formToken(reply),
          steps,
          answer: extra.answer ?? '',
          ...extra,
        }),
        status,
      );
    }

    const CONSULTATION_NOTICES: Record<string, string> = {
      asked: 'Your question was sent to the experts. You will get an email when one answers.',
      taken: 'You took this question; answer it below.',
      answered: 'Your answer was sent.',
      open: 'The question is back with all the experts it was sent to.',
      closed: 'The question is closed.',
    };

    app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/consultations/:id', hide, async (req, reply) => {
      const notice = CONSULTATION_NOTICES[req.query.done ?? ''];
      return consultationPage(req, reply, req.params.id, notice ? { notice } : {});
    });

    app.post<{ Params: { id: string } }>('/consultations/:id', csrf, async (req, reply) => {
      const { q, roles } = await visibleConsultation(req, req.params.id);
      const to = field(req.body, 'to', 20) as ConsultationStatus;
      const answer = field(req.body, 'answer', 10000);
      if (!CONSULTATION_STATUSES.includes(to)) return consultationPage(req, reply, req.params.id, { error: 'Choose one of the actions below.' }, 400);
      try {
        await inTransaction(ctx.pool, (tx) =>
          moveConsultation(tx, deps(), { id: q.id, to, roles, actor: actorOf(req), memberId: req.viewer!.memberId, answer }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return consultationPage(req, reply, req.params.id, { error: err.message, answer }, err.code === 'MISSING' ? 400 : 409);
      }
      return reply.redirect(`/consultations/${q.id}?done=${to}`, 303);
    });
  };
}
