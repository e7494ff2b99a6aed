/** Public event routes: pages, registration, a registrant's own page, calendar feeds and the JSON API. Thin: read, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { Actor } from '../platform/audit.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { absoluteUrl, baseUrl, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { cookieSecret } from '../platform/secret.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { canCoordinate, coordinatesAny, isActiveIn } from '../membership/index.ts';
import { canonicalAddress, parseAddress } from '../membership/index.ts';
import { eventVEvents, feedCalendar, occurrenceVEvent, type CalendarView } from './calendar.ts';
import { buildCalendar } from './ics.ts';
import { hasRecording, type EventFormat, type EventKind, type Occurrence, type StoredEvent } from './model.ts';
import {
  cancelRegistrations, checkDetails, checkManageToken, confirmOffer, feedToken, findRegistration, manageUrl, memberOfFeedToken, OfferError,
  openForRegistration, register, RegistrationClosedError, registrationOf, registrationsOfMember, seatsFor, type EventsDeps, type RegisterResult, type RegistrationDetails,
} from './registration.ts';
import { confirmGuestRegistration, GUEST_LINK_HOURS, lookupGuestLink, requestGuestRegistration, type GuestLink } from './guest-registration.ts';
import { EventDetail, EventList, EventListQuery, EventOccurrence, EventSummary, type EventOccurrenceJson, type EventSummaryJson } from './schemas.ts';
import { filterChoices, findEvent, findEventById, findOccurrence, listEvents, countOccurrences, listOccurrences, occurrencesOf, type EventFilter } from './store.ts';
import { COMMON_ZONES, isValidZone } from './time.ts';
import { EventPage } from './event-views.tsx';
import { EventsIndexPage, MonthPage, PastEventsPage, type EventFilters } from './list-views.tsx';
import { RegisterPage, TimeZonePage, type FormProblem, type RegisterFormValues, type RegistrationState } from './register-views.tsx';
import { ConfirmGuestPage, EventMessagePage, ManageRegistrationPage, MyEventsPage } from './registration-views.tsx';
import { FORMATS, KINDS } from './model.ts';

const TZ_COOKIE = 'sg_tz';
/**
 * Guests' registration requests: per network (IP), as for joining and signing in; per address,
 * so the form cannot be used to fill someone's mailbox with confirmation mail.
 */
const GUESTS_PER_IP = { max: 10, windowSeconds: 15 * 60 };
const GUESTS_PER_ADDRESS = { max: 3, windowSeconds: 60 * 60 };

export const EVENT_SCHEMAS = [EventOccurrence, EventSummary, EventDetail, EventList];

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

/** Whether the viewer runs this event: a coordinator of one of its communities, or a site admin. */
export async function canOrganize(ctx: AppContext, req: FastifyRequest, e: { communityIds: number[]; groupId?: number }): Promise<boolean> {
  const v = req.viewer;
  if (!v) return false;
  if (v.siteAdmin) return true;
  for (const id of e.communityIds) if (await canCoordinate(ctx.pool, v, id)) return true;
  // A working group's leads organize its meetings.
  if (e.groupId !== undefined) {
    const { rows } = await ctx.pool.query(`select 1 from working_group_members where group_id = $1 and member_id = $2 and role = 'lead' and status = 'active'`, [e.groupId, v.memberId]);
    if (rows.length) return true;
  }
  return false;
}

/** Events routes need the signing key for registration and feed links. */
export async function eventsDeps(ctx: AppContext, secret: string): Promise<EventsDeps> {
  return { queue: ctx.queue, config: ctx.config, baseUrl: baseUrl(ctx), secret };
}

function filtersFrom(q: Record<string, string | undefined>): EventFilters {
  const f: EventFilters = {};
  if (q.community && /^[a-z0-9-]{1,100}$/.test(q.community)) f.community = q.community;
  if (q.kind && (KINDS as readonly string[]).includes(q.kind)) f.kind = q.kind;
  if (q.topic && /^[a-z0-9-]{1,100}$/.test(q.topic)) f.topic = q.topic;
  if (q.format && (FORMATS as readonly string[]).includes(q.format)) f.format = q.format;
  return f;
}

function storeFilter(f: EventFilters): EventFilter {
  return {
    ...(f.community ? { community: f.community } : {}), ...(f.kind ? { kind: f.kind as EventKind } : {}),
    ...(f.topic ? { topic: f.topic } : {}), ...(f.format ? { format: f.format as EventFormat } : {}),
  };
}

function sendCalendar(reply: FastifyReply, text: string, filename: string) {
  return reply.type('text/calendar; charset=utf-8').header('content-disposition', `inline; filename="${filename}"`).send(text);
}

export function eventRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const secret = await cookieSecret(ctx.pool, ctx.config.secret);
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
    const deps = () => eventsDeps(ctx, secret);
    const sessionLink = (e: StoredEvent, o: Occurrence) => `/events/${e.slug}${e.rrule ? `?session=${o.id}` : ''}`;

    const viewerZone = (req: FastifyRequest) => {
      const z = req.cookies[TZ_COOKIE];
      return z && isValidZone(z) ? z : undefined;
    };

    async function visibleEvent(req: FastifyRequest, slug: string, load = () => findEvent(ctx.pool, slug)): Promise<StoredEvent> {
      const e = await load();
      if (!e || (e.status === 'draft' && !(await canOrganize(ctx, req, e)))) throw new NotFoundError(`There is no event called “${slug}”. See all events at /events.`);
      return e;
    }

    /** The session a page is about: ?session=, else the next one that has not ended, else the last. */
    async function sessionOf(e: StoredEvent, sessionParam: string | undefined, now: Date, load = () => occurrencesOf(ctx.pool, e.id)): Promise<{ o: Occurrence; all: Occurrence[] }> {
      const all = (await load()).filter((o) => o.status !== 'skipped');
      const wanted = sessionParam && /^\d{1,12}$/.test(sessionParam) ? all.find((o) => o.id === Number(sessionParam)) : undefined;
      if (sessionParam && !wanted) throw new NotFoundError('That session of the event does not exist (it may have been skipped). See the event page for the sessions.');
      const o = wanted ?? all.find((x) => x.endsAt > now && x.status === 'scheduled') ?? all.find((x) => x.endsAt > now) ?? all.at(-1);
      if (!o) throw new NotFoundError('This event has no sessions.');
      return { o, all };
    }

    async function registrationState(req: FastifyRequest, e: StoredEvent, o: Occurrence, now: Date): Promise<RegistrationState> {
      if (e.registration === 'external') return e.externalRegistrationUrl ? { kind: 'external', url: e.externalRegistrationUrl } : { kind: 'none' };
      if (e.registration === 'none') return { kind: 'none' };
      if (!openForRegistration(e, o, now)) {
        return { kind: 'closed', reason: e.status === 'draft' ? 'Registration opens when the event is published.' : 'Registration is closed for this session.' };
      }
      const v = req.viewer;
      if (v) {
        const mine = await registrationOf(ctx.pool, o.id, v.email);
        if (mine) return { kind: 'registered', registration: mine, manageHref: manageUrl({ ...(await deps()), baseUrl: '' }, mine.id) };
      }
      if (e.registration === 'members') {
        if (!v) return { kind: 'sign-in', next: `/events/${e.slug}/register${e.rrule ? `?session=${o.id}` : ''}` };
        if (!(await mayRegisterAsMember(req, e))) return { kind: 'join', communities: e.communities };
      }
      return v ? { kind: 'open', asMember: { name: v.name ?? v.email, email: v.email } } : { kind: 'open' };
    }

    async function mayRegisterAsMember(req: FastifyRequest, e: StoredEvent): Promise<boolean> {
      const v = req.viewer;
      if (!v) return false;
      if (v.siteAdmin) return true;
      for (const c of e.communityIds) if (await isActiveIn(ctx.pool, v, c)) return true;
      return false;
    }

    async function showEvent(req: FastifyRequest, reply: FastifyReply, e: StoredEvent, sessionParam: string | undefined) {
      const now = new Date();
      // The sessions and seats are the same for every visitor: a few seconds old at most (ctx.recent).
      const { o, all } = await sessionOf(e, sessionParam, now, () => ctx.recent(`event-sessions:${e.id}`, () => occurrencesOf(ctx.pool, e.id)));
      const state = await registrationState(req, e, o, now);
      const organizer = await canOrganize(ctx, req, e);
      return sendPage(reply, EventPage({
        site: siteFor(ctx, req), e, o, upcoming: all.filter((x) => x.endsAt > now), viewerZone: viewerZone(req), state,
        seats: await ctx.recent(`event-seats:${o.id}`, () => seatsFor(ctx.pool, e, o.id)), canOrganize: organizer,
        showJoinLink: organizer || (state.kind === 'registered' && state.registration.status === 'registered'), now,
      }));
    }

    /** The registration form for one session (or where registration stands), again with what was typed and why it was refused. */
    async function showRegister(req: FastifyRequest, reply: FastifyReply, e: StoredEvent, sessionParam: string | undefined, extra: { values?: RegisterFormValues; errors?: Record<string, string>; status?: number; problem?: FormProblem } = {}) {
      const now = new Date();
      const { o } = await sessionOf(e, sessionParam, now);
      const state = await registrationState(req, e, o, now);
      return sendPage(reply, RegisterPage({
        site: siteFor(ctx, req), e, o, state, csrf: reply.generateCsrf(), values: extra.values, errors: extra.errors ?? {}, seats: await seatsFor(ctx.pool, e, o.id), problem: extra.problem,
      }), extra.status ?? 200);
    }

    // ---- Pages --------------------------------------------------------------------------

    app.get('/events', publicPage, async (req, reply) => {
      const now = new Date();
      const filters = filtersFrom(req.query as Record<string, string>);
      const f = storeFilter(filters);
      // The same for every visitor with these filters, a few seconds old at most (ctx.recent).
      const { upcoming, past, choices } = await ctx.recent(`events-index:${JSON.stringify(f)}`, async () => ({
        upcoming: await listOccurrences(ctx.pool, { ...f, from: now, limit: 100 }),
        past: await listOccurrences(ctx.pool, { ...f, to: now, descending: true, withRecording: true, limit: 5 }),
        choices: await filterChoices(ctx.pool),
      }));
      const canCreate = req.viewer ? req.viewer.siteAdmin || (await coordinatesAny(ctx.pool, req.viewer)) : false;
      return sendPage(reply, EventsIndexPage({ site: siteFor(ctx, req), upcoming, past: past.filter((p) => p.occurrence.endsAt <= now), filters, choices, now, canCreate }));
    });

    app.get('/events/past', publicPage, async (req, reply) => {
      const filters = filtersFrom(req.query as Record<string, string>);
      const past = await listOccurrences(ctx.pool, { ...storeFilter(filters), to: new Date(), descending: true, limit: 200 });
      return sendPage(reply, PastEventsPage({ site: siteFor(ctx, req), past: past.filter((p) => p.occurrence.endsAt <= new Date()), filters }));
    });

    app.get<{ Params: { year: string; month: string } }>('/events/calendar/:year/:month', publicPage, async (req, reply) => {
      const year = Number(req.params.year);
      const month = Number(req.params.month);
      if (!/^\d{4}$/.test(req.params.year) || !/^\d{1,2}$/.test(req.params.month) || month < 1 || month > 12 || year < 1990 || year > 2200) {
        throw new NotFoundError('There is no such month. Use an address like /events/calendar/2026/11.');
      }
      const zone = viewerZone(req) ?? 'America/New_York';
      const first = DateTime.fromObject({ year, month, day: 1 }, { zone });
      const sessions = await listOccurrences(ctx.pool, { from: first.minus({ days: 7 }).toJSDate(), to: first.plus({ months: 1, days: 7 }).toJSDate() });
      return sendPage(reply, MonthPage({ site: siteFor(ctx, req), year, month, zone, sessions }));
    });

    /** Where the time-zone choice goes back to: an event page on this site, else the list. */
    const backTo = (back: string | undefined) => (back && /^\/events\/[a-z0-9-?=&]*$/.test(back) ? back : '/events');

    app.get<{ Querystring: { back?: string; zone?: string } }>('/events/time-zone', hide, async (req, reply) => {
      const chosen = viewerZone(req) ?? (req.query.zone && isValidZone(req.query.zone) ? req.query.zone : undefined);
      const zones = [...new Set([...(chosen ? [chosen] : []), ...COMMON_ZONES])];
      return sendPage(reply, TimeZonePage({ site: siteFor(ctx, req), back: backTo(req.query.back), zones, chosen, csrf: reply.generateCsrf() }));
    });

    app.post('/events/time-zone', csrf, async (req, reply) => {
      const tz = field(req.body, 'tz', 100);
      if (isValidZone(tz)) reply.setCookie(TZ_COOKIE, tz, { path: '/', sameSite: 'lax', httpOnly: true, secure: 'auto', maxAge: 365 * 86400 });
      return reply.redirect(backTo(field(req.body, 'back', 300)), 303);
    });

    app.get('/events/mine', hide, async (req, reply) => {
      const v = req.viewer;
      if (!v) throw new SignInRequiredError('Sign in to see your events.');
      const d = await deps();
      const items = (await registrationsOfMember(ctx.pool, v.memberId, v.email)).map((i) => ({ ...i, manageHref: manageUrl({ ...d, baseUrl: '' }, i.registration.id) }));
      return sendPage(reply, MyEventsPage({ site: siteFor(ctx, req), items, feedUrl: absoluteUrl(ctx, `/events/my/${feedToken(secret, v.memberId)}/calendar.ics`), now: new Date() }));
    });

    app.get<{ Params: { slug: string }; Querystring: { session?: string; registered?: string } }>('/events/:slug', publicPage, async (req, reply) => {
      // the event as every visitor sees it, a few seconds old at most (ctx.recent); a draft still only for its organizers
      const e = await visibleEvent(req, req.params.slug, () => ctx.recent(`event:${req.params.slug}`, () => findEvent(ctx.pool, req.params.slug)));
      return showEvent(req, reply, e, req.query.session);
    });

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
        agency: field(req.body, 'agency', 200), needsCaptions: field(req.body, 'needsCaptions') === 'yes', needsAsl: field(req.body, 'needsAsl') === 'yes',
        accommodationOther: field(req.body, 'accommodationOther', 500), recordingConsent: field(req.body, 'recordingConsent') === 'yes',
        conductAck: field(req.body, 'conductAck') === 'yes', everySession: field(req.body, 'everySession') === 'yes',
        answers: Object.fromEntries(e.questions.map((q) => [q.id, field(req.body, `q_${q.id}`, 1000)])),
      };
      const details: RegistrationDetails = {
        needsCaptions: values.needsCaptions, needsAsl: values.needsAsl, recordingConsent: values.recordingConsent, conductAck: values.conductAck, answers: values.answers,
        ...(values.accommodationOther ? { accommodationOther: values.accommodationOther } : {}),
      };
      const person = { name: values.name, email: values.email, ...(values.agency ? { agency: values.agency } : {}), ...(req.viewer ? { memberId: req.viewer.memberId } : {}) };
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
            problem: { heading: 'Too many registrations from your network', text: `Many registrations came from your network in a short time, so we have paused them. ${retryText(byIp.retryAfterSeconds)} What you typed is still in the form below.` },
          });
        }
        const typed = parseAddress(values.email);
        const byAddress = await rateLimit(ctx.pool, `event-register:address:${typed.ok ? canonicalAddress(typed) : values.email.toLowerCase()}`, GUESTS_PER_ADDRESS.max, GUESTS_PER_ADDRESS.windowSeconds);
        if (!byAddress.allowed) {
          return tooMany(byAddress.retryAfterSeconds, { errors: { email: `We have already sent several emails to this address in the last hour. Open the link in the newest one. ${retryText(byAddress.retryAfterSeconds)}` } });
        }
        try {
          await inTransaction(ctx.pool, (tx) => requestGuestRegistration(tx, d, actorOf(req), { event: e, occurrence: o, everySession: values.everySession, person, details, ip: req.ip, now }));
        } catch (err) {
          if (!(err instanceof RegistrationClosedError)) throw err;
          return showRegister(req, reply, e, String(o.id), { status: 409 });
        }
        return sendPage(reply, EventMessagePage({
          site: siteFor(ctx, req), title: 'Check your email', alert: 'success',
          lines: [
            `We sent a message with a link to ${values.email}. Open the link within ${GUEST_LINK_HOURS} hours to confirm your registration for ${e.title}.`,
            'Until you do, no seat is saved for you. If the message does not arrive in a few minutes, look in your junk or spam folder.',
          ],
          links: [{ href: sessionLink(e, o), label: `Back to ${e.title}` }],
        }));
      }
      let result;
      try {
        result = await inTransaction(ctx.pool, (tx) => register(tx, d, actorOf(req), { event: e, occurrence: o, everySession: values.everySession, person, details, now }));
      } catch (err) {
        if (!(err instanceof RegistrationClosedError)) throw err;
        return showRegister(req, reply, e, String(o.id), { status: 409 });
      }
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const links = [{ href: manageUrl({ ...d, baseUrl: '' }, mine.id), label: 'Your registration: change or cancel' }, { href: sessionLink(e, o), label: `Back to ${e.title}` }];
      if (result.already) {
        return sendPage(reply, EventMessagePage({ site: siteFor(ctx, req), title: 'You are already registered', lines: [`${values.email} is already registered for this session. The confirmation email has the link to change or cancel it.`], alert: 'info', links }), 200);
      }
      return registeredPage(req, reply, e, o, result, values.email, links);
    });

    /** After registering (a member at once, a guest once their address is confirmed): registered, or on the waiting list. */
    function registeredPage(req: FastifyRequest, reply: FastifyReply, e: StoredEvent, o: Occurrence, result: RegisterResult, email: string, links: Array<{ href: string; label: string }>) {
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const waitlisted = mine.status === 'waitlisted';
      return sendPage(reply, EventMessagePage({
        site: siteFor(ctx, req), title: waitlisted ? 'You are on the waiting list' : 'You are registered', alert: 'success',
        lines: [
          waitlisted ? `${e.title} is full, so you are on the waiting list. If a seat frees up, we will email ${email}.` : `You are registered for ${e.title}${result.registrations.length > 1 ? ` (${result.registrations.length} sessions)` : ''}.`,
          waitlisted ? 'You will then have a limited time to confirm the seat.' : `We sent a confirmation with a calendar invitation to ${email}.`,
        ],
        links,
      }));
    }

    // ---- A guest confirms their address -------------------------------------------------

    /** The page for a link that cannot be used (any more), saying what to do instead. */
    function guestLinkProblem(req: FastifyRequest, reply: FastifyReply, link: Exclude<GuestLink, { state: 'valid' }>, d: EventsDeps) {
      const site = siteFor(ctx, req);
      if (link.state === 'invalid') {
        return sendPage(reply, EventMessagePage({
          site, title: 'This link does not work', alert: 'warning',
          lines: ['This confirmation link is not valid. Copy the whole link from the email. If you registered more than once, use the link in the newest email: each new request replaces the earlier link.'],
          links: [{ href: '/events', label: 'All events' }],
        }), 404);
      }
      const back = { href: sessionLink(link.event, link.occurrence), label: `Back to ${link.event.title}` };
      if (link.state === 'used') {
        return sendPage(reply, EventMessagePage({
          site, title: 'You already confirmed this registration', alert: 'info', lines: ['This link was used already, so nothing changed. Your registration page shows where you stand.'],
          links: [...(link.registrationId ? [{ href: manageUrl({ ...d, baseUrl: '' }, link.registrationId), label: 'Your registration: change or cancel' }] : []), back],
        }), 410);
      }
      if (link.state === 'expired') {
        return sendPage(reply, EventMessagePage({
          site, title: 'This link has expired', alert: 'warning',
          lines: [`Links to confirm a registration work for ${GUEST_LINK_HOURS} hours, so you are not registered. Register again on the event page to get a new link.`],
          links: [{ href: back.href, label: `Register for ${link.event.title}` }],
        }), 410);
      }
      return sendPage(reply, EventMessagePage({
        site, title: 'Registration has closed', alert: 'warning', lines: [`${link.event.title} no longer takes registrations for this session, so you are not registered.`], links: [back],
      }), 409);
    }

    app.get<{ Querystring: { token?: string } }>('/events/registrations/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const now = new Date();
      const link = token ? await lookupGuestLink(ctx.pool, token, now) : ({ state: 'invalid' } as const);
      if (link.state !== 'valid') return guestLinkProblem(req, reply, link, await deps());
      const { event: e, occurrence: o, request } = link;
      return sendPage(reply, ConfirmGuestPage({
        site: siteFor(ctx, req), e, o, request, token: token!, csrf: reply.generateCsrf(), seats: await seatsFor(ctx.pool, e, o.id),
        expiresText: DateTime.fromJSDate(request.expiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ"),
      }));
    });

    app.post('/events/registrations/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token', 60));
      const d = await deps();
      const outcome = token ? await inTransaction(ctx.pool, (tx) => confirmGuestRegistration(tx, d, { token, ip: req.ip, now: new Date() })) : ({ state: 'invalid' } as const);
      if (outcome.state !== 'confirmed') return guestLinkProblem(req, reply, outcome, d);
      const { event: e, occurrence: o, result } = outcome;
      const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
      const links = [{ href: manageUrl({ ...d, baseUrl: '' }, mine.id), label: 'Your registration: change or cancel' }, { href: sessionLink(e, o), label: `Back to ${e.title}` }];
      if (result.already) {
        return sendPage(reply, EventMessagePage({ site: siteFor(ctx, req), title: 'You are already registered', lines: [`${mine.email} is already registered for this session, so nothing changed.`], alert: 'info', links }));
      }
      return registeredPage(req, reply, e, o, result, mine.email, links);
    });

    async function registrationFromLink(req: FastifyRequest, id: string, token: string) {
      if (!/^\d{1,12}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(token) || !checkManageToken(secret, Number(id), token)) return undefined;
      const r = await findRegistration(ctx.pool, Number(id));
      if (!r) return undefined;
      const o = (await findOccurrence(ctx.pool, r.occurrenceId))!;
      const e = (await findEventById(ctx.pool, o.eventId))!;
      return { r, o, e };
    }

    const badLink = (req: FastifyRequest, reply: FastifyReply) =>
      sendPage(reply, EventMessagePage({ site: siteFor(ctx, req), title: 'This link does not work', lines: ['This registration link is not valid. Use the whole link from your confirmation email.'], links: [{ href: '/events', label: 'All events' }], alert: 'warning' }), 404);

    async function showRegistration(req: FastifyRequest, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof registrationFromLink>>>, token: string, notice?: string, status = 200) {
      const { r, o, e } = found;
      const group = r.seriesGroup
        ? Number((await ctx.pool.query<{ n: string }>(`select count(*) as n from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and g.status in ('registered','waitlisted','offered') and x.ends_at > now()`, [r.seriesGroup])).rows[0]!.n)
        : 1;
      const offerText = r.status === 'offered' && r.offerExpiresAt ? DateTime.fromJSDate(r.offerExpiresAt, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ") : undefined;
      return sendPage(reply, ManageRegistrationPage({ site: siteFor(ctx, req), e, o, r, token, csrf: reply.generateCsrf(), now: new Date(), offerText, groupSize: group, notice }), status);
    }

    app.get<{ Params: { id: string }; Querystring: { t?: string } }>('/events/registrations/:id', hide, async (req, reply) => {
      const found = await registrationFromLink(req, req.params.id, req.query.t ?? '');
      if (!found) return badLink(req, reply);
      return showRegistration(req, reply, found, req.query.t!);
    });

    app.post<{ Params: { id: string } }>('/events/registrations/:id/cancel', csrf, async (req, reply) => {
      const token = field(req.body, 't', 60);
      const found = await registrationFromLink(req, req.params.id, token);
      if (!found) return badLink(req, reply);
      const all = field(req.body, 'scope') === 'all' && found.r.seriesGroup;
      const now = new Date();
      const d = await deps();
      await inTransaction(ctx.pool, async (tx) => {
        const ids = all
          ? (await tx.query<{ id: string }>(`select g.id from event_registrations g join event_occurrences x on x.id = g.occurrence_id where g.series_group = $1 and x.ends_at > $2`, [found.r.seriesGroup, now])).rows.map((x) => Number(x.id))
          : [found.r.id];
        await cancelRegistrations(tx, d, { name: found.r.email, source: req.ip }, ids, now, { wholeSeries: Boolean(all) });
      });
      const again = (await registrationFromLink(req, req.params.id, token))!;
      return showRegistration(req, reply, again, token, all ? 'All your upcoming sessions are cancelled.' : 'Your registration is cancelled.');
    });

    app.post<{ Params: { id: string } }>('/events/registrations/:id/confirm', csrf, async (req, reply) => {
      const token = field(req.body, 't', 60);
      const found = await registrationFromLink(req, req.params.id, token);
      if (!found) return badLink(req, reply);
      try {
        const d = await deps();
        await inTransaction(ctx.pool, (tx) => confirmOffer(tx, d, { name: found.r.email, source: req.ip }, found.r.id, new Date()));
      } catch (err) {
        if (!(err instanceof OfferError)) throw err;
        return showRegistration(req, reply, found, token, undefined, 409);
      }
      const again = (await registrationFromLink(req, req.params.id, token))!;
      return showRegistration(req, reply, again, token, 'Your seat is confirmed. We sent you a confirmation with a calendar invitation.');
    });

    // ---- Calendar feeds -----------------------------------------------------------------

    const view = (): CalendarView => ({ baseUrl: baseUrl(ctx), now: new Date() });
    async function withOccurrences(events: StoredEvent[]) {
      return Promise.all(events.map(async (event) => ({ event, occurrences: await occurrencesOf(ctx.pool, event.id) })));
    }

    app.get('/events/calendar.ics', hide, async (req, reply) => {
      return sendCalendar(reply, feedCalendar(`${ctx.config.siteName}: events`, await withOccurrences(await listEvents(ctx.pool)), view()), 'events.ics');
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/events.ics', hide, async (req, reply) => {
      const c = await ctx.pool.query<{ title: string }>('select coalesce(short_name, title) as title from communities where slug = $1', [req.params.slug]);
      if (!c.rows[0]) throw new NotFoundError(`There is no community called “${req.params.slug}”.`);
      return sendCalendar(reply, feedCalendar(`${c.rows[0].title}: events`, await withOccurrences(await listEvents(ctx.pool, { community: req.params.slug })), view()), `${req.params.slug}-events.ics`);
    });

    app.get<{ Params: { slug: string } }>('/events/:slug/calendar.ics', hide, async (req, reply) => {
      const e = await visibleEvent(req, req.params.slug);
      return sendCalendar(reply, buildCalendar({ name: e.title, events: eventVEvents(e, await occurrencesOf(ctx.pool, e.id), view()) }), `${e.slug}.ics`);
    });

    app.get<{ Params: { token: string } }>('/events/my/:token/calendar.ics', hide, async (req, reply) => {
      const memberId = memberOfFeedToken(secret, req.params.token);
      if (memberId === undefined) throw new NotFoundError('This calendar address is not valid. Copy it again from “Your events”.');
      const m = await ctx.pool.query<{ email: string }>('select email from members where id = $1', [memberId]);
      if (!m.rows[0]) throw new NotFoundError('This calendar address is not valid.');
      const regs = (await registrationsOfMember(ctx.pool, memberId, m.rows[0].email)).filter((r) => r.registration.status === 'registered');
      const v = { ...view(), withJoinLink: true };
      const vevents = [];
      const seenSeries = new Set<number>();
      for (const r of regs) {
        if (r.registration.seriesGroup && r.event.rrule) {
          if (seenSeries.has(r.event.id)) continue;
          seenSeries.add(r.event.id);
          vevents.push(...eventVEvents(r.event, await occurrencesOf(ctx.pool, r.event.id), v));
        } else {
          vevents.push(occurrenceVEvent(r.event, r.occurrence, v));
        }
      }
      reply.header('cache-control', 'private, no-store');
      return sendCalendar(reply, buildCalendar({ name: `${ctx.config.siteName}: your events`, events: vevents }), 'my-events.ics');
    });

    // ---- JSON API -----------------------------------------------------------------------

    const occurrenceJson = (req: FastifyRequest, e: StoredEvent, o: Occurrence): EventOccurrenceJson => ({
      id: o.id, startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString(), originalStart: o.originalStart.toISOString(), status: o.status,
      recordingUrl: hasRecording(o.recording) ? (o.recording.url ?? `https://www.youtube.com/watch?v=${o.recording.youtubeId}`) : null,
      recordingTitle: o.recording.title ?? null, slidesUrl: o.recording.slidesUrl ?? null, hasTranscript: Boolean(o.recording.transcript),
      url: absoluteUrl(ctx, e.rrule ? `/events/${e.slug}?session=${o.id}` : `/events/${e.slug}`),
    });
    const summaryJson = (req: FastifyRequest, e: StoredEvent): EventSummaryJson => ({
      slug: e.slug, title: e.title, kind: e.kind, status: e.status, summary: e.summary ?? null, timeZone: e.timeZone, startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(), rrule: e.rrule ?? null, format: e.format, topics: e.topics, communities: e.communities.map((c) => c.slug),
      url: absoluteUrl(ctx, `/events/${e.slug}`), calendarUrl: absoluteUrl(ctx, `/events/${e.slug}/calendar.ics`),
    });

    api.get('/api/v1/events', {
      schema: {
        operationId: 'listEventSessions', tags: ['events'], summary: 'List event sessions',
        description: 'Sessions of published events, upcoming by default (each session of a series is listed), with their events. Filter by community, kind, topic and format.',
        querystring: EventListQuery, response: { 200: Type.Ref(EventList), 400: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const q = req.query;
      const now = new Date();
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      const f: EventFilter = { ...storeFilter(filtersFrom(q as Record<string, string>)), limit, offset };
      if (q.past) {
        const to = q.to ? new Date(q.to) : now;
        Object.assign(f, { to, endedBy: to, descending: true, ...(q.from ? { from: new Date(q.from) } : {}) });
      } else Object.assign(f, { from: q.from ? new Date(q.from) : now, ...(q.to ? { to: new Date(q.to) } : {}) });
      const [rows, total] = await Promise.all([listOccurrences(ctx.pool, f), countOccurrences(ctx.pool, f)]);
      const data = rows.map((r) => ({ event: summaryJson(req, r.event), occurrence: occurrenceJson(req, r.event, r.occurrence) }));
      // The same query with another offset: every filter as given, in the order given.
      const link = (at: number) => {
        const params = new URLSearchParams(req.url.split('?')[1] ?? '');
        params.delete('offset');
        params.set('limit', String(limit));
        params.set('offset', String(at));
        return absoluteUrl(ctx, `/api/v1/events?${params.toString()}`);
      };
      return { total, links: { self: link(offset), next: offset + limit < total ? link(offset + limit) : null, prev: offset > 0 ? link(Math.max(0, offset - limit)) : null }, data };
    });

    api.get('/api/v1/events/:slug', {
      schema: {
        operationId: 'getEvent', tags: ['events'], summary: 'One event', description: 'An event with its sessions, venue, presenters and recordings. The join link is never included: it is sent to registrants only.',
        params: Type.Object({ slug: Type.String() }), response: { 200: Type.Ref(EventDetail), 404: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const e = await findEvent(ctx.pool, req.params.slug);
      if (!e || e.status === 'draft') throw new NotFoundError(`There is no event "${req.params.slug}". List events at /api/v1/events.`);
      const occ = await occurrencesOf(ctx.pool, e.id);
      const v = e.venue;
      return {
        ...summaryJson(req, e), deck: e.deck ?? null, body: e.body, host: e.host ?? null, organizer: e.organizer ?? null,
        venue: { name: v.name ?? null, room: v.room ?? null, address: v.address ?? null, city: v.city ?? null, state: v.state ?? null, zip: v.zip ?? null, map: v.map ?? null },
        platform: e.platform ?? null, captionsUrl: e.captionsUrl ?? null, registration: e.registration, externalRegistrationUrl: e.externalRegistrationUrl ?? null,
        capacity: e.capacity ?? null, presenters: e.presenters.map((p) => ({ name: p.name, title: p.title ?? null, agency: p.agency ?? null })),
        occurrences: occ.map((o) => occurrenceJson(req, e, o)),
      };
    });

    api.get('/api/v1/events/:slug/occurrences', {
      schema: {
        operationId: 'listEventOccurrences', tags: ['events'], summary: 'Sessions of one event', description: 'Every stored session of the event, including skipped and cancelled ones, oldest first.',
        params: Type.Object({ slug: Type.String() }), response: { 200: Type.Object({ total: Type.Integer(), data: Type.Array(Type.Ref(EventOccurrence)) }), 404: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const e = await findEvent(ctx.pool, req.params.slug);
      if (!e || e.status === 'draft') throw new NotFoundError(`There is no event "${req.params.slug}". List events at /api/v1/events.`);
      const occ = await occurrencesOf(ctx.pool, e.id);
      return { total: occ.length, data: occ.map((o) => occurrenceJson(req, e, o)) };
    });
  };
}
