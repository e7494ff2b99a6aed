/**
 * `socialgov`: the one program. Each command validates its arguments, says what it is doing on
 * stderr, prints results on stdout, and exits 0 (done), 1 (failed), 2 (usage mistake) or
 * 3 (an input file is invalid; nothing was changed).
 *
 * Each group of commands is loaded only when it is the one asked for: `socialgov --help` lists
 * them from the table below without loading any, and `socialgov members list` loads the members
 * commands alone.
 */
import { Command, CommanderError, Option } from 'commander';
import { ALL_SETTINGS, loadAppConfig } from '../app/settings.ts';
import { ConfigError, type Config } from '../platform/config.ts';
import { cliIo, out, processIo, runWithIo, type CliIo } from './io.ts';
import { CliError, EXIT, say, withDatabase } from './support.ts';

type Register = (program: Command, getConfig: () => Config) => void;

/** The command groups: name, one-line description (for the top-level help), and how to load it. */
export const COMMAND_GROUPS: { name: string; description: string; load: () => Promise<Register> }[] = [
  {
    name: 'communities',
    description: 'List, show, import and export communities of practice.',
    load: async () => (await import('./communities.ts')).registerCommunityCommands,
  },
  { name: 'db', description: 'Back up and restore the database.', load: async () => (await import('./db.ts')).registerDbCommands },
  {
    name: 'members',
    description: 'Import, add, change and list the members of a community.',
    load: async () => (await import('./members.ts')).registerMemberCommands,
  },
  {
    name: 'admins',
    description: 'Site administrators: they can run every community.',
    load: async () => (await import('./members.ts')).registerMemberCommands,
  },
  {
    name: 'agencies',
    description: 'Import the .gov registry and look up what it says about an address.',
    load: async () => (await import('./agencies.ts')).registerAgencyCommands,
  },
  {
    name: 'library',
    description: 'Import the library: articles, guides, topics, authors and terms-of-service agreements.',
    load: async () => (await import('./library.ts')).registerLibraryCommands,
  },
  {
    name: 'lists',
    description: "Lists: addresses and settings, held messages, digests, the list domain's DKIM key.",
    load: async () => (await import('./lists.ts')).registerListCommands,
  },
  {
    name: 'events',
    description: 'Import and list events (summits, trainings, office hours, meetings, webinars).',
    load: async () => (await import('./events.ts')).registerEventCommands,
  },
  {
    name: 'registry',
    description: 'The registry of official government social-media accounts, apps and websites.',
    load: async () => (await import('./registry.ts')).registerRegistryCommands,
  },
  {
    name: 'archives',
    description: 'Import an existing list archive (mbox) and export the archive as mbox.',
    load: async () => (await import('./archives.ts')).registerArchiveCommands,
  },
  {
    name: 'metrics',
    description: 'Community metrics: the daily roll-ups behind the dashboards.',
    load: async () => (await import('./metrics.ts')).registerMetricsCommands,
  },
];

function settingsHelp(): string {
  return [
    '',
    'Settings (environment variables, or a JSON file named by SOCIALGOV_CONFIG):',
    ...ALL_SETTINGS.flatMap((g) => [
      '',
      `${g.title}:`,
      ...[...g.settings, ...(g.alsoReads ?? [])].map((s) => `  ${s.env.padEnd(28)} ${s.description.replace(/`/g, '')}`),
    ]),
  ].join('\n');
}

/**
 * The program with the commands needed for `argv`: the group named by its first word, loaded in
 * full, and the others as one-line entries for the top-level help. `argv` omitted loads all.
 */
export async function buildProgram(getConfig: () => Config, argv?: string[]): Promise<Command> {
  const program = new Command('socialgov')
    .description('Run government communities of practice: community pages, an eligibility-gated list, events and more.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\nExit codes: 0 done, 1 failed, 2 usage mistake, 3 invalid input file (nothing changed).${settingsHelp()}`)
    .exitOverride()
    // Subcommands made after this inherit it: everything a command prints goes through its I/O.
    .configureOutput({ writeOut: (t) => void cliIo().stdout.write(t), writeErr: (t) => void cliIo().stderr.write(t) });

  program
    .command('serve')
    .description('Start the web site and API (and the embedded database unless DATABASE_URL is set). Ctrl-C stops.')
    .action(async () => (await import('./serve.ts')).serve(getConfig()));

  program
    .command('migrate')
    .description('Apply database migrations that have not been applied yet.')
    .addOption(new Option('--status', 'only list the migrations not yet applied'))
    .action(async (opts: { status?: boolean }) => {
      const { migrate, pendingMigrations } = await import('../platform/db/migrate.ts');
      await withDatabase(
        getConfig(),
        async (pool) => {
          if (opts.status) {
            const pending = await pendingMigrations(pool);
            out(pending.length ? pending.join('\n') : 'All migrations are applied.');
            return;
          }
          const applied = await migrate(pool, say);
          out(applied.length ? `Applied ${applied.length} migration(s).` : 'Nothing to do: all migrations are applied.');
        },
        { migrate: false },
      );
    });

  const words = argv?.filter((a) => !a.startsWith('-')) ?? [];
  const first = words[0] === 'help' ? words[1] : words[0];
  const loaded = new Set<Register>();
  for (const group of COMMAND_GROUPS) {
    if (argv === undefined || group.name === first) {
      const register = await group.load();
      if (!loaded.has(register)) register(program, getConfig);
      loaded.add(register);
    }
  }
  // The rest appear in the help by name; asking for one of them is handled above.
  for (const group of COMMAND_GROUPS) {
    if (!program.commands.some((c) => c.name() === group.name)) program.command(group.name).description(group.description);
  }
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Run one command line; `io` replaces the process's stdout, stderr and environment (tests). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runWithIo(io, () => run(argv, io));
}

async function run(argv: string[], io: CliIo): Promise<number> {
  // Output piped into a program that stops reading early (| head) is not an error.
  if (io.stdout === process.stdout) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  let config: Config | undefined;
  const getConfig = () => (config ??= loadAppConfig(io.env));
  const program = await buildProgram(getConfig, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      cliIo().stderr.write(`socialgov: setting ${err.message}\n`);
      return EXIT.failed;
    }
    if (err instanceof CliError) {
      cliIo().stderr.write(`socialgov: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error & { code?: string };
    if (e.code && /^(DATABASE_UNAVAILABLE|EMBEDDED_DB_FAILED|MIGRATION_FAILED|PORT_IN_USE)$/.test(e.code)) {
      cliIo().stderr.write(`socialgov: ${e.message}\n`);
      return EXIT.failed;
    }
    cliIo().stderr.write(`socialgov: unexpected error: ${e.stack ?? String(err)}\nPlease report this with the command you ran.\n`);
    return EXIT.failed;
  }
}
