/** An event as iCalendar VEVENTs: a series as one master with RRULE and EXDATE plus moved sessions; one session on its own. */
import { buildCalendar, type CalendarEvent, type CalendarPerson } from './ics.ts';
import { FORMAT_TEXT, PLATFORM_TEXT, venueLine, type Occurrence, type StoredEvent } from './model.ts';

export interface CalendarView {
  baseUrl: string;
  now: Date;
  organizer?: CalendarPerson;
  attendee?: CalendarPerson;
  /** Registrants' copies carry the join link; public feeds do not. */
  withJoinLink?: boolean;
}

export function eventUrl(baseUrl: string, e: { slug: string }): string {
  return `${baseUrl}/events/${e.slug}`;
}

export function locationText(e: StoredEvent): string {
  const place = venueLine(e.venue);
  const online = e.platform ? (e.platform === 'other' ? (e.platformOther ?? 'Online') : PLATFORM_TEXT[e.platform]) : 'Online';
  if (e.format === 'in-person') return place || FORMAT_TEXT['in-person'];
  if (e.format === 'online') return online;
  return [place, online].filter(Boolean).join(' and ');
}

function description(e: StoredEvent, v: CalendarView, o?: Occurrence): string {
  const lines = [e.summary ?? e.deck ?? '', '', `Details: ${eventUrl(v.baseUrl, e)}`];
  if (v.withJoinLink && e.joinUrl) lines.push(`Join: ${e.joinUrl}`);
  if (e.captionsUrl) lines.push(`Live captions (CART): ${e.captionsUrl}`);
  if (o?.note) lines.push('', o.note);
  return lines.join('\n').trim();
}

function base(e: StoredEvent, v: CalendarView): Omit<CalendarEvent, 'uid' | 'start' | 'end' | 'status'> {
  const c: Omit<CalendarEvent, 'uid' | 'start' | 'end' | 'status'> = {
    sequence: e.sequence,
    zone: e.timeZone,
    summary: e.title,
    location: locationText(e),
    url: eventUrl(v.baseUrl, e),
    stamp: v.now,
    lastModified: e.updatedAt,
    categories: e.topics,
  };
  if (v.organizer) c.organizer = v.organizer;
  if (v.attendee) c.attendees = [v.attendee];
  return c;
}

/** The whole event: a one-time event, or a series with its exceptions. */
export function eventVEvents(e: StoredEvent, occurrences: Occurrence[], v: CalendarView): CalendarEvent[] {
  const cancelled = e.status === 'cancelled';
  if (!e.rrule) {
    const o = occurrences[0];
    return [
      {
        ...base(e, v),
        description: description(e, v, o),
        uid: e.uid,
        start: o?.startsAt ?? e.startsAt,
        end: o?.endsAt ?? e.endsAt,
        status: cancelled || (o && o.status !== 'scheduled') ? 'CANCELLED' : 'CONFIRMED',
      },
    ];
  }
  const master: CalendarEvent = {
    ...base(e, v),
    description: description(e, v),
    uid: e.uid,
    start: e.startsAt,
    end: e.endsAt,
    rrule: e.rrule,
    exdates: occurrences.filter((o) => o.status !== 'scheduled').map((o) => o.originalStart),
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
  };
  const moved = occurrences
    .filter(
      (o) =>
        o.status === 'scheduled' &&
        (o.startsAt.getTime() !== o.originalStart.getTime() || o.endsAt.getTime() - o.startsAt.getTime() !== e.endsAt.getTime() - e.startsAt.getTime()),
    )
    .map((o): CalendarEvent => ({
      ...base(e, v),
      description: description(e, v, o),
      uid: e.uid,
      start: o.startsAt,
      end: o.endsAt,
      recurrenceId: o.originalStart,
      status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    }));
  return [master, ...moved];
}

/** One session of a series on its own (a registration for that session only). */
export function occurrenceVEvent(e: StoredEvent, o: Occurrence, v: CalendarView): CalendarEvent {
  if (!e.rrule) return eventVEvents(e, [o], v)[0]!;
  return {
    ...base(e, v),
    description: description(e, v, o),
    uid: `${o.id}.${e.uid}`,
    start: o.startsAt,
    end: o.endsAt,
    status: e.status === 'cancelled' || o.status !== 'scheduled' ? 'CANCELLED' : 'CONFIRMED',
  };
}

/** A feed of many events. */
export function feedCalendar(name: string, events: Array<{ event: StoredEvent; occurrences: Occurrence[] }>, v: CalendarView): string {
  return buildCalendar({ name, events: events.flatMap(({ event, occurrences }) => eventVEvents(event, occurrences, v)) });
}
