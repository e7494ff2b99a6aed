/**
 * Registration: seats, the waiting list and its automatic promotion, cancelling by link, and the
 * mail each step sends. Every function takes the caller's transaction; each mail is queued with
 * a key so it goes once per person even across restarts and retries. The mail about changes,
 * reminders, follow-ups and organizers' messages: registration-mail.ts.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DateTime } from '../platform/luxon.ts';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Config } from '../platform/config.ts';
import { defaultFrom } from '../platform/mail/transport.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import { coordinatorAddresses } from '../membership/index.ts';
import { eventUrl, eventVEvents, occurrenceVEvent, type CalendarView } from './calendar.ts';
import type { CalendarPerson } from './ics.ts';
import * as mails from './mails.ts';
import type { Occurrence, StoredEvent } from './model.ts';
import { describeRule, parseRule } from './recurrence.ts';
import { findEventById, findOccurrence, occurrencesOf } from './store.ts';
import { nameProblem } from '../platform/text.ts';

/** What service functions that mail people need. */
export interface EventsDeps {
  queue: Queue;
  config: Config;
  /** The site's address for links in mail. */
  baseUrl: string;
  /** Key for registration and feed links. */
  secret: string;
}

export type RegistrationStatus = 'registered' | 'waitlisted' | 'offered' | 'cancelled' | 'expired';

export interface Registration {
  id: number;
  occurrenceId: number;
  memberId?: number;
  seriesGroup?: string;
  name: string;
  email: string;
  agency?: string;
  status: RegistrationStatus;
  offerExpiresAt?: Date;
  needsCaptions: boolean;
  needsAsl: boolean;
  accommodationOther?: string;
  recordingConsent: boolean;
  conductAck: boolean;
  answers: Record<string, string>;
  attended?: boolean;
  createdAt: Date;
}

export interface Registrant {
  memberId?: number;
  name: string;
  email: string;
  agency?: string;
}

export interface RegistrationDetails {
  needsCaptions: boolean;
  needsAsl: boolean;
  accommodationOther?: string;
  recordingConsent: boolean;
  conductAck: boolean;
  answers: Record<string, string>;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function toRegistration(r: any): Registration {
  const reg: Registration = {
    id: Number(r.id),
    occurrenceId: Number(r.occurrence_id),
    name: r.name,
    email: r.email,
    status: r.status,
    needsCaptions: r.needs_captions,
    needsAsl: r.needs_asl,
    recordingConsent: r.recording_consent,
    conductAck: r.conduct_ack,
    answers: r.answers ?? {},
    createdAt: r.created_at,
  };
  if (r.member_id) reg.memberId = Number(r.member_id);
  if (r.series_group) reg.seriesGroup = r.series_group;
  if (r.agency) reg.agency = r.agency;
  if (r.offer_expires_at) reg.offerExpiresAt = r.offer_expires_at;
  if (r.accommodation_other) reg.accommodationOther = r.accommodation_other;
  if (r.attended !== null && r.attended !== undefined) reg.attended = r.attended;
  return reg;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- Links ------------------------------------------------------------------------------

function sign(secret: string, what: string): string {
  return createHmac('sha256', secret).update(what).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A registrant's own link: no sign-in needed, so guests can cancel too. */
export function manageToken(secret: string, registrationId: number): string {
  return sign(secret, `event-registration:${registrationId}`);
}

export function checkManageToken(secret: string, registrationId: number, token: string): boolean {
  return same(manageToken(secret, registrationId), token);
}

/** The private address of a member's "my events" calendar feed. */
export function feedToken(secret: string, memberId: number): string {
  return `${memberId}-${sign(secret, `event-feed:${memberId}`)}`;
}

export function memberOfFeedToken(secret: string, token: string): number | undefined {
  const m = /^(\d{1,12})-([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  return same(feedToken(secret, Number(m[1])), token) ? Number(m[1]) : undefined;
}

export function manageUrl(deps: EventsDeps, registrationId: number): string {
  return `${deps.baseUrl}/events/registrations/${registrationId}?t=${manageToken(deps.secret, registrationId)}`;
}

export function links(deps: EventsDeps, e: StoredEvent, registrationId: number): mails.MailLinks {
  return { event: eventUrl(deps.baseUrl, e), manage: manageUrl(deps, registrationId) };
}

function organizerOf(deps: EventsDeps): CalendarPerson {
  const from = defaultFrom(deps.config);
  const m = /^(.*?)\s*<([^>]+)>$/.exec(from);
  return m ? { name: m[1]!.replace(/^"|"$/g, ''), email: m[2]! } : { email: from };
}

function view(deps: EventsDeps, r: Registration, now: Date): CalendarView {
  return { baseUrl: deps.baseUrl, now, organizer: organizerOf(deps), attendee: { name: r.name, email: r.email }, withJoinLink: true };
}

/** The registrant's calendar copy: the whole series for an "every session" registration, else the one session. */
export async function invitation(db: Queryable, deps: EventsDeps, e: StoredEvent, o: Occurrence, r: Registration, now: Date, method: 'REQUEST' | 'CANCEL') {
  if (r.seriesGroup && e.rrule) return mails.icsAttachment(method, eventVEvents(e, await occurrencesOf(db, e.id), view(deps, r, now)));
  const vevent = occurrenceVEvent(e, o, view(deps, r, now));
  if (method === 'CANCEL') vevent.status = 'CANCELLED';
  return mails.icsAttachment(method, [vevent]);
}

// ---- Reading ----------------------------------------------------------------------------

export async function findRegistration(db: Queryable, id: number): Promise<Registration | undefined> {
  const { rows } = await db.query('select * from event_registrations where id = $1', [id]);
  return rows[0] ? toRegistration(rows[0]) : undefined;
}

export async function registrationsFor(db: Queryable, occurrenceId: number): Promise<Registration[]> {
  const { rows } = await db.query('select * from event_registrations where occurrence_id = $1 order by created_at, id', [occurrenceId]);
  return rows.map(toRegistration);
}

/** A person's current registration for a session, by e-mail. */
export async function registrationOf(db: Queryable, occurrenceId: number, email: string): Promise<Registration | undefined> {
  const { rows } = await db.query(
    `select * from event_registrations where occurrence_id = $1 and lower(email) = lower($2) and status not in ('cancelled', 'expired')`,
    [occurrenceId, email],
  );
  return rows[0] ? toRegistration(rows[0]) : undefined;
}

export interface Seats {
  capacity?: number;
  taken: number;
  waiting: number;
}

export async function seatsFor(db: Queryable, e: StoredEvent, occurrenceId: number): Promise<Seats> {
  const { rows } = await db.query<{ taken: string; waiting: string }>(
    `select count(*) filter (where status in ('registered', 'offered')) as taken, count(*) filter (where status = 'waitlisted') as waiting
       from event_registrations where occurrence_id = $1`,
    [occurrenceId],
  );
  const s: Seats = { taken: Number(rows[0]!.taken), waiting: Number(rows[0]!.waiting) };
  if (e.capacity) s.capacity = e.capacity;
  return s;
}

async function waitlistPosition(db: Queryable, r: Registration): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from event_registrations w, event_registrations me
      where me.id = $2 and w.occurrence_id = $1 and w.status = 'waitlisted' and (w.created_at, w.id) <= (me.created_at, me.id)`,
    [r.occurrenceId, r.id],
  );
  return Number(rows[0]!.n);
}

// ---- Registering ------------------------------------------------------------------------

export type FieldErrors = Record<string, string>;

/** What the event asks of registrants, checked before anything is saved. */
export function checkDetails(e: StoredEvent, person: Registrant, d: RegistrationDetails): FieldErrors {
  const errors: FieldErrors = {};
  if (!person.name.trim()) errors.name = 'Enter your name.';
  else if (nameProblem(person.name)) errors.name = nameProblem(person.name)!;
  if (!/^[^\s@<>()",;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(person.email)) errors.email = 'Enter an email address like name@agency.gov.';
  if (e.conductUrl && !d.conductAck) errors.conductAck = 'Confirm that you have read the code of conduct to register.';
  if (e.recorded && !d.recordingConsent)
    errors.recordingConsent = 'This event is recorded. Agree to being recorded to register, or watch the recording afterwards.';
  for (const q of e.questions) {
    if (q.required && !(d.answers[q.id] ?? '').trim()) errors[`q_${q.id}`] = `Answer “${q.label}”.`;
  }
  return errors;
}

export class RegistrationClosedError extends Error {
  readonly code = 'REGISTRATION_CLOSED';
}

/** Whether a session still takes registrations at `now` (until it ends). */
export function openForRegistration(e: StoredEvent, o: Occurrence, now: Date): boolean {
  return e.status === 'published' && o.status === 'scheduled' && o.endsAt > now && (e.registration === 'members' || e.registration === 'public');
}

export interface RegisterResult {
  registrations: Registration[];
  /** The person was already registered (nothing new was saved). */
  already: boolean;
}

/**
 * Register a person for one session, or for every upcoming session of a series. Each session
 * gives a seat while there is one, else a place on its waiting list. Mails the confirmation
 * (with the calendar invitation) or the waiting-list notice, and routes accommodation requests
 * to the organizers.
 */
export async function register(
  db: Queryable,
  deps: EventsDeps,
  actor: Actor,
  props: { event: StoredEvent; occurrence: Occurrence; everySession: boolean; person: Registrant; details: RegistrationDetails; now: Date },
): Promise<RegisterResult> {
  const { event: e, person, details: d, now } = props;
  if (!openForRegistration(e, props.occurrence, now)) throw new RegistrationClosedError('Registration for this session is closed.');
  const targets =
    props.everySession && e.rrule
      ? (await occurrencesOf(db, e.id)).filter((o) => o.status === 'scheduled' && o.endsAt > now && o.startsAt >= props.occurrence.startsAt)
      : [props.occurrence];
  const group = props.everySession && e.rrule ? randomUUID() : null;
  const created: Registration[] = [];
  let already = true;
  for (const o of targets) {
    // Lock the session so two people cannot take the last seat at once.
    await db.query('select id from event_occurrences where id = $1 for update', [o.id]);
    const existing = await registrationOf(db, o.id, person.email);
    if (existing) {
      created.push(existing);
      continue;
    }
    already = false;
    const seats = await seatsFor(db, e, o.id);
    const status: RegistrationStatus = seats.capacity === undefined || seats.taken < seats.capacity ? 'registered' : 'waitlisted';
    const { rows } = await db.query(
      `insert into event_registrations (occurrence_id, member_id, series_group, name, email, agency, status, needs_captions, needs_asl,
         accommodation_other, recording_consent, conduct_ack, answers)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) returning *`,
      [
        o.id,
        person.memberId ?? null,
        group,
        person.name,
        person.email,
        person.agency ?? null,
        status,
        d.needsCaptions,
        d.needsAsl,
        d.accommodationOther ?? null,
        d.recordingConsent,
        d.conductAck,
        JSON.stringify(d.answers),
      ],
    );
    created.push(toRegistration(rows[0]));
  }
  if (already) return { registrations: created, already: true };
  const first = created.find((r) => r.occurrenceId === props.occurrence.id) ?? created[0]!;
  const firstOccurrence = targets.find((o) => o.id === first.occurrenceId) ?? props.occurrence;
  await recordAudit(db, actor, {
    action: 'event.register',
    subjectType: 'event',
    subjectId: e.slug,
    after: { email: person.email, sessions: created.map((r) => ({ id: r.id, occurrenceId: r.occurrenceId, status: r.status })) },
  });
  const p = { name: person.name, email: person.email };
  const key = group ? `event-confirm:group:${group}` : `event-confirm:${first.id}`;
  if (first.status === 'registered') {
    const ics = await invitation(db, deps, e, firstOccurrence, first, now, 'REQUEST');
    const seriesText = e.rrule ? describeRule(parseRule(e.rrule, e.timeZone)) : undefined;
    await queueMail(
      db,
      deps.queue,
      mails.confirmationMail(p, e, firstOccurrence, links(deps, e, first.id), ics, { everySession: Boolean(group), ...(seriesText ? { seriesText } : {}) }),
      { key },
    );
  } else {
    await queueMail(db, deps.queue, mails.waitlistedMail(p, e, firstOccurrence, links(deps, e, first.id), await waitlistPosition(db, first)), {
      key: `event-waitlisted:${first.id}`,
    });
  }
  const needs = [
    d.needsCaptions ? 'Live captions (CART)' : '',
    d.needsAsl ? 'ASL interpreter' : '',
    d.accommodationOther ? `Other: ${d.accommodationOther}` : '',
  ].filter(Boolean);
  if (needs.length) {
    for (const to of await organizerAddresses(db, e)) {
      await queueMail(
        db,
        deps.queue,
        mails.accommodationMail(to, e, firstOccurrence, p, needs, `${deps.baseUrl}/events/${e.slug}/registrants?session=${firstOccurrence.id}`),
        { key: `event-accommodation:${first.id}:${to.toLowerCase()}` },
      );
    }
  }
  return { registrations: created, already: false };
}

/** Who hears about accommodation requests: the coordinators of the event's communities (or site admins). */
async function organizerAddresses(db: Queryable, e: StoredEvent): Promise<string[]> {
  const all = new Set<string>();
  for (const id of e.communityIds) for (const a of await coordinatorAddresses(db, id)) all.add(a);
  if (!e.communityIds.length) {
    const admins = await db.query<{ email: string }>('select email from members where site_admin order by email');
    for (const r of admins.rows) all.add(r.email);
  }
  return [...all];
}

// ---- Cancelling and the waiting list ----------------------------------------------------

/** One session of a series, as the cancelled instance of the series a person has in their calendar (RECURRENCE-ID). */
export function cancelledInstance(deps: EventsDeps, e: StoredEvent, o: Occurrence, r: Registration, now: Date) {
  const v = view(deps, r, now);
  const length = o.endsAt.getTime() - o.startsAt.getTime();
  return {
    ...occurrenceVEvent(e, o, v),
    uid: e.uid,
    recurrenceId: o.originalStart,
    start: o.originalStart,
    end: new Date(o.originalStart.getTime() + length),
    status: 'CANCELLED' as const,
  };
}

/**
 * Cancel registrations (a person's own, by link, or an organizer's), freeing seats for the
 * waiting list. `wholeSeries`: the ids are every upcoming session of one "every session"
 * registration, so the person gets one message that removes the series from their calendar.
 */
export async function cancelRegistrations(
  db: Queryable,
  deps: EventsDeps,
  actor: Actor,
  ids: number[],
  now: Date,
  opts: { wholeSeries?: boolean } = {},
): Promise<number> {
  let cancelled = 0;
  for (const id of ids) {
    const { rows } = await db.query(
      `update event_registrations set status = 'cancelled', cancelled_at = now(), updated_at = now()
        where id = $1 and status in ('registered', 'waitlisted', 'offered') returning *`,
      [id],
    );
    if (!rows[0]) continue;
    const r = toRegistration(rows[0]);
    cancelled++;
    const o = (await findOccurrence(db, r.occurrenceId))!;
    const e = (await findEventById(db, o.eventId))!;
    await recordAudit(db, actor, {
      action: 'event.registration.cancel',
      subjectType: 'event-registration',
      subjectId: String(id),
      after: { email: r.email, occurrenceId: o.id },
    });
    if (o.endsAt > now) {
      const p = { name: r.name, email: r.email };
      if (r.seriesGroup && e.rrule && opts.wholeSeries) {
        const series = eventVEvents(e, await occurrencesOf(db, e.id), view(deps, r, now)).map((v) => ({ ...v, status: 'CANCELLED' as const }));
        await queueMail(db, deps.queue, mails.cancelledByYouMail(p, e, o, links(deps, e, id), mails.icsAttachment('CANCEL', series)), {
          key: `event-cancelled:group:${r.seriesGroup}`,
        });
      } else if (r.seriesGroup && e.rrule) {
        await queueMail(
          db,
          deps.queue,
          mails.cancelledByYouMail(p, e, o, links(deps, e, id), mails.icsAttachment('CANCEL', [cancelledInstance(deps, e, o, r, now)])),
          { key: `event-cancelled:${id}` },
        );
      } else {
        await queueMail(db, deps.queue, mails.cancelledByYouMail(p, e, o, links(deps, e, id), await invitation(db, deps, e, o, r, now, 'CANCEL')), {
          key: `event-cancelled:${id}`,
        });
      }
    }
    await promoteWaitlist(db, deps, o.id, now);
  }
  return cancelled;
}

/** Offer free seats to the waiting list in order: each offer holds the seat for a time, and the person is mailed a link to confirm it. */
export async function promoteWaitlist(db: Queryable, deps: EventsDeps, occurrenceId: number, now: Date): Promise<Registration[]> {
  await db.query('select id from event_occurrences where id = $1 for update', [occurrenceId]);
  const o = (await findOccurrence(db, occurrenceId))!;
  const e = (await findEventById(db, o.eventId))!;
  if (o.status !== 'scheduled' || o.startsAt <= now || e.status !== 'published') return [];
  const offered: Registration[] = [];
  for (;;) {
    const seats = await seatsFor(db, e, occurrenceId);
    if (seats.capacity !== undefined && seats.taken >= seats.capacity) break;
    const hours = e.offerHours ?? deps.config.eventOfferHours;
    const byHours = DateTime.fromJSDate(now).plus({ hours }).toJSDate();
    const expires = byHours < o.startsAt ? byHours : o.startsAt;
    const { rows } = await db.query(
      `update event_registrations set status = 'offered', offer_expires_at = $2, updated_at = now()
        where id = (select id from event_registrations where occurrence_id = $1 and status = 'waitlisted' order by created_at, id limit 1)
        returning *`,
      [occurrenceId, expires],
    );
    if (!rows[0]) break;
    const r = toRegistration(rows[0]);
    offered.push(r);
    await recordAudit(
      db,
      { name: 'system', source: 'system' },
      { action: 'event.waitlist.offer', subjectType: 'event-registration', subjectId: String(r.id), after: { email: r.email, expires } },
    );
    const expiresText = DateTime.fromJSDate(expires, { zone: e.timeZone }).toFormat("cccc, LLLL d 'at' h:mm a ZZZZ");
    await queueMail(db, deps.queue, mails.offerMail({ name: r.name, email: r.email }, e, o, links(deps, e, r.id), expiresText), { key: `event-offer:${r.id}` });
    if (seats.capacity === undefined) break;
  }
  return offered;
}

export class OfferError extends Error {
  constructor(
    readonly code: 'NOT_OFFERED' | 'OFFER_EXPIRED',
    message: string,
  ) {
    super(message);
  }
}

/** The person takes the seat they were offered; they get the confirmation with the invitation. */
export async function confirmOffer(db: Queryable, deps: EventsDeps, actor: Actor, registrationId: number, now: Date): Promise<Registration> {
  const r = await findRegistration(db, registrationId);
  if (!r || r.status !== 'offered') throw new OfferError('NOT_OFFERED', 'There is no seat waiting for you to confirm on this registration.');
  if (r.offerExpiresAt && r.offerExpiresAt <= now)
    throw new OfferError('OFFER_EXPIRED', 'The time to confirm this seat has passed, so it went to the next person.');
  const { rows } = await db.query(
    `update event_registrations set status = 'registered', offer_expires_at = null, updated_at = now() where id = $1 and status = 'offered' returning *`,
    [registrationId],
  );
  const confirmed = toRegistration(rows[0]);
  const o = (await findOccurrence(db, r.occurrenceId))!;
  const e = (await findEventById(db, o.eventId))!;
  await recordAudit(db, actor, { action: 'event.waitlist.confirm', subjectType: 'event-registration', subjectId: String(r.id), after: { email: r.email } });
  const ics = await invitation(db, deps, e, o, { ...confirmed, seriesGroup: undefined } as Registration, now, 'REQUEST');
  await queueMail(db, deps.queue, mails.confirmationMail({ name: r.name, email: r.email }, e, o, links(deps, e, r.id), ics, { everySession: false }), {
    key: `event-confirm:${r.id}`,
  });
  return confirmed;
}

/** Offers not confirmed in time go to the next person (scheduled job). Returns how many expired. */
export async function expireOffers(db: Queryable, deps: EventsDeps, now: Date): Promise<number> {
  const { rows } = await db.query(
    `update event_registrations set status = 'expired', updated_at = now() where status = 'offered' and offer_expires_at <= $1 returning *`,
    [now],
  );
  for (const row of rows) {
    const r = toRegistration(row);
    const o = (await findOccurrence(db, r.occurrenceId))!;
    const e = (await findEventById(db, o.eventId))!;
    await recordAudit(
      db,
      { name: 'system', source: 'system' },
      { action: 'event.waitlist.expire', subjectType: 'event-registration', subjectId: String(r.id), after: { email: r.email } },
    );
    await queueMail(db, deps.queue, mails.offerExpiredMail({ name: r.name, email: r.email }, e, o, links(deps, e, r.id)), {
      key: `event-offer-expired:${r.id}`,
    });
  }
  for (const occurrenceId of new Set(rows.map((r) => Number(r.occurrence_id)))) await promoteWaitlist(db, deps, occurrenceId, now);
  return rows.length;
}

// ---- Organizers -------------------------------------------------------------------------

export async function setAttendance(db: Queryable, actor: Actor, registrationId: number, attended: boolean | null): Promise<void> {
  await db.query('update event_registrations set attended = $2, updated_at = now() where id = $1', [registrationId, attended]);
  await recordAudit(db, actor, {
    action: 'event.registration.attendance',
    subjectType: 'event-registration',
    subjectId: String(registrationId),
    after: { attended },
  });
}

export interface AttendanceCount {
  occurrenceId: number;
  startsAt: Date;
  registered: number;
  waitlisted: number;
  attended: number;
  noShow: number;
}

/** Registered, waiting and attended per session of an event. */
export async function attendanceCounts(db: Queryable, eventId: number): Promise<AttendanceCount[]> {
  const { rows } = await db.query(
    `select o.id, o.starts_at,
            count(r.id) filter (where r.status in ('registered', 'offered')) as registered,
            count(r.id) filter (where r.status = 'waitlisted') as waitlisted,
            count(r.id) filter (where r.attended) as attended,
            count(r.id) filter (where r.attended = false) as no_show
       from event_occurrences o left join event_registrations r on r.occurrence_id = o.id
      where o.event_id = $1 and o.status <> 'skipped' group by o.id order by o.starts_at`,
    [eventId],
  );
  return rows.map((r) => ({
    occurrenceId: Number(r.id),
    startsAt: r.starts_at,
    registered: Number(r.registered),
    waitlisted: Number(r.waitlisted),
    attended: Number(r.attended),
    noShow: Number(r.no_show),
  }));
}

/** A member's registrations to upcoming and recent sessions, for "my events". */
export async function registrationsOfMember(
  db: Queryable,
  memberId: number,
  email: string,
): Promise<Array<{ registration: Registration; occurrence: Occurrence; event: StoredEvent }>> {
  const { rows } = await db.query(
    `select r.* from event_registrations r where (r.member_id = $1 or lower(r.email) = lower($2)) and r.status in ('registered', 'offered', 'waitlisted') order by r.created_at`,
    [memberId, email],
  );
  const out = [];
  for (const row of rows) {
    const registration = toRegistration(row);
    const occurrence = (await findOccurrence(db, registration.occurrenceId))!;
    const event = (await findEventById(db, occurrence.eventId))!;
    out.push({ registration, occurrence, event });
  }
  return out.sort((a, b) => a.occurrence.startsAt.getTime() - b.occurrence.startsAt.getTime());
}
