/** `socialgov library import`: move a digital.gov library (news, resources, guides, topics, authors, terms-of-service lists) in. */
import { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { findCommunity } from '../communities/store.ts';
import { applyImport } from '../library/import.ts';
import { planImport } from '../library/import-files.ts';
import { CliError, cliActor, EXIT, progressBar, say, withDatabase } from './support.ts';
import { out } from './io.ts';

export function registerLibraryCommands(program: Command, getConfig: () => Config): void {
  const library = program.command('library').description('Import the library: articles, guides, topics, authors and terms-of-service agreements.');

  library
    .command('import')
    .description(
      'Import digital.gov content: folders or files from content/news, content/resources, content/guides/<guide>, content/topics, content/authors, ' +
        'and data/termsofservice.yml / termsofservicepoc.yml. Everything is checked first; if any file has an error, nothing is imported. Existing items (same slug) are replaced.',
    )
    .argument('<paths...>', 'files or folders, e.g. content/news content/guides/public-participation data/termsofservice.yml')
    .option('--dry-run', 'check the files and report what would be imported, without changing anything')
    .option('--community <slug>', 'the community the imported articles and guides belong to')
    .option('--skip-invalid', 'import the valid files and list the invalid ones, instead of importing nothing')
    .action(async (paths: string[], opts: { dryRun?: boolean; community?: string; skipInvalid?: boolean }) => {
      const plan = planImport(paths, progressBar('Reading files'));
      for (const w of plan.warnings) say(w);
      if (plan.errors.length && opts.skipInvalid) {
        for (const e of plan.errors) say(e);
        say(`${plan.errors.length} item(s) above are left out (--skip-invalid); the rest is imported. Fix them and import those files again.`);
        plan.errors = [];
      }
      if (plan.errors.length) {
        throw new CliError(`${plan.errors.join('\n')}\nNothing was imported. Fix the lines above and run the command again.`, EXIT.invalidInput);
      }
      const summary = [
        `${plan.articles.length} article(s)`,
        `${plan.guides.length} guide(s) with ${plan.guides.reduce((n, g) => n + g.sections.length, 0)} section(s)`,
        `${plan.topics.length} topic(s)`,
        `${plan.authors.length} author(s)`,
        `${plan.tools.length} tool(s) with agreements`,
        `${plan.contacts.length} point(s) of contact`,
      ].join(', ');
      if (plan.skipped.length) say(`Skipped ${plan.skipped.length} file(s) that are not library content (for example Hugo _index.md list pages).`);
      if (opts.dryRun) {
        out(`Dry run: the files are valid and would import ${summary}. ${plan.warnings.length} warning(s). Nothing was changed.`);
        return;
      }
      await withDatabase(getConfig(), async (pool) => {
        let communityId: number | undefined;
        if (opts.community) {
          const c = await findCommunity(pool, opts.community);
          if (!c) throw new CliError(`There is no community "${opts.community}". See the slugs with: socialgov communities list --all`, EXIT.usage);
          communityId = c.id;
        }
        const counts = await applyImport(pool, cliActor(), plan, { communityId, progress: progressBar('Importing') });
        out(
          `Imported: articles ${counts.articles.created} new, ${counts.articles.updated} replaced; guides ${counts.guides.created} new, ${counts.guides.updated} replaced; ` +
            `tools ${counts.tools.created} new, ${counts.tools.updated} replaced; ${counts.topics} topic(s); ${counts.authors} author(s); ${counts.contacts} point(s) of contact.`,
        );
        if (plan.warnings.length) out(`${plan.warnings.length} warning(s) above: the items were imported; check them when you can.`);
      });
    });
}
