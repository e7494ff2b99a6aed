/**
 * The nightly roll-up: shortly after midnight UTC, every finished day not yet rolled up is counted
 * and stored, oldest first. A first run (or one after an archive import) may face years of days:
 * it takes a year at a time and queues itself again until none are left.
 */
import type { WorkerContext } from '../platform/jobs.ts';
import { rollUpMissing } from './rollup.ts';

export const METRICS_JOBS = { rollUp: 'metrics.roll-up' } as const;

/** Days per run: a year of days takes well under the queue's 15-minute limit. */
const DAYS_PER_RUN = 366;

export async function registerMetricsJobs(w: WorkerContext): Promise<void> {
  await w.worker.work(METRICS_JOBS.rollUp, async () => {
    const run = await rollUpMissing(w.pool, { limit: DAYS_PER_RUN });
    if (run.days.length) w.log('metrics: days rolled up', { from: run.days[0], to: run.days[run.days.length - 1], remaining: run.remaining });
    if (run.remaining > 0) await w.queue.send(METRICS_JOBS.rollUp, {}, { singletonKey: 'backfill' });
  });
  await w.worker.schedule(METRICS_JOBS.rollUp, '10 0 * * *');
}
