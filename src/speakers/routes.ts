/** Routes of the speakers bureau and consultations. Thin: check who asks, validate, call the store, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { baseUrl, ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { cookieSecret } from '../platform/secret.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canCoordinate, membershipsOf } from '../membership/index.ts';
import { MessagePage } from '../web/pages.tsx';
import { askExperts, consultationHistory, consultationRoles, consultationsFor, consultationsOfCommunity, findConsultation, moveConsultation, NoExpertsError } from './consultations.ts';
import { directoryChoices, parseFormats, parseTopics, publicSpeaker, saveSpeakerProfile, speakerProfile, speakersOf, type DirectoryFilter } from './profiles.ts';
import { readRequestForm, REQUEST_FIELDS, type RequestFormValues } from './request-form.ts';
import { checkSubmission, formStamp, HONEYPOT_FIELD, STAMP_FIELD } from './spam.ts';
import {
  checkStatusToken, createSpeakerRequest, findSpeakerRequest, moveRequest, requestHistory, requestsForSpeaker, requestsOfCommunity, requestToEvent, type SpeakersDeps,
} from './store.ts';
import { CONSULTATION_STATUSES, consultationStepsFor, isOpenRequest, REQUEST_STATUSES, requestStepsFor, WorkflowError, type ConsultationStatus, type RequestStatus } from './workflow.ts';
import { AskPage, ConsultationPage, DirectoryPage, MySpeakerPage, ProposalPage, RequestFormPage, SpeakerPage, StatusPage, type CommunityRef, type ProfileFormValues } from './views.tsx';
import { AdminListPage, AdminRequestPage } from './admin-views.tsx';

/** Requests from one IP address: enough for a busy office, too few for a flood. */
const REQUESTS_PER_IP = { max: 5, windowSeconds: 60 * 60 };

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

function requireViewer(req: FastifyRequest) {
  if (!req.viewer) throw new SignInRequiredError('Sign in to see this page.');
  return req.viewer;
}

function idOf(raw: string, what: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw new NotFoundError(`That ${what} does not exist. Check the link.`);
  return Number(raw);
}

export function speakersRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const secret = await cookieSecret(ctx.pool, ctx.config.secret);
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
    const deps = (): SpeakersDeps => ({ queue: ctx.queue, baseUrl: baseUrl(ctx), secret, reminderDays: ctx.config.speakerReminderDays });

    async function community(slug: string): Promise<CommunityRef> {
      const { rows } = await ctx.pool.query<{ id: string; slug: string; title: string }>('select id, slug, coalesce(short_name, title) as title from communities where slug = $1', [slug]);
      if (!rows[0]) throw new NotFoundError(`There is no community called “${slug}”.`);
      return { id: Number(rows[0].id), slug: rows[0].slug, title: rows[0].title };
    }

    async function coordinatorOf(req: FastifyRequest, slug: string): Promise<CommunityRef> {
      const viewer = requireViewer(req);
      const c = await community(slug);
      if (!(await canCoordinate(ctx.pool, viewer, c.id))) throw new ForbiddenError(`Only the coordinators of ${c.title} can use this page.`);
      return c;
    }

    // ---- Public directory and profiles ----------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: Record<string, string | undefined> }>('/communities/:slug/speakers', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      const q = req.query;
      const filter: DirectoryFilter = { q: (q.q ?? '').trim().slice(0, 100), topic: (q.topic ?? '').slice(0, 100), agency: (q.agency ?? '').slice(0, 200), format: (q.format ?? '').slice(0, 20) };
      return sendPage(reply, DirectoryPage({ site: siteFor(ctx, req), c, speakers: await speakersOf(ctx.pool, c.id, filter, { publicOnly: true }), filter, choices: await directoryChoices(ctx.pool, c.id) }));
    });

    app.get<{ Params: { slug: string; id: string } }>('/communities/:slug/speakers/:id', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      const s = await publicSpeaker(ctx.pool, c.id, idOf(req.params.id, 'speaker'));
      if (!s) throw new NotFoundError('That speaker is not listed in this community’s speakers bureau. See the list of speakers.');
      return sendPage(reply, SpeakerPage({ site: siteFor(ctx, req), c, s }));
    });

    // ---- The request form ----------------------------------------------------------------

    async function requestForm(req: FastifyRequest, reply: FastifyReply, c: CommunityRef, values: RequestFormValues, errors: FieldErrors, status = 200, notice?: string) {
      const speakers = await speakersOf(ctx.pool, c.id, {}, { publicOnly: true });
      return sendPage(reply, RequestFormPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), stamp: formStamp(secret, new Date()), values, errors, speakers, ...(notice ? { notice } : {}) }), status);
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
      const spam = checkSubmission({ secret, honeypot: field(req.body, HONEYPOT_FIELD, 500), stamp: field(req.body, STAMP_FIELD, 100), now, minSeconds: ctx.config.speakerRequestMinSeconds });
      if (!spam.ok) {
        req.log.info({ reason: spam.reason }, 'speaker request refused by the spam checks');
        return requestForm(req, reply, c, values, {}, 400, spam.message);
      }
      const parsed = readRequestForm(values, now);
      if (!parsed.ok) return requestForm(req, reply, c, values, parsed.errors, 400);
      const limit = await rateLimit(ctx.pool, `speaker-request:ip:${req.ip}`, REQUESTS_PER_IP.max, REQUESTS_PER_IP.windowSeconds);
      if (!limit.allowed) {
        reply.header('retry-after', String(limit.retryAfterSeconds));
        return requestForm(req, reply, c, values, {}, 429, `Too many requests were sent from your network. ${retryText(limit.retryAfterSeconds)} Your answers are kept below.`);
      }
      const r = await inTransaction(ctx.pool, (tx) => createSpeakerRequest(tx, deps(), { communityId: c.id, input: parsed.input, ip: req.ip }));
      return sendPage(reply, MessagePage({
        site: siteFor(ctx, req), title: 'Thank you: your request is with the coordinators', alert: 'success',
        lines: [
          `We emailed ${r.requesterEmail} a confirmation with a link to follow your request.`,
          `A coordinator of ${c.title} will review it and look for a speaker. We will email you when a speaker has agreed.`,
        ],
        links: [{ href: `/communities/${c.slug}/speakers`, label: 'Back to the speakers bureau' }],
      }));
    });

    // ---- The requester's status page (signed link, no account) ---------------------------

    async function byToken(idRaw: string, token: string) {
      const id = idOf(idRaw, 'request');
      if (!token || !checkStatusToken(secret, id, token)) throw new NotFoundError('This link does not work. Check that you copied the whole link from the email.');
      const r = await findSpeakerRequest(ctx.pool, id);
      if (!r) throw new NotFoundError('That speaker request does not exist.');
      return r;
    }

    app.get<{ Params: { id: string }; Querystring: { token?: string; done?: string } }>('/speaker-requests/:id', hide, async (req, reply) => {
      const token = (req.query.token ?? '').slice(0, 100);
      const r = await byToken(req.params.id, token);
      return sendPage(reply, StatusPage({
        site: siteFor(ctx, req), r, history: await requestHistory(ctx.pool, r.id), token, csrf: reply.generateCsrf(), canWithdraw: requestStepsFor(r.status, 'requester').includes('withdrawn'),
        ...(req.query.done === 'withdrawn' ? { notice: 'Your request is withdrawn. The coordinators were told.' } : {}),
      }));
    });

    app.post<{ Params: { id: string } }>('/speaker-requests/:id/withdraw', csrf, async (req, reply) => {
      const token = field(req.body, 'token', 100);
      const r = await byToken(req.params.id, token);
      try {
        await inTransaction(ctx.pool, (tx) => moveRequest(tx, deps(), { requestId: r.id, to: 'withdrawn', role: 'requester', actor: { name: r.requesterEmail, source: req.ip } }));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return sendPage(reply, StatusPage({ site: siteFor(ctx, req), r, history: await requestHistory(ctx.pool, r.id), token, csrf: reply.generateCsrf(), canWithdraw: false, error: err.message }), 409);
      }
      return reply.redirect(`/speaker-requests/${r.id}?token=${encodeURIComponent(token)}&done=withdrawn`, 303);
    });

    // ---- Members: the speaker profile and proposals --------------------------------------

    async function myPage(req: FastifyRequest, reply: FastifyReply, extra: { values?: ProfileFormValues; errors?: FieldErrors; saved?: string }, status = 200) {
      const viewer = requireViewer(req);
      const profile = (await speakerProfile(ctx.pool, viewer.memberId))!;
      const memberships = (await membershipsOf(ctx.pool, viewer.memberId)).filter((m) => m.status === 'active');
      return sendPage(reply, MySpeakerPage({
        site: siteFor(ctx, req), csrf: reply.generateCsrf(), agency: profile.agency, errors: extra.errors ?? {}, saved: extra.saved,
        values: extra.values ?? { active: profile.active, topics: profile.topics.join(', '), formats: profile.formats, bio: profile.bio ?? '', availability: profile.availability ?? '', public: profile.public },
        proposals: await requestsForSpeaker(ctx.pool, viewer.memberId), consultations: await consultationsFor(ctx.pool, viewer.memberId),
        communities: memberships.map((m) => ({ id: m.communityId, slug: m.communitySlug, title: m.communityTitle })),
      }), status);
    }

    app.get<{ Querystring: { saved?: string } }>('/account/speaker', hide, async (req, reply) => myPage(req, reply, req.query.saved ? { saved: 'Your speaker profile is saved.' } : {}));

    app.post('/account/speaker', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const body = req.body as Record<string, unknown> | undefined;
      const values: ProfileFormValues = {
        active: field(req.body, 'active') === 'yes', topics: field(req.body, 'topics', 1000), formats: parseFormats(body?.formats), bio: field(req.body, 'bio', 1000),
        availability: field(req.body, 'availability', 500), public: field(req.body, 'public') === 'yes',
      };
      const errors: FieldErrors = {};
      if (values.active && !parseTopics(values.topics).length) errors.topics = 'Enter at least one topic you can speak about, separated by commas.';
      if (values.active && !values.formats.length) errors.formats = 'Choose at least one format you offer.';
      if (values.active && values.public && !values.bio) errors.bio = 'Write a short bio for your public profile, or turn the public profile off.';
      if (Object.keys(errors).length) return myPage(req, reply, { values, errors }, 400);
      await saveSpeakerProfile(ctx.pool, actorOf(req), viewer.memberId, { ...values, topics: parseTopics(values.topics) });
      return reply.redirect('/account/speaker?saved=1', 303);
    });

    async function myProposal(req: FastifyRequest, idRaw: string) {
      const viewer = requireViewer(req);
      const r = await findSpeakerRequest(ctx.pool, idOf(idRaw, 'request'));
      if (!r || r.speaker?.id !== viewer.memberId) throw new NotFoundError('You were not proposed for that request. See the requests for you on your speaker page.');
      return r;
    }

    app.get<{ Params: { id: string } }>('/account/speaker/requests/:id', hide, async (req, reply) => {
      const r = await myProposal(req, req.params.id);
      return sendPage(reply, ProposalPage({ site: siteFor(ctx, req), r, csrf: reply.generateCsrf(), canAnswer: r.status === 'matched', errors: {}, values: { approvalNote: '', note: '', approval: false } }));
    });

    app.post<{ Params: { id: string } }>('/account/speaker/requests/:id', csrf, async (req, reply) => {
      const r = await myProposal(req, req.params.id);
      const viewer = req.viewer!;
      const answer = field(req.body, 'answer', 10);
      const values = { approvalNote: field(req.body, 'approvalNote', 500), note: field(req.body, 'note', 500), approval: field(req.body, 'approval') === 'yes' };
      if (answer !== 'accept' && answer !== 'decline') throw new NotFoundError('Choose Accept or Decline.');
      const again = (errors: FieldErrors, status: number) =>
        sendPage(reply, ProposalPage({ site: siteFor(ctx, req), r, csrf: reply.generateCsrf(), canAnswer: r.status === 'matched', errors, values }), status);
      if (answer === 'accept' && !values.approval) return again({ approval: 'Tick the box to confirm your supervisor and press office approved this invitation. Ask them first, then accept.' }, 400);
      try {
        await inTransaction(ctx.pool, (tx) => moveRequest(tx, deps(), {
          requestId: r.id, to: answer === 'accept' ? 'accepted' : 'declined', role: 'speaker', actor: actorOf(req), memberId: viewer.memberId,
          ...(answer === 'accept' ? { approval: { obtained: values.approval, note: values.approvalNote } } : { note: values.note }),
        }));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return again({ [answer === 'accept' ? 'approval' : 'note']: err.message }, 409);
      }
      return reply.redirect('/account/speaker?saved=1', 303);
    });

    // ---- Coordinators ---------------------------------------------------------------------

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin/speaker-requests', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      return sendPage(reply, AdminListPage({ site: siteFor(ctx, req), c, requests: await requestsOfCommunity(ctx.pool, c.id), consultations: await consultationsOfCommunity(ctx.pool, c.id) }));
    });

    async function adminPage(req: FastifyRequest, reply: FastifyReply, c: CommunityRef, id: number, extra: { notice?: string; error?: string }, status = 200) {
      const r = await findSpeakerRequest(ctx.pool, id);
      if (!r || r.communityId !== c.id) throw new NotFoundError('That speaker request does not exist in this community. See the list of requests.');
      return sendPage(reply, AdminRequestPage({
        site: siteFor(ctx, req), c, r, history: await requestHistory(ctx.pool, r.id), csrf: reply.generateCsrf(), steps: isOpenRequest(r.status) ? requestStepsFor(r.status, 'coordinator') : [],
        speakers: await speakersOf(ctx.pool, c.id, {}, { publicOnly: false }), ...extra,
      }), status);
    }

    const NOTICES: Record<string, string> = {
      in_review: 'The request is in review; the requester was told.', matched: 'The speaker was asked; they will accept or decline.', confirmed: 'The engagement is confirmed; the requester and the speaker were told.',
      completed: 'The engagement is marked completed.', withdrawn: 'The request is withdrawn; everyone involved was told.', event: 'The engagement is now a draft event. Check it and publish it.',
    };

    app.get<{ Params: { slug: string; id: string }; Querystring: { done?: string } }>('/communities/:slug/admin/speaker-requests/:id', hide, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const notice = NOTICES[req.query.done ?? ''];
      return adminPage(req, reply, c, idOf(req.params.id, 'request'), notice ? { notice } : {});
    });

    app.post<{ Params: { slug: string; id: string } }>('/communities/:slug/admin/speaker-requests/:id', csrf, async (req, reply) => {
      const c = await coordinatorOf(req, req.params.slug);
      const id = idOf(req.params.id, 'request');
      const to = field(req.body, 'to', 20) as RequestStatus;
      if (!REQUEST_STATUSES.includes(to)) return adminPage(req, reply, c, id, { error: 'Choose one of the actions below.' }, 400);
      const speakerRaw = field(req.body, 'speakerId', 20);
      const before = await findSpeakerRequest(ctx.pool, id);
      if (!before || before.communityId !== c.id) throw new NotFoundError('That speaker request does not exist in this community. See the list of requests.');
      try {
        await inTransaction(ctx.pool, (tx) => moveRequest(tx, deps(), {
          requestId: id, to, role: 'coordinator', actor: actorOf(req), memberId: req.viewer!.memberId, note: field(req.body, 'note', 500),
          ...(/^\d{1,12}$/.test(speakerRaw) ? { speakerId: Number(speakerRaw) } : {}),
        }));
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

    // ---- Consultations --------------------------------------------------------------------

    async function memberOf(req: FastifyRequest, slug: string): Promise<CommunityRef> {
      const viewer = requireViewer(req);
      const c = await community(slug);
      const active = (await membershipsOf(ctx.pool, viewer.memberId)).some((m) => m.communityId === c.id && m.status === 'active');
      if (!active && !(await canCoordinate(ctx.pool, viewer, c.id))) throw new ForbiddenError(`Asking the experts is for members of ${c.title}. Join the community first.`);
      return c;
    }

    app.get<{ Params: { slug: string } }>('/communities/:slug/consultations/new', hide, async (req, reply) => {
      const c = await memberOf(req, req.params.slug);
      return sendPage(reply, AskPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), values: { topic: '', question: '' }, errors: {} }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/consultations/new', csrf, async (req, reply) => {
      const c = await memberOf(req, req.params.slug);
      const viewer = req.viewer!;
      const values = { topic: field(req.body, 'topic', 200), question: field(req.body, 'question', 5000) };
      const errors: FieldErrors = {};
      if (!values.topic) errors.topic = 'Enter the topic of your question, for example “accessibility”.';
      if (!values.question) errors.question = 'Write your question.';
      const again = (e: FieldErrors, status: number) => sendPage(reply, AskPage({ site: siteFor(ctx, req), c, csrf: reply.generateCsrf(), values, errors: e }), status);
      if (Object.keys(errors).length) return again(errors, 400);
      try {
        const q = await inTransaction(ctx.pool, (tx) => askExperts(tx, deps(), { communityId: c.id, asker: { memberId: viewer.memberId, email: viewer.email }, topic: values.topic, question: values.question, actor: actorOf(req) }));
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

    async function consultationPage(req: FastifyRequest, reply: FastifyReply, idRaw: string, extra: { notice?: string; error?: string; answer?: string }, status = 200) {
      const { q, roles } = await visibleConsultation(req, idRaw);
      let steps = consultationStepsFor(q.status, roles);
      // Only the expert who took a question answers it or hands it back (coordinators may hand it back).
      if (q.status === 'taken' && q.expert?.id !== req.viewer!.memberId) steps = steps.filter((s) => s === 'closed' || (s === 'open' && roles.includes('coordinator')));
      return sendPage(reply, ConsultationPage({ site: siteFor(ctx, req), q, history: await consultationHistory(ctx.pool, q.id), csrf: reply.generateCsrf(), steps, answer: extra.answer ?? '', ...extra }), status);
    }

    const CONSULTATION_NOTICES: Record<string, string> = {
      asked: 'Your question was sent to the experts. You will get an email when one answers.', taken: 'You took this question; answer it below.', answered: 'Your answer was sent.',
      open: 'The question is back with all the experts it was sent to.', closed: 'The question is closed.',
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
        await inTransaction(ctx.pool, (tx) => moveConsultation(tx, deps(), { id: q.id, to, roles, actor: actorOf(req), memberId: req.viewer!.memberId, answer }));
      } catch (err) {
        if (!(err instanceof WorkflowError)) throw err;
        return consultationPage(req, reply, req.params.id, { error: err.message, answer }, err.code === 'MISSING' ? 400 : 409);
      }
      return reply.redirect(`/consultations/${q.id}?done=${to}`, 303);
    });
  };
}
