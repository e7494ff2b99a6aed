/** The dashboard's date range from the query string: checked, with errors people can act on. */
import { addDays, dayLabel, daysBetween, dayOf, parseDay, type Day } from './days.ts';
import type { DateRange } from './figures.ts';

export const MAX_DAYS = 366;
export const DEFAULT_DAYS = 84;
const EARLIEST: Day = '2000-01-01';

export type RangeResult =
  { ok: true; range: DateRange; values: { from: string; to: string } } | { ok: false; errors: Record<string, string>; values: { from: string; to: string } };

/** Read `from` and `to` (YYYY-MM-DD, UTC days); blank means the last twelve weeks to today. */
export function parseRange(query: { from?: unknown; to?: unknown }, now = new Date()): RangeResult {
  const today = dayOf(now);
  const raw = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 40) : '');
  const values = { from: raw(query.from), to: raw(query.to) };
  const errors: Record<string, string> = {};
  const to = values.to ? parseDay(values.to) : today;
  if (!to) errors.to = 'Enter the end date as year-month-day, for example 2026-03-31.';
  else if (to > today) errors.to = `The end date cannot be after today (${dayLabel(today)}). Choose today or an earlier day.`;
  const from = values.from ? parseDay(values.from) : to && to <= today ? addDays(to, -(DEFAULT_DAYS - 1)) : addDays(today, -(DEFAULT_DAYS - 1));
  if (!from) errors.from = 'Enter the start date as year-month-day, for example 2026-01-01.';
  else if (from < EARLIEST) errors.from = `Choose a start date on or after ${dayLabel(EARLIEST)}.`;
  else if (to && !errors.to && from > to) errors.from = 'The start date must be on or before the end date. Swap the two dates or pick an earlier start.';
  else if (to && !errors.to && daysBetween(from, to) + 1 > MAX_DAYS)
    errors.from = `Choose at most ${MAX_DAYS} days. For a longer period, look at (or download) one year at a time.`;
  if (Object.keys(errors).length || !from || !to) return { ok: false, errors, values };
  return { ok: true, range: { from, to }, values: { from, to } };
}
