/**
 * Making due digests (the `list.digests` schedule runs this every 15 minutes).
 *
 * For each list with digest members and each mode, the current period (schedule.ts) gets one
 * `digests` row; the row's unique key (list, mode, period) makes a second run — retried,
 * concurrent, or after a restart — do nothing. In the same transaction: every active member
 * of that mode who has posts after their `last_digest_post` is locked, the posts after it are
 * composed into a digest (one per distinct range of posts), a delivery record (kind 'digest')
 * is written for each member whose delivery is not stopped by bounces, and every member's
 * `last_digest_post` moves to the period's last post. The delivery runner sends the records
 * like post copies (personal links, one-click unsubscribe, VERP, DKIM, retries). Members who
 * went back to each message get a final digest of the posts they were owed, with the daily run.
 *
 * A period's digest holds the posts accepted up to its scheduled send time; later ones wait for
 * the next period, so a run that catches up late (the worker was down at the hour) sends what
 * the on-time run would have. Ranges are by post number, and numbers are given under the
 * list's row lock, so a post still being accepted always gets a number above the range. On a
 * list where someone muted a thread, the range also ends before the first post not archived
 * yet, whose thread the mute filter cannot know; that post goes in the next digest.
 */
import type { DateTime } from 'luxon';
import type pg from 'pg';
import { inTransaction, type Queryable } from '../../platform/db/queryable.ts';
import { mutedPostNumbers, mutesSettledThrough, threadMutesReady } from '../../archives/index.ts';
import { listIdOf, listLinks, type ListContext } from '../context.ts';
import { DELIVERY_CHANNEL, deliveriesQueued } from '../fanout.ts';
import { listById, type List } from '../store.ts';
import { composeDigest, type DigestPost } from './compose.ts';
import { currentPeriod, DigestZoneError, type DigestMode, type DigestPeriod } from './schedule.ts';

export const DIGEST_JOB = 'list.digests';

export type DigestContext = Pick<ListContext, 'baseUrl' | 'domain' | 'config' | 'log'>;

export interface DigestRun {
  /** Periods recorded now (including those with nothing new). */
  periods: number;
  /** Digest messages composed. */
  messages: number;
  /** Delivery records written. */
  deliveries: number;
}

interface DigestMember {
  member_id: number;
  email: string;
  /** Their digest covers the posts after this one ... */
  after: number;
  /** ... up to this one. */
  upTo: number;
  deliver: boolean;
  /** Back on each message: this is their last digest. */
  final: boolean;
}

/** Make the digests that are due at `now` (idempotent per list, mode and period). */
export async function sendDueDigests(pool: pg.Pool, ctx: DigestContext, now: DateTime): Promise<DigestRun> {
  const run: DigestRun = { periods: 0, messages: 0, deliveries: 0 };
  const { rows } = await pool.query<{ list_id: number; mode: DigestMode }>(
    `select distinct list_id, case when delivery_mode = 'weekly' then 'weekly' else 'daily' end as mode
       from list_members where delivery_mode in ('daily', 'weekly') or digest_until_post is not null
      order by 1, 2`,
  );
  for (const { list_id: listId, mode } of rows) {
    const list = await listById(pool, Number(listId));
    if (!list) continue;
    let period: DigestPeriod;
    try {
      period = currentPeriod(mode, now, list.timeZone, { hour: ctx.config.digestHour, weekday: ctx.config.digestWeekday });
    } catch (err) {
      if (!(err instanceof DigestZoneError)) throw err;
      ctx.log(`digest skipped: ${err.message}`, { list: list.localPart });
      continue;
    }
    const made = await makeDigest(pool, ctx, list, period, now);
    if (!made) continue;
    run.periods++;
    run.messages += made.messages;
    run.deliveries += made.deliveries;
    if (made.deliveries) ctx.log('digest made', { list: list.localPart, mode, period: period.period, messages: made.messages, deliveries: made.deliveries });
  }
  return run;
}

async function postsBetween(db: Queryable, listId: number, after: number, upTo: number): Promise<DigestPost[]> {
  const { rows } = await db.query<{
    number: number;
    subject: string;
    from_address: string;
    from_name: string | null;
    sent_at: Date;
    message_id: string;
    raw: Buffer;
  }>(
    `select number, subject, from_address, from_name, sent_at, message_id, raw from posts
      where list_id = $1 and number > $2 and number <= $3 order by number`,
    [listId, after, upTo],
  );
  return rows.map((r) => ({
    number: r.number,
    subject: r.subject,
    fromAddress: r.from_address,
    fromName: r.from_name,
    sentAt: r.sent_at,
    messageId: r.message_id,
    raw: r.raw,
  }));
}

/** One composed digest message of a run: the members with the same range of posts get it. */
export interface MadeDigest {
  id: number;
  subject: string;
  message: Buffer;
  firstPost: number;
  lastPost: number;
  postCount: number;
  /** Members it is addressed to (delivery records written). */
  recipients: number;
}

/** One list's digest of one mode for one period; undefined when it was made before. */
async function makeDigest(
  pool: pg.Pool,
  ctx: DigestContext,
  list: List,
  period: DigestPeriod,
  now: DateTime,
): Promise<{ messages: number; deliveries: number } | undefined> {
  await threadMutesReady(pool, list.id);
  const made = await inTransaction(pool, (tx) => composeDue(tx, ctx, list, period, now, false));
  return made && { messages: made.messages.length, deliveries: made.deliveries };
}

/**
 * The digest of one list and mode that would go out now, composed exactly as `sendDigestNow`
 * would, in a transaction that is rolled back: nothing is sent, no member's place moves.
 */
export async function previewDigest(pool: pg.Pool, ctx: DigestContext, list: List, mode: DigestMode, now: DateTime): Promise<MadeDigest[]> {
  await threadMutesReady(pool, list.id);
  const client = await pool.connect();
  try {
    await client.query('begin');
    return (await composeDue(client, ctx, list, manualPeriod(ctx, list, mode, now), now, true))!.messages;
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/**
 * Sends one list's digest of one mode now (`socialgov lists digest --send`): every member of
 * that mode gets the posts since their last digest, through the delivery queue, and their place
 * moves as with a scheduled digest, so a second call sends nothing new and the scheduled digest
 * still comes, with only what arrived after.
 */
export async function sendDigestNow(pool: pg.Pool, ctx: DigestContext, list: List, mode: DigestMode, now: DateTime): Promise<MadeDigest[]> {
  await threadMutesReady(pool, list.id);
  return (await inTransaction(pool, (tx) => composeDue(tx, ctx, list, manualPeriod(ctx, list, mode, now), now, true)))!.messages;
}

/** A digest sent by hand covers the posts accepted up to now, and is dated with today's period. */
function manualPeriod(ctx: DigestContext, list: List, mode: DigestMode, now: DateTime): DigestPeriod {
  return { ...currentPeriod(mode, now, list.timeZone, { hour: ctx.config.digestHour, weekday: ctx.config.digestWeekday }), scheduledFor: now };
}

async function composeDue(
  tx: Queryable,
  ctx: DigestContext,
  list: List,
  period: DigestPeriod,
  now: DateTime,
  manual: boolean,
): Promise<{ messages: MadeDigest[]; deliveries: number } | undefined> {
  // A digest sent by hand is a row of its own (0014): the period's scheduled one still comes.
  // On a list with mutes the digest stops before the first post not archived yet (stored after
  // threadMutesReady, or being archived right now): its thread, and so who muted it, is unknown.
  // It comes in the next digest. Posts stored after mutesSettledThrough read the list are
  // numbered above it (archives/mutes.ts), so least() below keeps them out too.
  const archivedThrough = (await mutesSettledThrough(tx, list.id)) ?? null;
  const created = await tx.query<{ id: number; last_post: number }>(
    `insert into digests (list_id, mode, period, scheduled_for, last_post, manual)
     select l.id, $2, $3, $4, least(coalesce((select max(p.number) from posts p where p.list_id = l.id and p.accepted_at <= $4), 0), $6::integer), $5
       from lists l where l.id = $1
     on conflict (list_id, mode, period) where not manual do nothing returning id, last_post`,
    [list.id, period.mode, period.period, period.scheduledFor.toJSDate(), manual, archivedThrough],
  );
  if (!created.rows[0]) return undefined;
  const digestId = Number(created.rows[0].id);
  const lastPost = created.rows[0].last_post;
  // The members of this mode with posts due, and (with the daily digests) those who went back
  // to each message and are owed a final digest of the posts before they switched.
  // A member's place and the delivery that applies (the group's own, else the community's)
  // come from list_members (0072_list_subscriptions.sql); the place is on their subscription to
  // this list, locked until the digest is written. A final digest waits, whole, for the next
  // run while a post it owes is not archived (so its "last digest" text stays true).
  const members = await tx.query<DigestMember>(
    `select lm.member_id, m.email, lm.last_digest_post as after,
            case when lm.delivery_mode = $2 then $3 else lm.digest_until_post end as "upTo",
            lm.delivery_disabled_at is null as deliver, lm.delivery_mode <> $2 as final
       from list_members lm
       join list_subscriptions s on s.list_id = lm.list_id and s.member_id = lm.member_id
       join members m on m.id = lm.member_id
      where lm.list_id = $1
        and ((lm.delivery_mode = $2 and coalesce(lm.last_digest_post, $3) < $3)
             or ($2 = 'daily' and lm.delivery_mode = 'each' and lm.digest_until_post > coalesce(lm.last_digest_post, lm.digest_until_post)
                 and lm.digest_until_post <= coalesce($4::integer, lm.digest_until_post)))
      order by lm.member_id
      for update of s`,
    [list.id, period.mode, lastPost, archivedThrough],
  );
  // Members with the same posts due share one digest; posts of threads a member muted are left
  // out of theirs (src/archives/mutes.ts), so those members get a digest of their own.
  const muted = await mutedPostNumbers(
    tx,
    list.id,
    members.rows.map((m) => m.member_id),
    Math.min(...members.rows.map((m) => m.after ?? 0)),
  );
  const mutedIn = (m: DigestMember) => [...(muted.get(Number(m.member_id)) ?? [])].filter((n) => n > (m.after ?? 0) && n <= m.upTo).sort((a, b) => a - b);
  const groups = new Map<string, DigestMember[]>();
  for (const m of members.rows) {
    const key = `${m.after}:${m.upTo}:${mutedIn(m).join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }

  const links = listLinks(ctx, list);
  const messages: MadeDigest[] = [];
  let deliveries = 0;
  for (const group of groups.values()) {
    const { after, upTo } = group[0]!;
    const left = new Set(mutedIn(group[0]!));
    const posts = (await postsBetween(tx, list.id, after, upTo)).filter((p) => !left.has(p.number));
    const recipients = group.filter((m) => m.deliver);
    if (!posts.length || !recipients.length) continue;
    const composed = await composeDigest(posts, {
      listName: list.name,
      prefix: links.prefix,
      listAddress: links.addresses.post,
      listId: listIdOf(list, ctx.domain),
      timeZone: list.timeZone,
      mode: period.mode,
      scheduledFor: period.scheduledFor,
      now,
      domain: ctx.domain,
      final: group[0]!.final,
      urls: {
        help: links.help,
        subscribe: links.subscribe,
        archive: links.archive,
        owner: links.owner,
        post: links.post,
        archivedAt: links.archivedAt,
        account: `${ctx.baseUrl}/account`,
      },
    });
    const message = await tx.query<{ id: number }>(
      `insert into digest_messages (digest_id, list_id, first_post, last_post, post_count, subject, message)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [digestId, list.id, posts[0]!.number, upTo, posts.length, composed.subject, composed.message],
    );
    const inserted = await tx.query(
      `insert into deliveries (kind, ref_id, list_id, member_id, address)
       select 'digest', $1, $2, r.member_id, r.address from unnest($3::bigint[], $4::text[]) as r(member_id, address)
       on conflict (kind, ref_id, member_id) do nothing`,
      [message.rows[0]!.id, list.id, recipients.map((m) => m.member_id), recipients.map((m) => m.email)],
    );
    messages.push({
      id: Number(message.rows[0]!.id),
      subject: composed.subject,
      message: composed.message,
      firstPost: posts[0]!.number,
      lastPost: upTo,
      postCount: posts.length,
      recipients: inserted.rowCount ?? 0,
    });
    deliveries += inserted.rowCount ?? 0;
  }
  // Members whose delivery is stopped move on too, as each-message members miss posts while stopped.
  const ongoing = members.rows.filter((m) => !m.final).map((m) => m.member_id);
  const finished = members.rows.filter((m) => m.final).map((m) => m.member_id);
  await tx.query('update list_subscriptions set last_digest_post = $3, last_digest_at = $4 where list_id = $1 and member_id = any($2::bigint[])', [
    list.id,
    ongoing,
    lastPost,
    now.toJSDate(),
  ]);
  await tx.query(
    'update list_subscriptions set last_digest_post = null, digest_until_post = null, last_digest_at = $3 where list_id = $1 and member_id = any($2::bigint[])',
    [list.id, finished, now.toJSDate()],
  );
  await tx.query('update digests set recipients = $2 where id = $1', [digestId, deliveries]);
  if (deliveries) {
    await tx.query(`select pg_notify('${DELIVERY_CHANNEL}', '')`);
    deliveriesQueued(tx);
  }
  return { messages, deliveries };
}
