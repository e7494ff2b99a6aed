/**
 * Scheduled event work: reminders, waiting-list offers and forgetting guests' old unconfirmed
 * requests every minute, follow-ups every quarter hour, and series moved on daily. Each job is a
 * plain service function; pg-boss runs one tick across all processes, and mail keys keep every
 * message once-only.
 */
import { siteUrl } from '../platform/config.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import { cookieSecret } from '../platform/secret.ts';
import { forgetOldGuestRequests } from './guest-registration.ts';
import { expireOffers, type EventsDeps } from './registration.ts';
import { sendDueReminders, sendFollowUps } from './registration-mail.ts';
import { extendAllSeries } from './store.ts';

export const EVENT_JOBS = { minute: 'events.minute', followUps: 'events.follow-ups', series: 'events.extend-series' } as const;

export async function registerEventsJobs(w: WorkerContext): Promise<void> {
  const deps = async (): Promise<EventsDeps> => ({
    queue: w.queue,
    config: w.config,
    secret: await cookieSecret(w.pool, w.config.secret),
    // No request here: links use PUBLIC_URL (set it in production) or the configured host and port.
    baseUrl: w.config.publicUrl ?? siteUrl(w.config, w.config.port),
  });
  await w.worker.work(EVENT_JOBS.minute, async () => {
    const d = await deps();
    const now = new Date();
    const expired = await inTransaction(w.pool, (tx) => expireOffers(tx, d, now));
    const reminders = await inTransaction(w.pool, (tx) => sendDueReminders(tx, d, now));
    const forgotten = await forgetOldGuestRequests(w.pool, now);
    if (expired || reminders || forgotten) w.log('events: reminders and offers', { reminders, expiredOffers: expired, oldGuestRequests: forgotten });
  });
  await w.worker.work(EVENT_JOBS.followUps, async () => {
    const d = await deps();
    const sent = await inTransaction(w.pool, (tx) => sendFollowUps(tx, d, new Date()));
    if (sent) w.log('events: follow-ups queued', { sent });
  });
  await w.worker.work(EVENT_JOBS.series, async () => {
    const added = await inTransaction(w.pool, (tx) => extendAllSeries(tx, new Date()));
    if (added) w.log('events: series sessions added', { added });
  });
  await w.worker.schedule(EVENT_JOBS.minute, '* * * * *');
  await w.worker.schedule(EVENT_JOBS.followUps, '*/15 * * * *');
  await w.worker.schedule(EVENT_JOBS.series, '17 3 * * *');
}
