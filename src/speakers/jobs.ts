/** The speakers bureau's queued work: the reminder to a proposed speaker who has not answered. */
import { siteUrl } from '../platform/config.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import { cookieSecret } from '../platform/secret.ts';
import { REMINDER_JOB, sendProposalReminder } from './store.ts';

export async function registerSpeakersJobs(w: WorkerContext): Promise<void> {
  await w.worker.work<{ requestId: number; proposalNo: number }>(REMINDER_JOB, async ({ requestId, proposalNo }) => {
    const d = {
      queue: w.queue,
      secret: await cookieSecret(w.pool, w.config.secret),
      reminderDays: w.config.speakerReminderDays,
      // No request here: links use PUBLIC_URL (set it in production) or the configured host and port.
      baseUrl: w.config.publicUrl ?? siteUrl(w.config, w.config.port),
    };
    const sent = await inTransaction(w.pool, (tx) => sendProposalReminder(tx, d, requestId, proposalNo));
    if (sent) w.log('speakers: reminder queued', { requestId, proposalNo });
  });
}
