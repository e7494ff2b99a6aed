/** `socialgov events import|list`. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { formatProblems } from '../communities/community-file.ts';
import { listCommunities } from '../communities/store.ts';
import { parseAuthorFile, parseEventFile, type AuthorInfo } from '../events/import.ts';
import type { EventInput } from '../events/model.ts';
import { createEvent, findEvent, listOccurrences, updateEvent } from '../events/store.ts';
import { isValidZone } from '../events/time.ts';
import { CliError, cliActor, EXIT, progressBar, say, withDatabase } from './support.ts';
import { out } from './io.ts';
import { compareText, printable, printableJson } from '../platform/text.ts';

/** Files named on the command line, with folders walked for .md files (Hugo's _index.md skipped). */
export function eventFiles(args: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.md') && entry.name !== '_index.md') files.push(p);
    }
  };
  for (const a of args) {
    if (!existsSync(a)) missing.push(a);
    else if (statSync(a).isDirectory()) walk(a);
    else if (path.basename(a) === '_index.md') say(`${a}: skipped: a Hugo section index, not an event page.`);
    else files.push(a);
  }
  return { files, missing };
}

/** digital.gov author profiles beside the events folder (content/authors), for presenter names. */
function loadAuthors(folder: string | undefined): Map<string, AuthorInfo> {
  const authors = new Map<string, AuthorInfo>();
  if (!folder || !existsSync(folder)) return authors;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = entry.isDirectory() ? path.join(folder, entry.name, '_index.md') : '';
    if (!file || !existsSync(file)) continue;
    const info = parseAuthorFile(readFileSync(file, 'utf8'));
    if (info) authors.set(entry.name, info);
  }
  return authors;
}

function guessAuthorsFolder(args: string[]): string | undefined {
  for (const a of args) {
    const i = path.resolve(a).split(path.sep).lastIndexOf('events');
    if (i > 0) {
      const candidate = path.join(path.resolve(a).split(path.sep).slice(0, i).join(path.sep) || '/', 'authors');
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

interface ReadPage {
  file: string;
  event: EventInput;
  eventCop: string[];
}

export function registerEventCommands(program: Command, getConfig: () => Config): void {
  const events = program.command('events').description('Import and list events (summits, trainings, office hours, meetings, webinars).');

  events
    .command('import')
    .description(
      'Import digital.gov event pages (Hugo front matter + Markdown). Every file is checked first; if any is invalid, nothing is imported unless --skip-invalid.',
    )
    .argument('<paths...>', 'event page files or folders, e.g. content/events/2024')
    .option('--zone <iana>', 'time zone the pages’ times are in', 'America/New_York')
    .option('--community <slug...>', 'attach every imported event to these communities')
    .option('--authors <folder>', 'digital.gov author profiles (content/authors) for presenter names; found beside content/events when omitted')
    .option('--update', 'replace events that already exist (matched by slug)')
    .option('--skip-invalid', 'import the valid files and list the invalid ones')
    .option('--dry-run', 'check the files and report what would happen, without changing anything')
    .action(
      async (args: string[], opts: { zone: string; community?: string[]; authors?: string; update?: boolean; skipInvalid?: boolean; dryRun?: boolean }) => {
        if (!isValidZone(opts.zone))
          throw new CliError(`--zone "${opts.zone}" is not a time zone name; use an IANA name such as America/New_York.`, EXIT.usage);
        const { files, missing } = eventFiles(args);
        const problems = missing.map((m) => `${m}: no such file or folder; check the path.`);
        const authors = loadAuthors(opts.authors ?? guessAuthorsFolder(args));
        if (authors.size) say(`Presenter names from ${authors.size} author profiles.`);
        const pages: ReadPage[] = [];
        const invalid: string[] = [];
        const bar = progressBar('Checking');
        files.forEach((file, i) => {
          const r = parseEventFile(readFileSync(file, 'utf8'), { zone: opts.zone, authors, fallbackSlug: path.basename(file).replace(/\.md$/i, '') });
          for (const w of formatProblems(file, r.warnings, 'warning')) say(w);
          if (r.ok) pages.push({ file, event: r.event, eventCop: r.eventCop });
          else {
            problems.push(...formatProblems(file, r.errors, 'error'));
            invalid.push(file);
          }
          bar(i + 1, files.length);
        });
        // digital.gov addresses events by /event/YYYY/MM/slug, so a slug can repeat across months.
        const seen = new Set<string>();
        for (const p of pages) {
          if (seen.has(p.event.slug)) {
            const dated = `${p.event.slug}-${p.event.startsAt.toISOString().slice(0, 10)}`;
            say(`${p.file}:1: warning: slug "${p.event.slug}" is used by another page; imported as "${dated}"`);
            p.event.slug = dated;
          }
          seen.add(p.event.slug);
        }
        if (problems.length) {
          say(problems.join('\n'));
          if (!opts.skipInvalid || missing.length)
            throw new CliError(
              `${invalid.length} invalid file(s). Nothing was imported. Fix the lines above and run the command again, or add --skip-invalid to import the valid ones.`,
              EXIT.invalidInput,
            );
        }
        if (!pages.length) throw new CliError('No event pages to import.', EXIT.invalidInput);
        await withDatabase(getConfig(), async (pool) => {
          const communities = await listCommunities(pool, { includeHidden: true });
          const bySlug = new Map(communities.map((c) => [c.slug, c]));
          const wanted: number[] = [];
          for (const s of opts.community ?? []) {
            const c = bySlug.get(s);
            if (!c) throw new CliError(`There is no community "${s}". See the slugs with: socialgov communities list --all`, EXIT.usage);
            wanted.push(c.id);
          }
          let created = 0;
          let updated = 0;
          let skipped = 0;
          const actor = cliActor();
          const bar2 = progressBar(opts.dryRun ? 'Checking against the database' : 'Importing');
          for (const [i, p] of pages.entries()) {
            p.event.communityIds = [...new Set([...wanted, ...p.eventCop.map((s) => bySlug.get(s)?.id).filter((id): id is number => id !== undefined)])];
            const existing = await findEvent(pool, p.event.slug);
            if (existing && !opts.update) {
              skipped++;
              say(`${p.file}: "${p.event.slug}" already exists; skipped (add --update to replace it)`);
            } else if (!opts.dryRun) {
              await inTransaction(pool, async (tx) => {
                if (existing) await updateEvent(tx, actor, existing, p.event);
                else await createEvent(tx, actor, p.event, { source: 'import' });
              });
              if (existing) updated++;
              else created++;
            } else if (existing) updated++;
            else created++;
            bar2(i + 1, pages.length);
          }
          const verb = opts.dryRun ? 'Dry run: would import' : 'Imported';
          out(
            `${verb} ${created + updated} event(s): ${created} new, ${updated} updated, ${skipped} already there${invalid.length ? `, ${invalid.length} invalid file(s) left out` : ''}.`,
          );
        });
      },
    );

  events
    .command('list')
    .description('List upcoming sessions (or past ones with --past).')
    .option('--past', 'sessions that have ended, newest first')
    .option('--community <slug>', 'only this community’s events')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { past?: boolean; community?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a whole number of 1 or more.', EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        const now = new Date();
        const rows = await listOccurrences(pool, {
          ...(opts.past ? { to: now, descending: true } : { from: now }),
          ...(opts.community ? { community: opts.community } : {}),
          limit,
        });
        if (opts.json)
          return out(
            printableJson(rows.map((r) => ({ slug: r.event.slug, title: r.event.title, startsAt: r.occurrence.startsAt, status: r.occurrence.status }))),
          );
        if (!rows.length) return out(opts.past ? 'No past events.' : 'No upcoming events. Import some with: socialgov events import FOLDER');
        for (const r of rows)
          out(
            `${r.occurrence.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC  ${r.event.slug}  ${printable(r.event.title)}${r.occurrence.status !== 'scheduled' ? ` (${r.occurrence.status})` : ''}`,
          );
      });
    });
}
