/** What every command shares: exit codes, progress lines, and a database opened for one command. */
import os from 'node:os';
import type pg from 'pg';
import type { Actor } from '../platform/audit.ts';
import type { Config } from '../platform/config.ts';
import { cliIo } from './io.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, invalidInput: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** A progress or status line for people, on stderr (stdout carries results). */
export function say(line: string): void {
  cliIo().stderr.write(line + '\n');
}

export function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { name: `cli:${user}`, source: 'cli' };
}

/** Open the database (starting the embedded one if needed), bring the schema up to date, run `work`, close. */
export async function withDatabase<T>(config: Config, work: (pool: pg.Pool, url: string) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  // Loaded here, not at the top: \`socialgov --help\` and usage mistakes never load the database driver.
  const { openDatabase } = await import('../platform/db/database.ts');
  const { migrate } = await import('../platform/db/migrate.ts');
  const db = await openDatabase(config, say);
  try {
    if (opts.migrate !== false) await migrate(db.pool, say);
    return await work(db.pool, db.url);
  } finally {
    await db.close();
  }
}

/** A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise. */
export function progressBar(label: string): (done: number, total: number) => void {
  let lastShown = -1;
  const tty = cliIo().stderr.isTTY;
  return (done, total) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      cliIo().stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% ${done}/${total}${done === total ? '\n' : ''}`);
    } else if (Math.floor(pct / 10) !== Math.floor(lastShown / 10) || done === total) {
      if (pct !== lastShown) cliIo().stderr.write(`${label}: ${pct}% (${done}/${total})\n`);
    }
    lastShown = pct;
  };
}
