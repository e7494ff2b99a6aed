/**
 * The worker role: the platform's own job (queued mail), then each installed feature's job
 * handlers and schedules (the `jobs` of its descriptor, see feature.ts).
 */
import type pg from 'pg';
import type { Config } from './config.ts';
import type { MailTransport } from './mail/transport.ts';
import { deliverQueuedMail, MAIL_JOB } from './mail/queued.ts';
import type { Queue, Worker } from './queue.ts';
import { installedFeatures } from './feature.ts';

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
  await w.worker.work<{ id: number }>(
    MAIL_JOB,
    async ({ id }) => {
      const result = await deliverQueuedMail(w.pool, w.mail, id);
      if (result === 'refused') w.log('queued mail refused by the relay; not retried', { id });
    },
    { concurrency: 2 },
  );
}

export async function registerAllJobs(w: WorkerContext): Promise<void> {
  await registerPlatformJobs(w);
  for (const feature of installedFeatures()) if (feature.jobs) await feature.jobs(w);
}
