/** `socialgov archives import <list> <file>`, `socialgov archives export <list> --month | --from --to` and `socialgov archives rederive [list]`. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Command } from 'commander';
import type pg from 'pg';
import type { Config } from '../platform/config.ts';
import { listByLocalPart, type List } from '../lists/store.ts';
import { rederivePending } from '../archives/archiver.ts';
import { countPosts, mboxrdChunks } from '../archives/export.ts';
import { importMbox } from '../archives/import.ts';
import { MboxFormatError } from '../archives/mbox.ts';
import { dayRange, DateRangeError, monthRange, type DateRange } from '../archives/months.ts';
import { CliError, cliActor, EXIT, progressBar, say, withDatabase } from './support.ts';
import { cliIo, out } from './io.ts';

async function listOrFail(pool: pg.Pool, localPart: string): Promise<List> {
  const list = await listByLocalPart(pool, localPart);
  if (!list) {
    const { rows } = await pool.query<{ local_part: string }>('select local_part from lists order by local_part');
    throw new CliError(`There is no list "${localPart}". Lists: ${rows.map((r) => r.local_part).join(', ') || '(none)'}.`, EXIT.usage);
  }
  return list;
}

export function registerArchiveCommands(program: Command, getConfig: () => Config): void {
  const archives = program.command('archives').description('Import an existing list archive (mbox) and export the archive as mbox.');

  archives
    .command('import')
    .description(
      "Import an mbox file (plain or .gz, e.g. from LISTSERV or Mailman) into a list's archive. All or nothing; messages already archived (same Message-ID) are skipped, so running it again is safe.",
    )
    .argument('<list>', 'the list, e.g. social-media')
    .argument('<file>', 'the .mbox or .mbox.gz file')
    .action(async (localPart: string, file: string) => {
      if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file; check the path.`, EXIT.invalidInput);
      const data = readFileSync(file);
      await withDatabase(getConfig(), async (pool) => {
        const list = await listOrFail(pool, localPart);
        const bars = { reading: progressBar('Reading messages'), saving: progressBar('Saving posts'), threading: progressBar('Threading and indexing') };
        let report;
        try {
          report = await importMbox(pool, list, data, cliActor(), (stage, done, total) => bars[stage](done, total), file);
        } catch (err) {
          if (err instanceof MboxFormatError) throw new CliError(`${file}: ${err.message} Nothing was imported.`, EXIT.invalidInput);
          throw err;
        }
        out(
          `${report.found} message(s) in the file; ${report.imported} imported${report.imported ? ` as messages ${report.firstNumber}–${report.lastNumber}` : ''}; ${report.duplicates} already in the archive (skipped).`,
        );
        if (report.undated) out(`${report.undated} message(s) had no Date header; they are dated by their "From " line, or the time of import.`);
      });
    });

  archives
    .command('export')
    .description("Write a month or a range of days of a list's archive to standard output as gzip-compressed mboxrd, e.g. > social-media-2019-04.mbox.gz")
    .argument('<list>', 'the list, e.g. social-media')
    .option('--month <YYYY-MM>', "one month, in the list's time zone")
    .option('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day (included)')
    .action(async (localPart: string, opts: { month?: string; from?: string; to?: string }) => {
      if (opts.month && (opts.from || opts.to)) throw new CliError('Give --month, or --from and/or --to, not both.', EXIT.usage);
      if (!opts.month && !opts.from && !opts.to) throw new CliError('Say what to export: --month 2019-04, or --from 2019-04-01 --to 2019-04-30.', EXIT.usage);
      if (cliIo().stdout.isTTY)
        throw new CliError(
          'The export is a compressed file: send it to a file, e.g. socialgov archives export social-media --month 2019-04 > social-media-2019-04.mbox.gz',
          EXIT.usage,
        );
      await withDatabase(getConfig(), async (pool) => {
        const list = await listOrFail(pool, localPart);
        let range: Partial<DateRange>;
        try {
          range = opts.month ? monthRange(opts.month, list.timeZone) : dayRange(opts.from, opts.to, list.timeZone);
        } catch (err) {
          if (err instanceof DateRangeError) throw new CliError(err.message, EXIT.usage);
          throw err;
        }
        const total = await countPosts(pool, { listId: list.id, ...range });
        if (!total)
          throw new CliError(`Nothing was posted to ${list.localPart} in that time; nothing was written. Check the dates (they are in ${list.timeZone}).`);
        const bar = progressBar('Exporting');
        let done = 0;
        async function* counted() {
          for await (const chunk of mboxrdChunks(pool, { listId: list.id, ...range })) {
            done += chunk.toString('latin1').match(/^From /gm)?.length ?? 0;
            bar(Math.min(done, total), total);
            yield chunk;
          }
        }
        await pipeline(Readable.from(counted()), createGzip(), cliIo().stdout, { end: false });
        say(`Exported ${total} message(s).`);
      });
    });

  archives
    .command('rederive')
    .description(
      'Read archived messages again after an upgrade changed how the archive reads mail (sender, attachments, search words). The worker does this by itself, a batch a minute; this does it now. Safe to run at any time.',
    )
    .argument('[list]', 'only this list, e.g. social-media')
    .action(async (localPart: string | undefined) => {
      await withDatabase(getConfig(), async (pool) => {
        const list = localPart ? await listOrFail(pool, localPart) : undefined;
        const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from archive_rederive where ($1::bigint is null or list_id = $1)', [
          list?.id ?? null,
        ]);
        const total = rows[0]!.n;
        const bar = progressBar('Reading messages again');
        const done = await rederivePending(pool, { ...(list ? { listId: list.id } : {}), onBatch: (n) => bar(Math.min(n, total), total) });
        out(done ? `${done} message(s) read again; the archive is up to date.` : 'Nothing to do: the archive is up to date.');
      });
    });
}
