/**
 * The dashboard's tables, built once from the figures and shown both as HTML (beside each chart)
 * and as CSV downloads, so the page and the files can never disagree. Each source other than
 * members gets its own weekly table, so a new source shows up with no change here.
 */
import { toCsv } from '../platform/csv.ts';
import { byWeek, combine, durationText } from './arithmetic.ts';
import { dayLabel, daysBetween } from './days.ts';
import type { DashboardFigures } from './figures.ts';
import { metricSources } from '../platform/feature.ts';
import { membersSource, postsSource } from './sources.ts';

export type Cell = string | number;

export interface DashboardTable {
  /** File name (without .csv) and HTML id. */
  slug: string;
  title: string;
  columns: string[];
  rows: Cell[][];
  /** A line under the table: what the figures count. */
  note?: string;
}

/** Ranges longer than this show membership week by week rather than day by day. */
export const DAILY_LIMIT = 92;

const weekText = (w: { week: string; from: string; to: string; partial: boolean }) =>
  w.partial ? `${dayLabel(w.from)} to ${dayLabel(w.to)} (part of the week)` : `Week of ${dayLabel(w.week)}`;

export function membershipTable(f: DashboardFigures): DashboardTable {
  const defs = membersSource.metrics;
  const daily = daysBetween(f.range.from, f.range.to) < DAILY_LIMIT;
  const periods = daily
    ? f.days.map((d) => ({ label: d.day, values: combine([d], defs) }))
    : byWeek(f.days, defs).map((w) => ({ label: w.partial ? `${w.from} to ${w.to}` : `Week of ${w.week}`, values: w.values }));
  return {
    slug: 'membership',
    title: daily ? 'Membership by day' : 'Membership by week',
    columns: [daily ? 'Day' : 'Week', 'Members at the end', 'Joined', 'Left', 'Net change'],
    rows: periods.map((p) => {
      const joins = p.values['members.joins'] ?? 0;
      const leaves = p.values['members.leaves'] ?? 0;
      return [p.label, p.values['members.total'] ?? '', joins, leaves, joins - leaves];
    }),
    note: membersSource.description,
  };
}

/** One weekly table per source (posts with its active posters). */
export function sourceTables(f: DashboardFigures): DashboardTable[] {
  return metricSources()
    .filter((s) => s !== membersSource)
    .map((s) => {
      const posts = s === postsSource;
      return {
        slug: s.name,
        title: s.title,
        columns: ['Week', ...s.metrics.map((m) => m.label), ...(posts ? ['Active posters'] : [])],
        rows: f.weeks.map((w) => [weekText(w), ...s.metrics.map((m) => w.values[m.metric] ?? 0), ...(posts ? [w.posters] : [])]),
        note: s.description,
      };
    });
}

export function summaryTable(f: DashboardFigures): DashboardTable {
  const t = f.totals;
  const joins = t['members.joins'] ?? 0;
  const leaves = t['members.leaves'] ?? 0;
  const weeks = Math.max(1, f.days.length / 7);
  const rows: Cell[][] = [
    ['Members at the end of the range', t['members.total'] ?? ''],
    ['Members the day before the range', f.membersBefore ?? ''],
    ['Joined', joins],
    ['Left', leaves],
    ['Net change', joins - leaves],
    ['Posts', t['posts'] ?? 0],
    ['Posts per week (average)', Math.round(((t['posts'] ?? 0) / weeks) * 10) / 10],
    ['Active posters (different people who posted)', f.posters],
    ['Threads started', f.replies.threads],
    ['Threads answered by someone else', f.replies.answered],
    ['Median time to first reply', durationText(f.replies.medianSeconds)],
    ['Median time to first reply (seconds)', f.replies.medianSeconds ?? ''],
  ];
  for (const s of metricSources()) {
    if (s === membersSource || s === postsSource) continue;
    for (const m of s.metrics) rows.push([m.label, t[m.metric] ?? 0]);
  }
  return { slug: 'summary', title: 'Summary', columns: ['Figure', 'Value'], rows };
}

export function levelTable(f: DashboardFigures): DashboardTable {
  return {
    slug: 'levels',
    title: 'Members by level of government',
    columns: ['Level of government', 'Members'],
    rows: f.byLevel.map((c) => [c.name, c.members]),
  };
}

export function agencyTable(f: DashboardFigures): DashboardTable {
  return { slug: 'agencies', title: 'Members by agency', columns: ['Agency', 'Members'], rows: f.byAgency.map((c) => [c.name, c.members]) };
}

/** Every table on the dashboard, in page order. */
export function dashboardTables(f: DashboardFigures): DashboardTable[] {
  return [summaryTable(f), membershipTable(f), ...sourceTables(f), levelTable(f), agencyTable(f)];
}

/** A table as CSV: a header row, then the rows (agency names are typed by members: the shared writer defuses formulas). */
export function tableCsv(t: DashboardTable): string {
  return toCsv(t.columns, t.rows);
}
