/**
 * iCalendar (RFC 5545) text: CRLF line ends, lines folded at 75 octets without splitting a
 * character, escaped text, local times with TZID and the zone's VTIMEZONE (from
 * timezones-ical-library), RRULE and EXDATE for series, RECURRENCE-ID for moved sessions, and
 * METHOD:REQUEST / METHOD:CANCEL (RFC 5546) for mail attachments.
 */
import { DateTime } from '../platform/luxon.ts';
import { tzlib_get_ical_block } from 'timezones-ical-library';

export interface CalendarPerson {
  name?: string;
  email: string;
}

export interface CalendarEvent {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  /** IANA zone the times are written in. */
  zone: string;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  status: 'CONFIRMED' | 'CANCELLED';
  /** RRULE value, for the master of a series. */
  rrule?: string;
  /** Starts the rule gives that do not happen. */
  exdates?: Date[];
  /** For one session of a series: the start the rule gave it. */
  recurrenceId?: Date;
  organizer?: CalendarPerson;
  attendees?: CalendarPerson[];
  /** When this version was written (DTSTAMP). */
  stamp: Date;
  lastModified?: Date;
  categories?: string[];
}

export interface CalendarOptions {
  /** REQUEST or CANCEL for mail (RFC 5546); omit for feeds (PUBLISH is implied). */
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  name?: string;
  events: CalendarEvent[];
}

export const PRODID = '-//socialgov//events//EN';

/** Escape TEXT values (RFC 5545 3.3.11). */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const max = out.length ? 74 : 75; // continuation lines start with a space
    if (octets + size > max) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function utcStamp(d: Date): string {
  return DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
}

function localStamp(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat("yyyyMMdd'T'HHmmss");
}

function isUtc(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC';
}

/** A DATE-TIME property in the event's zone (or UTC). */
function timeProp(name: string, d: Date, zone: string): string {
  return isUtc(zone) ? `${name}:${utcStamp(d)}` : `${name};TZID=${zone}:${localStamp(d, zone)}`;
}

function person(name: string, p: CalendarPerson, extra = ''): string {
  const cn = p.name ? `;CN="${p.name.replace(/["\\;:,\r\n]/g, ' ').trim()}"` : '';
  return `${name}${cn}${extra}:mailto:${p.email}`;
}

/** The VTIMEZONE block for a zone, with CRLF line ends. */
export function vtimezone(zone: string): string {
  const block = tzlib_get_ical_block(zone);
  const text = Array.isArray(block) ? block[0] : undefined;
  if (!text || !text.startsWith('BEGIN:VTIMEZONE')) throw new Error(`No time zone definition for ${zone}.`);
  return text.replace(/\r?\n/g, '\r\n');
}

/** Whether socialgov can write a VTIMEZONE for this IANA name. */
export function knownZone(zone: string): boolean {
  if (isUtc(zone)) return true;
  if (!DateTime.now().setZone(zone).isValid) return false;
  try {
    vtimezone(zone);
    return true;
  } catch {
    return false;
  }
}

function eventLines(e: CalendarEvent, method: CalendarOptions['method']): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
    timeProp('DTSTART', e.start, e.zone),
    timeProp('DTEND', e.end, e.zone),
  ];
  if (e.recurrenceId) lines.push(timeProp('RECURRENCE-ID', e.recurrenceId, e.zone));
  if (e.rrule) lines.push(`RRULE:${e.rrule}`);
  if (e.exdates?.length)
    lines.push(
      `${isUtc(e.zone) ? 'EXDATE' : `EXDATE;TZID=${e.zone}`}:${e.exdates.map((d) => (isUtc(e.zone) ? utcStamp(d) : localStamp(d, e.zone))).join(',')}`,
    );
  lines.push(`SUMMARY:${escapeText(e.summary)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  if (e.categories?.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
  lines.push(`STATUS:${e.status}`);
  if (e.lastModified) lines.push(`LAST-MODIFIED:${utcStamp(e.lastModified)}`);
  if (e.organizer) lines.push(person('ORGANIZER', e.organizer));
  for (const a of e.attendees ?? []) {
    lines.push(
      person('ATTENDEE', a, method === 'CANCEL' ? ';ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION' : ';ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE'),
    );
  }
  lines.push('TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

/** A whole VCALENDAR object. */
export function buildCalendar(opts: CalendarOptions): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`, 'CALSCALE:GREGORIAN'];
  if (opts.method) lines.push(`METHOD:${opts.method}`);
  if (opts.name) lines.push(`X-WR-CALNAME:${escapeText(opts.name)}`, `NAME:${escapeText(opts.name)}`);
  const zones = [...new Set(opts.events.map((e) => e.zone))].filter((z) => !isUtc(z)).sort();
  const body = lines.map(foldLine);
  for (const z of zones) body.push(vtimezone(z));
  for (const e of opts.events) body.push(...eventLines(e, opts.method).map(foldLine));
  body.push('END:VCALENDAR');
  return body.join('\r\n') + '\r\n';
}
