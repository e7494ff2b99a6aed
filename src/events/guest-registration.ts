/**
 * Guests register in two steps. A visitor who is not signed in gives a name and an address;
 * that is only a request: it holds no seat, sends no calendar invitation, and mails the address
 * a single-use link. Opening the link and pressing the button proves the mailbox, and only then
 * is the person registered (or put on the waiting list, if the session filled in the meantime).
 * Signed-in members skip this: their address is already proven.
 *
 * Requests expire by a query-time rule (a link works while `expires_at` is ahead); the minute
 * job only deletes rows a week past that, so names and addresses nobody confirmed are not kept.
 */
import { DateTime } from '../platform/luxon.ts';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import { eventUrl } from './calendar.ts';
import * as mails from './mails.ts';
import type { Occurrence, StoredEvent } from './model.ts';
import {
  manageUrl,
  openForRegistration,
  register,
  RegistrationClosedError,
  registrationOf,
  type EventsDeps,
  type RegisterResult,
  type RegistrationDetails,
} from './registration.ts';
import { findEventById, findOccurrence } from './store.ts';

/** How long a confirmation link works. */
export const GUEST_LINK_HOURS = 24;

/** A guest's request as it waits for the address to be confirmed. */
export interface GuestRequest {
  id: number;
  occurrenceId: number;
  name: string;
  email: string;
  agency?: string;
  everySession: boolean;
  details: RegistrationDetails;
  expiresAt: Date;
}

interface RequestRow {
  id: string;
  occurrence_id: string;
  name: string;
  email: string;
  agency: string | null;
  every_session: boolean;
  details: RegistrationDetails;
  expires_at: Date;
  confirmed_at: Date | null;
  registration_id: string | null;
}

function toRequest(r: RequestRow): GuestRequest {
  const g: GuestRequest = {
    id: Number(r.id),
    occurrenceId: Number(r.occurrence_id),
    name: r.name,
    email: r.email,
    everySession: r.every_session,
    details: r.details,
    expiresAt: r.expires_at,
  };
  if (r.agency) g.agency = r.agency;
  return g;
}

export function confirmLink(baseUrl: string, raw: string): string {
  return `${baseUrl}/events/registrations/confirm?token=${raw}`;
}

/**
 * A guest asks to register: save (or renew) the one open request for this address and session
 * and mail a new link; the older link stops working. An address already registered gets its
 * registration link by mail instead. The caller's page says the same in both cases, so the form
 * does not tell a stranger who is registered.
 */
export async function requestGuestRegistration(
  db: Queryable,
  deps: EventsDeps,
  actor: Actor,
  props: {
    event: StoredEvent;
    occurrence: Occurrence;
    everySession: boolean;
    /** What the guest typed; nothing here is trusted until the address is confirmed. */
    person: { name: string; email: string; agency?: string };
    details: RegistrationDetails;
    ip?: string;
    now: Date;
  },
): Promise<'asked' | 'already-registered'> {
  const { event: e, occurrence: o, person, now } = props;
  if (!openForRegistration(e, o, now)) throw new RegistrationClosedError('Registration for this session is closed.');
  const existing = await registrationOf(db, o.id, person.email);
  if (existing) {
    await recordAudit(db, actor, {
      action: 'event.register.request',
      subjectType: 'event',
      subjectId: e.slug,
      after: { email: person.email, occurrenceId: o.id, alreadyRegistered: existing.id },
    });
    const links = { event: eventUrl(deps.baseUrl, e), manage: manageUrl(deps, existing.id) };
    // No once-only key: each request is its own occasion, and the per-address rate limit bounds how many there are.
    await queueMail(db, deps.queue, mails.alreadyRegisteredMail(existing.email, e, o, links));
    return 'already-registered';
  }
  const token = newToken();
  const expires = DateTime.fromJSDate(now).plus({ hours: GUEST_LINK_HOURS }).toJSDate();
  const everySession = props.everySession && Boolean(e.rrule);
  const { rows } = await db.query<{ id: string; sends: number }>(
    `insert into event_registration_requests (occurrence_id, name, email, agency, every_session, details, token_hash, expires_at, ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (occurrence_id, lower(email)) where confirmed_at is null do update
       set name = excluded.name, email = excluded.email, agency = excluded.agency, every_session = excluded.every_session, details = excluded.details,
           token_hash = excluded.token_hash, expires_at = excluded.expires_at, ip = excluded.ip,
           sends = event_registration_requests.sends + 1, updated_at = now()
     returning id, sends`,
    [o.id, person.name, person.email, person.agency ?? null, everySession, JSON.stringify(props.details), token.hash, expires, props.ip ?? null],
  );
  const { id, sends } = rows[0]!;
  await recordAudit(db, actor, {
    action: 'event.register.request',
    subjectType: 'event',
    subjectId: e.slug,
    after: { email: person.email, occurrenceId: o.id, request: Number(id), everySession },
  });
  const mail = mails.confirmAddressMail(person.email, e, o, eventUrl(deps.baseUrl, e), confirmLink(deps.baseUrl, token.raw), GUEST_LINK_HOURS, everySession);
  await queueMail(db, deps.queue, mail, { key: `event-request:${id}:${sends}` });
  return 'asked';
}

export type GuestLink =
  | { state: 'invalid' }
  | { state: 'expired' | 'closed'; event: StoredEvent; occurrence: Occurrence }
  | { state: 'used'; event: StoredEvent; occurrence: Occurrence; registrationId?: number }
  | { state: 'valid'; event: StoredEvent; occurrence: Occurrence; request: GuestRequest };

async function linkState(db: Queryable, row: RequestRow | undefined, now: Date): Promise<GuestLink> {
  if (!row) return { state: 'invalid' };
  const occurrence = await findOccurrence(db, Number(row.occurrence_id));
  const event = occurrence ? await findEventById(db, occurrence.eventId) : undefined;
  if (!occurrence || !event) return { state: 'invalid' };
  if (row.confirmed_at) return { state: 'used', event, occurrence, ...(row.registration_id ? { registrationId: Number(row.registration_id) } : {}) };
  if (row.expires_at <= now) return { state: 'expired', event, occurrence };
  if (!openForRegistration(event, occurrence, now)) return { state: 'closed', event, occurrence };
  return { state: 'valid', event, occurrence, request: toRequest(row) };
}

/** What a link is for, without using it: the page shows this above the button (mail scanners open links; only people press buttons). */
export async function lookupGuestLink(db: Queryable, raw: string, now: Date): Promise<GuestLink> {
  const { rows } = await db.query<RequestRow>('select * from event_registration_requests where token_hash = $1', [hashToken(raw)]);
  return linkState(db, rows[0], now);
}

export type GuestConfirmation =
  Exclude<GuestLink, { state: 'valid' }> | { state: 'confirmed'; event: StoredEvent; occurrence: Occurrence; result: RegisterResult };

/**
 * Use a link: the mailbox is proven, so register the person as `register` does for a member,
 * with a seat if one is free, else on the waiting list, and with the calendar invitation.
 * The request is locked and marked used in the same transaction, so the link works once.
 */
export async function confirmGuestRegistration(
  db: Queryable,
  deps: EventsDeps,
  props: {
    /** The raw token from the link. */
    token: string;
    /** Where the button was pressed; the audit trail's actor is the address just proven. */
    ip: string;
    now: Date;
  },
): Promise<GuestConfirmation> {
  const { now } = props;
  const { rows } = await db.query<RequestRow>('select * from event_registration_requests where token_hash = $1 for update', [hashToken(props.token)]);
  const link = await linkState(db, rows[0], now);
  if (link.state !== 'valid') return link;
  const { event, occurrence, request: r } = link;
  const actor: Actor = { name: r.email, source: props.ip };
  const person = { name: r.name, email: r.email, ...(r.agency ? { agency: r.agency } : {}) };
  let result: RegisterResult;
  try {
    result = await register(db, deps, actor, { event, occurrence, everySession: r.everySession, person, details: r.details, now });
  } catch (err) {
    if (err instanceof RegistrationClosedError) return { state: 'closed', event, occurrence };
    throw err;
  }
  const mine = result.registrations.find((x) => x.occurrenceId === occurrence.id) ?? result.registrations[0]!;
  await db.query('update event_registration_requests set confirmed_at = $2, registration_id = $3, updated_at = now() where id = $1', [r.id, now, mine.id]);
  return { state: 'confirmed', event, occurrence, result };
}

/** Requests waiting for their address to be confirmed (organizers see how many, not who). */
export async function unconfirmedGuestCount(db: Queryable, occurrenceId: number, now: Date): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'select count(*) as n from event_registration_requests where occurrence_id = $1 and confirmed_at is null and expires_at > $2',
    [occurrenceId, now],
  );
  return Number(rows[0]!.n);
}

/** Delete requests a week past their link's expiry (scheduled job); a confirmed request's data lives on in its registration. */
export async function forgetOldGuestRequests(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from event_registration_requests where expires_at < $1::timestamptz - interval '7 days'`, [now]);
  return rowCount ?? 0;
}
