/** The sums behind the dashboard: days into weeks and ranges, medians. Plain functions, no I/O. */
import { addDays, weekOf, type Day } from './days.ts';
import type { MetricDefinition } from './sources.ts';

export interface DayRow {
  day: Day;
  /** metric → value; a metric missing on a day is 0 (or, for a level such as members, unknown). */
  values: Record<string, number>;
}

export interface WeekRow {
  /** The Monday that starts the week. */
  week: Day;
  /** The first and last day of the week inside the range. */
  from: Day;
  to: Day;
  /** Fewer than seven days of the week fall in the range. */
  partial: boolean;
  values: Record<string, number>;
}

/**
 * Combine consecutive days: 'sum' metrics add up; 'last' metrics (levels such as the member count)
 * take the value of the last day that has one.
 */
export function combine(days: DayRow[], definitions: MetricDefinition[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of definitions) {
    if (d.combine === 'sum') out[d.metric] = days.reduce((n, r) => n + (r.values[d.metric] ?? 0), 0);
    else {
      const last = [...days].reverse().find((r) => r.values[d.metric] !== undefined);
      if (last) out[d.metric] = last.values[d.metric]!;
    }
  }
  return out;
}

/** Group days (in order) into ISO weeks, Monday first. */
export function byWeek(days: DayRow[], definitions: MetricDefinition[]): WeekRow[] {
  const groups = new Map<Day, DayRow[]>();
  for (const d of days) {
    const w = weekOf(d.day);
    const g = groups.get(w);
    if (g) g.push(d);
    else groups.set(w, [d]);
  }
  return [...groups].map(([week, rows]) => ({
    week,
    from: rows[0]!.day,
    to: rows[rows.length - 1]!.day,
    partial: rows.length < 7 || rows[0]!.day !== week || rows[rows.length - 1]!.day !== addDays(week, 6),
    values: combine(rows, definitions),
  }));
}

/** The median of the numbers (the mean of the middle two for an even count); null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Distinct posters per week and over the whole range, from (day, poster) pairs. */
export function countPosters(pairs: Array<{ day: Day; poster: string }>): { total: number; byWeek: Map<Day, number> } {
  const all = new Set<string>();
  const weeks = new Map<Day, Set<string>>();
  // one calendar look-up per day, not per pair: a year can hold tens of thousands of pairs
  const weekOfDay = new Map<Day, Day>();
  for (const p of pairs) {
    all.add(p.poster);
    let w = weekOfDay.get(p.day);
    if (!w) weekOfDay.set(p.day, (w = weekOf(p.day)));
    let set = weeks.get(w);
    if (!set) weeks.set(w, (set = new Set()));
    set.add(p.poster);
  }
  return { total: all.size, byWeek: new Map([...weeks].map(([w, s]) => [w, s.size])) };
}

/** "3 hours 20 minutes", "2 days 4 hours", "45 minutes", "under a minute". */
export function durationText(seconds: number | null): string {
  if (seconds === null) return 'no answers yet';
  const s = Math.round(seconds);
  if (s < 60) return 'under a minute';
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const part = (n: number, unit: string) => (n ? `${n} ${unit}${n === 1 ? '' : 's'}` : '');
  if (days) return [part(days, 'day'), part(hours, 'hour')].filter(Boolean).join(' ');
  if (hours) return [part(hours, 'hour'), part(minutes, 'minute')].filter(Boolean).join(' ');
  return part(minutes, 'minute');
}
