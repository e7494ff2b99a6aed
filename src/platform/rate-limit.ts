/**
 * Rate limits kept in PostgreSQL, so every web process shares them: at most `max` events per
 * `key` in a sliding window. Used for joining and signing in, per IP and per address, and by
 * other features (web posts, event registration, speaker requests).
 *
 * The table `rate_events` is the platform's. Membership's migration 0005_joining.sql created it
 * (applied migrations are never edited); a change to it goes in src/platform/migrations/.
 */
import type { Queryable } from './db/queryable.ts';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export async function rateLimit(db: Queryable, key: string, max: number, windowSeconds: number): Promise<RateDecision> {
  const { rows } = await db.query<{ n: number; oldest: Date | null }>(
    `select count(*)::int as n, min(at) as oldest from rate_events where key = $1 and at > now() - make_interval(secs => $2)`,
    [key, windowSeconds],
  );
  const { n, oldest } = rows[0]!;
  if (n >= max && oldest) {
    const retry = Math.ceil((oldest.getTime() + windowSeconds * 1000 - Date.now()) / 1000);
    return { allowed: false, retryAfterSeconds: Math.max(retry, 1) };
  }
  await db.query('insert into rate_events (key) values ($1)', [key]);
  // Old events are useless: clear them now and then rather than on every request.
  if (Math.random() < 0.02) await db.query(`delete from rate_events where at < now() - interval '2 days'`);
  return { allowed: true };
}

/** "Try again in 12 minutes", for people. */
export function retryText(seconds: number): string {
  if (seconds < 90) return `Try again in ${seconds} seconds.`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `Try again in ${minutes} minutes.` : `Try again in ${Math.ceil(minutes / 60)} hours.`;
}
