/**
 * Bounce scoring, as GNU Mailman does it, in plain terms:
 *
 * - Each day a member's mail bounces adds to their score: a hard failure adds `hardScore` (1.0),
 *   a temporary one `softScore` (0.5). Only one bounce counts per day — the worst of that day:
 *   a hard bounce after a soft one on the same day adds the difference, anything else that day
 *   is ignored.
 * - If more than `staleAfterDays` days passed since the last counted bounce, the score starts
 *   again from zero before the new bounce is added (old trouble is forgotten).
 * - When the score reaches `threshold`, delivery to the member is disabled and the first of
 *   `warnings` notices goes out at once. While disabled, bounces are not counted.
 * - A daily check sends the next notice `warningIntervalDays` after the previous one, and
 *   `warningIntervalDays` after the last notice removes the member. With `warnings` = 0 the
 *   member is removed `warningIntervalDays` after being disabled.
 * - A successful delivery, or the member turning delivery back on, clears everything.
 *
 * Pure functions: the caller stores the state and carries out the actions.
 */
import { DateTime } from '../../platform/luxon.ts';

export interface BouncePolicy {
  /** Score at which delivery is disabled, e.g. 5.0. */
  threshold: number;
  /** Added for a day with a hard (permanent) failure, e.g. 1.0. */
  hardScore: number;
  /** Added for a day with only temporary failures, e.g. 0.5. */
  softScore: number;
  /** Notices sent to a disabled member before removal, e.g. 3. */
  warnings: number;
  /** Days between notices, and from the last notice to removal, e.g. 7. */
  warningIntervalDays: number;
  /** The score starts over when the previous bounce is more than this many days old, e.g. 7. */
  staleAfterDays: number;
}

export interface BounceState {
  score: number;
  /** Day of the last counted bounce, YYYY-MM-DD in UTC. */
  lastBounceOn: string | null;
  /** Day delivery was disabled for bouncing, YYYY-MM-DD in UTC. */
  disabledAt: string | null;
  warningsSent: number;
  /** Day the last notice went out, YYYY-MM-DD in UTC. */
  lastWarningAt: string | null;
  /**
   * Whether the bounce counted on `lastBounceOn` was temporary. Lets a hard bounce later the
   * same day replace a soft one. When absent, a bounce already counted that day is taken as hard.
   */
  lastBounceTemporary?: boolean | null;
}

export type BounceAction = { kind: 'none' } | { kind: 'disable'; reason: string } | { kind: 'warn'; number: number } | { kind: 'remove' };

export const DEFAULT_BOUNCE_POLICY: Readonly<BouncePolicy> = Object.freeze({
  threshold: 5.0,
  hardScore: 1.0,
  softScore: 0.5,
  warnings: 3,
  warningIntervalDays: 7,
  staleAfterDays: 7,
});

/** A member with no bounces on record. */
export const NO_BOUNCES: Readonly<BounceState> = Object.freeze({
  score: 0,
  lastBounceOn: null,
  disabledAt: null,
  warningsSent: 0,
  lastWarningAt: null,
  lastBounceTemporary: null,
});

export class BouncePolicyError extends Error {
  override name = 'BouncePolicyError';
}

const NONE: BounceAction[] = [{ kind: 'none' }];
/** Scores are sums of small decimals (0.5, 0.1 …): compare and store them rounded. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Checks a policy; throws BouncePolicyError naming the bad setting. */
export function checkBouncePolicy(policy: BouncePolicy): void {
  const positive = (name: keyof BouncePolicy) => {
    if (!(Number.isFinite(policy[name]) && policy[name] > 0))
      throw new BouncePolicyError(`Bounce setting ${name} must be a number greater than 0 (it is ${policy[name]}).`);
  };
  const wholeDays = (name: keyof BouncePolicy) => {
    if (!(Number.isInteger(policy[name]) && policy[name] >= 0))
      throw new BouncePolicyError(`Bounce setting ${name} must be a whole number, 0 or more (it is ${policy[name]}).`);
  };
  positive('threshold');
  positive('hardScore');
  positive('softScore');
  wholeDays('warnings');
  wholeDays('warningIntervalDays');
  wholeDays('staleAfterDays');
  if (policy.softScore > policy.hardScore) throw new BouncePolicyError('Bounce setting softScore must not be larger than hardScore.');
}

function parseDay(day: string, what: string): DateTime {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(day) ? DateTime.fromISO(day, { zone: 'utc' }) : null;
  if (!d?.isValid) throw new RangeError(`${what} must be a date written YYYY-MM-DD (got "${day}").`);
  return d;
}

/** Whole calendar days from `from` to `to`. */
function daysBetween(from: string, to: string): number {
  return parseDay(to, 'day').diff(parseDay(from, 'day'), 'days').days;
}

/** Apply one bounce on `day`; at most one bounce counts per day (the higher of hard/soft that day). Returns the new state and what to do now. */
export function recordBounce(
  state: BounceState,
  bounce: { temporary: boolean; day: string },
  policy: BouncePolicy,
): { state: BounceState; actions: BounceAction[] } {
  checkBouncePolicy(policy);
  parseDay(bounce.day, 'The bounce day');
  // Disabled members get no list mail; a bounce now is one of our notices and must not count.
  if (state.disabledAt) return { state, actions: NONE };

  const weight = bounce.temporary ? policy.softScore : policy.hardScore;
  let score = state.score;
  if (state.lastBounceOn) {
    const gap = daysBetween(state.lastBounceOn, bounce.day);
    // A report about an earlier day than one already counted arrives late: that day is settled.
    if (gap < 0) return { state, actions: NONE };
    if (gap === 0) {
      const countedSoft = state.lastBounceTemporary === true;
      if (bounce.temporary || !countedSoft) return { state, actions: NONE };
      score += policy.hardScore - policy.softScore;
    } else {
      if (gap > policy.staleAfterDays) score = 0;
      score += weight;
    }
  } else {
    score += weight;
  }
  score = round(score);

  const next: BounceState = { ...state, score, lastBounceOn: bounce.day, lastBounceTemporary: bounce.temporary };
  if (score < round(policy.threshold)) return { state: next, actions: NONE };

  const reason = `Mail to this member bounced on several days: bounce score ${score} reached the limit of ${policy.threshold} (last bounce ${bounce.day}, ${bounce.temporary ? 'temporary' : 'permanent'} failure).`;
  const disabled: BounceState = { ...next, disabledAt: bounce.day, warningsSent: 0, lastWarningAt: null };
  if (policy.warnings === 0) return { state: disabled, actions: [{ kind: 'disable', reason }] };
  return {
    state: { ...disabled, warningsSent: 1, lastWarningAt: bounce.day },
    actions: [
      { kind: 'disable', reason },
      { kind: 'warn', number: 1 },
    ],
  };
}

/** Daily check for a disabled member: send the next warning when due, remove after the last warning's interval. */
export function dueWarning(state: BounceState, today: string, policy: BouncePolicy): { state: BounceState; actions: BounceAction[] } {
  checkBouncePolicy(policy);
  parseDay(today, 'Today');
  if (!state.disabledAt) return { state, actions: NONE };
  const since = state.lastWarningAt ?? state.disabledAt;
  if (daysBetween(since, today) < policy.warningIntervalDays) return { state, actions: NONE };
  // One step per check: after a missed week of checks the notices still come an interval apart.
  if (state.warningsSent < policy.warnings) {
    const number = state.warningsSent + 1;
    return { state: { ...state, warningsSent: number, lastWarningAt: today }, actions: [{ kind: 'warn', number }] };
  }
  return { state, actions: [{ kind: 'remove' }] };
}

/** A successful delivery (or the member re-enabling) resets the score. */
export function resetOnSuccess(_state: BounceState): BounceState {
  return { ...NO_BOUNCES };
}
