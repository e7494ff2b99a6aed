/** Registering for an event's session: the form and its answer. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { inTransaction } from '../platform/db/queryable.ts';
import { sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { field } from '../web/forms.tsx';
import { canonicalAddress, parseAddress } from '../membership/index.ts';
import { checkDetails, manageUrl, register, RegistrationClosedError, type RegistrationDetails } from './registration.ts';
import { GUEST_LINK_HOURS, requestGuestRegistration } from './guest-registration.ts';
import { type FormProblem, type RegisterFormValues } from './register-views.tsx';
import { EventMessagePage } from './registration-views.tsx';
import { actorOf, eventRouteKit, GUESTS_PER_ADDRESS, GUESTS_PER_IP } from './route-kit.ts';

export function eventRegisterRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, deps, sessionLink, visibleEvent, sessionOf, registrationState, showRegister, registeredPage } = await eventRouteKit(ctx, app);

    // ---- Registering --------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { session?: string } }>('/events/:slug/register', hide, async (req, reply) => {
      const e = await visibleEvent(req, req.params.slug);
      return showRegister(req, reply, e, req.query.session);
    });

    app.post<{ Params: { slug: string } }>('/events/:slug/register', csrf, async (req, reply) => {
      const e = await visibleEvent(req, req.params.slug);
      const now = new Date();
      const sessionParam = field(req.body, 'session', 12);
      const { o } = await sessionOf(e, sessionParam || undefined, now);
      const state = await registrationState(req, e, o, now);
      if (state.kind !== 'open') return showRegister(req, reply, e, String(o.id), { status: state.kind === 'sign-in' ? 401 : 409 });
      const values: RegisterFormValues = {
        name: state.asMember ? state.asMember.name : field(req.body, 'name', 200),
        email: state.asMember ? state.asMember.email : field(req.body, 'email', 320),
        agency: field(req.body, 'agency', 200),
        needsCaptions: field(req.body, 'needsCaptions') === 'yes',
        needsAsl: field(req.body, 'needsAsl') === 'yes',
        accommodationOther: field(req.body, 'accommodationOther', 500),
        recordingConsent: field(req.body, 'recordingConsent') === 'yes',
        conductAck: field(req.body, 'conductAck') === 'yes',
        everySession: field(req.body, 'everySession') === 'yes',
        answers: Object.fromEntries(e.questions.map((q) => [q.id, field(req.body, `q_${q.id}`, 1000)])),
      };
      const details: RegistrationDetails = {
        needsCaptions: values.needsCaptions,
        needsAsl: values.needsAsl,
        recordingConsent: values.recordingConsent,
        conductAck: values.conductAck,
        answers: values.answers,
        ...(values.accommodationOther ? { accommodationOther: values.accommodationOther } : {}),
      };
      const person = {
        name: values.name,
        email: values.email,
        ...(values.agency ? { agency: values.agency } : {}),
        ...(req.viewer ? { memberId: req.viewer.memberId } : {}),
      };
      const errors = checkDetails(e, person, details);
      if (Object.keys(errors).length) return showRegister(req, reply, e, String(o.id), { values, errors, status: 400 });
      const d = await deps();
      if (!req.viewer) {
        // A guest: only a request until the address is confirmed. A refusal keeps what they typed in the form and says why.
        const tooMany = (seconds: number, extra: { errors?: Record<string, string>; problem?: FormProblem }) => {
          reply.header('retry-after', String(seconds));
          return showRegister(req, reply, e, String(o.id), { values, status: 429, ...extra });
        };
        const byIp = await rateLimit(ctx.pool, `event-register:ip:${req.ip}`, GUESTS_PER_IP.max, GUESTS_PER_IP.windowSeconds);
        if (!byIp.allowed) {
          return tooMany(byIp.retryAfterSeconds, {
            problem: {
              heading: 'Too many registrations from your network',
              text: `Many registrations came from your network in a short time, so we have paused them. ${retryText(byIp.retryAfterSeconds)} What you typed is still in the form below.`,
            },
          });
        }
        const typed = parseAddress(values.email);
        const byAddress = await rateLimit(
          ctx.pool,
          `event-register:address:${typed.ok ? canonicalAddress(typed) : values.email.toLowerCase()}`,
          GUESTS_PER_ADDRESS.max,
          GUESTS_PER_ADDRESS.windowSeconds,
        );
        if (!byAddress.allowed) {
          return tooMany(byAddress.retryAfterSeconds, {
            errors: {
              email: `We have already sent several emails to this address in the last hour. Open the link in the newest one. ${retryText(byAddress.retryAfterSeconds)}`,
            },
          });
        }
        try {
          await inTransaction(ctx.pool, (tx) =>
            requestGuestRegistration(tx, d, actorOf(req), { event: e, occurrence: o, everySession: values.everySession, person, details, ip: req.ip, now }),
          );
        } catch (err) {
          if (!(err instanceof RegistrationClosedError)) throw err;
          return showRegister(req, reply, e, String(o.id), { status: 409 });
        }
        return sendPage(
          reply,
          EventMessagePage({
            site: siteFor(ctx, req),
            title: 'Check your email',
            alert: 'success',
            lines: [
              `We sent a message with a link to ${values.email}. Open the link within ${GUEST_LINK_HOURS} hours to confirm your registration for ${e.title}.`,
              'Until you do, no seat is saved for you. If the message does not arrive in a few minutes, look in your junk or spam folder.',
            ],
            links: [{ href: sessionLink(e, o), label: `Back to ${e.title}` }],
          }),
        );
      }
      let result;
      try {
        result = await inTransaction(ctx.pool, (tx) =>
          register(tx, d, actorOf(req), { event: e, occurrence: o, everySession: values.everySession, person, details, now }),
        );
      } catch (err) {
        if (!(err instanceof RegistrationClosedError)) throw err;
        return showRegister(req, reply, e, String(o.id), { status: 409 });
      }
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const links = [
        { href: manageUrl({ ...d, baseUrl: '' }, mine.id), label: 'Your registration: change or cancel' },
        { href: sessionLink(e, o), label: `Back to ${e.title}` },
      ];
      if (result.already) {
        return sendPage(
          reply,
          EventMessagePage({
            site: siteFor(ctx, req),
            title: 'You are already registered',
            lines: [`${values.email} is already registered for this session. The confirmation email has the link to change or cancel it.`],
            alert: 'info',
            links,
          }),
          200,
        );
      }
      return registeredPage(req, reply, e, o, result, values.email, links);
    });
  };
}
