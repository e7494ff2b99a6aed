/** The metrics dashboard: a date range form, charts with their descriptions and tables, CSV links. */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { ErrorSummary } from '../web/forms.tsx';
import { BarChart, describe, LineChart, type ChartPoint, type ChartProps } from './charts.tsx';
import { dayLabel, shortDayLabel } from './days.ts';
import type { DashboardFigures } from './figures.ts';
import { DEFAULT_DAYS, MAX_DAYS, type RangeResult } from './range.ts';
import { dashboardTables, DAILY_LIMIT, type DashboardTable } from './tables.ts';
import { byWeek } from './arithmetic.ts';
import { membersSource } from './sources.ts';
import { daysBetween } from './days.ts';
import { formatNumber } from '../web/format.ts';

export interface DashboardProps {
  site: Site;
  /** The community, or undefined for the whole site. */
  community?: { slug: string; title: string };
  /** Where this page lives: CSV links are `${base}/<table>.csv`. */
  base: string;
  range: RangeResult;
  figures?: DashboardFigures;
}

/** Top agencies shown on the page; the CSV has them all. */
export const TOP_AGENCIES = 10;

function DateField(p: { name: 'from' | 'to'; label: string; value: string; error?: string }) {
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <label class={p.error ? 'usa-label usa-label--error' : 'usa-label'} for={p.name} safe>
        {p.label}
      </label>
      <div class="usa-hint" id={`${p.name}-hint`}>
        Year-month-day, for example 2026-03-05 (UTC days)
      </div>
      {p.error ? (
        <span class="usa-error-message" id={`${p.name}-error`} safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      <input
        class={p.error ? 'usa-input usa-input--error' : 'usa-input'}
        id={p.name}
        name={p.name}
        type="date"
        value={p.value}
        aria-describedby={p.error ? `${p.name}-hint ${p.name}-error` : `${p.name}-hint`}
        aria-invalid={p.error ? 'true' : undefined}
      />
    </div>
  );
}

function query(r: { from: string; to: string }): string {
  return `?from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`;
}

/** Tables longer than this are folded (a details element) so the page stays short; the CSV has every row. */
export const FOLD_ROWS = 10;

function TableView({ t, csv, limit, id }: { t: DashboardTable; csv: string; limit?: number; id?: string }) {
  const rows = limit ? t.rows.slice(0, limit) : t.rows;
  const caption = limit && t.rows.length > limit ? `${t.title} (largest ${limit} of ${t.rows.length})` : t.title;
  const safeTable = (
    <div class="usa-table-container--scrollable margin-top-0" tabindex="0">
      <table class="usa-table usa-table--borderless usa-table--striped width-full" id={id ?? `table-${t.slug}`}>
        <caption safe>{caption}</caption>
        <thead>
          <tr>
            {t.columns.map((c) => (
              <th scope="col" safe>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length ? (
            rows.map((r) => (
              <tr>
                <th scope="row" safe>
                  {String(r[0])}
                </th>
                {r.slice(1).map((c) => (
                  <td class="text-right" safe>
                    {typeof c === 'number' ? formatNumber(c) : c}
                  </td>
                ))}
              </tr>
            ))
          ) : (
            <tr>
              <td colspan={String(t.columns.length)}>Nothing to show for this range.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
  return (
    <div class="margin-bottom-4">
      {rows.length > FOLD_ROWS && t.slug !== 'summary' ? (
        <details class="sg-fold">
          <summary safe>{`Show the table “${t.title}” (${rows.length} rows)`}</summary>
          {safeTable}
        </details>
      ) : (
        safeTable
      )}
      {t.note ? (
        <p class="font-sans-2xs text-base-dark margin-top-1" safe>
          {t.note}
        </p>
      ) : (
        ''
      )}
      <p class="margin-top-1">
        <a href={csv} safe>
          {`Download “${t.title}” as CSV${limit && t.rows.length > limit ? ` (all ${t.rows.length})` : ''}`}
        </a>
      </p>
    </div>
  );
}

function ChartBlock({ chart, svg, kind }: { chart: ChartProps; svg: string; kind: 'line' | 'bar' }) {
  return (
    <figure class="margin-x-0 margin-y-2">
      <div class="sg-chart-box" tabindex="0" role="group" aria-label={`${chart.title} chart (scrolls sideways on a narrow screen)`}>
        {svg as 'safe'}
      </div>
      <figcaption class="margin-top-1" safe>
        {describe(chart, kind)}
      </figcaption>
    </figure>
  );
}

/** The members line: one point per day, or per week for long ranges (as the table). */
export function membershipPoints(f: DashboardFigures): ChartPoint[] {
  if (daysBetween(f.range.from, f.range.to) < DAILY_LIMIT) {
    return f.days
      .filter((d) => d.values['members.total'] !== undefined)
      .map((d) => ({ label: shortDayLabel(d.day), longLabel: dayLabel(d.day), value: d.values['members.total']! }));
  }
  return byWeek(f.days, membersSource.metrics)
    .filter((w) => w.values['members.total'] !== undefined)
    .map((w) => ({ label: shortDayLabel(w.to), longLabel: dayLabel(w.to), value: w.values['members.total']! }));
}

export function postPoints(f: DashboardFigures): ChartPoint[] {
  return f.weeks.map((w) => ({
    label: shortDayLabel(w.week),
    longLabel: `week of ${dayLabel(w.week)}${w.partial ? ', part' : ''}`,
    value: w.values['posts'] ?? 0,
  }));
}

export function DashboardPage(p: DashboardProps): string {
  const title = p.community ? `Metrics for ${p.community.title}` : 'Metrics for all communities';
  const crumbs: Crumb[] = p.community
    ? [
        { href: '/communities', label: 'Communities' },
        { href: `/communities/${p.community.slug}`, label: p.community.title },
        { href: `/communities/${p.community.slug}/admin`, label: 'Manage' },
        { label: 'Metrics' },
      ]
    : [{ href: '/communities', label: 'Communities' }, { label: 'Metrics' }];
  const errors = p.range.ok ? {} : p.range.errors;
  const f = p.figures;
  const tables = f ? dashboardTables(f) : [];
  const csv = (t: DashboardTable) => `${p.base}/${t.slug}.csv${query(p.range.values)}`;
  const table = (slug: string) => tables.find((t) => t.slug === slug)!;
  const membersChart: ChartProps | undefined = f && { id: 'chart-members', title: 'Membership growth', unit: 'members', points: membershipPoints(f) };
  const postsChart: ChartProps | undefined = f && { id: 'chart-posts', title: 'Posts per week', unit: 'posts', points: postPoints(f) };
  const pastLive = f?.unrolledDays ?? [];
  return toHtml(
    <Page site={p.site} title={title} section="communities" breadcrumbs={crumbs}>
      <h1 safe>{title}</h1>
      <p>
        {p.community
          ? 'Counted from this community’s own records: memberships, list posts, archived threads, bounces and event registrations.'
          : 'Counted across every community. A person who belongs to two communities counts as a member of each; active posters are counted once.'}{' '}
        Days are UTC days. Finished days come from the nightly roll-up; today so far is counted live.
      </p>
      <ErrorSummary errors={errors} />
      <form class="usa-form usa-form--large margin-bottom-3" method="get" action={p.base}>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Date range</legend>
          <DateField name="from" label="From" value={p.range.values.from} error={errors.from} />
          <DateField name="to" label="To" value={p.range.values.to} error={errors.to} />
          <p class="usa-hint">{`Leave both empty for the last ${DEFAULT_DAYS / 7} weeks. At most ${MAX_DAYS} days at a time.`}</p>
          <button class="usa-button" type="submit">
            Show figures
          </button>
        </fieldset>
      </form>
      {f && membersChart && postsChart ? (
        <>
          <p class="text-bold" safe>{`From ${dayLabel(f.range.from)} to ${dayLabel(f.range.to)}`}</p>
          {pastLive.length ? (
            <div class="usa-alert usa-alert--info usa-alert--slim margin-bottom-2">
              <div class="usa-alert__body">
                <p class="usa-alert__text" safe>
                  {`${pastLive.length} ${pastLive.length === 1 ? 'day' : 'days'} in this range had not been rolled up yet and ${pastLive.length === 1 ? 'was' : 'were'} counted just now. The nightly roll-up will store them.`}
                </p>
              </div>
            </div>
          ) : (
            ''
          )}
          <h2>Summary</h2>
          <TableView t={table('summary')} csv={csv(table('summary'))} />

          <h2>Membership growth</h2>
          <ChartBlock chart={membersChart} svg={LineChart(membersChart)} kind="line" />
          <TableView t={table('membership')} csv={csv(table('membership'))} />

          <h2>Posts per week</h2>
          <ChartBlock chart={postsChart} svg={BarChart(postsChart)} kind="bar" />
          <TableView t={table('posts')} csv={csv(table('posts'))} />

          {tables
            .filter((t) => !['summary', 'membership', 'posts', 'levels', 'agencies'].includes(t.slug))
            .map((t) => (
              <>
                <h2 safe>{t.title}</h2>
                <TableView t={t} csv={csv(t)} />
              </>
            ))}

          <h2>Who the members are</h2>
          <p>
            {f.breakdownAt
              ? `Members by level of government and by agency as of the last roll-up (${f.breakdownAt.toISOString().slice(0, 16).replace('T', ' ')} UTC).`
              : 'Members by level of government and by agency, counted just now.'}
          </p>
          <TableView t={table('levels')} csv={csv(table('levels'))} />
          <TableView t={table('agencies')} csv={csv(table('agencies'))} limit={TOP_AGENCIES} />
        </>
      ) : (
        ''
      )}
    </Page>,
  );
}
