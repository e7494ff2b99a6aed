/** `socialgov registry ...`: records import and export, agencies, platforms, reviewers and API keys. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { parseRegistryFile } from '../membership/gov-registry.ts';
import { addReviewer, listReviewers, removeReviewer, ReviewerError, type RegistryViewer } from '../registry/access.ts';
import { addAgency, AgencyError, importAgencies, listAgencies, pairsFromFederalRows, parseAgenciesFile, type AgencyPair } from '../registry/agencies.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../registry/api-keys.ts';
import { applyImport, ImportFileError, planImport, recordsCsv } from '../registry/csv.ts';
import { listPlatforms, savePlatform } from '../registry/platform-store.ts';
import type { Platform } from '../registry/platforms.ts';
import { RECORD_STATUSES, type RecordStatus, type RegistryRecord } from '../registry/records.ts';
import { searchRecords } from '../registry/search.ts';
import { openQueue } from '../platform/queue.ts';
import { CliError, cliActor, EXIT, progressBar, say, withDatabase } from './support.ts';
import { cliIo, out } from './io.ts';
import { printable } from '../platform/text.ts';

const MAX_SHOWN = 30;

function readText(file: string): string {
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file; check the path.`, EXIT.usage);
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${file} is not UTF-8 text. Save it as CSV (UTF-8) and try again.`, EXIT.invalidInput);
  }
}

/** The CLI acts as a reviewer: the operator runs it. */
function cliViewer(): RegistryViewer {
  return { memberId: 0, email: cliActor().name, name: null, reviewer: true, homeAgencyId: undefined, agencyIds: new Set() };
}

export function registerRegistryCommands(program: Command, getConfig: () => Config): void {
  const registry = program.command('registry').description('The registry of official government social-media accounts, apps and websites.');

  registry
    .command('import')
    .description('Import records from CSV (the columns of "registry export"). Every row is checked first; if any has a problem, nothing is imported.')
    .argument('<file>', 'CSV file')
    .option('--dry-run', 'check the file and report row by row, without importing')
    .option('--status <status>', 'status for rows whose status column is empty: draft, submitted or published', 'submitted')
    .action(async (file: string, opts: { dryRun?: boolean; status: string }) => {
      if (!['draft', 'submitted', 'published'].includes(opts.status))
        throw new CliError(`--status: "${opts.status}" must be draft, submitted or published.`, EXIT.usage);
      const text = readText(file);
      await withDatabase(getConfig(), async (pool) => {
        let plan;
        try {
          say(`Checking ${file} ...`);
          plan = await planImport(pool, text, { defaultStatus: opts.status as RecordStatus });
        } catch (err) {
          if (err instanceof ImportFileError) throw new CliError(`${file}: ${err.message}`, EXIT.invalidInput);
          throw err;
        }
        const bad = plan.filter((r) => r.outcome === 'invalid');
        for (const r of bad.slice(0, MAX_SHOWN)) say(`${file}:${r.line}: ${r.name || '(no name)'}: ${r.problems.join(' ')}`);
        if (bad.length > MAX_SHOWN) say(`... and ${bad.length - MAX_SHOWN} more rows with problems.`);
        const counts = (['draft', 'submitted', 'published'] as const)
          .map((s) => `${plan.filter((r) => r.outcome === 'new' && r.status === s).length} ${s}`)
          .join(', ');
        if (opts.dryRun) {
          out(`Dry run: ${plan.length - bad.length} of ${plan.length} rows can be imported (${counts}); ${bad.length} have problems. Nothing was changed.`);
          if (bad.length) throw new CliError(`Fix the ${bad.length} row(s) listed above before importing.`, EXIT.invalidInput);
          return;
        }
        if (bad.length)
          throw new CliError(
            `${bad.length} of ${plan.length} rows have problems (listed above). Nothing was imported. Fix them and run the command again.`,
            EXIT.invalidInput,
          );
        const queue = await openQueue(pool, { worker: false });
        try {
          const result = await applyImport(
            pool,
            { queue, baseUrl: getConfig().publicUrl ?? '' },
            cliActor(),
            cliViewer(),
            plan,
            progressBar('Importing records'),
          );
          out(`Imported ${result.imported} record(s) (${counts}).`);
        } finally {
          await queue.stop();
        }
      });
    });

  registry
    .command('export')
    .description('Export records as CSV (with contacts) or JSON.')
    .option('--status <statuses>', `comma-separated statuses (${RECORD_STATUSES.join(', ')})`, 'published,archive-requested')
    .option('--format <format>', 'csv or json', 'csv')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (opts: { status: string; format: string; output?: string }) => {
      const statuses = opts.status
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const wrong = statuses.filter((s) => !RECORD_STATUSES.includes(s as RecordStatus));
      if (wrong.length || !statuses.length)
        throw new CliError(`--status: "${wrong.join(', ') || opts.status}" is not a status; use ${RECORD_STATUSES.join(', ')}.`, EXIT.usage);
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError('--format must be csv or json.', EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        const all: RegistryRecord[] = [];
        const bar = progressBar('Reading records');
        for (let page = 1; ; page++) {
          const p = await searchRecords(pool, { statuses: statuses as RecordStatus[], page, pageSize: 500 });
          all.push(...p.records);
          bar(all.length, p.total);
          if (all.length >= p.total || !p.records.length) break;
        }
        const text = opts.format === 'json' ? JSON.stringify(all, null, 2) + '\n' : recordsCsv(all, { withContacts: true });
        if (opts.output) {
          writeFileSync(opts.output, text);
          say(`Wrote ${all.length} record(s) to ${opts.output}.`);
        } else cliIo().stdout.write(text);
      });
    });

  const agencies = registry.command('agencies').description('Agencies that sponsor records: department › bureau › office.');
  agencies
    .command('import')
    .description('Add departments and bureaus from agencies-and-subs.csv and/or current-federal.csv (cisagov/dotgov-data). Adds only; never removes.')
    .argument('<files...>', 'agencies-and-subs.csv and/or current-federal.csv')
    .option('--dry-run', 'report what would be added without changing anything')
    .action(async (files: string[], opts: { dryRun?: boolean }) => {
      const pairs: AgencyPair[] = [];
      const problems: string[] = [];
      for (const file of files) {
        const text = readText(file);
        if (/^\uFEFF?Domain name,/.test(text)) {
          const parsed = parseRegistryFile(text);
          if (!parsed.ok) problems.push(...parsed.errors.slice(0, MAX_SHOWN).map((e) => `${file}:${e.line}: ${e.message}`));
          else pairs.push(...pairsFromFederalRows(parsed.rows.filter((r) => /^federal/i.test(r.domainType))));
        } else {
          const parsed = parseAgenciesFile(text);
          if (!parsed.ok) problems.push(...parsed.problems.slice(0, MAX_SHOWN).map((e) => `${file}:${e.line}: ${e.message}`));
          else pairs.push(...parsed.pairs);
        }
      }
      if (problems.length)
        throw new CliError(`${problems.join('\n')}\nNothing was imported. Fix the lines above and run the command again.`, EXIT.invalidInput);
      await withDatabase(getConfig(), async (pool) => {
        const r = await importAgencies(pool, pairs, { actor: cliActor(), dryRun: Boolean(opts.dryRun), progress: progressBar('Agencies') });
        const text = `${r.departmentsAdded} department(s) and ${r.bureausAdded} bureau(s)`;
        out(opts.dryRun ? `Dry run: would add ${text}. Nothing was changed.` : `Added ${text}; ${r.unchanged} line(s) were already known.`);
      });
    });
  agencies
    .command('add')
    .description('Add one agency, usually an office under a bureau (departments and bureaus come from "agencies import").')
    .argument('<name>', 'the agency’s name')
    .option('--parent <slug>', 'slug of the agency it belongs to (see "registry agencies list"); without it, a department')
    .action(async (name: string, opts: { parent?: string }) => {
      await withDatabase(getConfig(), async (pool) => {
        const all = await listAgencies(pool);
        const parent = opts.parent ? all.find((a) => a.slug === opts.parent!.trim().toLowerCase()) : undefined;
        if (opts.parent && !parent)
          throw new CliError(`--parent: no agency has the slug "${opts.parent}". See "socialgov registry agencies list".`, EXIT.usage);
        try {
          const a = await addAgency(pool, cliActor(), { name, parentId: parent?.id ?? null });
          out(`Added ${a.level} ${a.path} (slug ${a.slug}).`);
        } catch (err) {
          if (err instanceof AgencyError) throw new CliError(err.message, EXIT.usage);
          throw err;
        }
      });
    });
  agencies
    .command('list')
    .description('List agencies with their slugs (use slugs in import files).')
    .action(async () => {
      await withDatabase(getConfig(), async (pool) => {
        for (const a of await listAgencies(pool)) out(`${a.slug}\t${a.level}\t${a.path}`);
      });
    });

  const platforms = registry.command('platforms').description('Platforms the registry reads account addresses of (data, not code).');
  platforms
    .command('list')
    .description('List platforms (add --json for their full definitions).')
    .option('--json', 'print the definitions as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(getConfig(), async (pool) => {
        const all = await listPlatforms(pool);
        if (opts.json) out(JSON.stringify(all, null, 2));
        else for (const p of all) out(`${p.key}\t${p.active ? 'on' : 'off'}\t${p.name}\t${p.hosts.join(' ')}`);
      });
    });
  platforms
    .command('save')
    .description('Add a platform, or change one, from a JSON file: {"key", "name", "hosts": [...], "rules": [...], "active", "sort"} (see docs/registry.md).')
    .argument('<file>', 'JSON file with one platform')
    .action(async (file: string) => {
      let p: Omit<Platform, 'builtin'>;
      try {
        const raw = JSON.parse(readText(file)) as Partial<Platform>;
        p = {
          key: String(raw.key ?? ''),
          name: String(raw.name ?? ''),
          hosts: Array.isArray(raw.hosts) ? raw.hosts.map(String) : [],
          rules: Array.isArray(raw.rules) ? raw.rules : [],
          active: raw.active !== false,
          sort: Number.isInteger(raw.sort) ? raw.sort! : 500,
        };
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, EXIT.invalidInput);
      }
      await withDatabase(getConfig(), async (pool) => {
        const r = await savePlatform(pool, cliActor(), p);
        if (!r.ok) throw new CliError(`${file}: ${r.problems.map((x) => `${x.field}: ${x.message}`).join('\n')}\nNothing was saved.`, EXIT.invalidInput);
        out(`Saved platform ${p.key}. Web processes use it within a few seconds.`);
      });
    });

  const reviewers = registry.command('reviewers').description('Registry reviewers: they publish, reject and archive records.');
  for (const [name, desc] of [
    ['add', 'Make a member a registry reviewer.'],
    ['remove', 'Stop a member being a registry reviewer.'],
  ] as const) {
    reviewers
      .command(name)
      .description(desc)
      .argument('<email>', 'the member’s address')
      .action(async (email: string) => {
        await withDatabase(getConfig(), async (pool) => {
          try {
            if (name === 'add') {
              await addReviewer(pool, cliActor(), email);
              out(`${email} is a registry reviewer.`);
            } else
              out((await removeReviewer(pool, cliActor(), email)) ? `${email} is no longer a registry reviewer.` : `${email} was not a registry reviewer.`);
          } catch (err) {
            if (err instanceof ReviewerError) throw new CliError(err.message, EXIT.usage);
            throw err;
          }
        });
      });
  }
  reviewers
    .command('list')
    .description('List registry reviewers (site administrators are reviewers too).')
    .action(async () => {
      await withDatabase(getConfig(), async (pool) => {
        const all = await listReviewers(pool);
        out(all.length ? all.map((r) => `${r.email}\t${printable(r.name ?? '')}`).join('\n') : 'No registry reviewers yet (site administrators can review).');
      });
    });

  const keys = registry.command('api-keys').description('API keys for a higher registry API rate limit.');
  keys
    .command('create')
    .description('Create a key; it is shown once.')
    .requiredOption('--name <name>', 'who the key is for')
    .option('--per-minute <n>', 'requests a minute', '6000')
    .action(async (opts: { name: string; perMinute: string }) => {
      const n = Number(opts.perMinute);
      if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new CliError('--per-minute must be a whole number from 1 to 10000000.', EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        const k = await createApiKey(pool, cliActor(), { name: opts.name.trim(), perMinute: n });
        say(`Created API key ${k.id} for ${opts.name}. Send it in the X-Api-Key header. It is shown only now:`);
        out(k.key);
      });
    });
  keys
    .command('list')
    .description('List keys (never the keys themselves).')
    .action(async () => {
      await withDatabase(getConfig(), async (pool) => {
        for (const k of await listApiKeys(pool)) out(`${k.id}\t${k.perMinute}/min\t${k.revokedAt ? 'revoked' : 'active'}\t${k.name}`);
      });
    });
  keys
    .command('revoke')
    .description('Revoke a key by its id.')
    .argument('<id>')
    .action(async (id: string) => {
      if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a key id; see "socialgov registry api-keys list".`, EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        out((await revokeApiKey(pool, cliActor(), Number(id))) ? `Revoked key ${id}; it stops working within a minute.` : `No active key ${id}.`);
      });
    });
}
