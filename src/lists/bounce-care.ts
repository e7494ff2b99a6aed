/**
 * Bounce care: the listserv's side of `bounces/score.ts`. Every bounce_events row (an SMTP 5xx at
 * hand-off, a VERP bounce, a DSN naming a member) is counted once into the member's score on that
 * list; at the threshold delivery is turned off and the member is told how to turn it back on; a
 * daily check sends the remaining notices and finally removes the member. A copy accepted at
 * hand-off clears a score counted from refusals at hand-off. Every change is audited.
 *
 * Counting runs in the `list.bounce-care` job, queued by whoever records a bounce event (one line
 * at each place), and again at the start of the daily check, so an event is never left uncounted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from '../platform/luxon.ts';
import type pg from 'pg';
import type { Config } from '../platform/config.ts';
import type { WorkerContext } from '../platform/jobs.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { recordAudit, SYSTEM, type Actor } from '../platform/audit.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { OutgoingMail } from '../platform/mail/transport.ts';
import type { Queue } from '../platform/queue.ts';
import { changeMembership } from '../membership/index.ts';
import { listAddresses } from './addresses.ts';
import { DEFAULT_BOUNCE_POLICY, dueWarning, NO_BOUNCES, recordBounce, type BounceAction, type BouncePolicy, type BounceState } from './bounces/score.ts';

export const BOUNCE_CARE_JOB = 'list.bounce-care';
export const BOUNCE_WARNINGS_JOB = 'list.bounce-warnings';

/** What bounce care needs from the list context. */
export interface BounceCareContext {
  config: Pick<Config, 'bounceThreshold' | 'bounceWarnings' | 'bounceWarningDays'>;
  queue: Queue;
  /** Signs the re-enable links. */
  secret: string;
  baseUrl: string;
  domain: string;
}

/** The scoring policy from the settings (hard/soft weights and staleness stay Mailman's). */
export function bouncePolicyOf(config: BounceCareContext['config']): BouncePolicy {
  return { ...DEFAULT_BOUNCE_POLICY, threshold: config.bounceThreshold, warnings: config.bounceWarnings, warningIntervalDays: config.bounceWarningDays };
}

/** Ask for the new bounce events to be counted; pass the transaction that recorded them. */
export async function queueBounceCare(db: Queryable, queue: Queue): Promise<void> {
  await queue.send(BOUNCE_CARE_JOB, {}, { db });
}

// ---- Re-enable links ------------------------------------------------------------------------

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`reenable:${payload}`).digest().subarray(0, 16).toString('base64url');
}

/** `<member>.<list>.<mac>`: signed, scoped to one member on one list, usable only for re-enabling. */
export function reenableToken(secret: string, memberId: number, listId: number): string {
  const payload = `${memberId.toString(36)}.${listId.toString(36)}`;
  return `${payload}.${mac(secret, payload)}`;
}

export function readReenableToken(secret: string, token: string): { memberId: number; listId: number } | undefined {
  const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return undefined;
  const want = Buffer.from(mac(secret, `${m[1]}.${m[2]}`));
  const got = Buffer.from(m[3]!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  return { memberId: parseInt(m[1]!, 36), listId: parseInt(m[2]!, 36) };
}

// ---- State ---------------------------------------------------------------------------------

interface ScoreRow {
  list_id: number;
  member_id: number;
  score: string;
  last_bounce_on: string | null;
  last_bounce_temporary: boolean | null;
  disabled_on: string | null;
  warnings_sent: number;
  last_warning_on: string | null;
  last_diagnostic: string | null;
}

const DAY_COLUMNS = `to_char(last_bounce_on, 'YYYY-MM-DD') as last_bounce_on, to_char(disabled_on, 'YYYY-MM-DD') as disabled_on, to_char(last_warning_on, 'YYYY-MM-DD') as last_warning_on`;

function stateOf(r: ScoreRow | undefined): BounceState {
  if (!r) return { ...NO_BOUNCES };
  return {
    score: Number(r.score),
    lastBounceOn: r.last_bounce_on,
    lastBounceTemporary: r.last_bounce_temporary,
    disabledAt: r.disabled_on,
    warningsSent: r.warnings_sent,
    lastWarningAt: r.last_warning_on,
  };
}

async function loadState(db: Queryable, listId: number, memberId: number): Promise<{ state: BounceState; row: ScoreRow | undefined }> {
  const { rows } = await db.query<ScoreRow>(
    `select list_id, member_id, score, last_bounce_temporary, warnings_sent, last_diagnostic, ${DAY_COLUMNS} from bounce_scores where list_id = $1 and member_id = $2 for update`,
    [listId, memberId],
  );
  return { state: stateOf(rows[0]), row: rows[0] };
}

async function saveState(
  db: Queryable,
  listId: number,
  memberId: number,
  s: BounceState,
  last?: { statusCode: string | null; diagnostic: string | null; source: string },
): Promise<void> {
  await db.query(
    `insert into bounce_scores (list_id, member_id, score, last_bounce_on, last_bounce_temporary, disabled_on, warnings_sent, last_warning_on, last_status_code, last_diagnostic, last_source)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (list_id, member_id) do update set score = $3, last_bounce_on = $4, last_bounce_temporary = $5, disabled_on = $6, warnings_sent = $7, last_warning_on = $8,
       last_status_code = case when $12 then $9 else bounce_scores.last_status_code end,
       last_diagnostic = case when $12 then $10 else bounce_scores.last_diagnostic end,
       last_source = case when $12 then $11 else bounce_scores.last_source end, updated_at = now()`,
    [
      listId,
      memberId,
      s.score,
      s.lastBounceOn,
      s.lastBounceTemporary ?? null,
      s.disabledAt,
      s.warningsSent,
      s.lastWarningAt,
      last?.statusCode ?? null,
      last?.diagnostic ?? null,
      last?.source ?? null,
      !!last,
    ],
  );
}

interface ListMember {
  listId: number;
  listName: string;
  localPart: string;
  communityId: number;
  communitySlug: string;
  memberId: number;
  email: string;
  status: string;
}

async function listMember(db: Queryable, listId: number, memberId: number): Promise<ListMember | undefined> {
  const { rows } = await db.query<ListMember>(
    `select l.id as "listId", l.name as "listName", l.local_part as "localPart", l.community_id as "communityId", c.slug as "communitySlug",
            m.id as "memberId", m.email, coalesce(ms.status, 'none') as status
       from lists l join communities c on c.id = l.community_id cross join members m
       left join memberships ms on ms.community_id = l.community_id and ms.member_id = m.id
      where l.id = $1 and m.id = $2`,
    [listId, memberId],
  );
  return rows[0];
}

// ---- Notices -------------------------------------------------------------------------------

function longDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'utc' }).toFormat('MMMM d, yyyy');
}

/** The notice to a member whose delivery is off: why, how to turn it back on, and when removal comes. */
export function bounceWarningMail(p: {
  to: string;
  listName: string;
  listAddress: string;
  from: string;
  link: string;
  number: number;
  policy: BouncePolicy;
  today: string;
  lastError: string | null;
}): OutgoingMail {
  const left = p.policy.warnings - p.number;
  const removal = DateTime.fromISO(p.today, { zone: 'utc' })
    .plus({ days: (left + 1) * p.policy.warningIntervalDays })
    .toISODate()!;
  return {
    from: p.from,
    to: p.to,
    subject: `${p.listName}: messages to you are turned off (notice ${p.number} of ${p.policy.warnings})`,
    text: [
      `We have stopped sending ${p.listName} messages (${p.listAddress}) to ${p.to}, because messages to this address were returned to us as undeliverable on several days.`,
      ...(p.lastError
        ? [
            '',
            'The last error we got:',
            '',
            ...p.lastError
              .split(/\r?\n/)
              .slice(0, 8)
              .map((l) => `  ${l}`),
          ]
        : []),
      '',
      'If you can read this, the problem may be fixed. To get list messages again, open this link and press the button:',
      '',
      `  ${p.link}`,
      '',
      `If you do nothing, you will be removed from ${p.listName} on ${longDay(removal)}${left > 0 ? `, after ${left} more ${left === 1 ? 'notice' : 'notices'}` : ''}. You can join again at any time.`,
    ].join('\n'),
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

async function queueWarning(
  db: Queryable,
  ctx: BounceCareContext,
  lm: ListMember,
  s: BounceState,
  number: number,
  today: string,
  lastError: string | null,
): Promise<boolean> {
  const a = listAddresses(lm.localPart, ctx.domain);
  const mail = bounceWarningMail({
    to: lm.email,
    listName: lm.listName,
    listAddress: a.post,
    from: a.owner,
    number,
    policy: bouncePolicyOf(ctx.config),
    today,
    lastError,
    link: `${ctx.baseUrl}/bounces/reenable/${reenableToken(ctx.secret, lm.memberId, lm.listId)}`,
  });
  // Keyed by the day delivery went off: each notice of one spell goes once, across retries and restarts.
  return queueMail(db, ctx.queue, mail, { key: `bounce-warning:${lm.listId}:${lm.memberId}:${s.disabledAt}:${number}` });
}

// ---- Counting ------------------------------------------------------------------------------

interface EventRow {
  id: number;
  list_id: number | null;
  member_id: number | null;
  temporary: boolean;
  source: string;
  status_code: string | null;
  diagnostic: string | null;
  day: string;
}

export interface CountResult {
  counted: number;
  disabled: number;
  warned: number;
}

/**
 * Count every bounce event not counted yet, oldest first, each on its own UTC day. One counter at
 * a time (a transaction lock), so two workers never race on one member's score.
 */
export async function applyBounceEvents(pool: pg.Pool, ctx: BounceCareContext): Promise<CountResult> {
  const policy = bouncePolicyOf(ctx.config);
  const total: CountResult = { counted: 0, disabled: 0, warned: 0 };
  for (;;) {
    const batch = await inTransaction(pool, async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtextextended('socialgov:bounce-care', 0))`);
      const { rows } = await tx.query<EventRow>(
        `select id, list_id, member_id, temporary, source, status_code, diagnostic, to_char(at at time zone 'UTC', 'YYYY-MM-DD') as day
           from bounce_events where processed_at is null order by id limit 200`,
      );
      for (const e of rows) {
        await tx.query('update bounce_events set processed_at = now() where id = $1', [e.id]);
        if (e.list_id === null || e.member_id === null) continue;
        const lm = await listMember(tx, e.list_id, e.member_id);
        if (lm?.status !== 'active') continue; // left or removed since: nothing to count
        const { state } = await loadState(tx, e.list_id, e.member_id);
        const { state: next, actions } = recordBounce(state, { temporary: e.temporary, day: e.day }, policy);
        if (next === state) continue; // a disabled member, or a day already counted
        total.counted++;
        await saveState(tx, e.list_id, e.member_id, next, { statusCode: e.status_code, diagnostic: e.diagnostic, source: e.source });
        await carryOut(tx, ctx, lm, next, actions, e.day, e.diagnostic, total);
      }
      return rows.length;
    });
    if (batch < 200) return total;
  }
}

async function carryOut(
  tx: Queryable,
  ctx: BounceCareContext,
  lm: ListMember,
  s: BounceState,
  actions: BounceAction[],
  today: string,
  lastError: string | null,
  total: CountResult,
): Promise<void> {
  for (const a of actions) {
    if (a.kind === 'disable') {
      // kept on the subscription to the community's list: it stops every list of the community
      const { rows } = await tx.query<{ delivery_disabled_at: Date | null }>(
        'select delivery_disabled_at from list_subscriptions where list_id = community_list_id($1) and member_id = $2',
        [lm.communityId, lm.memberId],
      );
      await tx.query(
        `insert into list_subscriptions (list_id, member_id, delivery_disabled_at, delivery_disabled_reason) values (community_list_id($1), $2, now(), $3)
         on conflict (list_id, member_id) do update set delivery_disabled_at = now(), delivery_disabled_reason = excluded.delivery_disabled_reason`,
        [lm.communityId, lm.memberId, a.reason],
      );
      await recordAudit(tx, SYSTEM, {
        action: 'membership.disable-bounces',
        subjectType: 'membership',
        subjectId: `${lm.communityId}:${lm.memberId}`,
        before: { deliveryDisabledAt: rows[0]?.delivery_disabled_at ?? null },
        after: { deliveryDisabled: true, reason: a.reason, score: s.score, list: lm.localPart },
      });
      total.disabled++;
    } else if (a.kind === 'warn') {
      if (await queueWarning(tx, ctx, lm, s, a.number, today, lastError)) total.warned++;
    }
  }
}

// ---- The daily check -----------------------------------------------------------------------

export interface WarningResult extends CountResult {
  removed: number;
}

/**
 * The daily job: count anything left uncounted, then for every member whose delivery is off send
 * the next notice when it is due, or remove them after the last one. `today` is a UTC day
 * (YYYY-MM-DD); running twice on one day does nothing the second time.
 */
export async function runBounceWarnings(pool: pg.Pool, ctx: BounceCareContext, today: string): Promise<WarningResult> {
  const policy = bouncePolicyOf(ctx.config);
  const counted = await applyBounceEvents(pool, ctx);
  const result: WarningResult = { ...counted, removed: 0 };
  const { rows: due } = await pool.query<{ list_id: number; member_id: number }>(
    'select list_id, member_id from bounce_scores where disabled_on is not null order by list_id, member_id',
  );
  for (const d of due) {
    await inTransaction(pool, async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtextextended('socialgov:bounce-care', 0))`);
      const { state, row } = await loadState(tx, d.list_id, d.member_id);
      if (!state.disabledAt) return; // re-enabled meanwhile
      const lm = await listMember(tx, d.list_id, d.member_id);
      if (lm?.status !== 'active') {
        // Left or was removed by a coordinator: their bounce record goes with them.
        await tx.query('delete from bounce_scores where list_id = $1 and member_id = $2', [d.list_id, d.member_id]);
        return;
      }
      const { state: next, actions } = dueWarning(state, today, policy);
      for (const a of actions) {
        if (a.kind === 'warn') {
          await saveState(tx, d.list_id, d.member_id, next);
          if (await queueWarning(tx, ctx, lm, next, a.number, today, row?.last_diagnostic ?? null)) result.warned++;
        } else if (a.kind === 'remove') {
          await removeForBounces(tx, lm, state);
          result.removed++;
        }
      }
    });
  }
  return result;
}

async function removeForBounces(tx: Queryable, lm: ListMember, s: BounceState): Promise<void> {
  await changeMembership(tx, SYSTEM, {
    communityId: lm.communityId,
    memberId: lm.memberId,
    status: 'removed',
    source: `bounces: score ${s.score}, delivery off since ${s.disabledAt}, ${s.warningsSent} notice(s) sent`,
    action: 'membership.remove-bounces',
  });
  // A member who joins again starts with delivery on and no score.
  await tx.query(
    'update list_subscriptions set delivery_disabled_at = null, delivery_disabled_reason = null where list_id = community_list_id($1) and member_id = $2',
    [lm.communityId, lm.memberId],
  );
  await tx.query('delete from bounce_scores where list_id = $1 and member_id = $2', [lm.listId, lm.memberId]);
}

// ---- Re-enabling and success ---------------------------------------------------------------

/**
 * Turn delivery back on and clear the score (the member by the mailed link, or a coordinator).
 * Returns false when there was nothing to do (delivery was on and no score was kept).
 */
export async function reenableDelivery(pool: pg.Pool, actor: Actor, p: { listId: number; memberId: number; by: 'member' | 'coordinator' }): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtextextended('socialgov:bounce-care', 0))`);
    const lm = await listMember(tx, p.listId, p.memberId);
    if (lm?.status !== 'active') return false; // left or removed: joining again starts afresh
    const { state, row } = await loadState(tx, p.listId, p.memberId);
    const { rows } = await tx.query<{ delivery_disabled_at: Date | null; delivery_disabled_reason: string | null }>(
      'select delivery_disabled_at, delivery_disabled_reason from list_subscriptions where list_id = community_list_id($1) and member_id = $2 for update',
      [lm.communityId, lm.memberId],
    );
    const disabledAt = rows[0]?.delivery_disabled_at ?? null;
    if (!row && !disabledAt) return false;
    await tx.query(
      'update list_subscriptions set delivery_disabled_at = null, delivery_disabled_reason = null where list_id = community_list_id($1) and member_id = $2',
      [lm.communityId, lm.memberId],
    );
    await tx.query('delete from bounce_scores where list_id = $1 and member_id = $2', [p.listId, p.memberId]);
    await recordAudit(tx, actor, {
      action: 'membership.reenable-delivery',
      subjectType: 'membership',
      subjectId: `${lm.communityId}:${lm.memberId}`,
      before: { deliveryDisabledAt: disabledAt, reason: rows[0]?.delivery_disabled_reason ?? null, score: state.score, warningsSent: state.warningsSent },
      after: { deliveryDisabled: false, score: 0, by: p.by, list: lm.localPart },
    });
    return true;
  });
}

/**
 * After copies were handed off with 250: marks them sent, and the score of each member who got
 * one starts over (`resetOnSuccess` gives NO_BOUNCES, which is no row) when their last counted
 * bounce was a refusal at hand-off, which this 250 answers. A score from a bounce report is kept:
 * reports arrive after the relay said 250 for that very copy, so a 250 proves nothing about them;
 * those scores start over after a quiet week instead (score.ts). Members whose delivery is off
 * keep their state until they turn it back on. One statement, so the delivery runner records a
 * batch of 250s in one round trip. Returns the copies marked and the scores cleared.
 */
export async function recordDelivered(db: Queryable, deliveryIds: number[]): Promise<{ sent: number; reset: number }> {
  if (!deliveryIds.length) return { sent: 0, reset: 0 };
  const { rows } = await db.query<{ sent: number; reset: number }>({
    // prepared once per session (named): planning it cost more than running it for a batch
    name: 'record-delivered',
    text: `with sent as (
       update deliveries set status = 'sent', sent_at = now() where id = any($1) and status = 'sending' returning list_id, member_id
     ), reset as (
       delete from bounce_scores b using sent d
        where b.list_id = d.list_id and b.member_id = d.member_id and b.disabled_on is null and b.last_source = 'smtp'
       returning 1
     )
     select (select count(*) from sent)::int as sent, (select count(*) from reset)::int as reset`,
    values: [deliveryIds],
  });
  return rows[0]!;
}

// ---- The coordinators' view ----------------------------------------------------------------

export interface BounceEntry {
  memberId: number;
  name: string | null;
  email: string;
  score: number;
  lastBounceOn: string | null;
  lastBounceTemporary: boolean | null;
  disabledOn: string | null;
  warningsSent: number;
  lastWarningOn: string | null;
  lastStatusCode: string | null;
  lastDiagnostic: string | null;
}

/** Members of a list with a bounce score or with delivery off, worst first. */
export async function bounceEntries(db: Queryable, listId: number): Promise<BounceEntry[]> {
  const { rows } = await db.query<BounceEntry & { score: string }>(
    `select m.id as "memberId", m.name, m.email, b.score, to_char(b.last_bounce_on, 'YYYY-MM-DD') as "lastBounceOn", b.last_bounce_temporary as "lastBounceTemporary",
            to_char(b.disabled_on, 'YYYY-MM-DD') as "disabledOn", b.warnings_sent as "warningsSent", to_char(b.last_warning_on, 'YYYY-MM-DD') as "lastWarningOn",
            b.last_status_code as "lastStatusCode", b.last_diagnostic as "lastDiagnostic"
       from bounce_scores b join members m on m.id = b.member_id join lists l on l.id = b.list_id
       join memberships ms on ms.community_id = l.community_id and ms.member_id = b.member_id and ms.status = 'active'
      where b.list_id = $1 and (b.score > 0 or b.disabled_on is not null)
      order by b.disabled_on is null, b.score desc, lower(m.email)`,
    [listId],
  );
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}

/** The jobs: count bounce events as they are recorded; notices and removals once a day (06:15 UTC). */
export async function registerBounceCareJobs(w: Pick<WorkerContext, 'pool' | 'worker' | 'log'>, ctx: BounceCareContext): Promise<void> {
  await w.worker.work(BOUNCE_CARE_JOB, async () => {
    const r = await applyBounceEvents(w.pool, ctx);
    if (r.disabled) w.log('bounce care: delivery turned off', { ...r });
  });
  await w.worker.work(BOUNCE_WARNINGS_JOB, async () =>
    w.log('bounce care: daily check', { ...(await runBounceWarnings(w.pool, ctx, DateTime.utc().toISODate()!)) }),
  );
  await w.worker.schedule(BOUNCE_WARNINGS_JOB, '15 6 * * *', { tz: 'UTC' });
}
