/**
 * The archiver in the worker: every minute, archive posts the pages have not already picked up,
 * then derive a batch of entries again when an upgrade queued them (archive_rederive).
 */
import type { WorkerContext } from '../platform/jobs.ts';
import { archivePending, rederivePending } from './archiver.ts';

export const ARCHIVE_JOB = 'archives.archive-pending';

export async function registerArchiveJobs(w: WorkerContext): Promise<void> {
  await w.worker.work(ARCHIVE_JOB, async () => {
    const n = await archivePending(w.pool);
    if (n) w.log('archived posts', { count: n });
    // a bounded share each minute, so a large archive's upgrade never holds the worker long
    const again = await rederivePending(w.pool, { batch: 100, limit: 2000 });
    if (again) w.log('archived posts read again', { count: again });
  });
  await w.worker.schedule(ARCHIVE_JOB, '* * * * *');
}
