/**
 * The named sources of daily figures. Each source counts one kind of activity for one UTC day,
 * per community, and names the metrics it writes; the roll-up runs them all in order and the
 * dashboard shows every metric of every source. The metrics feature's own sources are here;
 * another feature adds one through its descriptor (`metricSources`, as speakers/feature.ts
 * does): a name, labelled metrics and a `daily` query.
 */
import type { DayFigure, MetricDefinition, MetricSource } from '../platform/contributions.ts';
import { metricSources } from '../platform/feature.ts';
import { addDays } from './days.ts';

export type { DayFigure, MetricDefinition, MetricSource };

type Row = { community_id: string | number; metric: string; value: string | number };
const figures = (rows: Row[]): DayFigure[] => rows.map((r) => ({ communityId: Number(r.community_id), metric: r.metric, value: Number(r.value) }));

/**
 * Joins, leaves and the member count at the end of the day. A join is a membership becoming
 * active; a leave is an active membership ending (left, removed or banned). The count chains on
 * from the day before when that day is rolled up, so a daily run reads one day of changes;
 * otherwise it is worked back from today's count.
 */
export const membersSource: MetricSource = {
  name: 'members',
  title: 'Membership',
  description: 'Members at the end of each day; joins are memberships that became active, leaves are members who left or were removed or banned.',
  metrics: [
    { metric: 'members.total', label: 'Members', combine: 'last' },
    { metric: 'members.joins', label: 'Joined', combine: 'sum' },
    { metric: 'members.leaves', label: 'Left', combine: 'sum' },
  ],
  async daily(db, w) {
    // today so far: the window ends now, not at midnight
    const partial = w.end.getTime() - w.start.getTime() < 86_400_000;
    const { rows } = await db.query<{
      community_id: string;
      joins: number;
      leaves: number;
      previous: string | null;
      current: number | null;
      later_net: number | null;
    }>(
      `with moves as (
         select community_id,
                count(*) filter (where to_status = 'active' and from_status is distinct from 'active')::int as joins,
                count(*) filter (where from_status = 'active' and to_status <> 'active')::int as leaves
           from membership_changes where at >= $1 and at < $2 group by community_id),
       previous as (
         select community_id, value from metrics_daily where day = $3::date and metric = 'members.total')
       select c.id as community_id, coalesce(m.joins, 0) as joins, coalesce(m.leaves, 0) as leaves, p.value as previous,
              case when p.value is null or $4 then
                (select count(*)::int from memberships s where s.community_id = c.id and s.status = 'active')
              end as current,
              case when p.value is null and not $4 then
                (select (count(*) filter (where to_status = 'active' and from_status is distinct from 'active')
                       - count(*) filter (where from_status = 'active' and to_status <> 'active'))::int
                   from membership_changes x where x.community_id = c.id and x.at >= $2)
              end as later_net
         from communities c left join moves m on m.community_id = c.id left join previous p on p.community_id = c.id`,
      [w.start, w.end, addDays(w.day, -1), partial],
    );
    const out: DayFigure[] = [];
    for (const r of rows) {
      const id = Number(r.community_id);
      // today (partial): the live count; a past day: chained on, or worked back from now
      const total = partial ? r.current! : r.previous !== null ? Number(r.previous) + r.joins - r.leaves : r.current! - (r.later_net ?? 0);
      out.push({ communityId: id, metric: 'members.total', value: total });
      if (r.joins) out.push({ communityId: id, metric: 'members.joins', value: r.joins });
      if (r.leaves) out.push({ communityId: id, metric: 'members.leaves', value: r.leaves });
    }
    return out;
  },
};

/** Posts accepted to the community's lists (what members receive: emails per week). */
export const postsSource: MetricSource = {
  name: 'posts',
  title: 'Posts per week',
  description: 'Posts are messages accepted to the community’s email list; active posters are the different people who posted.',
  // Active posters are counted from metrics_poster_days (distinct people over any range), not summed here.
  metrics: [{ metric: 'posts', label: 'Posts', combine: 'sum' }],
  async daily(db, w) {
    const { rows } = await db.query<Row>(
      `select l.community_id, 'posts' as metric, count(*) as value
         from posts p join lists l on l.id = p.list_id where p.accepted_at >= $1 and p.accepted_at < $2 group by l.community_id`,
      [w.start, w.end],
    );
    return figures(rows);
  },
};

/** Delivery failures reported back for list mail. */
export const bouncesSource: MetricSource = {
  name: 'bounces',
  title: 'Bounces per week',
  description: 'Bounces are list messages returned as undeliverable; addresses are the different addresses that bounced.',
  metrics: [
    { metric: 'bounces', label: 'Bounces', combine: 'sum' },
    { metric: 'bounces.permanent', label: 'Permanent failures', combine: 'sum' },
    { metric: 'bounces.addresses', label: 'Addresses bouncing that day', combine: 'sum' },
  ],
  async daily(db, w) {
    const { rows } = await db.query<Row>(
      `select x.community_id, m.metric, m.value from (
         select l.community_id, count(*) as n, count(*) filter (where not b.temporary) as permanent, count(distinct lower(b.address)) as addresses
           from bounce_events b join lists l on l.id = b.list_id
          where b.at >= $1 and b.at < $2 group by l.community_id) x
       cross join lateral (values ('bounces', x.n), ('bounces.permanent', x.permanent), ('bounces.addresses', x.addresses)) as m(metric, value)
       where m.value > 0`,
      [w.start, w.end],
    );
    return figures(rows);
  },
};

/**
 * Event registrations made that day, and for sessions held that day: how many were registered
 * and how many were marked as attended. An event shared by several communities counts in each.
 */
export const eventsSource: MetricSource = {
  name: 'events',
  title: 'Event registrations and attendance per week',
  description:
    'Registrations are sign-ups made that day (including any later cancelled); registered and attended count the people booked on, and marked present at, sessions held that day.',
  metrics: [
    { metric: 'events.registrations', label: 'Registrations made', combine: 'sum' },
    { metric: 'events.registered', label: 'Registered for sessions held', combine: 'sum' },
    { metric: 'events.attended', label: 'Attended', combine: 'sum' },
  ],
  async daily(db, w) {
    const { rows } = await db.query<Row>(
      `select ec.community_id, 'events.registrations' as metric, count(*) as value
         from event_registrations r join event_occurrences o on o.id = r.occurrence_id
         join event_communities ec on ec.event_id = o.event_id
        where r.created_at >= $1 and r.created_at < $2 group by ec.community_id
       union all
       select x.community_id, m.metric, m.value from (
         select ec.community_id, count(*) filter (where r.status = 'registered') as registered, count(*) filter (where r.attended) as attended
           from event_occurrences o join event_registrations r on r.occurrence_id = o.id
           join event_communities ec on ec.event_id = o.event_id
          where o.starts_at >= $1 and o.starts_at < $2 group by ec.community_id) x
       cross join lateral (values ('events.registered', x.registered), ('events.attended', x.attended)) as m(metric, value)
       where m.value > 0`,
      [w.start, w.end],
    );
    return figures(rows);
  },
};

/** Every source, in the order the dashboard shows them. */
/** The metrics feature's own sources, first on the dashboard. */
export const METRICS_OWN_SOURCES: MetricSource[] = [membersSource, postsSource, bouncesSource, eventsSource];

/** Every installed feature's metric definitions, in dashboard order. */
export function metricDefinitions(): MetricDefinition[] {
  return metricSources().flatMap((s) => s.metrics);
}

export function metricDefinition(metric: string): MetricDefinition | undefined {
  for (const s of metricSources()) for (const m of s.metrics) if (m.metric === metric) return m;
  return undefined;
}
