/**
 * Recurring events: the RFC 5545 RRULE subset communities use ("every Wednesday", "every other
 * Tuesday", "second Wednesday of every month", "the 15th of each month", until a date or for a
 * number of sessions), parsed with plain-language errors and expanded in the event's time zone
 * with luxon, so 14:00 stays 14:00 local across daylight-saving changes.
 */
import { DateTime } from '../platform/luxon.ts';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const WEEKDAY_NAMES: Record<Weekday, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const ORDINALS: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last', '-2': 'second to last' };

export interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  /** Weekdays, each with an ordinal for MONTHLY rules (2WE = the second Wednesday; -1FR = the last Friday). */
  byDay: Array<{ day: Weekday; nth?: number }>;
  byMonthDay: number[];
  until?: Date;
  count?: number;
}

export class RuleError extends Error {
  readonly code = 'RRULE_INVALID';
}

const MAX_OCCURRENCES = 1000;

/** Parse an RRULE value (with or without the "RRULE:" prefix). Throws RuleError with a message for people. */
export function parseRule(value: string, zone = 'UTC'): Rule {
  const text = value.trim().replace(/^RRULE:/i, '');
  if (!text) throw new RuleError('The repeat rule is empty. Write it like FREQ=WEEKLY;BYDAY=WE.');
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) throw new RuleError(`"${part}" is not a NAME=VALUE part. Write the rule like FREQ=WEEKLY;BYDAY=WE.`);
    const name = part.slice(0, eq).toUpperCase();
    if (parts.has(name)) throw new RuleError(`${name} appears twice in the repeat rule; keep one.`);
    parts.set(name, part.slice(eq + 1).toUpperCase());
  }
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'UNTIL', 'COUNT', 'WKST']);
  for (const name of parts.keys()) {
    if (!known.has(name)) throw new RuleError(`${name} is not supported in repeat rules here; use FREQ, INTERVAL, BYDAY, BYMONTHDAY, UNTIL or COUNT.`);
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') {
    throw new RuleError(freq ? `FREQ=${freq} is not supported; use DAILY, WEEKLY or MONTHLY.` : 'The repeat rule needs FREQ (DAILY, WEEKLY or MONTHLY).');
  }
  const intervalText = parts.get('INTERVAL') ?? '1';
  if (!/^\d{1,2}$/.test(intervalText) || Number(intervalText) < 1) throw new RuleError(`INTERVAL=${intervalText} must be a whole number from 1 to 99.`);
  const byDay: Rule['byDay'] = [];
  for (const item of (parts.get('BYDAY') ?? '').split(',').filter(Boolean)) {
    const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m) throw new RuleError(`BYDAY value "${item}" is not a weekday; use MO, TU, WE, TH, FR, SA, SU (with 2WE for "second Wednesday" in monthly rules).`);
    const nth = m[1] ? Number(m[1]) : undefined;
    if (nth !== undefined) {
      if (freq !== 'MONTHLY') throw new RuleError(`"${item}": a numbered weekday (like 2WE) only makes sense with FREQ=MONTHLY.`);
      if (nth === 0 || nth < -5 || nth > 5) throw new RuleError(`"${item}": the number before the weekday must be 1 to 5, or -1 for the last.`);
    }
    byDay.push({ day: m[2] as Weekday, ...(nth !== undefined ? { nth } : {}) });
  }
  const byMonthDay: number[] = [];
  for (const item of (parts.get('BYMONTHDAY') ?? '').split(',').filter(Boolean)) {
    const n = Number(item);
    if (!/^-?\d{1,2}$/.test(item) || n === 0 || n > 31 || n < -31)
      throw new RuleError(`BYMONTHDAY value "${item}" must be a day of the month from 1 to 31 (or -1 for the last day).`);
    if (freq !== 'MONTHLY') throw new RuleError('BYMONTHDAY only makes sense with FREQ=MONTHLY.');
    byMonthDay.push(n);
  }
  if (freq === 'MONTHLY' && byDay.some((d) => d.nth === undefined)) {
    throw new RuleError('In a monthly rule, say which one: BYDAY=2WE for the second Wednesday, or -1FR for the last Friday.');
  }
  const rule: Rule = { freq, interval: Number(intervalText), byDay, byMonthDay };
  const until = parts.get('UNTIL');
  if (until !== undefined) {
    let d: DateTime;
    if (/^\d{8}$/.test(until)) d = DateTime.fromFormat(until, 'yyyyMMdd', { zone }).endOf('day');
    else if (/^\d{8}T\d{6}Z$/.test(until)) d = DateTime.fromFormat(until, "yyyyMMdd'T'HHmmss'Z'", { zone: 'UTC' });
    else throw new RuleError(`UNTIL=${until} must be a date like 20261231 or a UTC time like 20261231T235959Z.`);
    if (!d.isValid) throw new RuleError(`UNTIL=${until} is not a real date.`);
    rule.until = d.toJSDate();
  }
  const count = parts.get('COUNT');
  if (count !== undefined) {
    if (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > MAX_OCCURRENCES)
      throw new RuleError(`COUNT=${count} must be a number of sessions from 1 to ${MAX_OCCURRENCES}.`);
    if (rule.until) throw new RuleError('Use UNTIL or COUNT, not both.');
    rule.count = Number(count);
  }
  return rule;
}

/** The rule written back as RFC 5545 (UNTIL in UTC, as required when DTSTART has a TZID). */
export function formatRule(rule: Rule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.nth ?? ''}${d.day}`).join(',')}`);
  if (rule.byMonthDay.length) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.until) parts.push(`UNTIL=${DateTime.fromJSDate(rule.until, { zone: 'UTC' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`);
  if (rule.count) parts.push(`COUNT=${rule.count}`);
  return parts.join(';');
}

const weekdayIndex = (d: Weekday) => WEEKDAYS.indexOf(d) + 1; // luxon: Monday = 1

function nthWeekdayOfMonth(year: number, month: number, day: Weekday, nth: number, zone: string): DateTime | undefined {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone });
  const want = weekdayIndex(day);
  if (nth > 0) {
    const d = first.plus({ days: ((want - first.weekday + 7) % 7) + (nth - 1) * 7 });
    return d.month === month ? d : undefined;
  }
  const last = first.endOf('month').startOf('day');
  const d = last.minus({ days: ((last.weekday - want + 7) % 7) + (-nth - 1) * 7 });
  return d.month === month ? d : undefined;
}

/**
 * The starts the rule gives from `start` (the first session, included when it matches), in
 * order, up to `horizon`, `until` or `count`. Wall-clock time is kept in `zone`.
 */
export function expandRule(rule: Rule, start: Date, zone: string, horizon: Date): Date[] {
  const first = DateTime.fromJSDate(start, { zone });
  const clock = { hour: first.hour, minute: first.minute, second: first.second };
  const at = (d: DateTime) => DateTime.fromObject({ year: d.year, month: d.month, day: d.day, ...clock }, { zone });
  const out: Date[] = [];
  const limit = rule.until && rule.until < horizon ? rule.until : horizon;
  const push = (d: DateTime): boolean => {
    if (d < first) return true;
    if (d.toJSDate() > limit) return false;
    if (rule.count !== undefined && out.length >= rule.count) return false;
    out.push(d.toJSDate());
    return out.length < MAX_OCCURRENCES;
  };
  for (let period = 0; period < 5000; period++) {
    let candidates: DateTime[];
    if (rule.freq === 'DAILY') {
      candidates = [at(first.plus({ days: period * rule.interval }))];
    } else if (rule.freq === 'WEEKLY') {
      const weekStart = first.startOf('week').plus({ weeks: period * rule.interval });
      const days = rule.byDay.length ? rule.byDay.map((d) => weekdayIndex(d.day)) : [first.weekday];
      candidates = [...new Set(days)].sort((a, b) => a - b).map((wd) => at(weekStart.plus({ days: wd - 1 })));
    } else {
      const month = first.startOf('month').plus({ months: period * rule.interval });
      const found: DateTime[] = [];
      for (const d of rule.byDay) {
        const hit = nthWeekdayOfMonth(month.year, month.month, d.day, d.nth ?? 1, zone);
        if (hit) found.push(at(hit));
      }
      for (const n of rule.byMonthDay) {
        const dim = month.daysInMonth ?? 31;
        const day = n > 0 ? n : dim + n + 1;
        if (day >= 1 && day <= dim) found.push(at(month.set({ day })));
      }
      if (!rule.byDay.length && !rule.byMonthDay.length && first.day <= (month.daysInMonth ?? 31)) found.push(at(month.set({ day: first.day })));
      candidates = found.sort((a, b) => a.toMillis() - b.toMillis());
    }
    for (const c of candidates) if (!push(c)) return out;
    if (candidates.length && candidates[0]!.toJSDate() > limit) return out;
  }
  return out;
}

/** "Every Wednesday", "Every 2 weeks on Tuesday and Thursday", "The second Wednesday of every month". */
export function describeRule(rule: Rule): string {
  const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
  let text: string;
  if (rule.freq === 'DAILY') text = rule.interval === 1 ? 'Every day' : `Every ${rule.interval} days`;
  else if (rule.freq === 'WEEKLY') {
    const days = list(rule.byDay.map((d) => WEEKDAY_NAMES[d.day]));
    text = rule.interval === 1 ? `Every ${days || 'week'}` : `Every ${rule.interval} weeks${days ? ` on ${days}` : ''}`;
  } else {
    const every = rule.interval === 1 ? 'every month' : `every ${rule.interval} months`;
    const which = [
      ...rule.byDay.map((d) => `the ${ORDINALS[String(d.nth ?? 1)] ?? `${d.nth}th`} ${WEEKDAY_NAMES[d.day]}`),
      ...rule.byMonthDay.map((n) => (n === -1 ? 'the last day' : `day ${n}`)),
    ];
    text = which.length ? `${list(which)} of ${every}`.replace(/^the/, 'The').replace(/^day/, 'Day') : `Monthly, ${every}`;
  }
  if (rule.count) text += `, ${rule.count} sessions`;
  if (rule.until) text += `, until ${DateTime.fromJSDate(rule.until, { zone: 'UTC' }).toFormat('LLLL d, yyyy')}`;
  return text;
}
