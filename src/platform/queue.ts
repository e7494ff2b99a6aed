/**
 * The job queue: pg-boss 10 on the platform's own PostgreSQL, so several web, mail-in and worker
 * processes on several machines share one queue with nothing else to run. `send` can join the
 * caller's transaction: a job then exists exactly when the change that asked for it commits.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { whenCommitted, type Queryable } from './db/queryable.ts';

export interface SendOptions {
  /** A transaction client: the job is inserted in that transaction and commits (or not) with it. */
  db?: Queryable;
  /** Do not run before this time. */
  startAfter?: Date;
  /** At most one queued or active job with this key per job name. */
  singletonKey?: string;
  /** Times to retry after a failure (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry (default 30). */
  retryDelay?: number;
  /** Double the delay after each retry (default true). */
  retryBackoff?: boolean;
  /** Seconds a run may take before it counts as failed and is retried (default 15 minutes; also how long a job of a killed process waits). */
  expireInSeconds?: number;
}

export interface Queue {
  send(name: string, data: object, opts?: SendOptions): Promise<string | null>;
  /**
   * Many jobs of one name in one statement (pg-boss `insert`), with the same options. Throws
   * unless every job was inserted, so a caller's transaction never commits work without its job.
   */
  sendMany(name: string, data: object[], opts?: Pick<SendOptions, 'db' | 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>): Promise<void>;
}

export interface JobInfo {
  id: string;
  retryCount: number;
}

export interface Worker {
  /** Handle jobs of this name in this process; a handler that throws is retried per the job's options. */
  work<T extends object>(name: string, handler: (data: T, job: JobInfo) => Promise<void>, opts?: { concurrency?: number }): Promise<void>;
  /** Run the jobs named `name` on a cron schedule: one run per tick across every process. */
  schedule(name: string, cron: string, opts?: { tz?: string }): Promise<void>;
}

export interface JobQueue extends Queue, Worker {
  stop(): Promise<void>;
}

export class QueueError extends Error {
  readonly code = 'QUEUE_FAILED';
}

/**
 * pg-boss's statements with parameters, as named (prepared) statements: PostgreSQL plans each
 * once per connection instead of at every call. Their text is fixed by pg-boss (values go in as
 * parameters), so there are few; planning its fetch and completion took longer than running
 * them, about a third of the database's work a post at mail-in. Past PREPARED_MAX texts (never
 * seen), the rest run unnamed.
 */
const PREPARED_MAX = 64;
const preparedNames = new Map<string, string>();
function statement(text: string, values?: unknown[]): pg.QueryConfig {
  if (!values?.length) return { text };
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < PREPARED_MAX) {
    name = `pgboss-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    preparedNames.set(text, name);
  }
  return name ? { name, text, values } : { text, values };
}

function executor(db: Queryable) {
  return { executeSql: (text: string, values?: unknown[]) => db.query(statement(text, values)) };
}

/**
 * How often each worker asks for jobs it was not told of: jobs sent by another process, retries
 * whose delay is over, scheduled runs. A job sent by this process wakes its workers here at once
 * (see `wake`). Every poll is a query, for each job name: at half a second an idle install spent
 * about 8 % of a core (its own and PostgreSQL's) asking.
 */
const POLL_SECONDS = 2;

/**
 * pg-boss's own queries (polls, fetches, completions) use at most this many of the pool's
 * connections at once. Every worker polls every POLL_SECONDS, all at about the same moment, so
 * without a limit an idle process kept the whole pool open: one PostgreSQL backend (about 5 MB)
 * per connection. One at a time: the polls of an idle install share a single backend (with two,
 * an install at rest kept two, about 6 MB more). Mail-in's jobs are one per batch of up to 20
 * posts, so this is not in its way (`npm run bench -- mailin`). A job's handler queries the pool
 * directly, not through this limit.
 */
const QUEUE_CONNECTIONS = 1;

/** Runs at most `n` calls at a time, the rest in order of arrival. */
function limited<A extends unknown[], R>(n: number, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (...args: A) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    else active++;
    try {
      return await run(...args);
    } finally {
      const next = waiting.shift();
      if (next)
        next(); // the slot passes straight to the next caller
      else active--;
    }
  };
}

/**
 * Open the queue on `pool`. pg-boss creates its own schema (`pgboss`) on first use. `worker`
 * false (a web-only process) sends jobs but runs no maintenance or schedules. `pollSeconds`:
 * how often its workers ask for jobs they were not told of (default POLL_SECONDS).
 */
export async function openQueue(pool: pg.Pool, opts: { worker: boolean; onError?: (err: Error) => void; pollSeconds?: number }): Promise<JobQueue> {
  const pollSeconds = opts.pollSeconds ?? POLL_SECONDS;
  // Work of the queue still under way: its own queries and the jobs it runs. pg-boss's stop()
  // waits for neither a job's completion write (which it does not await) nor a fetch on its way
  // (which then runs its job): stop() waits for them, so that nothing reaches the pool after the
  // platform ends it ("Cannot use a pool after calling end", rejecting where nothing catches it).
  const underway = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    underway.add(p);
    const done = () => void underway.delete(p);
    p.then(done, done);
    return p;
  };
  // After stop(), pg-boss may still run a timer it had set (maintenance, a poll): once stopped,
  // its queries never start.
  let halted = false;
  let stopping = false;
  const onPool = limited(QUEUE_CONNECTIONS, executor(pool).executeSql);
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => (halted ? new Promise<never>(() => undefined) : track(onPool(text, values))) },
    schema: 'pgboss',
    supervise: opts.worker,
    schedule: opts.worker,
    migrate: true,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => opts.onError?.(err as Error));
  try {
    await boss.start();
  } catch (err) {
    throw new QueueError(`The job queue could not start (${(err as Error).message}). Check that the database user may create the schema "pgboss".`);
  }
  const created = new Map<string, Promise<void>>();
  const ensure = (name: string) => {
    let p = created.get(name);
    if (!p) {
      p = boss.createQueue(name, { name, retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 });
      created.set(name, p);
      p.catch(() => created.delete(name));
    }
    return p;
  };
  const workersByName = new Map<string, string[]>();
  let stopped = false;
  // A worker in this process need not wait for its next poll: it looks at once when a job sent
  // here is committed (with the caller's transaction, when there is one). Workers elsewhere find
  // it at their next poll, within POLL_SECONDS.
  const wake = (name: string, db?: Queryable) => {
    const notify = () => {
      if (!stopping) for (const w of workersByName.get(name) ?? []) boss.notifyWorker(w);
    };
    if (db) whenCommitted(db, notify);
    else notify();
  };

  return {
    async send(name, data, o = {}) {
      await ensure(name);
      const options: PgBoss.SendOptions & { db?: unknown } = {
        retryLimit: o.retryLimit ?? 5,
        retryDelay: o.retryDelay ?? 30,
        retryBackoff: o.retryBackoff ?? true,
        ...(o.startAfter ? { startAfter: o.startAfter } : {}),
        ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
        ...(o.expireInSeconds ? { expireInSeconds: o.expireInSeconds } : {}),
        ...(o.db ? { db: executor(o.db) } : {}),
      };
      const id = await boss.send(name, data, options as PgBoss.SendOptions);
      if (!o.startAfter) wake(name, o.db);
      return id;
    },
    async sendMany(name, data, o = {}) {
      if (!data.length) return;
      await ensure(name);
      const jobs = data.map((d) => ({
        name,
        data: d,
        retryLimit: o.retryLimit ?? 5,
        retryDelay: o.retryDelay ?? 30,
        retryBackoff: o.retryBackoff ?? true,
        ...(o.expireInSeconds ? { expireInSeconds: o.expireInSeconds } : {}),
      }));
      // pg-boss's insert returns nothing and skips a job silently (unknown queue, a conflict): count the rows.
      let inserted = 0;
      const db = o.db ?? pool;
      await boss.insert(jobs, {
        db: {
          executeSql: async (text: string, values?: unknown[]) => {
            const result = await db.query(statement(text, values as unknown[]));
            inserted += result.rowCount ?? 0;
            return result;
          },
        },
      } as PgBoss.InsertOptions);
      if (inserted !== jobs.length) throw new QueueError(`The job queue took ${inserted} of ${jobs.length} "${name}" jobs.`);
      wake(name, o.db);
    },
    async work(name, handler, o = {}) {
      await ensure(name);
      const ids: string[] = [];
      for (let i = 0; i < (o.concurrency ?? 1); i++) {
        const me: { id?: string } = {};
        me.id = await boss.work(name, { batchSize: 1, pollingIntervalSeconds: pollSeconds, includeMetadata: true }, (jobs) =>
          track(
            (async () => {
              // Fetched as the queue stops: not run now; failing it makes it retried soon (not after it expires).
              if (stopping) throw new QueueError('The worker stopped before this job ran; it is retried.');
              try {
                for (const job of jobs as Array<PgBoss.Job<object> & { retryCount?: number }>) {
                  await handler(job.data as never, { id: job.id, retryCount: job.retryCount ?? 0 });
                }
              } finally {
                // A worker that found a job asks again at once: there may be more. pg-boss would
                // otherwise wait out the poll interval after every job, so jobs sent by another
                // process (mail-in on its own) ran one per worker every POLL_SECONDS.
                if (me.id && !stopping) boss.notifyWorker(me.id);
              }
            })(),
          ),
        );
        ids.push(me.id);
      }
      workersByName.set(name, [...(workersByName.get(name) ?? []), ...ids]);
    },
    async schedule(name, cron, o = {}) {
      await ensure(name);
      await boss.schedule(name, cron, {}, o.tz ? { tz: o.tz } : {});
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping = true;
      const started = Date.now();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
      // What pg-boss left under way (a completion, a fetch, the fail of a job that fetch found)
      // ends within moments; a job handler past the timeout above gets 2 s more, no longer.
      const deadline = Math.max(started + 10_000, Date.now() + 2_000);
      while (underway.size && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...underway]), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
        clearTimeout(timer);
        await new Promise((r) => setImmediate(r)); // let what just ended start what follows it
      }
      halted = true;
    },
  };
}
