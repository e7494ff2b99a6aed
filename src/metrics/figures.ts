/**
 * What the dashboard shows for a date range: finished days from the roll-up tables, and today
 * (and any day the roll-up has not reached yet) worked out live with the same sources.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import { byWeek, combine, countPosters, median, type DayRow, type WeekRow } from './arithmetic.ts';
import { addDays, dayOf, eachDay, startOf, type Day, windowOf } from './days.ts';
import { computeDay, firstActiveDay } from './rollup.ts';
import { MEMBERSHIP_LEVEL_SQL } from '../membership/index.ts';
import { membersSource, metricDefinitions } from './sources.ts';

/** One community, or (undefined) every community on the site. */
export interface Scope {
  communityId?: number;
}

export interface DateRange {
  from: Day;
  to: Day;
}

export interface NamedCount {
  name: string;
  members: number;
}

export interface DashboardFigures {
  range: DateRange;
  days: DayRow[];
  weeks: Array<WeekRow & { posters: number }>;
  /** Range totals ('last' metrics: the value on the last day). */
  totals: Record<string, number>;
  /** Members on the day before the range began (for growth over the range), if known. */
  membersBefore: number | undefined;
  posters: number;
  replies: { threads: number; answered: number; medianSeconds: number | null };
  byLevel: NamedCount[];
  byAgency: NamedCount[];
  /** When the breakdown was counted (null: just now, live). */
  breakdownAt: Date | null;
  /** Days counted live for this page: today, and days the roll-up has not reached yet. */
  liveDays: Day[];
  /** Finished days among them: not rolled up yet. */
  unrolledDays: Day[];
}

const inScope = (scope: Scope, communityId: number) => scope.communityId === undefined || scope.communityId === communityId;

export async function dashboardFigures(db: Queryable, scope: Scope, range: DateRange, now = new Date()): Promise<DashboardFigures> {
  const community = scope.communityId ?? null;
  const before = addDays(range.from, -1);
  const stored = await db.query<{ day: string; metric: string; value: string }>(
    `select to_char(day, 'YYYY-MM-DD') as day, metric, sum(value) as value from metrics_daily
      where day between $1 and $2 and ($3::bigint is null or community_id = $3) group by 1, 2`,
    [before, range.to, community],
  );
  const rolled = new Set(
    (await db.query<{ day: string }>(`select to_char(day, 'YYYY-MM-DD') as day from metrics_rollups where day between $1 and $2`, [before, range.to])).rows.map(
      (r) => r.day,
    ),
  );
  const values = new Map<Day, Record<string, number>>();
  for (const r of stored.rows) {
    let v = values.get(r.day);
    if (!v) values.set(r.day, (v = {}));
    v[r.metric] = Number(r.value);
  }
  const posterPairs = (
    await db.query<{ day: string; poster: string }>(
      `select to_char(day, 'YYYY-MM-DD') as day, poster from metrics_poster_days where day between $1 and $2 and ($3::bigint is null or community_id = $3)`,
      [range.from, range.to, community],
    )
  ).rows;
  const replies = new Map<number, number | null>();
  for (const r of (
    await db.query<{ thread_id: string; reply_seconds: string | null }>(
      `select thread_id, reply_seconds from metrics_thread_replies where started_on between $1 and $2 and ($3::bigint is null or community_id = $3)`,
      [range.from, range.to, community],
    )
  ).rows) {
    replies.set(Number(r.thread_id), r.reply_seconds === null ? null : Number(r.reply_seconds));
  }

  const today = dayOf(now);
  // Before the first recorded activity there is nothing to count: no members, no posts.
  const first = (await firstActiveDay(db)) ?? today;
  for (const d of eachDay(before, range.to)) if (d < first) values.set(d, { 'members.total': 0 });
  const liveDays = eachDay(range.from, range.to).filter((d) => d <= today && d >= first && !rolled.has(d));
  for (const d of liveDays) {
    const r = await computeDay(db, windowOf(d, now));
    const v: Record<string, number> = {};
    for (const f of r.figures) if (inScope(scope, f.communityId)) v[f.metric] = (v[f.metric] ?? 0) + f.value;
    values.set(d, v);
    for (const p of r.posters) if (inScope(scope, p.communityId)) posterPairs.push({ day: d, poster: p.poster });
    for (const t of r.replies)
      if (inScope(scope, t.communityId) && t.startedOn >= range.from && t.startedOn <= range.to) replies.set(t.threadId, t.replySeconds);
  }

  if (!rolled.has(before) && before >= first) {
    const total = (await membersSource.daily(db, windowOf(before, now))).filter((f) => f.metric === 'members.total' && inScope(scope, f.communityId));
    values.set(before, { 'members.total': total.reduce((n, f) => n + f.value, 0) });
  }

  const days: DayRow[] = eachDay(range.from, range.to < today ? range.to : today).map((day) => ({ day, values: values.get(day) ?? {} }));
  const posters = countPosters(posterPairs);
  const answered = [...replies.values()].filter((s): s is number => s !== null);
  const breakdown = await memberBreakdown(db, scope);
  const definitions = metricDefinitions();
  return {
    range,
    days,
    weeks: byWeek(days, definitions).map((w) => ({ ...w, posters: posters.byWeek.get(w.week) ?? 0 })),
    totals: combine(days, definitions),
    membersBefore: values.get(before)?.['members.total'],
    posters: posters.total,
    replies: { threads: replies.size, answered: answered.length, medianSeconds: median(answered) },
    ...breakdown,
    liveDays,
    unrolledDays: liveDays.filter((d) => d < today),
  };
}

/** Members by level of government and by agency: the roll-up's snapshot, or live when there is none yet. */
export async function memberBreakdown(db: Queryable, scope: Scope): Promise<{ byLevel: NamedCount[]; byAgency: NamedCount[]; breakdownAt: Date | null }> {
  const community = scope.communityId ?? null;
  const snapshot = await db.query<{ at: Date | null }>('select max(computed_at) as at from metrics_member_breakdown');
  const at = snapshot.rows[0]?.at ?? null;
  const { rows } = at
    ? await db.query<{ dimension: string; value: string; members: string }>(
        `select dimension, value, sum(members) as members from metrics_member_breakdown
          where ($1::bigint is null or community_id = $1) group by 1, 2 order by 3 desc, 2`,
        [community],
      )
    : await db.query<{ dimension: string; value: string; members: string }>(
        `select 'level' as dimension, coalesce(${MEMBERSHIP_LEVEL_SQL}, 'Unknown') as value, count(*) as members
           from memberships s join members m on m.id = s.member_id where s.status = 'active' and ($1::bigint is null or s.community_id = $1) group by 2
         union all
         select 'agency', coalesce(nullif(m.agency, ''), 'Not given'), count(*)
           from memberships s join members m on m.id = s.member_id where s.status = 'active' and ($1::bigint is null or s.community_id = $1) group by 2
         order by 3 desc, 2`,
        [community],
      );
  const of = (d: string) => rows.filter((r) => r.dimension === d).map((r) => ({ name: r.value, members: Number(r.members) }));
  return { byLevel: of('level'), byAgency: of('agency'), breakdownAt: at };
}

/**
 * Emails a week on the community's list: posts over the last four whole weeks (28 days to the
 * end of yesterday, UTC) divided by four — digital.gov's `emails_per_week`, counted.
 */
export async function emailsPerWeek(db: Queryable, communityId: number, now = new Date()): Promise<{ perWeek: number; posts: number; from: Day; to: Day }> {
  const to = addDays(dayOf(now), -1);
  const from = addDays(to, -27);
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from posts p join lists l on l.id = p.list_id
      where l.community_id = $1 and p.accepted_at >= $2 and p.accepted_at < $3`,
    [communityId, startOf(from), startOf(addDays(to, 1))],
  );
  const posts = rows[0]?.n ?? 0;
  return { perWeek: Math.round((posts / 4) * 10) / 10, posts, from, to };
}

/** The community page's list traffic: emails a week, or the imported figure while the list has had no post. */
export async function listTraffic(
  db: Queryable,
  communityId: number,
  earlier: string | undefined,
  now = new Date(),
): Promise<{ perWeek: number; posts: number; none: boolean; earlier?: string | undefined }> {
  const week = await emailsPerWeek(db, communityId, now);
  const none =
    week.posts === 0 &&
    !(await db.query(`select 1 from posts p join lists l on l.id = p.list_id where l.community_id = $1 limit 1`, [communityId])).rows.length;
  return { perWeek: week.perWeek, posts: week.posts, none, earlier };
}
