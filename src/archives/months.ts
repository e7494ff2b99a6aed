/** Calendar months and date ranges of an archive, in the list's time zone (stored times are UTC). */
import { DateTime } from '../platform/luxon.ts';
import { rememberedFormat, zoneAbbreviation } from '../platform/time.ts';

export class DateRangeError extends Error {
  readonly code = 'BAD_DATE_RANGE';
  /** Which input is wrong: the month, or the first or last day of a range. */
  constructor(
    message: string,
    readonly field: 'month' | 'from' | 'to',
  ) {
    super(message);
  }
}

export interface DateRange {
  /** Inclusive start. */
  from: Date;
  /** Exclusive end. */
  to: Date;
}

/** "2019-04" → that month in the list's zone; throws DateRangeError with a fix for bad input. */
export function monthRange(month: string, zone: string): DateRange {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  const start = m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone }) : null;
  if (!start || !start.isValid) throw new DateRangeError(`“${month}” is not a month. Write the month as YYYY-MM, for example 2019-04.`, 'month');
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

function day(value: string, label: 'start' | 'end', zone: string): DateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const d = m ? DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone }) : null;
  if (!d || !d.isValid)
    throw new DateRangeError(`The ${label} date “${value}” is not a date. Write it as YYYY-MM-DD, for example 2019-04-28.`, label === 'start' ? 'from' : 'to');
  return d;
}

/** From and to days (both included, either may be empty) in the list's zone. */
export function dayRange(from: string | undefined, to: string | undefined, zone: string): Partial<DateRange> {
  const f = from?.trim() ? day(from, 'start', zone) : undefined;
  const t = to?.trim() ? day(to, 'end', zone) : undefined;
  if (f && t && t < f) throw new DateRangeError('The end date is before the start date. Swap them, or change one of them.', 'to');
  return { ...(f ? { from: f.toJSDate() } : {}), ...(t ? { to: t.plus({ days: 1 }).toJSDate() } : {}) };
}

/** "2019-04" for a time, in the list's zone. */
export function monthOf(at: Date, zone: string): string {
  return rememberedFormat(`mo|${at.getTime()}|${zone}`, () => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-LL'));
}

/** "2019-04" → "April 2019". */
export function monthTitle(month: string): string {
  return rememberedFormat(`mt|${month}`, () => DateTime.fromFormat(month, 'yyyy-LL', { locale: 'en-US' }).toFormat('LLLL yyyy'));
}

/** A time for people: "Apr 28, 2019, 8:00 PM EDT" in the list's zone. */
export function showTime(at: Date, zone: string): string {
  return rememberedFormat(`st|${at.getTime()}|${zone}`, () => {
    const d = DateTime.fromJSDate(at, { zone }).setLocale('en-US');
    return `${d.toFormat('LLL d, yyyy, h:mm a')} ${zoneAbbreviation(d)}`;
  });
}
