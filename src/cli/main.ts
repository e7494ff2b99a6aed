/**
 * `socialgov`: the one program. Each command validates its arguments, says what it is doing on
 * stderr, prints results on stdout, and exits 0 (done), 1 (failed), 2 (usage mistake) or
 * 3 (an input file is invalid; nothing was changed).
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig, SETTINGS, type Config } from '../platform/config.ts';
import { registerCommunityCommands } from './communities.ts';
import { registerDbCommands } from './db.ts';
import { registerMemberCommands } from './members.ts';
import { registerAgencyCommands } from './agencies.ts';
import { registerLibraryCommands } from './library.ts';
import { registerListCommands } from './lists.ts';
import { registerEventCommands } from './events.ts';
import { registerRegistryCommands } from './registry.ts';
import { registerArchiveCommands } from './archives.ts';
import { registerMetricsCommands } from './metrics.ts';
import { CliError, EXIT, say, withDatabase } from './support.ts';
import { serve } from './serve.ts';
import { migrate, pendingMigrations } from '../platform/db/migrate.ts';

function settingsHelp(): string {
  return ['', 'Settings (environment variables, or a JSON file named by SOCIALGOV_CONFIG):', ...SETTINGS.map((s) => `  ${s.env.padEnd(28)} ${s.description.replace(/`/g, '')}`)].join('\n');
}

export function buildProgram(getConfig: () => Config): Command {
  const program = new Command('socialgov')
    .description('Run government communities of practice: community pages, an eligibility-gated list, events and more.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nExit codes: 0 done, 1 failed, 2 usage mistake, 3 invalid input file (nothing changed).${settingsHelp()}`)
    .exitOverride();

  program
    .command('serve')
    .description('Start the web site and API (and the embedded database unless DATABASE_URL is set). Ctrl-C stops.')
    .action(async () => serve(getConfig()));

  program
    .command('migrate')
    .description('Apply database migrations that have not been applied yet.')
    .addOption(new Option('--status', 'only list the migrations not yet applied'))
    .action(async (opts: { status?: boolean }) => {
      await withDatabase(getConfig(), async (pool) => {
        if (opts.status) {
          const pending = await pendingMigrations(pool);
          console.log(pending.length ? pending.join('\n') : 'All migrations are applied.');
          return;
        }
        const applied = await migrate(pool, say);
        console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'Nothing to do: all migrations are applied.');
      }, { migrate: false });
    });

  registerCommunityCommands(program, getConfig);
  registerDbCommands(program, getConfig);
  registerMemberCommands(program, getConfig);
  registerAgencyCommands(program, getConfig);
  registerLibraryCommands(program, getConfig);
  registerListCommands(program, getConfig);
  registerEventCommands(program, getConfig);
  registerRegistryCommands(program, getConfig);
  registerArchiveCommands(program, getConfig);
  registerMetricsCommands(program, getConfig);

  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // Output piped into a program that stops reading early (| head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  let config: Config | undefined;
  const getConfig = () => (config ??= loadConfig());
  const program = buildProgram(getConfig);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`socialgov: setting ${err.message}\n`);
      return EXIT.failed;
    }
    if (err instanceof CliError) {
      process.stderr.write(`socialgov: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error & { code?: string };
    if (e.code && /^(DATABASE_UNAVAILABLE|EMBEDDED_DB_FAILED|MIGRATION_FAILED|PORT_IN_USE)$/.test(e.code)) {
      process.stderr.write(`socialgov: ${e.message}\n`);
      return EXIT.failed;
    }
    process.stderr.write(`socialgov: unexpected error: ${e.stack ?? String(err)}\nPlease report this with the command you ran.\n`);
    return EXIT.failed;
  }
}
