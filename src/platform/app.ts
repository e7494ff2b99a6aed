/**
 * Start the whole platform in this process: database (embedded or server), migrations, the
 * first-start seed, and the web server. Returns a handle whose close() stops them in order.
 */
import type { FastifyInstance } from 'fastify';
import { seedDefaultCommunity } from '../communities/seed.ts';
import { siteUrl, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { buildServer } from './http/server.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';

export interface RunningPlatform {
  url: string;
  port: number;
  db: Database;
  app: FastifyInstance;
  mail: MailTransport;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
}

export async function startPlatform(config: Config, progress: (line: string) => void = () => undefined): Promise<RunningPlatform> {
  const db = await openDatabase(config, progress);
  let app: FastifyInstance | undefined;
  const mail = createMailTransport(config);
  try {
    progress(`Database: ${db.where}`);
    const applied = await migrate(db.pool, progress);
    if (applied.length) progress(`Applied ${applied.length} migration(s).`);
    if (config.seed && (await seedDefaultCommunity(db.pool))) progress('Created the Social Media Community of Practice (first start).');
    app = await buildServer({ config, pool: db.pool, mail });
    progress(mail.kind === 'relay' ? 'Mail: through the SMTP relay (SMTP_URL).' : `Mail: no relay configured; messages are written to ${config.dataDir}/outbox/`);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new PortInUseError(`Port ${config.port} on ${config.host} is already in use. Stop the other program or start with PORT=<another port> (PORT=0 picks a free one).`);
      }
      throw err;
    }
  } catch (err) {
    await app?.close().catch(() => undefined);
    mail.close();
    await db.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const server = app;
  let closing: Promise<void> | undefined;
  return {
    url: siteUrl(config, port),
    port,
    db,
    app: server,
    mail,
    close() {
      closing ??= (async () => {
        await server.close();
        mail.close();
        await db.close();
      })();
      return closing;
    },
  };
}
