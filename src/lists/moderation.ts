/**
 * Moderating held posts: the queue, decisions (approve, approve and always accept the sender,
 * reject with a reason, discard, ban the sender), moderators' notices with single-use
 * approve/discard links and approve-by-reply, and expiry of old holds. Every decision is
 * audited and made on a locked row, so two moderators cannot both decide one message.
 */
import { simpleParser } from 'mailparser';
import { sanitizeMailHtml } from '../web/mail-html.ts';
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import { listLinks, type ListContext } from './context.ts';
import { acceptedMessage, parseIncoming, type IncomingRow } from './incoming-message.ts';
import { heldExpiredNotice, holdNotice, rejectNotice } from './mails.ts';
import { acceptPost } from './pipeline.ts';
import { heldQueuePath, listById, listHomePath, matchesAddressList, type List } from './store.ts';
import { groupLeadAddresses } from './sub-lists.ts';
import type { SenderAuthentication } from './authenticate.ts';
import { fromIsUnverified, type RuleHit } from './rules.ts';

export const HOLD_NOTICE_JOB = 'list.hold-notice';
export const HOLD_EXPIRY_JOB = 'list.hold-expiry';

export type ModerationAction = 'approve' | 'approve-always' | 'reject' | 'discard' | 'ban';
export const MODERATION_ACTIONS: ModerationAction[] = ['approve', 'approve-always', 'reject', 'discard', 'ban'];

export interface HeldMessage {
  id: number;
  receivedAt: Date;
  from: string;
  subject: string;
  size: number;
  reason: string;
  hits: RuleHit[];
  /** Held because the From may be forged: "ban the sender" would ban whoever From names. */
  fromUnverified: boolean;
}

function toHeld(r: Record<string, unknown>): HeldMessage {
  const hits = (r.rule_hits as { hits?: RuleHit[] } | null)?.hits ?? [];
  return {
    id: Number(r.id),
    receivedAt: r.received_at as Date,
    from: (r.from_address as string | null) ?? (r.envelope_from as string),
    subject: (r.subject as string | null) ?? '',
    size: Number(r.size),
    reason: (r.decision_reason as string | null) ?? '',
    hits,
    fromUnverified: fromIsUnverified(hits),
  };
}

const HELD_COLUMNS = 'id, received_at, from_address, envelope_from, subject, size, decision_reason, rule_hits';

export async function heldMessages(db: Queryable, listId: number): Promise<HeldMessage[]> {
  const { rows } = await db.query(`select ${HELD_COLUMNS} from incoming_messages where list_id = $1 and status = 'held' order by received_at`, [listId]);
  return rows.map(toHeld);
}

export interface HeldDetail extends HeldMessage {
  text: string;
  /** Sanitized HTML body, when the message has one (no remote images, scripts, forms or styles). */
  html?: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

/** A held message: its text, its HTML made safe (archives' sanitizer), attachments listed (never rendered). */
export async function heldDetail(db: Queryable, listId: number, id: number): Promise<HeldDetail | undefined> {
  const { rows } = await db.query(`select ${HELD_COLUMNS}, raw from incoming_messages where list_id = $1 and id = $2 and status = 'held'`, [listId, id]);
  if (!rows[0]) return undefined;
  const parsed = await simpleParser(rows[0].raw as Buffer, { skipImageLinks: true });
  // The text first (an HTML-only message gets mailparser's text rendering); the HTML, when
  // there is one, through the archives' allow-list sanitizer with remote images left out, so
  // nothing loads from the sender's servers and no script or form reaches the moderator.
  const text = (parsed.text ?? '').slice(0, 100_000);
  const html =
    typeof parsed.html === 'string' && parsed.html.trim()
      ? sanitizeMailHtml(parsed.html.slice(0, 500_000), { remoteImages: false, hideAddresses: false, inlineParts: new Map() }).html
      : undefined;
  return {
    ...toHeld(rows[0]),
    text,
    ...(html ? { html } : {}),
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '(no name)', contentType: a.contentType, size: a.size })),
  };
}

export interface Decision {
  id: number;
  outcome: 'approved' | 'rejected' | 'discarded' | 'banned' | 'already-decided' | 'not-banned';
  postId?: number;
  /** For not-banned: the From address that was not banned because it is not verified. */
  from?: string;
}

/** Decide held messages of one list; each in its own transaction, so one failure stops no other. */
export async function moderate(
  ctx: ListContext,
  p: { list: List; ids: number[]; action: ModerationAction; reason?: string; actor: Actor },
): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const id of p.ids) out.push(await decideOne(ctx, p.list, id, p.action, p.reason, p.actor));
  return out;
}

async function decideOne(ctx: ListContext, list: List, id: number, action: ModerationAction, reason: string | undefined, actor: Actor): Promise<Decision> {
  return inTransaction(ctx.pool, async (tx) => {
    const { rows } = await tx.query<IncomingRow & { rule_hits: { auth?: SenderAuthentication | null } }>(
      `select * from incoming_messages where id = $1 and list_id = $2 and address_kind = 'post' for update`,
      [id, list.id],
    );
    const row = rows[0];
    if (!row || row.status !== 'held') return { id, outcome: 'already-decided' as const };
    const { parsed, from } = await parseIncoming(row.raw);
    const sender = from ?? row.envelope_from;
    // A forged From names someone else (often a member): banning it would silently shut out
    // the person impersonated. Nothing changes; the moderator is told to discard it instead.
    if (action === 'ban' && fromIsUnverified((row.rule_hits as { hits?: RuleHit[] } | null)?.hits ?? [])) {
      return { id, outcome: 'not-banned' as const, from: sender };
    }
    let outcome: Decision['outcome'];
    let postId: number | undefined;
    if (action === 'approve' || action === 'approve-always') {
      const member = await tx.query<{ id: number }>('select id from members where lower(email) = lower($1)', [sender]);
      const accepted = await acceptPost(tx, ctx, list, acceptedMessage(ctx, row, parsed, sender, member.rows[0]?.id ?? null, row.rule_hits?.auth ?? null));
      postId = accepted.postId;
      if (action === 'approve-always' && !matchesAddressList(list.acceptFrom, sender)) {
        await tx.query('update lists set accept_from = array_append(accept_from, $2), updated_at = now() where id = $1', [list.id, sender.toLowerCase()]);
      }
      outcome = 'approved';
    } else if (action === 'ban') {
      if (!matchesAddressList(list.banned, sender))
        await tx.query('update lists set banned = array_append(banned, $2), updated_at = now() where id = $1', [list.id, sender.toLowerCase()]);
      outcome = 'banned';
    } else {
      outcome = action === 'reject' ? 'rejected' : 'discarded';
    }
    const status = outcome === 'approved' ? 'accepted' : outcome === 'rejected' ? 'rejected' : 'discarded';
    await tx.query(
      `update incoming_messages set status = $2, post_id = $3, moderated_by = $4, moderated_at = now(), moderation_note = $5, processed_at = now() where id = $1`,
      [id, status, postId ?? null, actor.name, reason ?? null],
    );
    await tx.query('update hold_tokens set used_at = coalesce(used_at, now()) where incoming_id = $1', [id]);
    if (outcome === 'rejected' && from) {
      const links = listLinks(ctx, list);
      const ref = {
        name: list.name,
        post: links.addresses.post,
        request: links.addresses.request,
        communityUrl: `${ctx.baseUrl}${listHomePath(list)}`,
        group: list.groupId !== null,
      };
      await queueMail(tx, ctx.queue, rejectNotice(from, ref, parsed.subject ?? '', reason?.trim() || 'A moderator declined it.', parsed.messageId), {
        key: `moderation-reject:${id}`,
      });
    }
    await recordAudit(tx, actor, {
      action: `list.hold.${action}`,
      subjectType: 'list-message',
      subjectId: String(id),
      before: { status: 'held', from: sender, subject: parsed.subject ?? '' },
      after: { status, postId, reason: reason ?? null },
    });
    return { id, outcome, ...(postId ? { postId } : {}) };
  });
}

/** Moderators of a list: its community's moderators and coordinators (and a group list's leads), or the site admins when it has none. */
export async function moderatorAddresses(db: Queryable, list: Pick<List, 'communityId' | 'groupId'>): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>(
    `select m.email from memberships ms join members m on m.id = ms.member_id
      where ms.community_id = $1 and ms.status = 'active' and ms.role in ('moderator', 'coordinator') order by m.email`,
    [list.communityId],
  );
  const leads = list.groupId === null ? [] : await groupLeadAddresses(db, list.groupId);
  const all = [...new Set([...leads, ...rows.map((r) => r.email)])];
  if (all.length) return all;
  return (await db.query<{ email: string }>('select email from members where site_admin order by email')).rows.map((r) => r.email);
}

/**
 * Tell the moderators about holds they have not heard of: at most one notice an hour per list.
 * One hold: its own notice, with approve/discard links and approve-by-reply. Several: one
 * notice listing each with its links. Returns the time to try again when it is too soon.
 */
export async function sendHoldNotices(ctx: ListContext, listId: number, now = new Date()): Promise<{ sent: number; retryAt?: Date }> {
  return inTransaction(ctx.pool, async (tx) => {
    const locked = await tx.query<{ hold_notice_at: Date | null }>('select hold_notice_at from lists where id = $1 for update', [listId]);
    if (!locked.rows[0]) return { sent: 0 };
    const last = locked.rows[0].hold_notice_at;
    const pending = await tx.query(
      `select ${HELD_COLUMNS} from incoming_messages where list_id = $1 and status = 'held' and notified_at is null order by received_at`,
      [listId],
    );
    if (!pending.rows.length) return { sent: 0 };
    if (last && now.getTime() - last.getTime() < 3600_000) return { sent: 0, retryAt: new Date(last.getTime() + 3600_000) };
    const list = (await listById(tx, listId))!;
    const links = listLinks(ctx, list);
    const moderators = await moderatorAddresses(tx, list);
    const held = pending.rows.map(toHeld);
    const hours = ctx.config.holdDays * 24;
    for (const moderator of moderators) {
      const items = [];
      for (const h of held) {
        const token = newToken();
        await tx.query(`insert into hold_tokens (token_hash, incoming_id, moderator, expires_at) values ($1, $2, $3, now() + make_interval(hours => $4))`, [
          token.hash,
          h.id,
          moderator,
          hours,
        ]);
        items.push({ held: h, link: `${ctx.baseUrl}/moderate/${token.raw}`, reply: links.addresses.confirm(token.raw) });
      }
      await queueMail(
        tx,
        ctx.queue,
        holdNotice(moderator, { name: list.name, queueUrl: `${ctx.baseUrl}${heldQueuePath(list)}`, holdDays: ctx.config.holdDays }, items),
        {
          key: `hold-notice:${listId}:${held.map((h) => h.id).join(',')}:${moderator}`,
        },
      );
    }
    await tx.query(`update incoming_messages set notified_at = $2 where id = any($1)`, [held.map((h) => h.id), now]);
    await tx.query('update lists set hold_notice_at = $2 where id = $1', [listId, now]);
    return { sent: moderators.length };
  });
}

export interface HoldToken {
  incomingId: number;
  listId: number;
  moderator: string;
}

/** A moderator's link or reply token: valid, unused, unexpired, and the message still held. */
export async function lookupHoldToken(db: Queryable, raw: string): Promise<HoldToken | undefined> {
  const { rows } = await db.query(
    `select t.incoming_id, t.moderator, i.list_id from hold_tokens t join incoming_messages i on i.id = t.incoming_id
      where t.token_hash = $1 and t.used_at is null and t.expires_at > now() and i.status = 'held'`,
    [hashToken(raw)],
  );
  const r = rows[0];
  return r ? { incomingId: Number(r.incoming_id), listId: Number(r.list_id), moderator: r.moderator } : undefined;
}

/** Discard holds older than HOLD_DAYS, telling each sender. */
export async function expireHolds(ctx: ListContext, now = new Date()): Promise<number> {
  const { rows } = await ctx.pool.query<{ id: number; list_id: number }>(
    `select id, list_id from incoming_messages where status = 'held' and received_at < $1::timestamptz - make_interval(days => $2) order by id`,
    [now, ctx.config.holdDays],
  );
  let expired = 0;
  for (const r of rows) {
    const done = await inTransaction(ctx.pool, async (tx) => {
      const locked = await tx.query<IncomingRow>(`select * from incoming_messages where id = $1 and status = 'held' for update`, [r.id]);
      const row = locked.rows[0];
      if (!row) return false;
      const list = await listById(tx, r.list_id);
      await tx.query(
        `update incoming_messages set status = 'discarded', moderated_by = 'system', moderated_at = now(), moderation_note = 'expired', processed_at = now() where id = $1`,
        [r.id],
      );
      await tx.query('update hold_tokens set used_at = coalesce(used_at, now()) where incoming_id = $1', [r.id]);
      const { parsed, from } = await parseIncoming(row.raw);
      if (list && from) {
        const links = listLinks(ctx, list);
        await queueMail(tx, ctx.queue, heldExpiredNotice(from, { name: list.name, post: links.addresses.post }, parsed.subject ?? '', ctx.config.holdDays), {
          key: `hold-expired:${r.id}`,
        });
      }
      await recordAudit(
        tx,
        { name: 'system', source: 'system' },
        { action: 'list.hold.expire', subjectType: 'list-message', subjectId: String(r.id), before: { status: 'held' }, after: { status: 'discarded' } },
      );
      return true;
    });
    if (done) expired++;
  }
  return expired;
}

/** For the list settings page: change moderation switches and posting policy (audited). */
export interface ListSettings {
  subjectPrefix: string | null;
  footer: string;
  replyTo: 'poster' | 'list';
  dmarcMitigation: 'auto' | 'always' | 'never';
  moderated: boolean;
  emergency: boolean;
  maxBytes: number;
  maxRecipients: number;
  acceptFrom: string[];
  banned: string[];
  administrivia: boolean;
  spfFail: 'hold' | 'accept';
  whoByMail: boolean;
  sendToPoster: boolean;
  archivePublic: boolean;
}

export async function saveListSettings(pool: pg.Pool, actor: Actor, list: List, s: ListSettings): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await tx.query(
      `update lists set subject_prefix = $2, footer = $3, reply_to = $4, dmarc_mitigation = $5, moderated = $6, emergency = $7, max_bytes = $8,
              max_recipients = $9, accept_from = $10, banned = $11, send_to_poster = $12, archive_public = $13, administrivia = $14, spf_fail = $15, who_by_mail = $16, updated_at = now() where id = $1`,
      [
        list.id,
        s.subjectPrefix,
        s.footer,
        s.replyTo,
        s.dmarcMitigation,
        s.moderated,
        s.emergency,
        s.maxBytes,
        s.maxRecipients,
        s.acceptFrom,
        s.banned,
        s.sendToPoster,
        s.archivePublic,
        s.administrivia,
        s.spfFail,
        s.whoByMail,
      ],
    );
    const {
      id: _id,
      communityId: _c,
      communitySlug: _s,
      groupId: _g,
      groupSlug: _gs,
      localPart: _l,
      name: _n,
      description: _d,
      timeZone: _t,
      postCount: _p,
      ...before
    } = list;
    await recordAudit(tx, actor, { action: 'list.settings', subjectType: 'list', subjectId: list.localPart, before, after: s });
  });
}
