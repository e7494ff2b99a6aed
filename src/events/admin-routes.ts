/** Organizer routes: create and edit events and series, change sessions, registrants, check-in, CSV, messages. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/audit.ts';
import { toCsv } from '../platform/csv.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { field } from '../web/forms.tsx';
import { findMemberByEmail } from '../membership/index.ts';
import { formValuesOf, FORM_FIELDS, readEventForm, type EventFormValues } from './event-form.ts';
import { unconfirmedGuestCount } from './guest-registration.ts';
import { RuleError } from './recurrence.ts';
import { attendanceCounts, messageRegistrants, notifyEventChange, notifySessionCancelled, registrationsFor, setAttendance } from './registration.ts';
import { canOrganize, eventsDeps } from './route-kit.ts';
import { changeOccurrence, createEvent, EventExistsError, findEvent, findOccurrence, occurrencesOf, updateEvent } from './store.ts';
import { parseLocal } from './time.ts';
import { EventFormPage, ManageEventPage, RegistrantsPage, SessionPage } from './admin-views.tsx';
import type { EventInput, StoredEvent } from './model.ts';

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

/** The event form's raw values from a posted body (also the group meeting form, src/groups). */
export function formValues(body: unknown): EventFormValues {
  const v: EventFormValues = {};
  for (const k of FORM_FIELDS) v[k] = field(body, k, k === 'body' ? 50000 : 2000);
  return v;
}

function checkedCommunities(body: unknown): number[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).communities : undefined;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number);
}

/** Presenters named by address are members: link them, or say which address is unknown. */
export async function linkPresenters(db: Queryable, input: EventInput): Promise<string | undefined> {
  for (const pr of input.presenters) {
    if (!pr.email) continue;
    const m = await findMemberByEmail(db, pr.email);
    if (!m) return `No member has the address ${pr.email}. Check it, or leave it out for a guest presenter.`;
    pr.memberId = m.id;
  }
  return undefined;
}

export function eventAdminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const secret = await cookieSecret(ctx.pool, ctx.config.secret);
    const hide = { schema: { hide: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

    /** Communities the viewer may put events in. */
    async function coordinated(req: FastifyRequest): Promise<Array<{ id: number; title: string }>> {
      const v = req.viewer;
      if (!v) throw new SignInRequiredError('Sign in to create events.');
      const { rows } = await ctx.pool.query<{ id: string; title: string }>(
        v.siteAdmin
          ? `select id, coalesce(short_name, title) as title from communities order by 2`
          : `select c.id, coalesce(c.short_name, c.title) as title from communities c join memberships m on m.community_id = c.id
              where m.member_id = $1 and m.status = 'active' and m.role = 'coordinator' order by 2`,
        v.siteAdmin ? [] : [v.memberId],
      );
      if (!rows.length) throw new ForbiddenError('Only community coordinators can create events. Ask a coordinator of your community.');
      return rows.map((r) => ({ id: Number(r.id), title: r.title }));
    }

    async function organizedEvent(req: FastifyRequest, slug: string): Promise<StoredEvent> {
      if (!req.viewer) throw new SignInRequiredError('Sign in to manage events.');
      const e = await findEvent(ctx.pool, slug);
      if (!e) throw new NotFoundError(`There is no event called “${slug}”.`);
      if (!(await canOrganize(ctx, req, e))) throw new ForbiddenError(`Only the organizers of ${e.title} can use this page.`);
      return e;
    }

    const deps = () => eventsDeps(ctx, secret);

    // ---- Create and edit ----------------------------------------------------------------

    app.get<{ Querystring: { community?: string } }>('/events/new', hide, async (req, reply) => {
      const communities = await coordinated(req);
      const wanted = req.query.community ? (await ctx.pool.query<{ id: string }>('select id from communities where slug = $1', [req.query.community])).rows[0] : undefined;
      const checked = wanted ? [Number(wanted.id)] : communities.length === 1 ? [communities[0]!.id] : [];
      return sendPage(reply, EventFormPage({ site: siteFor(ctx, req), communities, checked, values: { timeZone: 'America/New_York', status: 'draft', registration: 'members' }, errors: {}, csrf: reply.generateCsrf() }));
    });

    async function saveForm(req: FastifyRequest, reply: FastifyReply, before?: StoredEvent) {
      const communities = await coordinated(req).catch((err) => {
        if (before && err instanceof ForbiddenError) return [];
        throw err;
      });
      const allowed = new Set([...communities.map((c) => c.id), ...(before?.communityIds ?? [])]);
      const checked = checkedCommunities(req.body).filter((id) => allowed.has(id));
      const values = formValues(req.body);
      const shown = [...communities, ...(before?.communities.filter((c) => !communities.some((x) => x.id === c.id)) ?? [])];
      const again = (errors: Record<string, string>, status = 400) =>
        sendPage(reply, EventFormPage({ site: siteFor(ctx, req), communities: shown, checked, values, errors, csrf: reply.generateCsrf(), ...(before ? { event: before } : {}) }), status);
      const parsed = readEventForm(values, checked);
      if (!parsed.ok) return again(parsed.errors);
      const unknown = await linkPresenters(ctx.pool, parsed.input);
      if (unknown) return again({ presenters: unknown });
      const now = new Date();
      try {
        const d = await deps();
        const saved = await inTransaction(ctx.pool, async (tx) => {
          if (!before) return createEvent(tx, actorOf(req), parsed.input, { source: 'web', now });
          const { event, changes } = await updateEvent(tx, actorOf(req), before, parsed.input, now);
          if (event.status !== 'draft') await notifyEventChange(tx, d, event, changes, now);
          return event;
        });
        return reply.redirect(`/events/${saved.slug}/manage?saved=1`, 303);
      } catch (err) {
        if (err instanceof EventExistsError) return again({ slug: err.message }, 409);
        if (err instanceof RuleError) return again({ rrule: err.message });
        throw err;
      }
    }

    app.post('/events/new', csrf, async (req, reply) => saveForm(req, reply));

    app.get<{ Params: { slug: string } }>('/events/:slug/edit', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const mine = await coordinated(req).catch(() => []);
      const shown = [...mine, ...e.communities.filter((c) => !mine.some((m) => m.id === c.id))];
      return sendPage(reply, EventFormPage({ site: siteFor(ctx, req), communities: shown, checked: e.communityIds, values: formValuesOf(e), errors: {}, csrf: reply.generateCsrf(), event: e }));
    });

    app.post<{ Params: { slug: string } }>('/events/:slug/edit', csrf, async (req, reply) => saveForm(req, reply, await organizedEvent(req, req.params.slug)));

    // ---- Sessions -----------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { saved?: string; done?: string } }>('/events/:slug/manage', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const notice = req.query.saved === '1' ? 'The event is saved.' : req.query.done === 'skip' ? 'The session is skipped.' : req.query.done === 'restore' ? 'The session is back on.' : undefined;
      return sendPage(reply, ManageEventPage({ site: siteFor(ctx, req), e, sessions: await occurrencesOf(ctx.pool, e.id), counts: await attendanceCounts(ctx.pool, e.id), csrf: reply.generateCsrf(), notice, now: new Date() }));
    });

    async function sessionOf(e: StoredEvent, id: string) {
      const o = /^\d{1,12}$/.test(id) ? await findOccurrence(ctx.pool, Number(id)) : undefined;
      if (!o || o.eventId !== e.id) throw new NotFoundError('That session does not exist. See the sessions on the event’s manage page.');
      return o;
    }

    app.get<{ Params: { slug: string; id: string }; Querystring: { done?: string } }>('/events/:slug/sessions/:id', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.params.id);
      const notice = { move: 'The session is moved; registrants were told.', cancel: 'The session is cancelled; registrants were told.', recording: 'The recording is saved.' }[req.query.done ?? ''] as string | undefined;
      return sendPage(reply, SessionPage({ site: siteFor(ctx, req), e, o, csrf: reply.generateCsrf(), notice, now: new Date() }));
    });

    app.post<{ Params: { slug: string; id: string } }>('/events/:slug/sessions/:id', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.params.id);
      const action = field(req.body, 'action', 20);
      const now = new Date();
      const d = await deps();
      const values: Record<string, string> = {};
      for (const k of ['date', 'startTime', 'endTime', 'note', 'recordingUrl', 'youtubeId', 'recordingTitle', 'slidesUrl', 'transcript']) values[k] = field(req.body, k, k === 'transcript' ? 200000 : 1000);
      const again = (errors: Record<string, string>) => sendPage(reply, SessionPage({ site: siteFor(ctx, req), e, o, csrf: reply.generateCsrf(), values, errors, now }), 400);
      if (action === 'skip' || action === 'restore') {
        await inTransaction(ctx.pool, async (tx) => {
          const changed = await changeOccurrence(tx, actorOf(req), o, { kind: action });
          const event = (await findEvent(tx, e.slug))!;
          if (action === 'skip') await notifySessionCancelled(tx, d, event, changed, now);
        });
        return reply.redirect(`/events/${e.slug}/manage?done=${action}`, 303);
      }
      if (action === 'cancel') {
        await inTransaction(ctx.pool, async (tx) => {
          const changed = await changeOccurrence(tx, actorOf(req), o, { kind: 'cancel', ...(values.note ? { note: values.note } : {}) });
          await notifySessionCancelled(tx, d, (await findEvent(tx, e.slug))!, changed, now);
        });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=cancel`, 303);
      }
      if (action === 'move') {
        const errors: Record<string, string> = {};
        const start = parseLocal(values.date!, values.startTime!, e.timeZone);
        const end = parseLocal(values.date!, values.endTime!, e.timeZone);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date!)) errors.date = 'Enter the date as year-month-day, like 2026-11-12.';
        else if (!start) errors.startTime = 'Enter the start time as hours:minutes on a 24-hour clock, like 10:00.';
        else if (!end) errors.endTime = 'Enter the end time as hours:minutes on a 24-hour clock, like 11:00.';
        else if (end <= start) errors.endTime = 'The end time must be after the start time.';
        else if (end <= now) errors.date = 'A session can only be moved to a time that has not passed.';
        if (Object.keys(errors).length || !start || !end) return again(errors);
        await inTransaction(ctx.pool, async (tx) => {
          await changeOccurrence(tx, actorOf(req), o, { kind: 'move', startsAt: start, endsAt: end });
          const event = (await findEvent(tx, e.slug))!;
          await notifyEventChange(tx, d, event, ['time'], now);
        });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=move`, 303);
      }
      if (action === 'recording') {
        const errors: Record<string, string> = {};
        for (const k of ['recordingUrl', 'slidesUrl']) if (values[k] && !/^https?:\/\/\S+$/i.test(values[k]!)) errors[k] = 'Enter a full web address starting with https://';
        if (values.youtubeId && !/^[A-Za-z0-9_-]{6,20}$/.test(values.youtubeId)) errors.youtubeId = 'A YouTube video id is the 11 letters and digits after v= in the video address.';
        if (Object.keys(errors).length) return again(errors);
        const rec: Record<string, string> = {};
        if (values.recordingUrl) rec.url = values.recordingUrl;
        if (values.youtubeId) rec.youtubeId = values.youtubeId;
        if (values.recordingTitle) rec.title = values.recordingTitle;
        if (values.slidesUrl) rec.slidesUrl = values.slidesUrl;
        if (values.transcript) rec.transcript = values.transcript;
        await changeOccurrence(ctx.pool, actorOf(req), o, { kind: 'recording', recording: rec });
        return reply.redirect(`/events/${e.slug}/sessions/${o.id}?done=recording`, 303);
      }
      return again({ action: 'Choose an action from the page.' });
    });

    // ---- Registrants --------------------------------------------------------------------

    app.get<{ Params: { slug: string }; Querystring: { session?: string; done?: string } }>('/events/:slug/registrants', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = req.query.session ? await sessionOf(e, req.query.session) : (await occurrencesOf(ctx.pool, e.id)).find((x) => x.endsAt > new Date()) ?? (await occurrencesOf(ctx.pool, e.id)).at(-1);
      if (!o) throw new NotFoundError('This event has no sessions.');
      const notice = req.query.done === 'attendance' ? 'Attendance is saved.' : req.query.done === 'message' ? 'Your message is on its way.' : undefined;
      return sendPage(reply, RegistrantsPage({ site: siteFor(ctx, req), e, o, registrations: await registrationsFor(ctx.pool, o.id), unconfirmed: await unconfirmedGuestCount(ctx.pool, o.id, new Date()), csrf: reply.generateCsrf(), notice }));
    });

    app.get<{ Params: { slug: string }; Querystring: { session?: string } }>('/events/:slug/registrants.csv', hide, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, req.query.session ?? '');
      const regs = await registrationsFor(ctx.pool, o.id);
      const csv = toCsv(
        ['name', 'email', 'agency', 'status', 'registered_at', 'captions', 'asl', 'other_accommodation', 'recording_consent', 'conduct_ack', 'attended', ...e.questions.map((q) => q.label)],
        regs.map((r) => [r.name, r.email, r.agency ?? '', r.status, r.createdAt.toISOString(), r.needsCaptions ? 'yes' : 'no', r.needsAsl ? 'yes' : 'no', r.accommodationOther ?? '',
          r.recordingConsent ? 'yes' : 'no', r.conductAck ? 'yes' : 'no', r.attended === undefined ? '' : r.attended ? 'yes' : 'no', ...e.questions.map((q) => r.answers[q.id] ?? '')]),
      );
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${e.slug}-${o.startsAt.toISOString().slice(0, 10)}-registrants.csv"`).send(csv);
    });

    app.post<{ Params: { slug: string; id: string } }>('/events/:slug/registrants/:id/attendance', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const r = /^\d{1,12}$/.test(req.params.id) ? (await ctx.pool.query<{ occurrence_id: string }>('select r.occurrence_id from event_registrations r join event_occurrences o on o.id = r.occurrence_id where r.id = $1 and o.event_id = $2', [req.params.id, e.id])).rows[0] : undefined;
      if (!r) throw new NotFoundError('That registration does not exist.');
      const v = field(req.body, 'attended');
      await setAttendance(ctx.pool, actorOf(req), Number(req.params.id), v === 'yes' ? true : v === 'no' ? false : null);
      return reply.redirect(`/events/${e.slug}/registrants?session=${r.occurrence_id}&done=attendance`, 303);
    });

    app.post<{ Params: { slug: string } }>('/events/:slug/message', csrf, async (req, reply) => {
      const e = await organizedEvent(req, req.params.slug);
      const o = await sessionOf(e, field(req.body, 'session', 12));
      const values = { subject: field(req.body, 'subject', 150), body: field(req.body, 'body', 10000), includeWaitlist: field(req.body, 'includeWaitlist') };
      const errors: Record<string, string> = {};
      if (!values.subject) errors.subject = 'Enter a subject.';
      if (!values.body) errors.body = 'Enter the message.';
      if (Object.keys(errors).length) {
        return sendPage(reply, RegistrantsPage({ site: siteFor(ctx, req), e, o, registrations: await registrationsFor(ctx.pool, o.id), unconfirmed: await unconfirmedGuestCount(ctx.pool, o.id, new Date()), csrf: reply.generateCsrf(), errors, values }), 400);
      }
      const d = await deps();
      await inTransaction(ctx.pool, (tx) => messageRegistrants(tx, d, actorOf(req), { event: e, occurrence: o, subject: values.subject, body: values.body, includeWaitlist: values.includeWaitlist === 'yes', from: req.viewer!.name ?? req.viewer!.email }));
      return reply.redirect(`/events/${e.slug}/registrants?session=${o.id}&done=message`, 303);
    });
  };
}
