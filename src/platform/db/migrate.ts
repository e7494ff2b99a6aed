/**
 * Schema migrations. Each feature keeps its SQL in `src/<feature>/migrations/NNNN_name.sql`;
 * the number orders them across features. Each runs once, in its own transaction, under an
 * advisory lock so several processes starting together apply each migration exactly once.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { compareText } from '../text.ts';
import { TREE } from '../tree.ts';

export interface Migration {
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
}

const LOCK_KEY = 0x50c1a1; // any constant shared by every socialgov process

export function listMigrations(srcDir: string = TREE): Migration[] {
  const found: Migration[] = [];
  for (const feature of readdirSync(srcDir, { withFileTypes: true })) {
    const dir = path.join(srcDir, feature.name, 'migrations');
    if (!feature.isDirectory() || !existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.sql')) continue;
      if (!/^\d{4}_[a-z0-9_]+\.sql$/.test(f)) throw new MigrationError(`Migration file ${feature.name}/migrations/${f} must be named NNNN_name.sql.`);
      const sql = readFileSync(path.join(dir, f), 'utf8');
      found.push({ name: f.replace(/\.sql$/, ''), file: `${feature.name}/migrations/${f}`, sql, checksum: createHash('sha256').update(sql).digest('hex') });
    }
  }
  found.sort((a, b) => compareText(a.name, b.name));
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.name.slice(0, 4) === found[i - 1]!.name.slice(0, 4)) {
      throw new MigrationError(`Two migrations share the number ${found[i]!.name.slice(0, 4)}: ${found[i - 1]!.file} and ${found[i]!.file}. Renumber one.`);
    }
  }
  return found;
}

const LEDGER = `create table if not exists schema_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;

/** Apply every migration not yet applied. Returns the names applied now. */
export async function migrate(pool: pg.Pool, progress: (line: string) => void = () => undefined, migrations = listMigrations()): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(LEDGER);
    const done = new Map(
      (await client.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations')).rows.map((r) => [r.name, r.checksum]),
    );
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous) {
        if (previous !== m.checksum)
          progress(`warning: ${m.file} changed after it was applied; changes to applied migrations are not re-run — add a new migration instead.`);
        continue;
      }
      progress(`Applying migration ${m.name} ...`);
      try {
        await client.query('begin');
        await client.query(m.sql);
        await client.query('insert into schema_migrations (name, checksum) values ($1, $2)', [m.name, m.checksum]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw new MigrationError(`Migration ${m.file} failed: ${(err as Error).message}. Nothing from it was applied.`);
      }
      applied.push(m.name);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    // After migrations ran, the connection is closed, not kept in the pool: its PostgreSQL
    // process has cached the catalog of every table they touched (8 MB after a first start) and
    // would keep it as long as the pool keeps the connection.
    client.release(applied.length > 0);
  }
  return applied;
}

/** Names of migrations that exist in the code but not yet in the database. */
export async function pendingMigrations(pool: pg.Pool, migrations = listMigrations()): Promise<string[]> {
  const exists = await pool.query(`select to_regclass('schema_migrations') as t`);
  if (!exists.rows[0]?.t) return migrations.map((m) => m.name);
  const done = new Set((await pool.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
  return migrations.filter((m) => !done.has(m.name)).map((m) => m.name);
}
