/**
 * Daily roll-ups. One UTC day at a time, every source's figures for every community are worked
 * out from that day's rows only (indexed by time), then stored in place of whatever that day had:
 * running a day twice gives the same tables. Days never rolled up are found and filled in order,
 * oldest first, so the member count chains on from the day before.
 */
import type pg from 'pg';
import type { Queryable } from '../platform/db/queryable.ts';
import { inTransaction } from '../platform/db/queryable.ts';
import { MEMBERSHIP_LEVEL_SQL } from '../membership/index.ts';
import { addDays, dayOf, type Day, type DayWindow, windowOf } from './days.ts';
import { metricSources } from '../platform/feature.ts';
import type { DayFigure } from './sources.ts';

export interface PosterDay {
  communityId: number;
  /** A member id, or a non-member's lower-case address. */
  poster: string;
}

export interface ThreadReply {
  threadId: number;
  communityId: number;
  startedOn: Day;
  startedAt: Date;
  firstReplyAt: Date | null;
  replySeconds: number | null;
}

/** Everything one day contributes to the dashboard. */
export interface DayRollup {
  day: Day;
  figures: DayFigure[];
  posters: PosterDay[];
  /** Threads started that day or answered for the first time that day. */
  replies: ThreadReply[];
}

export async function posterDays(db: Queryable, w: DayWindow): Promise<PosterDay[]> {
  const { rows } = await db.query<{ community_id: string; poster: string }>(
    `select distinct l.community_id, coalesce(p.member_id::text, lower(p.from_address)) as poster
       from posts p join lists l on l.id = p.list_id where p.accepted_at >= $1 and p.accepted_at < $2`,
    [w.start, w.end],
  );
  return rows.map((r) => ({ communityId: Number(r.community_id), poster: r.poster }));
}

/**
 * Threads started in the window or with a message in it, with their first answer from someone
 * other than the person who started the thread (as known now).
 */
export async function threadReplies(db: Queryable, w: DayWindow): Promise<ThreadReply[]> {
  const { rows } = await db.query<{ id: string; community_id: string; started_at: Date; first_reply_at: Date | null }>(
    `with touched as (
       select t.id from archive_threads t where t.started_at >= $1 and t.started_at < $2
       union
       select e.thread_id from archive_entries e where e.sent_at >= $1 and e.sent_at < $2)
     select t.id, l.community_id, t.started_at,
            (select min(e.sent_at) from archive_entries e
              where e.thread_id = t.id and e.sent_at > t.started_at
                and lower(e.from_address) <> (select lower(s.from_address) from archive_entries s where s.thread_id = t.id order by s.sent_at, s.post_id limit 1)
            ) as first_reply_at
       from touched x join archive_threads t on t.id = x.id join lists l on l.id = t.list_id
      where t.started_at < $2`,
    [w.start, w.end],
  );
  return rows.map((r) => ({
    threadId: Number(r.id),
    communityId: Number(r.community_id),
    startedOn: dayOf(r.started_at),
    startedAt: r.started_at,
    firstReplyAt: r.first_reply_at,
    replySeconds: r.first_reply_at ? Math.round((r.first_reply_at.getTime() - r.started_at.getTime()) / 1000) : null,
  }));
}

/** Work out one day's figures (or today's so far) without storing them. */
export async function computeDay(db: Queryable, w: DayWindow): Promise<DayRollup> {
  const figures: DayFigure[] = [];
  for (const source of metricSources()) figures.push(...(await source.daily(db, w)));
  return { day: w.day, figures, posters: await posterDays(db, w), replies: await threadReplies(db, w) };
}

/** Replace the stored figures of `r.day` with `r`. */
export async function storeDay(db: Queryable, r: DayRollup): Promise<void> {
  const kept = r.figures.filter((f) => f.value !== 0 || f.metric === 'members.total');
  await db.query('delete from metrics_daily where day = $1', [r.day]);
  await db.query(
    `insert into metrics_daily (community_id, day, metric, value)
     select c, $1::date, m, v from unnest($2::bigint[], $3::text[], $4::bigint[]) as x(c, m, v)`,
    [r.day, kept.map((f) => f.communityId), kept.map((f) => f.metric), kept.map((f) => f.value)],
  );
  await db.query('delete from metrics_poster_days where day = $1', [r.day]);
  await db.query(`insert into metrics_poster_days (community_id, day, poster) select c, $1::date, p from unnest($2::bigint[], $3::text[]) as x(c, p)`, [
    r.day,
    r.posters.map((p) => p.communityId),
    r.posters.map((p) => p.poster),
  ]);
  await db.query(
    `insert into metrics_thread_replies (thread_id, community_id, started_on, started_at, first_reply_at, reply_seconds)
     select * from unnest($1::bigint[], $2::bigint[], $3::date[], $4::timestamptz[], $5::timestamptz[], $6::bigint[])
     on conflict (thread_id) do update set community_id = excluded.community_id, started_on = excluded.started_on, started_at = excluded.started_at,
       first_reply_at = excluded.first_reply_at, reply_seconds = excluded.reply_seconds`,
    [
      r.replies.map((t) => t.threadId),
      r.replies.map((t) => t.communityId),
      r.replies.map((t) => t.startedOn),
      r.replies.map((t) => t.startedAt),
      r.replies.map((t) => t.firstReplyAt),
      r.replies.map((t) => t.replySeconds),
    ],
  );
  await db.query(`insert into metrics_rollups (day) values ($1) on conflict (day) do update set computed_at = now()`, [r.day]);
}

/** Roll up one whole day (in the past) in one transaction. */
export async function rollUpDay(pool: pg.Pool, day: Day, now = new Date()): Promise<DayRollup> {
  if (day >= dayOf(now)) throw new RangeError(`${day} has not ended yet (it is ${dayOf(now)} UTC now); only finished days are rolled up.`);
  return inTransaction(pool, async (tx) => {
    // one roll-up at a time across processes: the nightly job and a backfill never interleave a day
    await tx.query(`select pg_advisory_xact_lock(hashtext('metrics.roll-up'))`);
    const r = await computeDay(tx, windowOf(day, now));
    await storeDay(tx, r);
    return r;
  });
}

/** The first day with any activity, or undefined when there is none. Each minimum reads an index. */
export async function firstActiveDay(db: Queryable): Promise<Day | undefined> {
  const { rows } = await db.query<{ first: Date | null; rolled: string | null }>(
    `select least((select min(at) from membership_changes), (select min(accepted_at) from posts), (select min(at) from bounce_events),
                  (select min(created_at) from event_registrations), (select min(starts_at) from event_occurrences),
                  (select min(started_at) from archive_threads)) as first,
            (select to_char(min(day), 'YYYY-MM-DD') from metrics_rollups) as rolled`,
  );
  const days = [rows[0]?.first ? dayOf(rows[0].first) : undefined, rows[0]?.rolled ?? undefined].filter((d): d is Day => !!d).sort();
  return days[0];
}

/** Finished days from the first active day to yesterday that have not been rolled up, oldest first. */
export async function missingDays(db: Queryable, now = new Date()): Promise<Day[]> {
  const first = await firstActiveDay(db);
  const yesterday = addDays(dayOf(now), -1);
  if (!first || first > yesterday) return [];
  const { rows } = await db.query<{ day: string }>(
    `select to_char(d, 'YYYY-MM-DD') as day from generate_series($1::date, $2::date, interval '1 day') d
      where not exists (select 1 from metrics_rollups r where r.day = d::date) order by d`,
    [first, yesterday],
  );
  return rows.map((r) => r.day);
}

/** Replace the snapshot of members by level of government and by agency. */
export async function snapshotBreakdown(db: Queryable): Promise<void> {
  await db.query('delete from metrics_member_breakdown');
  await db.query(
    `insert into metrics_member_breakdown (community_id, dimension, value, members, computed_at)
     select s.community_id, 'level', coalesce(${MEMBERSHIP_LEVEL_SQL}, 'Unknown'), count(*), now()
       from memberships s join members m on m.id = s.member_id where s.status = 'active' group by 1, 3
     union all
     select s.community_id, 'agency', coalesce(nullif(m.agency, ''), 'Not given'), count(*), now()
       from memberships s join members m on m.id = s.member_id where s.status = 'active' group by 1, 3`,
  );
}

export interface RollupRun {
  days: Day[];
  /** Days still missing after this run's limit. */
  remaining: number;
}

/**
 * Fill in up to `limit` missing days, oldest first, each in its own transaction, then refresh
 * the breakdown snapshot. The job runs this again while days remain.
 */
export async function rollUpMissing(pool: pg.Pool, opts: { now?: Date; limit?: number } = {}): Promise<RollupRun> {
  const now = opts.now ?? new Date();
  const missing = await missingDays(pool, now);
  const batch = missing.slice(0, opts.limit ?? 366);
  for (const day of batch) await rollUpDay(pool, day, now);
  await inTransaction(pool, (tx) => snapshotBreakdown(tx));
  return { days: batch, remaining: missing.length - batch.length };
}

/** Forget the roll-ups of `from`..`to` so the next run counts those days again (after an archive import, say). */
export async function forgetDays(db: Queryable, from: Day, to: Day): Promise<number> {
  const { rowCount } = await db.query('delete from metrics_rollups where day between $1 and $2', [from, to]);
  return rowCount ?? 0;
}
