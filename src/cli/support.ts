/** What every command shares: exit codes, progress lines, and a database opened for one command. */
import os from 'node:os';
import type pg from 'pg';
import type { Actor } from '../platform/audit.ts';
import type { Config } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, invalidInput: 3 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
  }
}

/** A progress or status line for people, on stderr (stdout carries results). */
export function say(line: string): void {
  process.stderr.write(line + '\n');
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
  const db = await openDatabase(config, say);
  try {
    if (opts.migrate !== false) await migrate(db.pool, say);
    return await work(db.pool, db.url);
  } finally {
    await db.close();
  }
}
