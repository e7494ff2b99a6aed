/** Shared by integration and browser tests: real servers, real databases, real processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadAppConfig } from '../src/app/settings.ts';
import type { Config } from '../src/platform/config.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/socialgov.js');

/** ../shared beside the clone (present in CI, absent in a user's clone). */
export const SHARED = path.resolve(ROOT, '../shared');
export const HAS_SHARED = existsSync(path.join(SHARED, 'seeds'));
export const NO_SHARED = HAS_SHARED ? false : 'needs ../shared (real data); present in CI';

/** A PostgreSQL server for tests: TEST_DATABASE_URL, as CI sets it. */
export const SERVER_URL = process.env.TEST_DATABASE_URL;
export const NO_SERVER = SERVER_URL ? false : 'TEST_DATABASE_URL is not set (CI sets it to the machine PostgreSQL)';

export function tempDir(prefix = 'socialgov-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // The embedded PostgreSQL runs as "postgres" when tests run as root: it must reach the folder.
  chmodSync(dir, 0o755);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A new, empty database on the test server; drop() removes it. */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!SERVER_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `socialgov_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      // A pool that has just ended has said goodbye, but its server processes may not have gone
      // yet: forced away, one answered "terminating connection due to administrator command" to
      // a client no longer listening, an uncaught error that failed a file whose tests all passed
      // (CI, 3 December). Wait for them (at most 3 s); force only what is left.
      const gone = async () => {
        const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        return rows[0]!.n === 0;
      };
      await waitFor(`the server processes of ${name} to go`, gone, 3000, 50).catch(() => undefined);
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Ask `probe` every `everyMs` until it answers something truthy, and return that; throws once
 * `timeoutMs` have passed without it.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A configuration as `npm start` would build it, with overrides. */
export function testConfig(env: Record<string, string | undefined>): Config {
  // Free ports for the web and the list's SMTP listener, so tests never collide with a running server.
  // Tests change the database behind the web process and read the page at once: no kept public
  // pages unless a test asks (page-cache.test.ts and test/integration/page-cache.test.ts do).
  return loadAppConfig({ PORT: '0', SMTP_IN_PORT: '0', LOG_LEVEL: 'silent', PAGE_CACHE_SECONDS: '0', ...env } as NodeJS.ProcessEnv);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // PAGE_CACHE_SECONDS: see testConfig.
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PAGE_CACHE_SECONDS: '0' };
  delete base.DATABASE_URL;
  delete base.SOCIALGOV_CONFIG;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/**
 * Run a CLI command in this process through `main(argv, io)`, as the shell would run it but
 * without a Node start for each (the environment, stdout and stderr are the command's own).
 */
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const { main } = await import('../src/cli/main.ts');
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { env: childEnv(env), stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Run the real CLI in its own process, as a user would (start-up, exit codes, signals). */
export function runCliProcess(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The node options `npm start` runs serve with (package.json's start script), so that a
 * benchmark measures the program as it is run. Given to node on its command line: V8 options
 * such as --optimize-for-size are not allowed in NODE_OPTIONS.
 */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((w) => w.startsWith('--'));
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Start `socialgov serve` in a child process and wait for the printed address. `nodeArgs`: options
 * for node (e.g. --cpu-prof); `bin`: another checkout's bin/socialgov.js, for a benchmark against
 * it; `node`: the node binary (the memory benchmark's own copy).
 */
export function startServe(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  { nodeArgs = [], bin = BIN, node = process.execPath }: { nodeArgs?: string[]; bin?: string; node?: string } = {},
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [...nodeArgs, bin, 'serve'], {
      env: childEnv({ PORT: '0', SMTP_IN_PORT: '0', ...env }),
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its address within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          output: () => out,
          async stop(signal = 'SIGINT') {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/**
 * A database for a test server: a fresh database on the PostgreSQL server when CI provides one
 * (faster), otherwise a new embedded PostgreSQL in a temporary folder.
 */
export async function testDatabaseEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  if (SERVER_URL) {
    const db = await freshServerDatabase();
    return { env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
  }
  const dir = tempDir();
  return { env: { SOCIALGOV_DATA_DIR: dir }, cleanup: async () => removeDir(dir) };
}

/** For CLI tests: a fresh server database and a data folder, as the environment the CLI gets. */
export async function cliTestEnv(): Promise<{ url: string; dir: string; env: Record<string, string>; cleanup(): Promise<void> }> {
  const db = await freshServerDatabase();
  const dir = tempDir();
  return {
    url: db.url,
    dir,
    env: { DATABASE_URL: db.url, SOCIALGOV_DATA_DIR: dir },
    async cleanup() {
      await db.drop();
      removeDir(dir);
    },
  };
}
