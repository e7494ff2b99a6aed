/** `socialgov metrics rollup [--from --to]`: roll up missing days now, or count a range of days again. */
import type { Command } from 'commander';
// every feature installed: the roll-up counts the metric sources of all of them
import '../app/features.ts';
import type { Config } from '../platform/config.ts';
import { dayOf, parseDay } from '../metrics/days.ts';
import { forgetDays, rollUpMissing } from '../metrics/rollup.ts';
import { CliError, EXIT, withDatabase } from './support.ts';
import { out } from './io.ts';

export function registerMetricsCommands(program: Command, getConfig: () => Config): void {
  const metrics = program.command('metrics').description('Community metrics: the daily roll-ups behind the dashboards.');

  metrics
    .command('rollup')
    .description(
      'Roll up every finished day not rolled up yet (the nightly job does this at 00:10 UTC). With --from and --to, count those days again first, e.g. after importing an old archive.',
    )
    .option('--from <YYYY-MM-DD>', 'first day to count again (UTC)')
    .option('--to <YYYY-MM-DD>', 'last day to count again (UTC, included)')
    .action(async (opts: { from?: string; to?: string }) => {
      if (!!opts.from !== !!opts.to) throw new CliError('Give both --from and --to (or neither, to fill in missing days only).', EXIT.usage);
      const from = opts.from && parseDay(opts.from);
      const to = opts.to && parseDay(opts.to);
      if (opts.from && !from) throw new CliError(`--from ${opts.from} is not a date; write it as year-month-day, e.g. 2026-01-31.`, EXIT.usage);
      if (opts.to && !to) throw new CliError(`--to ${opts.to} is not a date; write it as year-month-day, e.g. 2026-01-31.`, EXIT.usage);
      if (from && to && from > to) throw new CliError('--from must be on or before --to.', EXIT.usage);
      await withDatabase(getConfig(), async (pool) => {
        if (from && to) out(`${await forgetDays(pool, from, to)} day(s) from ${from} to ${to} will be counted again.`);
        let total = 0;
        for (;;) {
          const run = await rollUpMissing(pool);
          total += run.days.length;
          if (run.days.length) out(`Rolled up ${run.days[0]} to ${run.days[run.days.length - 1]} (${run.days.length} day(s)).`);
          if (!run.remaining) break;
        }
        if (!total) out(`Nothing to roll up: every finished day up to ${dayOf(new Date())} (UTC, not included) is done.`);
      });
    });
}
