/** Asking for a speaker, and the requester's status page (a signed link, no account). Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { MessagePage } from '../web/pages.tsx';
import { speakersOf } from './profiles.ts';
import { readRequestForm, REQUEST_FIELDS, type RequestFormValues } from './request-form.ts';
import { checkSubmission, formStamp, HONEYPOT_FIELD, STAMP_FIELD } from './spam.ts';
import { checkStatusToken, createSpeakerRequest, findSpeakerRequest, moveRequest, requestHistory } from './store.ts';
import { requestStepsFor, WorkflowError } from './workflow.ts';
import { RequestFormPage, StatusPage, type CommunityRef } from './views.tsx';
import { idOf, REQUESTS_PER_IP, speakersRouteKit } from './route-kit.ts';

export function speakerRequestRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { secret, hide, csrf, deps, community } = await speakersRouteKit(ctx, app);

    // ---- The request form ----------------------------------------------------------------

    async function requestForm(
      req: FastifyRequest,
      reply: FastifyReply,
      c: CommunityRef,
      values: RequestFormValues,
      errors: FieldErrors,
      status = 200,
      notice?: string,
    ) {
      const speakers = await speakersOf(ctx.pool, c.id, {}, { publicOnly: true });
      return sendPage(
        reply,
        RequestFormPage({
          site: siteFor(ctx, req),
          c,
          csrf: formToken(reply),
          stamp: formStamp(secret, new Date()),
          values,
          errors,
          speakers,
          ...(notice ? { notice } : {}),
        }),
        status,
      );
    }

    app.get<{ Params: { slug: string }; Querystring: { speaker?: string } }>('/communities/:slug/speakers/request', hide, async (req, reply) => {
      const c = await community(req.params.slug);
      const speaker = /^\d{1,12}$/.test(req.query.speaker ?? '') ? req.query.speaker : '';
      return requestForm(req, reply, c, { timeZone: 'America/New_York', preferredSpeaker: speaker }, {});
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/speakers/request', csrf, async (req, reply) => {
      const c = await community(req.params.slug);
      const values: RequestFormValues = {};
      for (const k of REQUEST_FIELDS) values[k] = field(req.body, k, k === 'notes' ? 4000 : k === 'email' ? 320 : 300);
      const now = new Date();
      const spam = checkSubmission({
        secret,
        honeypot: field(req.body, HONEYPOT_FIELD, 500),
        stamp: field(req.body, STAMP_FIELD, 100),
        now,
        minSeconds: ctx.config.speakerRequestMinSeconds,
      });
      if (!spam.ok) {
        req.log.info({ reason: spam.reason }, 'speaker request refused by the spam checks');
        return requestForm(req, reply, c, values, {}, 400, spam.message);
      }
      const parsed = readRequestForm(values, now);
      if (!parsed.ok) return requestForm(req, reply, c, values, parsed.errors, 400);
      const limit = await rateLimit(ctx.pool, `speaker-request:ip:${req.ip}`, REQUESTS_PER_IP.max, REQUESTS_PER_IP.windowSeconds);
      if (!limit.allowed) {
        reply.header('retry-after', String(limit.retryAfterSeconds));
        return requestForm(
          req,
          reply,
          c,
          values,
          {},
          429,
          `Too many requests were sent from your network. ${retryText(limit.retryAfterSeconds)} Your answers are kept below.`,
        );
      }
      const r = await inTransaction(ctx.pool, (tx) => createSpeakerRequest(tx, deps(), { communityId: c.id, input: parsed.input, ip: req.ip }));
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'Thank you: your request is with the coordinators',
          alert: 'success',
          lines: [
            `We emailed ${r.requesterEmail} a confirmation with a link to follow your request.`,
            `A coordinator of ${c.title} will review it and look for a speaker. We will email you when a speaker has agreed.`,
          ],
          links: [{ href: `/communities/${c.slug}/speakers`, label: 'Back to the speakers bureau' }],
        }),
      );
    });

    // ---- The requester's status page (signed link, no account) ---------------------------

    async function byToken(idRaw: string, token: string) {
      const id = idOf(idRaw, 'request');
      if (!token || !checkStatusToken(secret, id, token))
        throw new NotFoundError('This link does not work. Check that you copied the whole link from the email.');
      const r = await findSpeakerRequest(ctx.pool, id);
      if (!r) throw new NotFoundError('That speaker request does not exist.');
      return r;
    }

    app.get<{ Params: { id: string }; Querystring: { token?: string; done?: string } }>('/speaker-requests/:id', hide, async (req, reply) => {
      const token = (req.query.token ?? '').slice(0, 100);
      const r = await byToken(req.params.id, token);
      return sendPage(
        reply,
        StatusPage({
          site: siteFor(ctx, req),
          r,
          history: await requestHistory(ctx.pool, r.id),
          token,
          csrf: formToken(reply),
          canWithdraw: requestStepsFor(r.status, 'requester').includes('withdrawn'),
          ...(req.query.done === 'withdrawn' ? { notice: 'Your request is withdrawn. The coordinators were told.' } : {}),
        }),
      );
    });

    app.post<{ Params: { id: string } }>('/speaker-requests/:id/withdraw', csrf, async (req, reply) => {
      const token = field(req.body, 'token', 100);
      const r = await byToken(req.params.id, token);
      try {
        await inTransaction(ctx.pool, (tx) =>
          moveRequest(tx, deps(), { requestId: r.id, to: 'withdrawn', role: 'requester', actor: { name: r.requesterEmail, source: req.ip } }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return sendPage(
          reply,
          StatusPage({
            site: siteFor(ctx, req),
            r,
            history: await requestHistory(ctx.pool, r.id),
            token,
            csrf: formToken(reply),
            canWithdraw: false,
            error: err.message,
          }),
          409,
        );
      }
      return reply.redirect(`/speaker-requests/${r.id}?token=${encodeURIComponent(token)}&done=withdrawn`, 303);
    });
  };
}
