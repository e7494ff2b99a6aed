/** The listserv's jobs and long-running parts: incoming mail, fan-out planning, the mail-in listeners and the delivery runner. */
import { readFileSync } from 'node:fs';
import { listDomainOf } from '../platform/config.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import type { RoleHandle } from '../platform/roles.ts';
import { cookieSecret } from '../platform/secret.ts';
import { dnsResolver } from './authenticate.ts';
import type { ListContext } from './context.ts';
import { startDeliveryRunner } from './delivery-runner.ts';
import { planFanout } from './fanout.ts';
import { processIncoming } from './incoming.ts';
import { INCOMING_JOB, startMailIn } from './mail-in.ts';
import { loadDkimKey } from './message/dkim.ts';
import { PLAN_JOB } from './pipeline.ts';
import { expireHolds, HOLD_EXPIRY_JOB, HOLD_NOTICE_JOB, sendHoldNotices } from './moderation.ts';
import { createListRelay } from './relay.ts';

export class DkimKeyFileError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export async function listContext(w: WorkerContext): Promise<ListContext> {
  const domain = listDomainOf(w.config);
  let dkim: ListContext['dkim'] = [];
  if (w.config.dkimSelector && w.config.dkimKeyFile) {
    let pem: string;
    try {
      pem = readFileSync(w.config.dkimKeyFile, 'utf8');
    } catch (err) {
      throw new DkimKeyFileError(`DKIM_PRIVATE_KEY_FILE: cannot read ${w.config.dkimKeyFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path and permissions, or unset DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE.`);
    }
    dkim = [loadDkimKey(domain, w.config.dkimSelector, pem)];
  }
  return {
    pool: w.pool, config: w.config, queue: w.queue, mail: w.mail, resolve: dnsResolver(w.config), secret: await cookieSecret(w.pool, w.config.secret),
    baseUrl: w.baseUrl, domain, dkim, log: w.log,
  };
}

export async function registerListJobs(w: WorkerContext): Promise<void> {
  const ctx = await listContext(w);
  await w.worker.work<{ id: number }>(INCOMING_JOB, ({ id }) => processIncoming(ctx, id), { concurrency: 2 });
  await w.worker.work<{ listId: number }>(HOLD_NOTICE_JOB, async ({ listId }) => {
    const result = await sendHoldNotices(ctx, listId);
    // Too soon after the last notice: one more job waits for the hour, the holds go out together.
    if (result.retryAt) await w.queue.send(HOLD_NOTICE_JOB, { listId }, { startAfter: result.retryAt, singletonKey: `hold-notice:${listId}` });
  });
  await w.worker.work(HOLD_EXPIRY_JOB, async () => {
    const n = await expireHolds(ctx);
    if (n) w.log('held messages expired', { count: n });
  });
  await w.worker.schedule(HOLD_EXPIRY_JOB, '17 * * * *');
  await w.worker.work<{ postId: number }>(PLAN_JOB, async ({ postId }) => {
    const result = await planFanout(w.pool, postId);
    if (!result.already) w.log('fan-out planned', { postId, deliveries: result.planned });
  });
}

export async function startListMailIn(w: WorkerContext): Promise<RoleHandle> {
  return startMailIn({ pool: w.pool, config: w.config, queue: w.queue, onError: (err) => w.log('mail-in error', { err: err.message }) });
}

export async function startListDelivery(w: WorkerContext): Promise<RoleHandle> {
  const ctx = await listContext(w);
  const relay = createListRelay(w.config);
  return startDeliveryRunner({
    pool: w.pool, relay, secret: ctx.secret, baseUrl: ctx.baseUrl, domain: ctx.domain, dkim: ctx.dkim,
    concurrency: relay.kind === 'relay' ? w.config.relayConnections * 2 : 4, signingThreads: w.config.signingThreads, log: w.log,
  });
}
