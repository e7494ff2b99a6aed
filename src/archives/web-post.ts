/**
 * Posting from the web (issue 21): a signed-in member starts a thread or replies on the archive
 * pages. The post takes the same path as mail: it becomes a real RFC 5322 message (nodemailer's
 * MailComposer) with a Message-ID on the list's domain and In-Reply-To/References from the thread,
 * is stored as an incoming message (protocol 'web') with its job queued, and is handed to the
 * same function the worker runs for mail (processIncoming), so rules, moderation, decoration,
 * DKIM, fan-out and the archive all apply. From is the member; since the site never signs for
 * the member's domain, the copies go out "Name via List" with Reply-To the member
 * (authenticate.ts webPostAuthentication, pipeline.ts needsDmarcMitigation).
 */
import { randomText } from '../platform/tokens.ts';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type pg from 'pg';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { listAddresses } from '../lists/index.ts';
import type { ListContext } from '../lists/index.ts';
import { processIncoming } from '../lists/index.ts';
import { INCOMING_JOB, INCOMING_JOB_OPTIONS, type IncomingJob } from '../lists/index.ts';
import type { List } from '../lists/index.ts';
import { listStanding } from '../lists/index.ts';
import type { MemberRef } from '../membership/index.ts';
import { cleanSubject } from './subjects.ts';

/** Web posts a member may send per hour (previews do not count). */
export const WEB_POSTS_PER_MEMBER = { max: 10, windowSeconds: 3600 };
/** The longest post text taken from the form (characters). */
export const MAX_TEXT = 100_000;

export interface WebPoster {
  memberId: number;
  email: string;
  name: string | null;
}

export interface WebAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The post a reply answers: its Message-ID and References, from the archive. */
export interface ReplyTarget {
  messageId: string;
  references: string[];
  subject: string;
}

/** What a member may do on a list from the web: post (members), or why not. */
export async function mayPostFromWeb(db: Queryable, list: List, member: MemberRef): Promise<{ ok: true } | { ok: false; why: string }> {
  // On a community's list, the standing read with this request's session (no query of its own).
  const own = list.groupId === null ? member.memberships : undefined;
  const standing = own
    ? { member: own.get(list.communityId)?.status === 'active', banned: own.get(list.communityId)?.status === 'banned' }
    : await listStanding(db, list, member.memberId);
  if (standing.banned) return { ok: false, why: `You cannot post to ${list.name}: your address is banned from it.` };
  if (!standing.member) {
    return {
      ok: false,
      why:
        list.groupId !== null
          ? `Only members of the working group can post to ${list.name}. Join the group on its page first.`
          : `Only members of the community can post to ${list.name}. Join the community first.`,
    };
  }
  return { ok: true };
}

/** A reply's subject: the thread's, without the list tag, with one "Re:". */
export function replySubject(threadSubject: string): string {
  const s = cleanSubject(threadSubject);
  return /^re\s*:/i.test(s) ? s : `Re: ${s}`;
}

/**
 * References of a reply (RFC 5322 §3.6.4): the parent's References and its Message-ID. Long
 * chains keep the first (the thread's root) and the latest, as mail programs do.
 */
export function replyReferences(parent: ReplyTarget): string[] {
  const all = [...parent.references.filter((r) => r !== parent.messageId), parent.messageId];
  return all.length > 20 ? [all[0]!, ...all.slice(-19)] : all;
}

/** A draft's token: names the post before it is sent, so the same form sent twice posts once. */
export function newDraftToken(): string {
  return randomText(12);
}

export const DRAFT_TOKEN = /^[A-Za-z0-9_-]{16}$/;

/** The Message-ID a draft gets: on the list's domain, from the draft token. */
export function draftMessageId(draft: string, domain: string): string {
  return `<web.${draft}@${domain}>`;
}

/** The whole message, as a mail program would send it. */
export async function composeWebPost(p: {
  list: Pick<List, 'localPart'>;
  domain: string;
  poster: WebPoster;
  subject: string;
  text: string;
  draft: string;
  replyTo?: ReplyTarget | undefined;
  attachments: WebAttachment[];
}): Promise<{ raw: Buffer; messageId: string }> {
  const messageId = draftMessageId(p.draft, p.domain);
  const composer = new MailComposer({
    from: { name: p.poster.name ?? '', address: p.poster.email },
    to: listAddresses(p.list.localPart, p.domain).post,
    subject: p.subject,
    // Typed on the web: one line ending, and no NUL (PostgreSQL text cannot hold it).
    text: p.text.replace(/\r\n?/g, '\n').replace(/\0/g, ''),
    messageId,
    date: new Date(),
    ...(p.replyTo ? { inReplyTo: p.replyTo.messageId, references: replyReferences(p.replyTo) } : {}),
    attachments: p.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return { raw: await composer.compile().build(), messageId };
}

export type WebPostOutcome =
  | { kind: 'accepted'; number: number }
  | { kind: 'held'; reasons: string[] }
  | { kind: 'refused'; reason: string }
  /** Stored and queued, but not decided yet (processing failed here): the worker finishes it. */
  | { kind: 'queued' };

interface IncomingState {
  id: number;
  status: string;
  decision_reason: string | null;
  rule_hits: { hits?: Array<{ reason: string; outcome: string }> } | null;
  number: number | null;
}

async function stateOf(db: Queryable, where: string, params: unknown[]): Promise<IncomingState | undefined> {
  const { rows } = await db.query<IncomingState>(
    `select i.id, i.status, i.decision_reason, i.rule_hits, p.number from incoming_messages i left join posts p on p.id = i.post_id where ${where} order by i.id limit 1`,
    params,
  );
  return rows[0];
}

function outcomeOf(s: IncomingState): WebPostOutcome {
  if (s.status === 'accepted' && s.number !== null) return { kind: 'accepted', number: s.number };
  if (s.status === 'held') {
    const reasons = (s.rule_hits?.hits ?? []).filter((h) => h.outcome === 'hold').map((h) => h.reason);
    return { kind: 'held', reasons: reasons.length ? reasons : [s.decision_reason ?? 'A moderator reviews this post.'] };
  }
  if (s.status === 'rejected' || s.status === 'discarded' || s.status === 'failed')
    return { kind: 'refused', reason: s.decision_reason ?? 'The list did not take this post.' };
  return { kind: 'queued' };
}

/**
 * Store the post and decide on it now, through the mail path. The row and its job are committed
 * together first, so a crash after that loses nothing (the worker processes it); the same draft
 * sent again returns what became of the first.
 */
export async function submitWebPost(
  ctx: ListContext,
  p: { list: List; poster: WebPoster; raw: Buffer; messageId: string; ip: string },
): Promise<WebPostOutcome> {
  const sameDraft = (db: Queryable) =>
    stateOf(db, `i.list_id = $1 and i.message_id = $2 and i.protocol = 'web' and lower(i.envelope_from) = lower($3)`, [p.list.id, p.messageId, p.poster.email]);
  const earlier = await sameDraft(ctx.pool);
  if (earlier) return outcomeOf(earlier);
  const stored = await inTransaction(ctx.pool, async (tx) => {
    // Two sends of one draft at once (a double click): the second waits here for the first's
    // commit, then finds its row, so the draft is stored once.
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`web-post:${p.list.id}:${p.messageId}`]);
    const first = await sameDraft(tx);
    if (first) return first;
    const { rows } = await tx.query<{ id: number }>(
      `insert into incoming_messages (list_id, address_kind, rcpt, envelope_from, remote_ip, protocol, raw, size, message_id, from_address)
       values ($1, 'post', $2, $3, $4, 'web', $5, $6, $7, $3) returning id`,
      [p.list.id, listAddresses(p.list.localPart, ctx.domain).post, p.poster.email, p.ip, p.raw, p.raw.length, p.messageId],
    );
    const id = Number(rows[0]!.id);
    await ctx.queue.send(INCOMING_JOB, { ids: [id] } satisfies IncomingJob, { db: tx, ...INCOMING_JOB_OPTIONS });
    return id;
  });
  if (typeof stored !== 'number') return outcomeOf(stored);
  const id = stored;
  try {
    await processIncoming(ctx, id);
  } catch (err) {
    ctx.log('web post: processing here failed; the worker retries it', { id, err: (err as Error).message });
  }
  return outcomeOf((await stateOf(ctx.pool, 'i.id = $1', [id]))!);
}

// ---- Files kept across a preview ------------------------------------------------------------

export interface KeptUpload {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

/**
 * Keep files chosen with a preview (or a form sent back with an error) for the send. A member's
 * kept files are bounded: past `capBytes` in all, their oldest files not in this form (`keep`,
 * an abandoned draft's) are dropped first, so previews cannot fill the database.
 */
export async function keepUploads(
  pool: pg.Pool,
  memberId: number,
  listId: number,
  files: WebAttachment[],
  o: { keep: number[]; capBytes: number },
): Promise<KeptUpload[]> {
  const kept: KeptUpload[] = [];
  await inTransaction(pool, async (tx) => {
    // A day is long enough to finish a post; older files were left behind.
    await tx.query(`delete from web_post_uploads where created_at < now() - interval '1 day'`);
    const adding = files.reduce((n, f) => n + f.content.length, 0);
    await tx.query(
      `delete from web_post_uploads where id in (
         select id from (
           select id, sum(octet_length(content)) over (order by created_at desc, id desc) as running
             from web_post_uploads where member_id = $1 and not (id = any($2::bigint[]))
         ) t where running > $3::bigint - $4::bigint - (select coalesce(sum(octet_length(content)), 0) from web_post_uploads where member_id = $1 and id = any($2::bigint[])))`,
      [memberId, o.keep, o.capBytes, adding],
    );
    for (const f of files) {
      const { rows } = await tx.query<{ id: number }>(
        'insert into web_post_uploads (member_id, list_id, filename, content_type, content) values ($1, $2, $3, $4, $5) returning id',
        [memberId, listId, f.filename, f.contentType, f.content],
      );
      kept.push({ id: Number(rows[0]!.id), filename: f.filename, contentType: f.contentType, size: f.content.length });
    }
  });
  return kept;
}

/** The member's own kept files among `ids` (anyone else's id finds nothing). */
export async function keptUploads(db: Queryable, memberId: number, listId: number, ids: number[]): Promise<Array<KeptUpload & { content: Buffer }>> {
  if (!ids.length) return [];
  const { rows } = await db.query<{ id: number; filename: string; content_type: string; content: Buffer }>(
    'select id, filename, content_type, content from web_post_uploads where member_id = $1 and list_id = $2 and id = any($3::bigint[]) order by id',
    [memberId, listId, ids],
  );
  return rows.map((r) => ({ id: Number(r.id), filename: r.filename, contentType: r.content_type, size: r.content.length, content: r.content }));
}

export async function dropUploads(db: Queryable, memberId: number, ids: number[]): Promise<void> {
  if (ids.length) await db.query('delete from web_post_uploads where member_id = $1 and id = any($2::bigint[])', [memberId, ids]);
}
