/** The library's scheduled work: review reminders, once a day. */
import type { WorkerContext } from '../platform/jobs.ts';
import { REVIEW_JOB, sendReviewReminders } from './reviews.ts';

export async function registerLibraryJobs(w: WorkerContext): Promise<void> {
  await w.worker.work(REVIEW_JOB, async () => {
    const base = w.config.publicUrl ?? `http://${w.config.host}:${w.config.port}`;
    const queued = await sendReviewReminders(w.pool, w.queue, {
      now: new Date(),
      months: w.config.libraryReviewMonths,
      baseUrl: base,
      siteName: w.config.siteName,
    });
    if (queued) w.log('library review reminders queued', { queued });
  });
  await w.worker.schedule(REVIEW_JOB, '0 13 * * *', { tz: 'UTC' });
}
