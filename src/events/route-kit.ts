/** What the public event pages share: options, who may see or organize an event, which session a page is about, where registration stands. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Actor } from '../platform/audit.ts';
import { baseUrl, NotFoundError, ownPage, formToken, sendPage, siteFor, type Alongside, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { canCoordinate, isActiveIn } from '../membership/index.ts';
import { type EventFormat, type EventKind, type Occurrence, type StoredEvent } from './model.ts';
import { manageUrl, openForRegistration, registrationOf, seatsFor, type EventsDeps, type RegisterResult } from './registration.ts';
import { EventDetail, EventList, EventOccurrence, EventSummary } from './schemas.ts';
import { findEvent, occurrencesOf, type EventFilter } from './store.ts';
import { isValidZone } from './time.ts';
import { EventPage } from './event-views.tsx';
import type { EventFilters } from './list-views.tsx';
import { RegisterPage, type FormProblem, type RegisterFormValues, type RegistrationState } from './register-views.tsx';
import { EventMessagePage } from './registration-views.tsx';
import { FORMATS, KINDS } from './model.ts';

export const TZ_COOKIE = 'sg_tz';
/**
 * Guests' registration requests: per network (IP), as for joining and signing in; per address,
 * so the form cannot be used to fill someone's mailbox with confirmation mail.
 */
export const GUESTS_PER_IP = { max: 10, windowSeconds: 15 * 60 };
export const GUESTS_PER_ADDRESS = { max: 3, windowSeconds: 60 * 60 };

export const EVENT_SCHEMAS = [EventOccurrence, EventSummary, EventDetail, EventList];

export function actorOf(req: FastifyRequest): Actor {
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
    const { rows } = await ctx.pool.query(
      `select 1 from working_group_members where group_id = $1 and member_id = $2 and role = 'lead' and status = 'active'`,
      [e.groupId, v.memberId],
    );
    if (rows.length) return true;
  }
  return false;
}

/** Events routes need the signing key for registration and feed links. */
export async function eventsDeps(ctx: AppContext, secret: string): Promise<EventsDeps> {
  return { queue: ctx.queue, config: ctx.config, baseUrl: baseUrl(ctx), secret };
}

export function filtersFrom(q: Record<string, string | undefined>): EventFilters {
  const f: EventFilters = {};
  if (q.community && /^[a-z0-9-]{1,100}$/.test(q.community)) f.community = q.community;
  if (q.kind && (KINDS as readonly string[]).includes(q.kind)) f.kind = q.kind;
  if (q.topic && /^[a-z0-9-]{1,100}$/.test(q.topic)) f.topic = q.topic;
  if (q.format && (FORMATS as readonly string[]).includes(q.format)) f.format = q.format;
  return f;
}

export function storeFilter(f: EventFilters): EventFilter {
  return {
    ...(f.community ? { community: f.community } : {}),
    ...(f.kind ? { kind: f.kind as EventKind } : {}),
    ...(f.topic ? { topic: f.topic } : {}),
    ...(f.format ? { format: f.format as EventFormat } : {}),
  };
}

export function sendCalendar(reply: FastifyReply, text: string, filename: string) {
  return reply.type('text/calendar; charset=utf-8').header('content-disposition', `inline; filename="${filename}"`).send(text);
}

/** The route options and helpers every public event plugin uses, bound to the platform's context and the link-signing key. */
export async function eventRouteKit(ctx: AppContext, app: FastifyInstance) {
  const secret = await cookieSecret(ctx.pool, ctx.config.secret);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor, and for every member of the same standing (roles and
  // memberships) where nothing on it is theirs: may be kept a few seconds (platform/http/page-cache.ts)
  const standingPage = { ...hide, config: { pageCache: true, memberPageCache: true } };
  // An event's page: also which of its sessions the member is registered for, read with their
  // session (config.alongside), so a page kept for their standing is kept apart by that too.
  const registeredIn: Alongside = {
    name: 'event-registered-alongside',
    sql: `select coalesce(json_agg(r.occurrence_id order by r.occurrence_id), '[]') as registered_in
            from event_registrations r
            join event_occurrences o on o.id = r.occurrence_id
            join events e on e.id = o.event_id
            join members m on m.id = v.member_id
           where e.slug = $1 and lower(r.email) = lower(m.email) and r.status not in ('cancelled', 'expired')`,
    values: [],
  };
  const eventPage = {
    ...hide,
    config: { ...standingPage.config, alongside: (req: FastifyRequest) => ({ ...registeredIn, values: [(req.params as { slug: string }).slug] }) },
  };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
  const deps = () => eventsDeps(ctx, secret);
  const sessionLink = (e: StoredEvent, o: Occurrence) => `/events/${e.slug}${e.rrule ? `?session=${o.id}` : ''}`;

  const viewerZone = (req: FastifyRequest) => {
    const z = req.cookies[TZ_COOKIE];
    return z && isValidZone(z) ? z : undefined;
  };

  async function visibleEvent(req: FastifyRequest, slug: string, load = () => findEvent(ctx.pool, slug)): Promise<StoredEvent> {
    const e = await load();
    if (!e || (e.status === 'draft' && !(await canOrganize(ctx, req, e))))
      throw new NotFoundError(`There is no event called “${slug}”. See all events at /events.`);
    return e;
  }

  /** The session a page is about: ?session=, else the next one that has not ended, else the last. */
  async function sessionOf(
    e: StoredEvent,
    sessionParam: string | undefined,
    now: Date,
    load = () => occurrencesOf(ctx.pool, e.id),
  ): Promise<{ o: Occurrence; all: Occurrence[] }> {
    const all = (await load()).filter((o) => o.status !== 'skipped');
    const wanted = sessionParam && /^\d{1,12}$/.test(sessionParam) ? all.find((o) => o.id === Number(sessionParam)) : undefined;
    if (sessionParam && !wanted)
      throw new NotFoundError('That session of the event does not exist (it may have been skipped). See the event page for the sessions.');
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
    // Kept for members of the same standing (standingPage) only where nothing on it is theirs:
    // not their registration, nor a working group's meeting (its leads are not a standing). A
    // page that offers to register them names them, so it is not kept either (page-cache.ts).
    if (state.kind === 'registered' || e.groupId !== undefined) ownPage(req);
    return sendPage(
      reply,
      EventPage({
        site: siteFor(ctx, req),
        e,
        o,
        upcoming: all.filter((x) => x.endsAt > now),
        viewerZone: viewerZone(req),
        state,
        seats: await ctx.recent(`event-seats:${o.id}`, () => seatsFor(ctx.pool, e, o.id)),
        canOrganize: organizer,
        showJoinLink: organizer || (state.kind === 'registered' && state.registration.status === 'registered'),
        now,
      }),
    );
  }

  /** The registration form for one session (or where registration stands), again with what was typed and why it was refused. */
  async function showRegister(
    req: FastifyRequest,
    reply: FastifyReply,
    e: StoredEvent,
    sessionParam: string | undefined,
    extra: { values?: RegisterFormValues; errors?: Record<string, string>; status?: number; problem?: FormProblem } = {},
  ) {
    const now = new Date();
    const { o } = await sessionOf(e, sessionParam, now);
    const state = await registrationState(req, e, o, now);
    return sendPage(
      reply,
      RegisterPage({
        site: siteFor(ctx, req),
        e,
        o,
        state,
        csrf: formToken(reply),
        values: extra.values,
        errors: extra.errors ?? {},
        seats: await seatsFor(ctx.pool, e, o.id),
        problem: extra.problem,
      }),
      extra.status ?? 200,
    );
  }

  /** After registering (a member at once, a guest once their address is confirmed): registered, or on the waiting list. */
  function registeredPage(
    req: FastifyRequest,
    reply: FastifyReply,
    e: StoredEvent,
    o: Occurrence,
    result: RegisterResult,
    email: string,
    links: Array<{ href: string; label: string }>,
  ) {
    const mine = result.registrations.find((r) => r.occurrenceId === o.id) ?? result.registrations[0]!;
    const waitlisted = mine.status === 'waitlisted';
    return sendPage(
      reply,
      EventMessagePage({
        site: siteFor(ctx, req),
        title: waitlisted ? 'You are on the waiting list' : 'You are registered',
        alert: 'success',
        lines: [
          waitlisted
            ? `${e.title} is full, so you are on the waiting list. If a seat frees up, we will email ${email}.`
            : `You are registered for ${e.title}${result.registrations.length > 1 ? ` (${result.registrations.length} sessions)` : ''}.`,
          waitlisted ? 'You will then have a limited time to confirm the seat.' : `We sent a confirmation with a calendar invitation to ${email}.`,
        ],
        links,
      }),
    );
  }

  return {
    secret,
    api,
    hide,
    standingPage,
    eventPage,
    csrf,
    deps,
    sessionLink,
    viewerZone,
    visibleEvent,
    sessionOf,
    registrationState,
    showEvent,
    showRegister,
    registeredPage,
  };
}
