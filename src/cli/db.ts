/**
 * `socialgov db backup|restore`, through PostgreSQL's own pg_dump, pg_restore and psql (from the
 * postgresql-client package). Credentials go to them in the environment, never on the command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Config } from '../platform/config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { CliError, EXIT, say, withDatabase } from './support.ts';
import { cliIo, out } from './io.ts';

type Format = 'custom' | 'sql';

function clientEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...cliIo().env,
    // postgres://user@localhost/db?host=/var/run/postgresql names a Unix socket's folder
    PGHOST: u.searchParams.get('host') || u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || cliIo().env.PGUSER || 'postgres',
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    ...Object.fromEntries(u.searchParams.get('sslmode') ? [['PGSSLMODE', u.searchParams.get('sslmode')!]] : []),
  };
}

/** Find a PostgreSQL client tool whose major version can talk to the server. */
function tool(name: 'pg_dump' | 'pg_restore' | 'psql', serverMajor: number): string {
  const res = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    throw new CliError(
      `${name} is not installed. Install PostgreSQL's client tools (Debian/Ubuntu: apt-get install postgresql-client) and run the command again.`,
    );
  }
  const major = Number(/(\d+)(?:\.\d+)?/.exec(res.stdout)?.[1]);
  if (name !== 'psql' && major < serverMajor) {
    throw new CliError(`${name} is version ${major}, older than the database server (${serverMajor}). Install postgresql-client-${serverMajor} or newer.`);
  }
  return name;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    child.on('error', (e) => reject(new CliError(`${cmd} could not run: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const last = err.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
      reject(new CliError(`${cmd} failed (exit ${code}): ${last || 'no message'}`));
    });
  });
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function isCustomFormat(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(5);
    readSync(fd, buf, 0, 5, 0);
    return buf.toString('latin1') === 'PGDMP';
  } finally {
    closeSync(fd);
  }
}

export function registerDbCommands(program: Command, getConfig: () => Config): void {
  const db = program.command('db').description('Back up and restore the database.');

  db.command('backup')
    .description('Write a backup of the whole socialgov database.')
    .addOption(new Option('--format <format>', 'custom: pg_dump archive for pg_restore; sql: plain SQL').choices(['custom', 'sql']).default('custom'))
    .option('-o, --out <file>', 'where to write it (default: <data folder>/backups/socialgov-<time>.dump or .sql)')
    .action(async (opts: { format: Format; out?: string }) => {
      const config = getConfig();
      const file = path.resolve(opts.out ?? path.join(config.dataDir, 'backups', `socialgov-${timestamp()}.${opts.format === 'sql' ? 'sql' : 'dump'}`));
      mkdirSync(path.dirname(file), { recursive: true });
      await withDatabase(config, async (pool, url) => {
        const major = Math.floor(Number((await pool.query<{ v: string }>('show server_version_num')).rows[0]!.v) / 10000);
        const pgDump = tool('pg_dump', major);
        say(`Writing a ${opts.format === 'sql' ? 'plain SQL' : 'pg_dump archive'} backup to ${file} ...`);
        const args = ['--no-owner', '--no-privileges', `--file=${file}`, opts.format === 'sql' ? '--format=plain' : '--format=custom'];
        if (opts.format === 'sql') args.push('--clean', '--if-exists');
        await run(pgDump, args, clientEnv(url));
        out(`Backup written: ${file} (${Math.round(statSync(file).size / 1024)} KiB)`);
      });
    });

  db.command('restore')
    .description('Replace the database contents with a backup made by "socialgov db backup" (either format).')
    .argument('<file>', 'the backup file')
    .option('--yes', 'confirm that the current contents may be replaced')
    .action(async (file: string, opts: { yes?: boolean }) => {
      if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file; check the path.`, EXIT.usage);
      if (!opts.yes) throw new CliError(`Restoring replaces everything in the database with ${file}. Run again with --yes to go ahead.`, EXIT.usage);
      const custom = isCustomFormat(file);
      await withDatabase(
        getConfig(),
        async (pool, url) => {
          const major = Math.floor(Number((await pool.query<{ v: string }>('show server_version_num')).rows[0]!.v) / 10000);
          const env = clientEnv(url);
          say(`Restoring ${file} (${custom ? 'pg_dump archive' : 'plain SQL'}) ...`);
          if (custom) {
            await run(
              tool('pg_restore', major),
              ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${env.PGDATABASE}`, file],
              env,
            );
          } else {
            await run(tool('psql', major), ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '--file', file], env);
          }
          const applied = await migrate(pool, say);
          out(`Restored ${file}.${applied.length ? ` Then applied ${applied.length} newer migration(s).` : ''}`);
        },
        { migrate: false },
      );
    });
}
