/** Event times for people: in the event's zone and the viewer's, with the zone's abbreviation. */
import { DateTime } from '../platform/luxon.ts';
import { rememberedFormat as remembered, zoneAbbreviation } from '../platform/time.ts';

/** "Wednesday, November 4, 2026, 2:00 – 3:00 PM EST" (the end date is written when it differs). */
export function formatWhen(start: Date, end: Date, zone: string): string {
  return remembered(`w|${start.getTime()}|${end.getTime()}|${zone}`, () => formatWhenNow(start, end, zone));
}

function formatWhenNow(start: Date, end: Date, zone: string): string {
  const s = DateTime.fromJSDate(start, { zone });
  const e = DateTime.fromJSDate(end, { zone });
  const day = s.toFormat('cccc, LLLL d, yyyy');
  const time = (d: DateTime) => d.toFormat('h:mm a');
  if (s.hasSame(e, 'day')) return `${day}, ${time(s)} – ${time(e)} ${zoneAbbreviation(e)}`;
  return `${day}, ${time(s)} ${zoneAbbreviation(s)} – ${e.toFormat('cccc, LLLL d, yyyy')}, ${time(e)} ${zoneAbbreviation(e)}`;
}

/** "Nov 4, 2:00 PM EST": short form for lists. */
export function formatShort(start: Date, zone: string): string {
  return remembered(`s|${start.getTime()}|${zone}`, () => {
    const d = DateTime.fromJSDate(start, { zone });
    return `${d.toFormat('LLL d, yyyy, h:mm a')} ${zoneAbbreviation(d)}`;
  });
}

/** "2:00 PM" */
export function formatClock(d: Date, zone: string): string {
  return remembered(`c|${d.getTime()}|${zone}`, () => DateTime.fromJSDate(d, { zone }).toFormat('h:mm a'));
}

export function zoneName(zone: string, at: Date): string {
  return remembered(`z|${at.getTime()}|${zone}`, () => zoneAbbreviation(DateTime.fromJSDate(at, { zone }), 'long'));
}

export function isValidZone(zone: string): boolean {
  return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && DateTime.now().setZone(zone).isValid;
}

/** Zones offered in forms: the U.S. zones first. */
export const COMMON_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'Pacific/Guam',
  'Pacific/Pago_Pago',
  'UTC',
];

/** A local date and time typed in a form ("2026-11-04" and "14:00") in `zone`, or undefined when not real. */
export function parseLocal(date: string, time: string, zone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{1,2}:\d{2}$/.test(time)) return undefined;
  const d = DateTime.fromISO(`${date}T${time.padStart(5, '0')}`, { zone });
  if (!d.isValid) return undefined;
  // A time that does not exist (the hour skipped when clocks go forward) is refused rather than shifted.
  if (d.toFormat('HH:mm') !== time.padStart(5, '0')) return undefined;
  return d.toJSDate();
}

export function localDate(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toISODate()!;
}

export function localTime(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat('HH:mm');
}
