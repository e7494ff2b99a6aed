/**
 * The worker role: every feature registers its job handlers and schedules here. A feature adds
 * one `register<Feature>Jobs` function (in `src/<feature>/jobs.ts`) to FEATURE_JOBS.
 */
import type pg from 'pg';
import type { Config } from './config.ts';
import type { MailTransport } from './mail/transport.ts';
import { deliverQueuedMail, MAIL_JOB } from './mail/queued.ts';
import type { Queue, Worker } from './queue.ts';
import { registerLibraryJobs } from '../library/jobs.ts';
import { registerListJobs } from '../lists/jobs.ts';
import { registerEventsJobs } from '../events/jobs.ts';
import { registerRegistryJobs } from '../registry/jobs.ts';
import { registerArchiveJobs } from '../archives/jobs.ts';
import { registerSpeakersJobs } from '../speakers/jobs.ts';
import { registerMetricsJobs } from '../metrics/jobs.ts';

export interface WorkerContext {
  pool: pg.Pool;
  config: Config;
  queue: Queue;
  worker: Worker;
  mail: MailTransport;
  /** The site's address for links in mail (PUBLIC_URL, or where this process's web role listens). */
  baseUrl: string;
  log: (msg: string, extra?: object) => void;
}

async function registerPlatformJobs(w: WorkerContext): Promise<void> {
  await w.worker.work<{ id: number }>(MAIL_JOB, async ({ id }) => {
    const result = await deliverQueuedMail(w.pool, w.mail, id);
    if (result === 'refused') w.log('queued mail refused by the relay; not retried', { id });
  }, { concurrency: 2 });
}

export const FEATURE_JOBS: Array<(w: WorkerContext) => Promise<void>> = [registerPlatformJobs, registerListJobs, registerArchiveJobs, registerEventsJobs, registerRegistryJobs, registerLibraryJobs, registerSpeakersJobs, registerMetricsJobs];

export async function registerAllJobs(w: WorkerContext): Promise<void> {
  for (const register of FEATURE_JOBS) await register(w);
}
