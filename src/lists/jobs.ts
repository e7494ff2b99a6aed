/** The listserv's jobs and long-running parts: incoming mail, fan-out planning, the mail-in listeners and the delivery runner. */
import { readFileSync } from 'node:fs';
import { listDomainOf } from '../platform/config.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import type { RoleHandle } from '../platform/roles.ts';
import { cookieSecret } from '../platform/secret.ts';
import { DateTime } from '../platform/luxon.ts';
import { dnsResolver } from './authenticate.ts';
import type { ListContext } from './context.ts';
import { queueBounceCare, registerBounceCareJobs } from './bounce-care.ts';
import { startDeliveryRunner } from './delivery-runner.ts';
import { DIGEST_JOB, sendDueDigests } from './digests/send.ts';
import { planFanout } from './fanout.ts';
import { ATTEMPTS_BEFORE_HOLD, processIncoming, setAsideUnprocessable } from './incoming.ts';
import { listenerPause } from './listener-load.ts';
import { INCOMING_JOB, INCOMING_JOB_OPTIONS, startMailIn, type IncomingJob } from './mail-in.ts';
import { loadDkimKey } from './message/dkim.ts';
import { PLAN_JOB } from './pipeline.ts';
import { expireHolds, HOLD_EXPIRY_JOB, HOLD_NOTICE_JOB, sendHoldNotices } from './moderation.ts';
import { createListRelay } from './relay.ts';

export class DkimKeyFileError extends Error {
  readonly code = 'CONFIG_INVALID';
}

export async function listContext(w: WorkerContext): Promise<ListContext> {
  const domain = listDomainOf(w.config);
  // one signature per key on every copy (e.g. RSA for every receiver, Ed25519 for those that check it)
  const dkim: ListContext['dkim'] = w.config.dkimSelectors.map((selector, i) => {
    const file = w.config.dkimKeyFiles[i]!;
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DkimKeyFileError(
        `DKIM_PRIVATE_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path and permissions, or unset DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE.`,
      );
    }
    return loadDkimKey(domain, selector, pem);
  });
  // RFC 8617 defines ARC signatures with RSA only; the same selector record serves DKIM and ARC.
  const arc = w.config.arcSeal === 'off' ? null : (dkim.find((k) => k.algorithm === 'rsa-sha256') ?? null);
  if (w.config.arcSeal === 'on' && !arc) {
    throw new DkimKeyFileError(
      'ARC_SEAL=on needs an RSA key among DKIM_SELECTOR/DKIM_PRIVATE_KEY_FILE (ARC allows only rsa-sha256); add one, or set ARC_SEAL=off.',
    );
  }
  return {
    pool: w.pool,
    config: w.config,
    queue: w.queue,
    mail: w.mail,
    resolve: dnsResolver(w.config),
    secret: await cookieSecret(w.pool, w.config.secret),
    baseUrl: w.baseUrl,
    domain,
    dkim,
    arc,
    log: w.log,
  };
}

export async function registerListJobs(w: WorkerContext): Promise<void> {
  const ctx = await listContext(w);
  await w.worker.work<IncomingJob>(
    INCOMING_JOB,
    async (data, job) => {
      const ids = data.ids ?? (data.id !== undefined ? [data.id] : []);
      if (ids.length === 1) {
        await listenerPause(w.pool);
        try {
          await processIncoming(ctx, ids[0]!);
        } catch (err) {
          // A message that fails every time would otherwise sit unseen through hours of retries.
          const attempts = (data.failedBefore ?? 0) + job.retryCount + 1;
          if (attempts < ATTEMPTS_BEFORE_HOLD) throw err;
          await setAsideUnprocessable(ctx, ids[0]!, err as Error, attempts);
        }
        return;
      }
      // Messages committed together, in the order they came; one that fails is retried on its own
      // (a job of its own, counting this attempt), so its neighbours are neither held up nor repeated.
      for (const id of ids) {
        await listenerPause(w.pool);
        try {
          await processIncoming(ctx, id);
        } catch (err) {
          ctx.log('incoming message failed; it is tried again on its own', { id, err: (err as Error).message });
          await w.queue.send(INCOMING_JOB, { ids: [id], failedBefore: 1 } satisfies IncomingJob, {
            ...INCOMING_JOB_OPTIONS,
            startAfter: new Date(Date.now() + INCOMING_JOB_OPTIONS.retryDelay * 1000),
          });
        }
      }
    },
    { concurrency: 2 },
  );
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
  // Digests (src/lists/digests): every 15 minutes, make the digests that are due; a run that
  // finds them made already does nothing, so the schedule's exact minute does not matter.
  await w.worker.work(DIGEST_JOB, async () => {
    await sendDueDigests(w.pool, ctx, DateTime.utc());
  });
  await w.worker.schedule(DIGEST_JOB, '*/15 * * * *');
  await registerBounceCareJobs(w, ctx);
}

export async function startListMailIn(w: WorkerContext): Promise<RoleHandle> {
  return startMailIn({ pool: w.pool, config: w.config, queue: w.queue, onError: (err) => w.log('mail-in error', { err: err.message }) });
}

export async function startListDelivery(w: WorkerContext): Promise<RoleHandle> {
  const ctx = await listContext(w);
  const relay = createListRelay(w.config);
  return startDeliveryRunner({
    pool: w.pool,
    relay,
    secret: ctx.secret,
    baseUrl: ctx.baseUrl,
    domain: ctx.domain,
    dkim: ctx.dkim,
    arc: ctx.arc,
    // lanes and unrecorded 250s per relay connection: delivery-runner.ts says why
    concurrency: relay.kind === 'relay' ? w.config.relayConnections * 8 : 4,
    maxUnrecorded: relay.kind === 'relay' ? w.config.relayConnections * 8 : 16,
    signingThreads: w.config.signingThreads,
    log: w.log,
    bounced: () => queueBounceCare(w.pool, w.queue),
  });
}
