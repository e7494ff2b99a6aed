/**
 * One place that turns the configuration into a connection pool: the PostgreSQL server named by
 * DATABASE_URL, or the embedded one.
 */
import pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';

export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** Where openDatabase notes what an operator may want to know when looking closer (the platform passes its pino logger). */
export interface DatabaseLog {
  debug(fields: object, message: string): void;
}

export interface Database {
  pool: pg.Pool;
  /** Connection string (with password): for tools such as pg_dump. Never log it. */
  url: string;
  /** 'embedded' or the server's host:port, for messages. */
  where: string;
  close(): Promise<void>;
}

// Return bigint/int8 columns (counts, ids) as numbers: ours never exceed 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/**
 * Seconds a connection may sit unused in the pool before it is closed. Every PostgreSQL
 * connection is a server process of its own (6-7 MB of memory once it has served a few pages), and
 * the connections a burst of requests opened are not needed at rest: the queue's polls (every 2 s)
 * reuse the connection used last, so the others go idle and close. node-postgres's default is 10 s;
 * at 5 s an install is back to its resting connections 5 s after the last request, and a steady
 * load (requests closer together than that) keeps what it uses. Reopening one costs a few
 * milliseconds.
 */
export const POOL_IDLE_SECONDS = 5;

/** Open a pool and prove it works with one query. */
export async function connectPool(url: string, where: string, max = 10): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: POOL_IDLE_SECONDS * 1000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    const reason = (err as Error).message || (err as NodeJS.ErrnoException).code || 'unknown error';
    throw new DatabaseUnavailableError(
      `Cannot reach the database at ${where} (${reason}). Check DATABASE_URL and that PostgreSQL is running, or unset DATABASE_URL to use the embedded database.`,
      { cause: err },
    );
  }
  return pool;
}

export async function openDatabase(config: Config, progress: (line: string) => void = () => undefined, log?: DatabaseLog): Promise<Database> {
  if (config.databaseUrl) {
    const where = describe(config.databaseUrl);
    const pool = await connectPool(config.databaseUrl, where);
    return { pool, url: config.databaseUrl, where, close: () => pool.end() };
  }
  const server: EmbeddedServer = await startEmbedded(config.dataDir, config.embeddedPgPort, progress);
  let pool: pg.Pool | undefined;
  let over = `port ${server.port}`;
  try {
    // The server's Unix socket first (cheaper a query than TCP); TCP when it cannot be used.
    if (server.socketUrl) {
      pool = await connectPool(server.socketUrl, `embedded PostgreSQL's socket in ${config.dataDir}/pg`).catch((err: unknown) => {
        // PostgreSQL's or the system's own words (the URL is left out: it holds the password).
        const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
        const reason = cause?.message || cause?.code || (err as Error).message;
        log?.debug({ socketDir: `${config.dataDir}/pg`, reason }, 'embedded PostgreSQL: its Unix socket did not answer; using TCP');
        return undefined;
      });
      if (pool) over = `port ${server.port}, Unix socket`;
    }
    pool ??= await connectPool(server.url, `embedded PostgreSQL on port ${server.port}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    pool,
    url: server.url,
    where: `embedded PostgreSQL (${config.dataDir}/pg, ${over})`,
    async close() {
      await pool.end().catch(() => undefined);
      await server.stop();
    },
  };
}
