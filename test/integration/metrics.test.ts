/**
 * Metrics against a real database: members join and leave on known days, posts and replies,
 * bounces and event registrations are written with past times; the queued roll-up job stores the
 * days; the coordinator's dashboard and every CSV agree with counts taken straight from the
 * tables, before the roll-up (counted live) and after it (read from the roll-up tables).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { DateTime } from '../../src/platform/luxon.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { archivePending } from '../../src/archives/archiver.ts';
import { changeMembership, ensureMember } from '../../src/membership/members.ts';
import { METRICS_JOBS } from '../../src/metrics/jobs.ts';
import { forgetDays, rollUpDay, rollUpMissing } from '../../src/metrics/rollup.ts';
import { addDays, dayOf, startOf } from '../../src/metrics/days.ts';
import { rawMail } from '../archive-helpers.ts';
import { NO_SERVER, testConfig, testDatabaseEnv } from '../helpers.ts';
import { signIn } from '../library-fixture.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import type { WebClient } from '../web-client.ts';

const TODAY = dayOf(new Date());
/** `n` days ago at hh:mm UTC. */
const ago = (n: number, hh = 12, mm = 0) => DateTime.fromISO(addDays(TODAY, -n), { zone: 'utc' }).set({ hour: hh, minute: mm }).toJSDate();
const FROM = addDays(TODAY, -27);
const RANGE = `?from=${FROM}&to=${TODAY}`;

describe('metrics', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let coordinator: WebClient;
  let sm: number;
  const pool = () => platform.db.pool;

  async function join(community: number, email: string, at: Date, o: { agency?: string; level?: string; role?: string; status?: string } = {}) {
    const m = await ensureMember(pool(), { email, name: email.split('@')[0]!, agency: o.agency ?? null });
    await pool().query(
      `insert into memberships (community_id, member_id, status, role, government_level, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)`,
      [community, m.id, o.status ?? 'active', o.role ?? 'member', o.level ?? null, at],
    );
    return m.id;
  }
  async function leave(community: number, memberId: number, status: string, at: Date) {
    await pool().query('update memberships set status = $3, updated_at = $4 where community_id = $1 and member_id = $2', [community, memberId, status, at]);
  }
  let postNumber = 0;
  async function post(list: string, from: string, at: Date, id: string, o: { inReplyTo?: string; memberId?: number } = {}) {
    const raw = Buffer.from(
      rawMail({ id, from, subject: o.inReplyTo ? 'Re: Plans' : `Plans ${id}`, date: at.toISOString(), ...(o.inReplyTo ? { inReplyTo: o.inReplyTo } : {}) }),
    );
    await pool().query(
      `insert into posts (list_id, number, message_id, in_reply_to, subject, from_address, member_id, sent_at, accepted_at, raw, decorated, size)
       select id, $2, $3, $4, $5, $6, $7, $8, $8, $9, $9, $10 from lists where local_part = $1`,
      [
        list,
        ++postNumber,
        `<${id}>`,
        o.inReplyTo ? `<${o.inReplyTo}>` : null,
        o.inReplyTo ? 'Re: Plans' : `Plans ${id}`,
        from,
        o.memberId ?? null,
        at,
        raw,
        raw.length,
      ],
    );
  }

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url }));
    sm = Number((await pool().query(`select id from communities where slug = 'social-media'`)).rows[0].id);
    const dv = Number((await pool().query(`insert into communities (slug, title) values ('data-viz', 'Data Visualization') returning id`)).rows[0].id);

    await join(sm, 'casey@gsa.gov', ago(30, 9), { role: 'coordinator', agency: 'GSA', level: 'federal' });
    const m1 = await join(sm, 'ana@gsa.gov', ago(20, 9), { agency: 'GSA', level: 'federal' });
    const m2 = await join(sm, 'ben@gsa.gov', ago(20, 15), { agency: 'GSA', level: 'federal' });
    const m3 = await join(sm, 'cho@hhs.gov', ago(15), { agency: 'HHS', level: 'federal' });
    const m4 = await join(sm, 'dee@ca.gov', ago(10), { agency: '', level: 'state' });
    const m5 = await join(sm, 'eli@nasa.gov', ago(10, 23, 59), { agency: 'NASA', level: 'federal' });
    await join(sm, 'fay@hhs.gov', ago(3), { agency: 'HHS' });
    await join(sm, 'gus@city.gov', ago(4), { status: 'pending' });
    await join(dv, 'hal@doe.gov', ago(5), { agency: 'DOE' });
    await leave(sm, m2, 'left', ago(8));
    await leave(sm, m4, 'removed', ago(3, 0, 1));
    // today, through the normal code path (audited), counted live
    const ivy = await ensureMember(pool(), { email: 'ivy@epa.gov', agency: 'EPA' });
    await changeMembership(pool(), SYSTEM, { communityId: sm, memberId: ivy.id, status: 'active', source: 'cli', action: 'membership.add' });

    // thread A: answered after 2 hours; thread B: the starter's own follow-up does not count, an outsider answers after 24 hours; thread C: no answer
    await post('social-media', 'ana@gsa.gov', ago(14, 10), 'a1@x', { memberId: m1 });
    await post('social-media', 'cho@hhs.gov', ago(14, 12), 'a2@x', { inReplyTo: 'a1@x', memberId: m3 });
    await post('social-media', 'ana@gsa.gov', ago(13, 8), 'a3@x', { inReplyTo: 'a2@x', memberId: m1 });
    await post('social-media', 'cho@hhs.gov', ago(9, 9), 'b1@x', { memberId: m3 });
    await post('social-media', 'cho@hhs.gov', ago(9, 10), 'b2@x', { inReplyTo: 'b1@x', memberId: m3 });
    await post('social-media', 'x@state.gov', ago(8, 9), 'b3@x', { inReplyTo: 'b1@x' });
    await post('social-media', 'eli@nasa.gov', ago(2, 8), 'c1@x', { memberId: m5 });
    await post('data-viz', 'hal@doe.gov', ago(2, 9), 'd1@x');
    await archivePending(pool());

    const listId = Number((await pool().query(`select id from lists where local_part = 'social-media'`)).rows[0].id);
    for (const [n, temporary] of [
      [6, false],
      [6, false],
      [6, true],
      [1, false],
    ] as const) {
      await pool().query(`insert into bounce_events (list_id, address, temporary, source, at) values ($1, 'dee@ca.gov', $2, 'dsn', $3)`, [
        listId,
        temporary,
        ago(n),
      ]);
    }
    const ev = await pool().query(
      `insert into events (slug, uid, kind, status, title, time_zone, starts_at, ends_at, format) values ('office-hours', 'oh@test', 'office-hours', 'published', 'Office hours', 'UTC', $1, $2, 'online') returning id`,
      [ago(5, 15), ago(5, 16)],
    );
    const eventId = ev.rows[0].id;
    await pool().query('insert into event_communities (event_id, community_id) values ($1, $2)', [eventId, sm]);
    const occ = await pool().query('insert into event_occurrences (event_id, original_start, starts_at, ends_at) values ($1, $2, $2, $3) returning id', [
      eventId,
      ago(5, 15),
      ago(5, 16),
    ]);
    for (const [email, status, attended] of [
      ['ana@gsa.gov', 'registered', true],
      ['cho@hhs.gov', 'registered', true],
      ['ben@gsa.gov', 'cancelled', null],
    ] as const) {
      await pool().query(`insert into event_registrations (occurrence_id, name, email, status, attended, created_at) values ($1, $2, $2, $3, $4, $5)`, [
        occ.rows[0].id,
        email,
        status,
        attended,
        ago(12),
      ]);
    }
    // Speaker requests (src/speakers): two received, one of them taken through to confirmed; one in data-viz.
    for (const [community, steps] of [
      [
        sm,
        [
          ['new', 6],
          ['in_review', 5],
          ['matched', 5],
          ['accepted', 4],
          ['confirmed', 3],
        ],
      ],
      [sm, [['new', 2]]],
      [dv, [['new', 2]]],
    ] as const) {
      const r = await pool().query(
        `insert into speaker_requests (community_id, status, requester_name, organization, requester_email, event_name, starts_at, ends_at, time_zone, online, audience, topic, format, press)
         values ($1, $2, 'Rae', 'Org', 'rae@example.com', 'Summit', now() + interval '30 days', now() + interval '30 days 1 hour', 'UTC', true, 'Staff', 'Video', 'panel', false) returning id`,
        [community, steps[steps.length - 1]![0]],
      );
      for (const [to, days] of steps) {
        await pool().query(`insert into speaker_request_history (request_id, to_status, actor_role, actor, at) values ($1, $2, 'coordinator', 'test', $3)`, [
          r.rows[0].id,
          to,
          ago(days),
        ]);
      }
    }
    coordinator = await signIn(platform.url, sink, 'casey@gsa.gov');
  });

  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  /** Straight from the tables: members at the end of a day, joins and leaves on it. */
  async function membershipOn(day: string) {
    const end = startOf(addDays(day, 1));
    const start = startOf(day);
    const { rows } = await pool().query(
      `select count(*) filter (where status <> 'pending' and created_at < $2 and not (status in ('left', 'removed', 'banned') and updated_at < $2))::int as members,
              count(*) filter (where status <> 'pending' and created_at >= $3 and created_at < $2)::int as joins,
              count(*) filter (where status in ('left', 'removed', 'banned') and updated_at >= $3 and updated_at < $2)::int as leaves
         from memberships where community_id = $1`,
      [sm, end, start],
    );
    return rows[0] as { members: number; joins: number; leaves: number };
  }

  async function csv(client: WebClient, path: string): Promise<string[][]> {
    const res = await fetch(platform.url + path, { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="[a-z0-9-]+\.csv"$/);
    return parse(await res.text());
  }

  async function checkAgainstDatabase(label: string) {
    const base = '/communities/social-media/admin/metrics';
    const membership = await csv(coordinator, `${base}/membership.csv${RANGE}`);
    assert.deepEqual(membership[0], ['Day', 'Members at the end', 'Joined', 'Left', 'Net change']);
    assert.equal(membership.length - 1, 28, `${label}: one row per day`);
    for (const [day, members, joins, leaves, net] of membership.slice(1)) {
      const direct = await membershipOn(day!);
      assert.deepEqual(
        [Number(members), Number(joins), Number(leaves), Number(net)],
        [direct.members, direct.joins, direct.leaves, direct.joins - direct.leaves],
        `${label}: membership on ${day}`,
      );
    }
    const active = (await pool().query(`select count(*)::int as n from memberships where community_id = $1 and status = 'active'`, [sm])).rows[0].n;
    assert.equal(Number(membership[membership.length - 1]![1]), active, `${label}: today’s count is the live count`);

    const posts = await csv(coordinator, `${base}/posts.csv${RANGE}`);
    assert.deepEqual(posts[0], ['Week', 'Posts', 'Active posters']);
    let total = 0;
    for (const row of posts.slice(1)) {
      const m = /^(?:Week of (.+)|(.+) to (.+) \(part of the week\))$/.exec(row[0]!)!;
      const from = DateTime.fromFormat(m[1] ?? m[2]!, 'MMM d, yyyy', { zone: 'utc' }).toISODate()!;
      const to = m[1] ? addDays(from, 6) : DateTime.fromFormat(m[3]!, 'MMM d, yyyy', { zone: 'utc' }).toISODate()!;
      const { rows } = await pool().query(
        `select count(*)::int as posts, count(distinct coalesce(p.member_id::text, lower(p.from_address)))::int as posters
           from posts p join lists l on l.id = p.list_id where l.community_id = $1 and p.accepted_at >= $2 and p.accepted_at < $3`,
        [sm, startOf(from), startOf(addDays(to, 1))],
      );
      assert.deepEqual([Number(row[1]), Number(row[2])], [rows[0].posts, rows[0].posters], `${label}: ${row[0]}`);
      total += Number(row[1]);
    }
    assert.equal(total, 7);

    const summary = new Map((await csv(coordinator, `${base}/summary.csv${RANGE}`)).slice(1).map(([k, v]) => [k, v]));
    assert.equal(summary.get('Members at the end of the range'), String(active));
    assert.equal(summary.get('Members the day before the range'), String((await membershipOn(addDays(FROM, -1))).members));
    assert.equal(summary.get('Joined'), '7', 'six in the range and one today; the pending request is not a join');
    assert.equal(summary.get('Left'), '2');
    assert.equal(summary.get('Posts'), '7');
    assert.equal(summary.get('Active posters (different people who posted)'), '4');
    assert.equal(summary.get('Threads started'), '3');
    assert.equal(summary.get('Threads answered by someone else'), '2');
    assert.equal(summary.get('Median time to first reply (seconds)'), String((2 * 3600 + 24 * 3600) / 2));
    assert.equal(summary.get('Median time to first reply'), '13 hours');
    assert.equal(summary.get('Bounces'), '4');
    assert.equal(summary.get('Permanent failures'), '3');
    assert.equal(summary.get('Registrations made'), '3');
    assert.equal(summary.get('Registered for sessions held'), '2');
    assert.equal(summary.get('Attended'), '2');
    assert.equal(summary.get('Received'), '2', 'speaker requests received in this community');
    assert.equal(summary.get('Speaker proposed'), '1');
    assert.equal(summary.get('Confirmed'), '1');

    const agencies = await csv(coordinator, `${base}/agencies.csv${RANGE}`);
    const direct = await pool().query(
      `select coalesce(nullif(m.agency, ''), 'Not given') as agency, count(*)::int as n from memberships s join members m on m.id = s.member_id
        where s.community_id = $1 and s.status = 'active' group by 1 order by 2 desc, 1`,
      [sm],
    );
    assert.deepEqual(
      agencies.slice(1),
      direct.rows.map((r) => [r.agency, String(r.n)]),
      `${label}: agencies`,
    );
    return { membership, summary };
  }

  test('only the community’s coordinators and site administrators see its metrics', async () => {
    const anonymous = await fetch(`${platform.url}/communities/social-media/admin/metrics`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200);
    const member = await signIn(platform.url, sink, 'cho@hhs.gov');
    const page = await member.get('/communities/social-media/admin/metrics');
    assert.equal(page.status, 403);
    assert.match(page.text, /Only the coordinators of Social Media can see its metrics/);
    assert.equal((await member.get('/communities/social-media/admin/metrics/summary.csv')).status, 403);
    assert.equal((await coordinator.get('/admin/metrics')).status, 403, 'a coordinator does not see the whole site');
  });

  test('before any roll-up, the days are counted live and agree with the database', async () => {
    assert.equal((await pool().query('select count(*)::int as n from metrics_rollups')).rows[0].n, 0);
    const page = await coordinator.get(`/communities/social-media/admin/metrics${RANGE}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /27 days in this range had not been rolled up yet/);
    assert.equal((page.text.match(/<svg[^>]*class="sg-chart"[^>]*role="img"/g) ?? []).length, 2, 'two charts');
    await checkAgainstDatabase('live');
  });

  test('the queued roll-up job stores every finished day; the dashboard then reads the roll-up and still agrees', async () => {
    const live = await checkAgainstDatabase('live again');
    await platform.queue.send(METRICS_JOBS.rollUp, {});
    const yesterday = addDays(TODAY, -1);
    for (let i = 0; i < 100; i++) {
      const { rows } = await pool().query(`select count(*)::int as n from metrics_rollups where day = $1`, [yesterday]);
      if (rows[0].n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const days = await pool().query(
      `select to_char(min(day), 'YYYY-MM-DD') as first, to_char(max(day), 'YYYY-MM-DD') as last, count(*)::int as n from metrics_rollups`,
    );
    assert.deepEqual(days.rows[0], { first: addDays(TODAY, -30), last: yesterday, n: 30 }, 'from the first activity to yesterday');
    const page = await coordinator.get(`/communities/social-media/admin/metrics${RANGE}`);
    assert.doesNotMatch(page.text, /had not been rolled up yet/);
    const stored = await checkAgainstDatabase('rolled up');
    assert.deepEqual(stored.membership, live.membership, 'the roll-up gives the numbers counted live');
    assert.deepEqual([...stored.summary], [...live.summary]);
  });

  test('re-running days replaces them; forgotten days are backfilled the same', async () => {
    const snapshot = async () =>
      (await pool().query(`select community_id, to_char(day, 'YYYY-MM-DD') as day, metric, value from metrics_daily order by 1, 2, 3`)).rows;
    const posters = async () => (await pool().query(`select * from metrics_poster_days order by 1, 2, 3`)).rows;
    const before = { daily: await snapshot(), posters: await posters() };
    assert.ok(before.daily.length > 30);
    await rollUpDay(pool(), addDays(TODAY, -8));
    await rollUpDay(pool(), addDays(TODAY, -8));
    assert.deepEqual(await snapshot(), before.daily);
    assert.equal(await forgetDays(pool(), addDays(TODAY, -20), addDays(TODAY, -2)), 19);
    const run = await rollUpMissing(pool());
    assert.equal(run.days.length, 19);
    assert.equal(run.remaining, 0);
    assert.deepEqual(await snapshot(), before.daily);
    assert.deepEqual(await posters(), before.posters);
    assert.deepEqual((await rollUpMissing(pool())).days, [], 'nothing left to do');
    await assert.rejects(rollUpDay(pool(), TODAY), /has not ended yet/);
  });

  test('site administrators see every community together', async () => {
    const before = await coordinator.get('/account');
    assert.match(
      before.text,
      /<a href="\/communities\/social-media\/admin">Manage Social Media<\/a>/,
      'a coordinator finds the Manage page from the account page',
    );
    assert.doesNotMatch(before.text, /href="\/admin\/metrics"/);
    await pool().query(`update members set site_admin = true where email = 'casey@gsa.gov'`);
    assert.match(
      (await coordinator.get('/account')).text,
      /<a href="\/admin\/metrics">Metrics for all communities<\/a>/,
      'and a site administrator the site metrics',
    );
    const summary = new Map((await csv(coordinator, `/admin/metrics/summary.csv${RANGE}`)).slice(1).map(([k, v]) => [k, v]));
    const active = (await pool().query(`select count(*)::int as n from memberships where status = 'active'`)).rows[0].n;
    assert.equal(summary.get('Members at the end of the range'), String(active));
    assert.equal(summary.get('Posts'), '8');
    assert.equal(summary.get('Active posters (different people who posted)'), '5');
    const page = await coordinator.get(`/admin/metrics${RANGE}`);
    assert.match(page.text, /<h1>Metrics for all communities<\/h1>/);
  });

  test('a bad date range is explained next to the field and keeps what was typed', async () => {
    const page = await coordinator.get('/communities/social-media/admin/metrics?from=2026-02-30&to=2099-01-01');
    assert.equal(page.status, 400);
    assert.match(page.text, /Enter the start date as year-month-day/);
    assert.match(page.text, /The end date cannot be after today/);
    assert.match(page.text, /value="2026-02-30"/);
    assert.match(page.text, /aria-invalid="true"/);
    const file = await fetch(`${platform.url}/communities/social-media/admin/metrics/posts.csv?from=2026-05-02&to=2026-05-01`, {
      headers: { cookie: [...coordinator.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    assert.equal(file.status, 400);
    assert.match(await file.text(), /start date must be on or before the end date/);
    assert.equal((await coordinator.get(`/communities/social-media/admin/metrics/nope.csv${RANGE}`)).status, 404);
  });

  test('the public community page shows emails a week, counted from the list', async () => {
    const res = await fetch(`${platform.url}/communities/social-media`);
    const html = await res.text();
    const { rows } = await pool().query(
      `select count(*)::int as n from posts p join lists l on l.id = p.list_id where l.community_id = $1 and p.accepted_at >= $2 and p.accepted_at < $3`,
      [sm, startOf(addDays(TODAY, -28)), startOf(TODAY)],
    );
    assert.equal(rows[0].n, 7);
    assert.match(html, /About 1\.8 emails a week \(7 in the last four weeks\)\./);
  });
});
