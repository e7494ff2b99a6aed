/** `socialgov communities list|show|import|export`. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Config } from '../platform/config.ts';
import { formatProblems, mergeCommunityPages, parseCommunityFile, serializeCommunityFile, type CommunityPage } from '../communities/community-file.ts';
import { findCommunity, listCommunities, saveCommunity, toPage } from '../communities/store.ts';
import { CliError, cliActor, EXIT, say, withDatabase } from './support.ts';
import { cliIo, out } from './io.ts';
import { printable, printableJson } from '../platform/text.ts';

function readPages(files: string[]): Array<{ file: string; page: CommunityPage }> {
  const pages: Array<{ file: string; page: CommunityPage }> = [];
  const problems: string[] = [];
  for (const file of files) {
    if (path.basename(file) === '_index.md') {
      say(`${file}: skipped: a Hugo section index, not a community page.`);
      continue;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      problems.push(`${file}: no such file; check the path.`);
      continue;
    }
    const result = parseCommunityFile(readFileSync(file, 'utf8'), path.basename(file).replace(/\.(md|markdown|txt)$/i, ''), { digitalGov: true });
    for (const w of formatProblems(file, result.warnings, 'warning')) say(w);
    if (!result.ok) problems.push(...formatProblems(file, result.errors, 'error'));
    else pages.push({ file, page: result.page });
  }
  const seen = new Map<string, string>();
  for (const { file, page } of pages) {
    const other = seen.get(page.slug);
    if (other) problems.push(`${file}: error: slug "${page.slug}" is also used by ${other}; each community needs its own slug.`);
    seen.set(page.slug, file);
  }
  if (!problems.length && !pages.length) problems.push('No community pages to import.');
  if (problems.length) {
    throw new CliError(`${problems.join('\n')}\nNothing was imported. Fix the lines above and run the command again.`, EXIT.invalidInput);
  }
  return pages;
}

export function registerCommunityCommands(program: Command, getConfig: () => Config): void {
  const communities = program.command('communities').description('List, show, import and export communities of practice.');

  communities
    .command('list')
    .description('List communities, featured first, with live member counts.')
    .option('--all', 'include hidden communities (weight 0)')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      await withDatabase(getConfig(), async (pool) => {
        const all = await listCommunities(pool, { includeHidden: Boolean(opts.all) });
        if (opts.json) return out(printableJson(all));
        if (!all.length) return out('No communities yet. Import one with: socialgov communities import FILE.md');
        const rows = all.map((c) => [c.slug, printable(c.name), String(c.memberCount), c.weight === 0 ? 'hidden' : c.featured ? 'featured' : 'visible']);
        const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['SLUG', 'NAME', 'MEMBERS'][i]!.length));
        out(['SLUG'.padEnd(widths[0]!), 'NAME'.padEnd(widths[1]!), 'MEMBERS'.padStart(widths[2]!), 'SHOWN'].join('  '));
        for (const r of rows) out([r[0]!.padEnd(widths[0]!), r[1]!.padEnd(widths[1]!), r[2]!.padStart(widths[2]!), r[3]].join('  '));
      });
    });

  communities
    .command('show')
    .description('Show one community.')
    .argument('<slug>', 'the community, e.g. social-media')
    .option('--json', 'print JSON')
    .action(async (slug: string, opts: { json?: boolean }) => {
      await withDatabase(getConfig(), async (pool) => {
        const c = await findCommunity(pool, slug);
        if (!c) throw new CliError(`There is no community "${slug}". See the slugs with: socialgov communities list --all`);
        if (opts.json) return out(JSON.stringify(c, null, 2));
        const lines = [
          `${c.title} (${c.slug})`,
          c.deck ? `  ${c.deck}` : '',
          `  Members now: ${c.memberCount}`,
          ...c.channels.map(
            (ch) =>
              `  Join: ${ch.platform}, ${ch.audience}${ch.subscribeEmail ? `, mail ${ch.subscribeEmail}` : ''}${ch.subscribeSubject ? ` with subject "${ch.subscribeSubject}"` : ''}`,
          ),
          ...c.channels.filter((ch) => ch.reported).map((ch) => `  Earlier hand-typed figure: ${ch.reported!.text} (recorded ${ch.reported!.recordedOn})`),
          c.authors.length ? `  Leads: ${c.authors.join(', ')}` : '',
          c.topics.length ? `  Topics: ${c.topics.join(', ')}` : '',
          `  Shown: ${c.weight === 0 ? 'hidden' : c.featured ? 'featured' : 'visible'}`,
          `  Page reviewed/updated: ${c.reviewedAt.toISOString().slice(0, 10)}`,
        ];
        out(lines.filter(Boolean).join('\n'));
      });
    });

  communities
    .command('import')
    .description('Import digital.gov community pages (Hugo front matter + Markdown). All files are checked first; if any is invalid, nothing is imported.')
    .argument('<files...>', 'community page files, e.g. content/communities/social-media.md')
    .option(
      '--update',
      'update communities that already exist (matched by slug): what the file says wins, and what only the current page has (sections, fields, join channels) is kept',
    )
    .option('--replace', 'with --update: replace the current page with the file as it is, dropping what the file does not have')
    .option('--dry-run', 'check the files and report what would happen, without changing anything')
    .action(async (files: string[], opts: { update?: boolean; replace?: boolean; dryRun?: boolean }) => {
      if (opts.replace && !opts.update) throw new CliError('--replace only goes with --update.', EXIT.usage);
      const pages = readPages(files);
      await withDatabase(getConfig(), async (pool) => {
        const existing = new Set((await listCommunities(pool, { includeHidden: true })).map((c) => c.slug));
        const clashes = pages.filter((p) => existing.has(p.page.slug));
        if (clashes.length && !opts.update) {
          throw new CliError(
            `${clashes.map((p) => `${p.file}: a community "${p.page.slug}" already exists.`).join('\n')}\nNothing was imported. Add --update to replace existing communities.`,
          );
        }
        if (opts.dryRun) {
          for (const p of pages) out(`${p.file}: would ${existing.has(p.page.slug) ? 'update' : 'create'} "${p.page.slug}"`);
          out(`Dry run: ${pages.length} file(s) are valid; nothing was changed.`);
          return;
        }
        const actor = cliActor();
        let created = 0;
        let updated = 0;
        for (const [i, p] of pages.entries()) {
          const current = existing.has(p.page.slug) && !opts.replace ? await findCommunity(pool, p.page.slug) : undefined;
          let page = p.page;
          if (current) {
            const merged = mergeCommunityPages(toPage(current), p.page);
            page = merged.page;
            const k = merged.kept;
            const what = [
              k.paragraphs ? `${k.paragraphs} introduction paragraph(s)` : '',
              k.sections.length ? `section(s) ${k.sections.map((h) => `"${h}"`).join(', ')}` : '',
              k.fields.length ? `field(s) ${k.fields.join(', ')}` : '',
              k.channels ? `${k.channels} join channel(s)` : '',
            ].filter(Boolean);
            if (what.length) say(`${p.file}: kept from the current page (the file does not have them): ${what.join('; ')}. Add --replace to drop them.`);
          }
          const result = await saveCommunity(pool, page, { update: Boolean(opts.update), actor, action: 'community.import' });
          if (result.action === 'created') created++;
          else updated++;
          say(`[${i + 1}/${pages.length}] ${p.file}: ${result.action} "${p.page.slug}"`);
        }
        out(`Imported ${pages.length} communit${pages.length === 1 ? 'y' : 'ies'}: ${created} created, ${updated} updated.`);
      });
    });

  communities
    .command('export')
    .description('Write communities as digital.gov community pages (the format import reads).')
    .argument('[slug]', 'the community to export; omit with --all')
    .option('--all', 'export every community, hidden ones included, into --dir')
    .addOption(new Option('-o, --out <file>', 'write to this file instead of standard output').conflicts('all'))
    .option('--dir <folder>', 'with --all: the folder to write <slug>.md files into', '.')
    .action(async (slug: string | undefined, opts: { all?: boolean; out?: string; dir: string }) => {
      if (!slug && !opts.all) throw new CliError('Name a community (socialgov communities export social-media) or use --all --dir FOLDER.', EXIT.usage);
      if (slug && opts.all) throw new CliError('Give either a slug or --all, not both.', EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        const slugs = slug ? [slug] : (await listCommunities(pool, { includeHidden: true })).map((c) => c.slug);
        if (opts.all) mkdirSync(opts.dir, { recursive: true });
        for (const [i, s] of slugs.entries()) {
          const c = await findCommunity(pool, s);
          if (!c) throw new CliError(`There is no community "${s}". See the slugs with: socialgov communities list --all`);
          const text = serializeCommunityFile(toPage(c));
          if (opts.all) {
            const file = path.join(opts.dir, `${s}.md`);
            writeFileSync(file, text);
            say(`[${i + 1}/${slugs.length}] wrote ${file}`);
          } else if (opts.out) {
            writeFileSync(opts.out, text);
            say(`Wrote ${opts.out}`);
          } else cliIo().stdout.write(text);
        }
      });
    });
}
