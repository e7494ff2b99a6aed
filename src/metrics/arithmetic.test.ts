import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { byWeek, combine, countPosters, durationText, median, type DayRow } from './arithmetic.ts';
import { eachDay, parseDay, weekOf } from './days.ts';
import type { DashboardFigures } from './figures.ts';
import { parseRange } from './range.ts';
import { membersSource, metricDefinitions } from './sources.ts';
import { dashboardTables, membershipTable, tableCsv } from './tables.ts';
// The dashboard shows the metric sources of every installed feature (speaker requests included).
import '../app/features.ts';

const defs = metricDefinitions();
const DEFINITIONS = defs;
const day = (d: string, values: Record<string, number>): DayRow => ({ day: d, values });

describe('combining days', () => {
  test('sums add up; the member count is the last day’s', () => {
    const days = [
      day('2026-03-02', { 'members.total': 10, 'members.joins': 10, posts: 2 }),
      day('2026-03-03', { 'members.total': 9, 'members.leaves': 1 }),
      day('2026-03-04', { 'members.total': 12, 'members.joins': 3, posts: 5 }),
    ];
    const t = combine(days, defs);
    assert.equal(t['members.total'], 12);
    assert.equal(t['members.joins'], 13);
    assert.equal(t['members.leaves'], 1);
    assert.equal(t['posts'], 7);
    assert.equal(t['bounces'], 0);
  });
  test('a level missing on the last day keeps the last known value; never known stays unknown', () => {
    assert.equal(combine([day('2026-03-02', { 'members.total': 4 }), day('2026-03-03', {})], defs)['members.total'], 4);
    assert.equal(combine([day('2026-03-02', {})], defs)['members.total'], undefined);
    assert.deepEqual(combine([], membersSource.metrics), { 'members.joins': 0, 'members.leaves': 0 });
  });
});

describe('weeks', () => {
  test('days group into Monday-to-Sunday weeks; weeks cut by the range are marked partial', () => {
    // Thursday March 5 to Tuesday March 17, 2026
    const days = eachDay('2026-03-05', '2026-03-17').map((d, i) => day(d, { posts: 1, 'members.total': 100 + i }));
    const weeks = byWeek(days, defs);
    assert.deepEqual(
      weeks.map((w) => [w.week, w.from, w.to, w.partial, w.values['posts'], w.values['members.total']]),
      [
        ['2026-03-02', '2026-03-05', '2026-03-08', true, 4, 103],
        ['2026-03-09', '2026-03-09', '2026-03-15', false, 7, 110],
        ['2026-03-16', '2026-03-16', '2026-03-17', true, 2, 112],
      ],
    );
    assert.equal(
      weeks.reduce((n, w) => n + (w.values['posts'] ?? 0), 0),
      13,
      'no day lost or counted twice',
    );
  });
  test('weeks start on Monday, also across a year end', () => {
    assert.equal(weekOf('2026-03-08'), '2026-03-02');
    assert.equal(weekOf('2026-03-09'), '2026-03-09');
    assert.equal(weekOf('2027-01-01'), '2026-12-28');
  });
  test('active posters are distinct people, per week and over the range', () => {
    const p = countPosters([
      { day: '2026-03-02', poster: '1' },
      { day: '2026-03-03', poster: '1' },
      { day: '2026-03-03', poster: 'x@y.gov' },
      { day: '2026-03-10', poster: '1' },
    ]);
    assert.equal(p.total, 2);
    assert.deepEqual(
      [...p.byWeek],
      [
        ['2026-03-02', 2],
        ['2026-03-09', 1],
      ],
    );
  });
});

describe('median and durations', () => {
  test('median of odd and even counts, unsorted input, none', () => {
    assert.equal(median([]), null);
    assert.equal(median([7]), 7);
    assert.equal(median([30, 10, 20]), 20);
    assert.equal(median([40, 10, 30, 20]), 25);
    const input = [3, 1, 2];
    median(input);
    assert.deepEqual(input, [3, 1, 2], 'the input is not reordered');
  });
  test('durations read as people say them', () => {
    assert.equal(durationText(null), 'no answers yet');
    assert.equal(durationText(12), 'under a minute');
    assert.equal(durationText(60), '1 minute');
    assert.equal(durationText(3600 * 3 + 60 * 20), '3 hours 20 minutes');
    assert.equal(durationText(3600), '1 hour');
    assert.equal(durationText(86400 * 2 + 3600 * 4 + 59), '2 days 4 hours');
  });
});

describe('date range', () => {
  const now = new Date('2026-11-23T15:00:00Z');
  test('blank means the last twelve weeks to today', () => {
    const r = parseRange({}, now);
    assert.ok(r.ok);
    assert.deepEqual(r.range, { from: '2026-09-01', to: '2026-11-23' });
  });
  test('a blank start counts twelve weeks back from the chosen end', () => {
    const r = parseRange({ to: '2026-06-30' }, now);
    assert.ok(r.ok);
    assert.deepEqual(r.range, { from: '2026-04-08', to: '2026-06-30' });
  });
  test('bad input gets an error that says what to do, and keeps what was typed', () => {
    const bad = (q: { from?: string; to?: string }) => {
      const r = parseRange(q, now);
      assert.equal(r.ok, false);
      return r.ok ? {} : { errors: r.errors, values: r.values };
    };
    assert.deepEqual(bad({ from: '2026-02-30', to: '2026-03-01' }), {
      errors: { from: 'Enter the start date as year-month-day, for example 2026-01-01.' },
      values: { from: '2026-02-30', to: '2026-03-01' },
    });
    assert.match(bad({ to: '11/23/2026' }).errors!.to!, /year-month-day/);
    assert.match(bad({ to: '2026-11-24' }).errors!.to!, /cannot be after today \(Nov 23, 2026\)/);
    assert.match(bad({ from: '2026-05-02', to: '2026-05-01' }).errors!.from!, /on or before the end date/);
    assert.match(bad({ from: '2025-01-01', to: '2026-11-01' }).errors!.from!, /at most 366 days/);
    assert.match(bad({ from: '1999-12-31', to: '2000-01-05' }).errors!.from!, /on or after/);
    assert.ok(parseRange({ from: '2025-11-23', to: '2026-11-23' }, now).ok, '366 days is allowed');
    assert.equal(parseDay('2026-13-01'), undefined);
  });
});

function figures(over: Partial<DashboardFigures> = {}): DashboardFigures {
  const days = eachDay('2026-03-02', '2026-03-08').map((d, i) => day(d, { 'members.total': 10 + i, 'members.joins': 1, posts: i }));
  days[3]!.values['members.leaves'] = 2;
  return {
    range: { from: '2026-03-02', to: '2026-03-08' },
    days,
    weeks: byWeek(days, DEFINITIONS).map((w) => ({ ...w, posters: 3 })),
    totals: combine(days, DEFINITIONS),
    membersBefore: 9,
    posters: 3,
    replies: { threads: 4, answered: 3, medianSeconds: 5400 },
    byLevel: [{ name: 'federal', members: 12 }],
    byAgency: [
      { name: '=HYPERLINK("x")', members: 2 },
      { name: 'GSA, "TTS"', members: 1 },
    ],
    breakdownAt: null,
    liveDays: [],
    unrolledDays: [],
    ...over,
  };
}

describe('tables', () => {
  test('the membership table gives each day with its net change', () => {
    const t = membershipTable(figures());
    assert.deepEqual(t.columns, ['Day', 'Members at the end', 'Joined', 'Left', 'Net change']);
    assert.deepEqual(t.rows[3], ['2026-03-05', 13, 1, 2, -1]);
    assert.equal(t.rows.length, 7);
  });
  test('every source has its table, and the summary adds up the range', () => {
    const tables = dashboardTables(figures());
    assert.deepEqual(
      tables.map((t) => t.slug),
      ['summary', 'membership', 'posts', 'bounces', 'events', 'speaker-requests', 'levels', 'agencies'],
    );
    const summary = new Map(tables[0]!.rows.map((r) => [r[0], r[1]]));
    assert.equal(summary.get('Joined'), 7);
    assert.equal(summary.get('Left'), 2);
    assert.equal(summary.get('Net change'), 5);
    assert.equal(summary.get('Posts'), 21);
    assert.equal(summary.get('Posts per week (average)'), 21);
    assert.equal(summary.get('Median time to first reply'), '1 hour 30 minutes');
    assert.deepEqual(tables[2]!.rows, [['Week of Mar 2, 2026', 21, 3]]);
  });
  test('CSV quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const csv = tableCsv(dashboardTables(figures()).find((t) => t.slug === 'agencies')!);
    assert.deepEqual(parse(csv), [
      ['Agency', 'Members'],
      [`'=HYPERLINK("x")`, '2'],
      ['GSA, "TTS"', '1'],
    ]);
  });
});
