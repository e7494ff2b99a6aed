/**
 * UTC calendar days for metrics. Every roll-up covers one UTC day (00:00 to 24:00 UTC), so a day's
 * figures are the same whoever looks at them; weeks start on Monday (ISO 8601).
 */
import { DateTime } from '../platform/luxon.ts';
import type { Day, DayWindow } from '../platform/contributions.ts';

// A UTC calendar day as YYYY-MM-DD, and the part of one a figure covers: shapes shared with the
// metric sources other features add (platform/contributions.ts).
export type { Day, DayWindow };

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The day `d` if it is a real calendar date written YYYY-MM-DD, otherwise undefined. */
export function parseDay(d: string): Day | undefined {
  if (!DAY_RE.test(d)) return undefined;
  const t = DateTime.fromISO(d, { zone: 'utc' });
  return t.isValid ? d : undefined;
}

export function dayOf(at: Date): Day {
  return DateTime.fromJSDate(at, { zone: 'utc' }).toISODate()!;
}

export function addDays(d: Day, n: number): Day {
  return DateTime.fromISO(d, { zone: 'utc' }).plus({ days: n }).toISODate()!;
}

export function startOf(d: Day): Date {
  return DateTime.fromISO(d, { zone: 'utc' }).toJSDate();
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round(DateTime.fromISO(b, { zone: 'utc' }).diff(DateTime.fromISO(a, { zone: 'utc' }), 'days').days);
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The Monday that starts the ISO week of `d`. */
export function weekOf(d: Day): Day {
  return DateTime.fromISO(d, { zone: 'utc' }).startOf('week').toISODate()!;
}

/** The window of a whole day, or of today so far when `now` falls inside it. */
export function windowOf(d: Day, now: Date): DayWindow {
  const start = startOf(d);
  const next = startOf(addDays(d, 1));
  return { day: d, start, end: now < next ? now : next };
}

/** "Mar 5, 2026" */
export function dayLabel(d: Day): string {
  return DateTime.fromISO(d, { zone: 'utc' }).toFormat('MMM d, yyyy');
}

/** "Mar 5" */
export function shortDayLabel(d: Day): string {
  return DateTime.fromISO(d, { zone: 'utc' }).toFormat('MMM d');
}
