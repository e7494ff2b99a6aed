/**
 * Bounce care against a real database and the real job queue: bounce events counted once per
 * day, delivery turned off at the threshold, notices queued once each, removal after the last,
 * reset on delivery and by re-enabling, all audited.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type pg from 'pg';
import { connectPool } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openQueue, type JobQueue } from '../platform/queue.ts';
import { loadConfig } from '../platform/config.ts';
import { listsSettings } from './settings.ts';
import { freshServerDatabase, NO_SERVER } from '../../test/helpers.ts';
import {
  applyBounceEvents,
  bounceEntries,
  bouncePolicyOf,
  bounceWarningMail,
  readReenableToken,
  reenableDelivery,
  reenableToken,
  recordDelivered,
  runBounceWarnings,
  type BounceCareContext,
} from './bounce-care.ts';

describe('bounce care', { skip: NO_SERVER }, () => {
  let pool: pg.Pool;
  let queue: JobQueue;
  let drop: () => Promise<void>;
  let ctx: BounceCareContext;
  let listId: number;
  let communityId: number;
  let pat: number;
  let lee: number;

  before(async () => {
    const db = await freshServerDatabase();
    drop = db.drop;
    pool = await connectPool(db.url, 'the test database', 4);
    await migrate(pool);
    queue = await openQueue(pool, { worker: false });
    ctx = {
      config: { bounceThreshold: 5, bounceWarnings: 3, bounceWarningDays: 7 },
      queue,
      secret: 'test-secret',
      baseUrl: 'https://sg.test.gov',
      domain: 'lists.test.gov',
    };
    communityId = (await pool.query<{ id: number }>(`insert into communities (slug, title) values ('care', 'Care Community') returning id`)).rows[0]!.id;
    listId = (await pool.query<{ id: number }>('select id from lists where community_id = $1', [communityId])).rows[0]!.id;
  });
  after(async () => {
    await queue?.stop();
    await pool?.end();
    await drop?.();
  });
  beforeEach(async () => {
    await pool.query('truncate bounce_events, bounce_scores, mail_queue, audit_log');
    await pool.query('delete from memberships; delete from members');
    const ids = await pool.query<{ id: number }>(`insert into members (email, name) values ('pat@agency.gov', 'Pat'), ('lee@agency.gov', 'Lee') returning id`);
    [pat, lee] = ids.rows.map((r) => r.id) as [number, number];
    await pool.query(`insert into memberships (community_id, member_id, status) select $1, unnest($2::bigint[]), 'active'`, [communityId, [pat, lee]]);
  });

  async function bounce(memberId: number, day: string, temporary = false, diagnostic = '550 5.1.1 <pat@agency.gov>: Recipient address rejected: User unknown') {
    await pool.query(
      `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic, at) values ($1, $2, 'x@agency.gov', $3, 'dsn', '5.1.1', $4, ($5::date + time '12:00') at time zone 'UTC')`,
      [listId, memberId, temporary, diagnostic, day],
    );
  }
  const state = async (memberId: number) =>
    (
      await pool.query(
        `select score::float8 as score, to_char(disabled_on, 'YYYY-MM-DD') as disabled_on, warnings_sent, to_char(last_warning_on, 'YYYY-MM-DD') as last_warning_on from bounce_scores where list_id = $1 and member_id = $2`,
        [listId, memberId],
      )
    ).rows[0] as { score: number; disabled_on: string | null; warnings_sent: number; last_warning_on: string | null } | undefined;
  const membership = async (memberId: number) =>
    (
      await pool.query<{ status: string; delivery_disabled_at: Date | null; delivery_disabled_reason: string | null }>(
        'select ms.status, s.delivery_disabled_at, s.delivery_disabled_reason from memberships ms left join list_subscriptions s on s.list_id = community_list_id(ms.community_id) and s.member_id = ms.member_id where ms.community_id = $1 and ms.member_id = $2',
        [communityId, memberId],
      )
    ).rows[0]!;
  const notices = async () =>
    (await pool.query<{ key: string; message: { to: string; subject: string; text: string } }>(`select key, message from mail_queue order by id`)).rows;
  const audits = async (action: string) => (await pool.query(`select actor, subject_id from audit_log where action = $1`, [action])).rows;

  test('one bounce counts per day: hard 1.0, soft 0.5, a hard after a soft the same day adds the difference', async () => {
    await bounce(pat, '2026-03-02', true);
    await bounce(pat, '2026-03-02', true);
    assert.equal((await applyBounceEvents(pool, ctx)).counted, 1);
    assert.equal((await state(pat))!.score, 0.5);
    await bounce(pat, '2026-03-02', false);
    await bounce(pat, '2026-03-03', false);
    await bounce(pat, '2026-03-03', false);
    await applyBounceEvents(pool, ctx);
    assert.equal((await state(pat))!.score, 2);
    assert.equal(await state(lee), undefined, 'no bounces for Lee, no row');
    assert.equal((await pool.query('select count(*)::int as n from bounce_events where processed_at is null')).rows[0].n, 0, 'every event marked counted');
    assert.equal((await applyBounceEvents(pool, ctx)).counted, 0, 'nothing is counted twice');
  });

  test('at the threshold delivery is turned off (audited) and the first notice is queued once', async () => {
    for (const d of ['01', '02', '03', '04', '05']) await bounce(pat, `2026-03-${d}`);
    const r = await applyBounceEvents(pool, ctx);
    assert.deepEqual(r, { counted: 5, disabled: 1, warned: 1 });
    const m = await membership(pat);
    assert.ok(m.delivery_disabled_at, 'delivery turned off');
    assert.match(m.delivery_disabled_reason!, /bounce score 5 reached the limit of 5/);
    assert.deepEqual(await state(pat), { score: 5, disabled_on: '2026-03-05', warnings_sent: 1, last_warning_on: '2026-03-05' });
    const [n] = await notices();
    assert.equal(n!.key, `bounce-warning:${listId}:${pat}:2026-03-05:1`);
    assert.equal(n!.message.to, 'pat@agency.gov');
    assert.match(n!.message.subject, /notice 1 of 3/);
    assert.match(n!.message.text, /Recipient address rejected/);
    assert.match(n!.message.text, /removed from Care Community on March 26, 2026, after 2 more notices/);
    const link = /https:\/\/sg\.test\.gov\/bounces\/reenable\/(\S+)/.exec(n!.message.text)![1]!;
    assert.deepEqual(readReenableToken('test-secret', link), { memberId: pat, listId });
    assert.deepEqual(await audits('membership.disable-bounces'), [{ actor: 'system', subject_id: `${communityId}:${pat}` }]);
    // Bounces while delivery is off (our own notices coming back) do not count.
    await bounce(pat, '2026-03-06');
    await applyBounceEvents(pool, ctx);
    assert.equal((await state(pat))!.score, 5);
  });

  test('a bounce after more than a week of quiet starts the score again', async () => {
    await bounce(pat, '2026-03-01');
    await bounce(pat, '2026-03-02');
    await bounce(pat, '2026-03-20');
    await applyBounceEvents(pool, ctx);
    assert.equal((await state(pat))!.score, 1);
  });

  test('the daily check sends notices 7 days apart, then removes the member (audited); running twice a day does nothing more', async () => {
    for (const d of ['01', '02', '03', '04', '05']) await bounce(pat, `2026-03-${d}`);
    await applyBounceEvents(pool, ctx);
    assert.equal((await runBounceWarnings(pool, ctx, '2026-03-11')).warned, 0, 'six days later: not yet');
    assert.equal((await runBounceWarnings(pool, ctx, '2026-03-12')).warned, 1);
    assert.equal((await runBounceWarnings(pool, ctx, '2026-03-12')).warned, 0, 'same day again: nothing');
    assert.equal((await state(pat))!.warnings_sent, 2);
    assert.equal((await runBounceWarnings(pool, ctx, '2026-03-19')).warned, 1);
    const third = (await notices()).at(-1)!;
    assert.equal(third.key, `bounce-warning:${listId}:${pat}:2026-03-05:3`);
    assert.match(third.message.text, /removed from Care Community on March 26, 2026\. You can join again/);
    assert.deepEqual(await runBounceWarnings(pool, ctx, '2026-03-25'), { counted: 0, disabled: 0, warned: 0, removed: 0 });
    assert.equal((await runBounceWarnings(pool, ctx, '2026-03-26')).removed, 1);
    const m = await membership(pat);
    assert.equal(m.status, 'removed');
    assert.equal(m.delivery_disabled_at, null, 'rejoining starts with delivery on');
    assert.equal(await state(pat), undefined);
    assert.deepEqual(await audits('membership.remove-bounces'), [{ actor: 'system', subject_id: `${communityId}:${pat}` }]);
    assert.equal((await notices()).length, 3);
    assert.equal((await membership(lee)).status, 'active', 'other members untouched');
  });

  test('the daily check counts events left uncounted first', async () => {
    for (const d of ['01', '02', '03', '04', '05']) await bounce(pat, `2026-03-${d}`);
    const r = await runBounceWarnings(pool, ctx, '2026-03-05');
    assert.equal(r.disabled, 1);
    assert.equal(r.warned, 1);
  });

  test('a copy accepted at hand-off clears a score from refusals at hand-off, not one from reports, nor while delivery is off', async () => {
    await pool.query(`insert into members (email) values ('kim@agency.gov')`);
    const kim = (await pool.query<{ id: number }>(`select id from members where email = 'kim@agency.gov'`)).rows[0]!.id;
    await pool.query(`insert into memberships (community_id, member_id, status) values ($1, $2, 'active')`, [communityId, kim]);
    await pool.query(
      `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic) values ($1, $2, 'pat@agency.gov', false, 'smtp', '550', 'User unknown')`,
      [listId, pat],
    );
    await bounce(kim, '2026-03-01');
    for (const d of ['01', '02', '03', '04', '05']) await bounce(lee, `2026-03-${d}`);
    await applyBounceEvents(pool, ctx);
    const d = await pool.query<{ id: number }>(
      `insert into deliveries (kind, ref_id, list_id, member_id, address, status) values ('post', 1, $1, unnest($2::bigint[]), 'x', 'sending') returning id`,
      [listId, [pat, lee, kim]],
    );
    assert.equal((await state(pat))!.score, 1);
    assert.deepEqual(
      await recordDelivered(
        pool,
        d.rows.map((r) => r.id),
      ),
      { sent: 3, reset: 1 },
    );
    const statuses = await pool.query<{ status: string }>(`select status from deliveries where id = any($1)`, [d.rows.map((r) => r.id)]);
    assert.deepEqual(
      statuses.rows.map((r) => r.status),
      ['sent', 'sent', 'sent'],
      'the copies are marked sent',
    );
    assert.equal(await state(pat), undefined, "Pat's score (a 550 at hand-off) is cleared");
    assert.equal((await state(kim))!.score, 1, "Kim's score (a bounce report, which comes after a 250) is kept");
    assert.equal((await state(lee))!.score, 5, "Lee's delivery stays off until re-enabled");
  });

  test('re-enabling turns delivery on, clears the score and is audited; a removed member cannot be re-enabled', async () => {
    for (const d of ['01', '02', '03', '04', '05']) await bounce(pat, `2026-03-${d}`);
    await applyBounceEvents(pool, ctx);
    assert.equal(await reenableDelivery(pool, { name: 'pat@agency.gov', source: '127.0.0.1' }, { listId, memberId: pat, by: 'member' }), true);
    assert.equal((await membership(pat)).delivery_disabled_at, null);
    assert.equal(await state(pat), undefined);
    assert.equal(
      await reenableDelivery(pool, { name: 'pat@agency.gov', source: '127.0.0.1' }, { listId, memberId: pat, by: 'member' }),
      false,
      'nothing left to do',
    );
    assert.deepEqual(await audits('membership.reenable-delivery'), [{ actor: 'pat@agency.gov', subject_id: `${communityId}:${pat}` }]);
    // A new spell of bounces gets its own notices (the key carries the day delivery went off).
    for (const d of ['10', '11', '12', '13', '14']) await bounce(pat, `2026-03-${d}`);
    assert.equal((await applyBounceEvents(pool, ctx)).warned, 1);
    await pool.query(`update memberships set status = 'left' where member_id = $1`, [pat]);
    assert.equal(await reenableDelivery(pool, { name: 'x', source: 'y' }, { listId, memberId: pat, by: 'member' }), false);
    await runBounceWarnings(pool, ctx, '2026-04-30');
    assert.equal(await state(pat), undefined, 'a member who left loses the bounce record');
  });

  test('the coordinators list shows members with a score or delivery off, worst first', async () => {
    await bounce(lee, '2026-03-01', true, 'mailbox full');
    for (const d of ['01', '02', '03', '04', '05']) await bounce(pat, `2026-03-${d}`);
    await applyBounceEvents(pool, ctx);
    const entries = await bounceEntries(pool, listId);
    assert.deepEqual(
      entries.map((e) => [e.email, e.score, e.disabledOn, e.warningsSent]),
      [
        ['pat@agency.gov', 5, '2026-03-05', 1],
        ['lee@agency.gov', 0.5, null, 0],
      ],
    );
    assert.equal(entries[1]!.lastDiagnostic, 'mailbox full');
  });

  test('settings and tokens', () => {
    assert.deepEqual(bouncePolicyOf(loadConfig({ BOUNCE_THRESHOLD: '2.5', BOUNCE_WARNINGS: '0', BOUNCE_WARNING_DAYS: '3' }, [listsSettings])), {
      threshold: 2.5,
      hardScore: 1,
      softScore: 0.5,
      warnings: 0,
      warningIntervalDays: 3,
      staleAfterDays: 7,
    });
    assert.throws(
      () => loadConfig({ BOUNCE_THRESHOLD: '0' }, [listsSettings]),
      /BOUNCE_THRESHOLD: it must be a number greater than 0 \(it is 0\)\. Write a number such as 5/,
    );
    assert.throws(() => loadConfig({ BOUNCE_THRESHOLD: 'five' }, [listsSettings]), /BOUNCE_THRESHOLD: "five" is not a number/);
    assert.throws(
      () => loadConfig({ BOUNCE_WARNINGS: '1.5' }, [listsSettings]),
      /BOUNCE_WARNINGS: "1.5" is not a whole number; write a whole number such as 3/,
    );
    assert.throws(() => loadConfig({ BOUNCE_WARNING_DAYS: '-1' }, [listsSettings]), /BOUNCE_WARNING_DAYS/);
    const t = reenableToken('k', 42, 7);
    assert.deepEqual(readReenableToken('k', t), { memberId: 42, listId: 7 });
    assert.equal(readReenableToken('other', t), undefined);
    assert.equal(readReenableToken('k', t.replace(/^16/, '17')), undefined, 'moved to another member');
    const last = bounceWarningMail({
      to: 'a@b.gov',
      listName: 'L',
      listAddress: 'l@x',
      from: 'l-owner@x',
      link: 'https://x/r',
      number: 3,
      policy: bouncePolicyOf({ bounceThreshold: 5, bounceWarnings: 3, bounceWarningDays: 7 }),
      today: '2026-01-28',
      lastError: null,
    });
    assert.match(last.text, /removed from L on February 4, 2026\. You can join/);
  });
});
