/**
 * When digests are due: the latest scheduled send time at or before `now`, in the list's time
 * zone — DIGEST_HOUR every day for daily digests, DIGEST_HOUR on DIGEST_WEEKDAY for weekly
 * ones. The period is named by the local date of that send time, so each list gets at most one
 * digest of each mode per period, and a worker that was down at the hour catches up when it
 * runs again (within the same period). Calendar arithmetic is luxon's, so days of 23 or 25
 * hours (daylight saving changes) keep the local hour.
 */
import { DateTime } from '../../platform/luxon.ts';

export type DigestMode = 'daily' | 'weekly';

export interface DigestPeriod {
  mode: DigestMode;
  /** Local date of the scheduled send time, yyyy-MM-dd. */
  period: string;
  /** The scheduled send time. */
  scheduledFor: DateTime;
}

export interface DigestSchedule {
  /** 0-23, in the list's zone. */
  hour: number;
  /** ISO weekday of weekly digests: 1 = Monday ... 7 = Sunday. */
  weekday: number;
}

export class DigestZoneError extends Error {
  readonly code = 'DIGEST_ZONE_INVALID';
}

/** The current period of a mode: the newest scheduled send time that is not in the future. */
export function currentPeriod(mode: DigestMode, now: DateTime, zone: string, s: DigestSchedule): DigestPeriod {
  const local = now.setZone(zone);
  if (!local.isValid) throw new DigestZoneError(`The list's time zone "${zone}" is not a known IANA zone; set it to one like America/New_York.`);
  let at = local.set({ hour: s.hour, minute: 0, second: 0, millisecond: 0 });
  // An hour skipped by a daylight-saving change moves forward; luxon does that in set().
  if (at > local) at = at.minus({ days: 1 }).set({ hour: s.hour });
  if (mode === 'weekly') {
    const back = (at.weekday - s.weekday + 7) % 7;
    at = at.minus({ days: back }).set({ hour: s.hour });
  }
  return { mode, period: at.toISODate()!, scheduledFor: at };
}
