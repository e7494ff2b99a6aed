/** The archiver in the worker: every minute, archive posts the pages have not already picked up. */
import type { WorkerContext } from '../platform/jobs.ts';
import { archivePending } from './archiver.ts';

export const ARCHIVE_JOB = 'archives.archive-pending';

export async function registerArchiveJobs(w: WorkerContext): Promise<void> {
  await w.worker.work(ARCHIVE_JOB, async () => {
    const n = await archivePending(w.pool);
    if (n) w.log('archived posts', { count: n });
  });
  await w.worker.schedule(ARCHIVE_JOB, '* * * * *');
}
