/**
 * The mail registrants get besides their own registering: an event's changes and a session's
 * cancellation, reminders before a session, follow-ups after it, and an organizer's message.
 * Each mail is queued with a key so it goes once per person even across restarts and retries.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from '../platform/luxon.ts';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import * as mails from './mails.ts';
import type { Occurrence, StoredEvent } from './model.ts';
import { findEventById, findOccurrence, occurrencesOf } from './store.ts';
import { cancelledInstance, invitation, links, toRegistration, type EventsDeps, type Registration, type RegistrationStatus } from './registration.ts';

async function activeRegistrations(
  db: Queryable,
  occurrenceIds: number[],
  statuses: RegistrationStatus[] = ['registered', 'offered', 'waitlisted'],
): Promise<Registration[]> {
  if (!occurrenceIds.length) return [];
  const { rows } = await db.query(
    'select * from event_registrations where occurrence_id = any($1::bigint[]) and status = any($2::text[]) order by created_at, id',
    [occurrenceIds, statuses],
  );
  return rows.map(toRegistration);
}

/** Tell registrants of upcoming sessions that the event changed (updated invitation, new SEQUENCE) or was cancelled. */
export async function notifyEventChange(db: Queryable, deps: EventsDeps, e: StoredEvent, changes: string[], now: Date): Promise<number> {
  if (!changes.length) return 0;
  const upcoming = (await occurrencesOf(db, e.id)).filter((o) => o.endsAt > now);
  const regs = await activeRegistrations(
    db,
    upcoming.map((o) => o.id),
    ['registered', 'offered'],
  );
  const seenGroups = new Set<string>();
  let sent = 0;
  for (const r of regs) {
    if (r.seriesGroup) {
      if (seenGroups.has(r.seriesGroup)) continue;
      seenGroups.add(r.seriesGroup);
    }
    const o = upcoming.find((x) => x.id === r.occurrenceId)!;
    const cancelled = e.status === 'cancelled' || o.status === 'cancelled';
    const ics = await invitation(db, deps, e, o, r, now, cancelled ? 'CANCEL' : 'REQUEST');
    const who = r.seriesGroup ? `group:${r.seriesGroup}` : String(r.id);
    const mail = cancelled ? mails.sessionCancelledMail(r, e, o, links(deps, e, r.id), ics) : mails.changedMail(r, e, o, links(deps, e, r.id), changes, ics);
    if (await queueMail(db, deps.queue, mail, { key: `event-update:${e.id}:${e.sequence}:${who}` })) sent++;
  }
  return sent;
}

/** Tell a cancelled session's registrants (METHOD:CANCEL for that session). */
export async function notifySessionCancelled(db: Queryable, deps: EventsDeps, e: StoredEvent, o: Occurrence, now: Date): Promise<number> {
  const regs = await activeRegistrations(db, [o.id]);
  let sent = 0;
  for (const r of regs) {
    const ics =
      r.seriesGroup && e.rrule ? mails.icsAttachment('CANCEL', [cancelledInstance(deps, e, o, r, now)]) : await invitation(db, deps, e, o, r, now, 'CANCEL');
    if (
      await queueMail(db, deps.queue, mails.sessionCancelledMail(r, e, o, links(deps, e, r.id), ics, o.note), {
        key: `event-session-cancelled:${o.id}:${r.id}`,
      })
    )
      sent++;
  }
  return sent;
}

/** Reminder offsets, e.g. "7d,1d,1h" → [{label: '1 week', minutes}, ...]. */
export function parseReminders(text: string): Array<{ code: string; label: string; minutes: number }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((code) => {
      const m = /^(\d{1,3})([wdhm])$/.exec(code);
      if (!m) throw new Error(`"${code}" is not a reminder time; write e.g. 1w, 1d, 1h or 30m.`);
      const n = Number(m[1]);
      const unit = { w: ['week', 7 * 24 * 60], d: ['day', 24 * 60], h: ['hour', 60], m: ['minute', 1] }[m[2] as 'w' | 'd' | 'h' | 'm'] as [string, number];
      return { code, label: `${n} ${unit[0]}${n === 1 ? '' : 's'}`, minutes: n * unit[1] };
    });
}

/**
 * Send the reminders that are due at `now` (scheduled every minute). A reminder is due once its
 * time has come and the session has not started; people who registered after a reminder's time
 * do not get that one. The key makes each go once per person and session.
 */
export async function sendDueReminders(db: Queryable, deps: EventsDeps, now: Date): Promise<number> {
  const offsets = parseReminders(deps.config.eventReminders);
  if (!offsets.length) return 0;
  const longest = Math.max(...offsets.map((o) => o.minutes));
  const { rows } = await db.query<{ occurrence_id: string; event_id: string }>(
    `select distinct o.id as occurrence_id, o.event_id from event_occurrences o join events e on e.id = o.event_id
      where o.status = 'scheduled' and e.status = 'published' and o.starts_at > $1 and o.starts_at <= $1 + make_interval(mins => $2)`,
    [now, longest],
  );
  let sent = 0;
  for (const row of rows) {
    const o = (await findOccurrence(db, Number(row.occurrence_id)))!;
    const e = (await findEventById(db, Number(row.event_id)))!;
    const due = offsets.filter((x) => DateTime.fromJSDate(o.startsAt).minus({ minutes: x.minutes }).toJSDate() <= now);
    if (!due.length) continue;
    // Only the closest reminder that is due: someone registered 2 hours ahead gets the 1-hour one, not three at once.
    const nearest = due.reduce((a, b) => (a.minutes < b.minutes ? a : b));
    const at = DateTime.fromJSDate(o.startsAt).minus({ minutes: nearest.minutes }).toJSDate();
    for (const r of await activeRegistrations(db, [o.id], ['registered'])) {
      if (r.createdAt > at) continue;
      if (
        await queueMail(db, deps.queue, mails.reminderMail(r, e, o, links(deps, e, r.id), nearest.label), {
          key: `event-reminder:${o.id}:${r.id}:${nearest.code}`,
        })
      )
        sent++;
    }
  }
  return sent;
}

/**
 * Follow-ups after sessions: once the recording is posted (or two days after the end without
 * one), registrants get the recording, slides and evaluation link. Sessions that ended more
 * than 30 days ago are left alone.
 */
export async function sendFollowUps(db: Queryable, deps: EventsDeps, now: Date): Promise<number> {
  const { rows } = await db.query<{ id: string; event_id: string }>(
    `select o.id, o.event_id from event_occurrences o join events e on e.id = o.event_id
      where o.status = 'scheduled' and e.status = 'published' and o.ends_at <= $1 and o.ends_at > $1 - interval '30 days'
        and (o.recording_url is not null or o.youtube_id is not null or o.slides_url is not null or o.ends_at <= $1 - interval '2 days')`,
    [now],
  );
  let sent = 0;
  for (const row of rows) {
    const o = (await findOccurrence(db, Number(row.id)))!;
    const e = (await findEventById(db, Number(row.event_id)))!;
    for (const r of await activeRegistrations(db, [o.id], ['registered'])) {
      if (await queueMail(db, deps.queue, mails.followUpMail(r, e, o, links(deps, e, r.id)), { key: `event-followup:${o.id}:${r.id}` })) sent++;
    }
  }
  return sent;
}

// ---- Organizers -------------------------------------------------------------------------

/** Mail everyone registered (and, if asked, waiting) for a session. */
export async function messageRegistrants(
  db: Queryable,
  deps: EventsDeps,
  actor: Actor,
  props: { event: StoredEvent; occurrence: Occurrence; subject: string; body: string; includeWaitlist: boolean; from: string },
): Promise<number> {
  const statuses: RegistrationStatus[] = props.includeWaitlist ? ['registered', 'offered', 'waitlisted'] : ['registered', 'offered'];
  const regs = await activeRegistrations(db, [props.occurrence.id], statuses);
  const messageId = randomUUID();
  for (const r of regs) {
    await queueMail(db, deps.queue, mails.organizerMessageMail(r, props.event, props.subject, props.body, links(deps, props.event, r.id), props.from), {
      key: `event-message:${messageId}:${r.id}`,
    });
  }
  await recordAudit(db, actor, {
    action: 'event.message',
    subjectType: 'event-occurrence',
    subjectId: String(props.occurrence.id),
    after: { subject: props.subject, recipients: regs.length },
  });
  return regs.length;
}
