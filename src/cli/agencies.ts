/** `socialgov agencies import|lookup`: the .gov registry that tells agencies and levels of government apart. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { checkEligibility, GOVERNMENT_LEVELS, type EligibilityDecision, type EligibilityPolicy, type GovernmentLevel } from '../membership/eligibility.ts';
import {
  combineRegistryFiles,
  formatRegistryProblems,
  importRegistry,
  parseRegistryFile,
  registryView,
  type RegistryFileKind,
  type RegistryRow,
} from '../membership/gov-registry.ts';
import { CliError, cliActor, EXIT, say, withDatabase } from './support.ts';
import { out } from './io.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { snapshotBreakdown } from '../metrics/rollup.ts';

/** Rows per INSERT, and a progress line after each. */
const BATCH = 1000;
/** Problems shown per file; a file that is wrong throughout would otherwise print thousands of lines. */
const MAX_SHOWN = 20;

const KIND_WORDS: Record<RegistryFileKind, string> = { full: 'full registry', federal: 'federal domains' };

function readRegistryFiles(files: string[]): Array<{ file: string; kind: RegistryFileKind; rows: RegistryRow[] }> {
  const read: Array<{ file: string; kind: RegistryFileKind; rows: RegistryRow[] }> = [];
  const problems: string[] = [];
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) {
      problems.push(`${file}: no such file; check the path.`);
      continue;
    }
    const result = parseRegistryFile(readFileSync(file));
    for (const w of formatRegistryProblems(file, result.warnings, 'warning')) say(w);
    if (!result.ok) {
      const lines = formatRegistryProblems(file, result.errors, 'error');
      problems.push(...lines.slice(0, MAX_SHOWN));
      if (lines.length > MAX_SHOWN) problems.push(`${file}: ... and ${lines.length - MAX_SHOWN} more problems.`);
      continue;
    }
    say(`${file}: ${result.rows.length} domains (${KIND_WORDS[result.kind]})`);
    read.push({ file, kind: result.kind, rows: result.rows });
  }
  if (problems.length) {
    throw new CliError(`${problems.join('\n')}\nNothing was imported. Fix the lines above and run the command again.`, EXIT.invalidInput);
  }
  for (const kind of ['full', 'federal'] as const) {
    const same = read.filter((r) => r.kind === kind);
    if (same.length > 1) {
      throw new CliError(
        `${same.map((r) => r.file).join(' and ')} are both ${KIND_WORDS[kind]} files. Give at most one current-full.csv and one current-federal.csv.`,
        EXIT.usage,
      );
    }
  }
  return read;
}

function parseLevels(raw: string): GovernmentLevel[] | 'all' {
  if (raw.trim().toLowerCase() === 'all') return 'all';
  const levels = raw
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const unknown = levels.filter((l) => !(GOVERNMENT_LEVELS as readonly string[]).includes(l));
  if (unknown.length || !levels.length) {
    throw new CliError(
      `--levels: "${unknown.join(', ') || raw}" is not a level of government; use a comma-separated list of ${GOVERNMENT_LEVELS.join(', ')}, or all.`,
      EXIT.usage,
    );
  }
  return levels as GovernmentLevel[];
}

function describeDecision(subject: string, d: EligibilityDecision): string[] {
  if (d.outcome === 'eligible') {
    return [
      `${subject}: eligible (rule ${d.rule})`,
      d.level ? `  Level: ${d.level}${d.domainType ? ` (${d.domainType})` : ''}` : '  Level: unknown',
      `  Agency: ${d.agency ?? 'unknown'}`,
      d.bureau ? `  Bureau: ${d.bureau}` : '',
      `  Why: ${d.reason}`,
    ].filter(Boolean);
  }
  if (d.outcome === 'needs-approval') {
    return [`${subject}: needs approval by a coordinator (rule ${d.rule})`, `  For the coordinator: ${d.reason}`, `  For the applicant: ${d.message}`];
  }
  return [`${subject}: not eligible (rule ${d.rule})`, `  For the applicant: ${d.message}`];
}

export function registerAgencyCommands(program: Command, getConfig: () => Config): void {
  const agencies = program.command('agencies').description('Import the .gov registry and look up what it says about an address.');

  agencies
    .command('import')
    .description(
      'Import the .gov registry from cisagov/dotgov-data: current-full.csv (every domain and its type) and/or current-federal.csv ' +
        '(federal agencies and bureaus). Replaces the previous import; all files are checked first, and if any is invalid nothing changes.',
    )
    .argument('<files...>', 'current-full.csv and/or current-federal.csv')
    .option('--dry-run', 'check the files and report what would change, without changing anything')
    .action(async (files: string[], opts: { dryRun?: boolean }) => {
      const read = readRegistryFiles(files);
      const incoming = combineRegistryFiles(read);
      if (!incoming.full) say('No full registry file given: only federal domains are replaced, and other .gov domains are left as they are.');
      await withDatabase(getConfig(), async (pool) => {
        const result = await importRegistry(pool, incoming, {
          actor: cliActor(),
          dryRun: Boolean(opts.dryRun),
          batchSize: BATCH,
          progress: (written, toWrite) => say(`[${written}/${toWrite}] domains written`),
        });
        if (result.removed) {
          const shown = result.removedDomains.slice(0, MAX_SHOWN).join(', ');
          say(
            `${opts.dryRun ? 'Would remove' : 'Removed'} ${result.removed} domain(s) the registry no longer lists: ${shown}${result.removed > MAX_SHOWN ? ', ...' : ''}`,
          );
        }
        const counts = `${result.added} added, ${result.changed} changed, ${result.removed} removed, ${result.unchanged} unchanged`;
        if (opts.dryRun) out(`Dry run: the registry would have ${result.total} domains (${counts}). Nothing was changed.`);
        else {
          // Members are counted by level from the registry as it is now: the metrics snapshot follows it.
          if ((await pool.query('select 1 from metrics_member_breakdown limit 1')).rowCount) await inTransaction(pool, (tx) => snapshotBreakdown(tx));
          out(`Imported the .gov registry from ${read.length} file(s): ${result.total} domains (${counts}).`);
        }
      });
    });

  agencies
    .command('lookup')
    .description("Show what the eligibility rules decide for an address or domain, with this site's allow- and deny-lists (ELIGIBLE_DOMAINS, BLOCKED_DOMAINS).")
    .argument('<domain-or-address>', 'e.g. someone@gsa.gov or fs.usda.gov')
    .option('--levels <levels>', `levels of government the community is open to: comma-separated ${GOVERNMENT_LEVELS.join(', ')}; or all`, 'all')
    .option('--no-exceptions', 'the community does not let people who do not qualify by address ask a coordinator')
    .option('--json', 'print the decision as JSON')
    .action(async (input: string, opts: { levels: string; exceptions: boolean; json?: boolean }) => {
      const config = getConfig();
      const policy: EligibilityPolicy = {
        allowDomains: config.eligibleDomains,
        denyDomains: config.blockedDomains,
        eligibleLevels: parseLevels(opts.levels),
        allowExceptions: opts.exceptions,
      };
      // A bare domain is checked as an address at it.
      const address = input.includes('@') ? input : `someone@${input.trim()}`;
      await withDatabase(config, async (pool) => {
        const registry = await registryView(pool, address);
        if (!registry.loaded) {
          say(
            'Note: the full .gov registry has not been imported, so a .gov domain it does not know counts as eligible with its agency unknown. Import it with: socialgov agencies import current-full.csv current-federal.csv',
          );
        }
        const decision = checkEligibility(address, policy, registry);
        if (opts.json) return out(JSON.stringify(decision, null, 2));
        const subject = input.includes('@') ? (decision.address ?? input) : `any address at ${decision.domain ?? input}`;
        out(describeDecision(subject, decision).join('\n'));
      });
    });
}
