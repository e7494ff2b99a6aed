/**
 * Start the platform in this process: database (embedded or server), migrations, the features'
 * first-start steps (the seed), the job queue, and the roles this process runs (web, mail-in,
 * worker; all three by default). Returns a handle whose close() stops them in reverse order.
 * The features come from the composition root (src/app), which installs them first.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { publicUrlWarning, siteUrl, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { buildServer } from './http/server.ts';
import { installedFeatures } from './feature.ts';
import { registerAllJobs } from './jobs.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { openQueue, type JobQueue } from './queue.ts';
import { roleStarters, type RoleHandle } from './roles.ts';

export interface RunningPlatform {
  /** The web address (when this process runs the web role). */
  url: string;
  port: number;
  db: Database;
  app: FastifyInstance | undefined;
  mail: MailTransport;
  queue: JobQueue;
  /** What the other roles started (mail-in listener ports, the delivery runner). */
  roles: Record<string, RoleHandle>;
  /** The process's log (LOG_LEVEL). */
  log: pino.Logger;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
}

export async function startPlatform(config: Config, progress: (line: string) => void = () => undefined): Promise<RunningPlatform> {
  const log = pino({ level: config.logLevel });
  const db = await openDatabase(config, progress, log);
  let app: FastifyInstance | undefined;
  let queue: JobQueue | undefined;
  const roles: Record<string, RoleHandle> = {};
  const mail = createMailTransport(config);
  const stopRoles = async () => {
    for (const name of Object.keys(roles).reverse()) await roles[name]!.close().catch(() => undefined);
  };
  try {
    progress(`Database: ${db.where}`);
    const applied = await migrate(db.pool, progress);
    if (applied.length) progress(`Applied ${applied.length} migration(s).`);
    if (config.seed) {
      for (const feature of installedFeatures()) {
        const done = await feature.firstStart?.(db.pool);
        if (done) progress(done);
      }
    }
    const isWorker = config.roles.includes('worker');
    queue = await openQueue(db.pool, { worker: isWorker, onError: (err) => log.error({ err }, 'job queue error') });
    if (config.roles.includes('web')) {
      app = await buildServer({ config, pool: db.pool, mail, queue });
      progress(
        mail.kind === 'relay' ? 'Mail: through the SMTP relay (SMTP_URL).' : `Mail: no relay configured; messages are written to ${config.dataDir}/outbox/`,
      );
      try {
        await app.listen({ host: config.host, port: config.port });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new PortInUseError(
            `Port ${config.port} on ${config.host} is already in use. Stop the other program or start with PORT=<another port> (PORT=0 picks a free one).`,
          );
        }
        throw err;
      }
    }
    // Links in mail point at PUBLIC_URL, or at the port the web role got (PORT=0 picks one).
    const listening = app?.server.address();
    const listeningPort = typeof listening === 'object' && listening ? listening.port : config.port;
    const baseUrl = siteUrl(config, listeningPort);
    const warning = app ? publicUrlWarning(config, listeningPort) : undefined;
    if (warning) progress(warning);
    const context = { pool: db.pool, config, queue, worker: queue, mail, baseUrl, log: (msg: string, extra?: object) => log.info(extra ?? {}, msg) };
    if (isWorker) {
      await registerAllJobs(context);
      progress('Worker: running queued jobs.');
    }
    for (const role of ['mail-in', 'worker'] as const) {
      if (!config.roles.includes(role)) continue;
      for (const starter of roleStarters(role)) {
        const handle = await starter(context);
        roles[handle.name] = handle;
        if (handle.description) progress(handle.description);
      }
    }
  } catch (err) {
    await app?.close().catch(() => undefined);
    await stopRoles();
    await queue?.stop().catch(() => undefined);
    mail.close();
    await db.close();
    throw err;
  }
  const address = app?.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const server = app;
  const jobs = queue;
  let closing: Promise<void> | undefined;
  return {
    url: siteUrl(config, port),
    port,
    db,
    app: server,
    mail,
    queue: jobs,
    roles,
    log,
    close() {
      closing ??= (async () => {
        await server?.close();
        await stopRoles();
        await jobs.stop().catch(() => undefined);
        mail.close();
        await db.close();
      })();
      return closing;
    },
  };
}
