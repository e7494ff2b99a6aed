/**
 * The worker's side of mail-in: one job per stored message, routed by the address it came to —
 * a post (rules, then accept / hold / reject / discard), a command to -request, mail for the
 * coordinators (-owner), a bounce (-bounces+VERP) or a confirmation by reply (-confirm+token).
 * Each message is processed once: the row is locked and its status moves on in one transaction.
 */
import type { ParsedMail } from 'mailparser';
import { joinSettings } from '../communities/index.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { OutgoingMail } from '../platform/mail/transport.ts';
import { canonicalAddress, parseAddress } from '../membership/index.ts';
import { nameProblem, unsafeCharacter } from '../platform/text.ts';
import { confirmJoin, requestToJoin } from '../membership/index.ts';
import { changeMembership, coordinatorAddresses, findMemberByEmail, membershipIn } from '../membership/index.ts';
import { authenticateSender, webPostAuthentication, type SenderAuthentication } from './authenticate.ts';
import { parseBounce } from './bounces/parse.ts';
import { queueBounceCare } from './bounce-care.ts';
import { readCommand, type DeliveryChoice } from './commands.ts';
import { listIdOf, listLinks, type ListContext } from './context.ts';
import { administriviaNotice, commandReply, heldNotice, leaveLinkMail, ownerForward, rejectNotice, type ListRef } from './mails.ts';
import { acceptPost } from './pipeline.ts';
import { acceptedMessage, addresses, parseIncoming, type IncomingRow } from './incoming-message.ts';
import { HOLD_NOTICE_JOB, lookupHoldToken, moderate, moderatorAddresses } from './moderation.ts';
import { runChain, type PostFacts } from './rules.ts';
import { listById, listHomePath, type List } from './store.ts';
import { listStanding } from './sub-lists.ts';
import { recordAudit } from '../platform/audit.ts';
import { groupListLeaving } from '../platform/feature.ts';
import { readUnsubscribeToken, readVerpToken, unsubscribeToken } from './tokens.ts';

/** RFC 3834 and common practice: mail we must never answer. */
export function isAutomatic(headers: Map<string, string[]>, envelopeFrom: string): boolean {
  if (!envelopeFrom) return true;
  const auto = headers.get('auto-submitted')?.[0]?.toLowerCase().split(';')[0]?.trim();
  if (auto && auto !== 'no') return true;
  const precedence = headers.get('precedence')?.[0]?.toLowerCase().trim();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return true;
  if (headers.has('list-id') || headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  if (/^(mailer-daemon|postmaster|.*-(bounces|request|owner))(\+.*)?@/i.test(envelopeFrom)) return true;
  return false;
}

/**
 * At most `limit` automatic replies per address per day, so two robots can never loop. Counted
 * on the canonical address, so "Pat@GSA.gov." and "pat@gsa.gov" share one allowance.
 */
async function mayReply(db: Queryable, raw: string, limit: number): Promise<boolean> {
  const parsed = parseAddress(raw);
  const address = parsed.ok ? canonicalAddress(parsed) : raw.toLowerCase();
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from auto_replies where lower(address) = lower($1) and at > now() - interval '1 day'`,
    [address],
  );
  if (rows[0]!.n >= limit) return false;
  await db.query('insert into auto_replies (address) values ($1)', [address]);
  return true;
}

function listRef(ctx: ListContext, list: List): ListRef {
  const links = listLinks(ctx, list);
  return {
    name: list.name,
    post: links.addresses.post,
    request: links.addresses.request,
    communityUrl: `${ctx.baseUrl}${listHomePath(list)}`,
    group: list.groupId !== null,
  };
}

export async function processIncoming(ctx: ListContext, id: number): Promise<void> {
  const { rows } = await ctx.pool.query<IncomingRow>('select * from incoming_messages where id = $1', [id]);
  const row = rows[0];
  if (!row || row.status !== 'received') return; // processed already (a retried job)
  const list = row.list_id ? await listById(ctx.pool, row.list_id) : undefined;
  if (!list) {
    await ctx.pool.query(`update incoming_messages set status = 'failed', decision_reason = 'the list no longer exists', processed_at = now() where id = $1`, [
      id,
    ]);
    return;
  }
  const { parsed, headers, from } = await parseIncoming(row.raw);
  await ctx.pool.query({
    name: 'incoming-parsed',
    text: 'update incoming_messages set message_id = $2, from_address = $3, subject = $4 where id = $1',
    values: [id, parsed.messageId?.replace(/\0/g, '') ?? null, from?.replace(/\0/g, '') ?? null, (parsed.subject ?? '').replace(/\0/g, '').slice(0, 500)],
  });
  switch (row.address_kind) {
    case 'post':
      return handlePost(ctx, list, row, parsed, headers, from);
    case 'request':
      return handleRequest(ctx, list, row, parsed, headers, from);
    case 'confirm':
      return handleConfirm(ctx, list, row, parsed, headers, from);
    case 'owner':
      return handleOwner(ctx, list, row, parsed, headers, from);
    case 'bounces':
      return handleBounce(ctx, list, row);
  }
}

/** Attempts at handling one message before it is set aside rather than retried for hours. */
export const ATTEMPTS_BEFORE_HOLD = 3;

/**
 * A message the worker failed on ATTEMPTS_BEFORE_HOLD times: a post goes to the moderators' queue
 * with the error as its reason (they can still approve or discard it, and see that it is there);
 * anything else (a command, a bounce) is marked failed. Either way it no longer sits unseen.
 */
export async function setAsideUnprocessable(ctx: ListContext, id: number, err: Error, attempts: number): Promise<void> {
  const reason = `This message could not be processed (${attempts} attempts): ${err.message.replace(/\0/g, '').slice(0, 500)}`;
  await inTransaction(ctx.pool, async (tx) => {
    const { rows } = await tx.query<{ list_id: number | null; address_kind: string }>(
      `update incoming_messages set status = case when address_kind = 'post' then 'held' else 'failed' end, decision_reason = $2, rule_hits = $3, processed_at = now()
       where id = $1 and status = 'received' returning list_id, address_kind`,
      [id, reason, JSON.stringify({ hits: [{ rule: 'processing-failed', reason, outcome: 'hold' }], auth: null })],
    );
    const row = rows[0];
    if (row?.address_kind === 'post' && row.list_id !== null)
      await ctx.queue.send(HOLD_NOTICE_JOB, { listId: row.list_id }, { db: tx, retryLimit: 10, retryDelay: 60 });
  });
  ctx.log('incoming message set aside after repeated failures', { id, attempts, err: err.message });
}

async function finish(db: Queryable, id: number, status: string, reason: string | null, extra: { hits?: unknown; postId?: number } = {}): Promise<void> {
  await db.query({
    name: 'incoming-finish',
    text: `update incoming_messages set status = $2, decision_reason = $3, rule_hits = coalesce($4, rule_hits), post_id = $5, processed_at = now() where id = $1`,
    values: [id, status, reason, extra.hits === undefined ? null : JSON.stringify(extra.hits), extra.postId ?? null],
  });
}

/** Queue an automatic answer unless the message was automatic or the address had its share today. */
async function reply(
  tx: Queryable,
  ctx: ListContext,
  row: IncomingRow,
  headers: Map<string, string[]>,
  to: string | null,
  mail: (to: string) => OutgoingMail,
): Promise<boolean> {
  if (!to || isAutomatic(headers, row.envelope_from)) return false;
  if (!(await mayReply(tx, to, ctx.config.autoReplyLimit))) return false;
  return queueMail(tx, ctx.queue, mail(to), { key: `list-reply:${row.id}` });
}

/**
 * Whether this list already has the Message-ID: an archived post (kept for the archive's life),
 * or an earlier arrival (lower id) still in hand. Comparing ids rather than statuses means two
 * copies processed at once still agree on which one is the repeat. A message that failed does
 * not count, so its resent copy can get through.
 */
async function isRepeatedMessageId(db: Queryable, listId: number, incomingId: number, messageId: string): Promise<boolean> {
  const { rows } = await db.query({
    name: 'incoming-repeated-message-id',
    text: `select 1 from posts where list_id = $1 and message_id = $2
     union all
     select 1 from incoming_messages where list_id = $1 and message_id = $2 and id < $3 and address_kind = 'post' and status <> 'failed'
     limit 1`,
    values: [listId, messageId, incomingId],
  });
  return rows.length > 0;
}

async function handlePost(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  parsed: ParsedMail,
  headers: Map<string, string[]>,
  from: string | null,
): Promise<void> {
  const member = from ? await findMemberByEmail(ctx.pool, from) : undefined;
  const standing = await listStanding(ctx.pool, list, member?.id);
  // A web post: the member's sign-in, not SPF/DKIM, proves the sender (webPostAuthentication).
  let auth: SenderAuthentication | null = row.protocol === 'web' && from ? webPostAuthentication(from) : null;
  if (row.protocol !== 'web')
    try {
      auth = await authenticateSender(row.raw, { ip: row.remote_ip, helo: row.helo, sender: row.envelope_from }, ctx.resolve, ctx.domain);
    } catch (err) {
      ctx.log('sender authentication could not run', { id: row.id, err: (err as Error).message });
    }
  const links = listLinks(ctx, list);
  const facts: PostFacts = {
    list,
    listId: listIdOf(list, ctx.domain),
    loopTag: links.addresses.post,
    requestAddress: links.addresses.request,
    envelopeFrom: row.envelope_from,
    from,
    fromAddresses: addresses(parsed.from).map((a) => a.toLowerCase()),
    size: row.size,
    subject: parsed.subject ?? '',
    body: parsed.text ?? '',
    headers,
    recipientCount: addresses(parsed.to).length + addresses(parsed.cc).length,
    sender: standing,
    auth,
    repeatedMessageId: parsed.messageId ? await isRepeatedMessageId(ctx.pool, list.id, row.id, parsed.messageId.replace(/\0/g, '')) : false,
  };
  const chain = runChain(facts);
  if (facts.repeatedMessageId) ctx.log('repeated Message-ID: post dropped', { id: row.id, listId: list.id, messageId: parsed.messageId });
  const hits = { hits: chain.hits, auth };
  const ref = listRef(ctx, list);
  const subject = parsed.subject ?? '';
  await inTransaction(ctx.pool, async (tx) => {
    const locked = await tx.query({ name: 'incoming-lock', text: 'select status from incoming_messages where id = $1 for update', values: [row.id] });
    if (locked.rows[0]?.status !== 'received') return;
    if (chain.outcome === 'accept') {
      const { postId } = await acceptPost(tx, ctx, list, acceptedMessage(ctx, row, parsed, from!, member?.id ?? null, auth));
      await finish(tx, row.id, 'accepted', null, { hits, postId });
      return;
    }
    await finish(tx, row.id, chain.outcome === 'hold' ? 'held' : chain.outcome === 'reject' ? 'rejected' : 'discarded', chain.reason, { hits });
    if (chain.outcome === 'reject') await reply(tx, ctx, row, headers, from, (to) => rejectNotice(to, ref, subject, chain.reason!, parsed.messageId));
    if (chain.outcome === 'hold') {
      // "unsubscribe" sent to the list: the sender needs to know how to do it, not that it waits.
      const command = chain.hits.some((h) => h.rule === 'administrivia');
      await reply(tx, ctx, row, headers, from, (to) =>
        command ? administriviaNotice(to, ref, subject, parsed.messageId) : heldNotice(to, ref, subject, chain.reason!, parsed.messageId),
      );
      await ctx.queue.send(HOLD_NOTICE_JOB, { listId: list.id }, { db: tx, retryLimit: 10, retryDelay: 60 });
    }
  });
}

async function handleRequest(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  parsed: ParsedMail,
  headers: Map<string, string[]>,
  from: string | null,
): Promise<void> {
  const ref = listRef(ctx, list);
  const subject = parsed.subject ?? '';
  if (isAutomatic(headers, row.envelope_from)) {
    await finish(ctx.pool, row.id, 'discarded', 'automatic message to -request: not answered (RFC 3834)');
    return;
  }
  const command = readCommand(subject, parsed.text ?? '');
  const answer = async (lines: string[], status = 'done', note: string | null = null) => {
    await inTransaction(ctx.pool, async (tx) => {
      await reply(tx, ctx, row, headers, from, (to) => commandReply(to, ref, subject, lines, parsed.messageId));
      await finish(tx, row.id, status, note);
    });
  };
  if (!command) return forwardToOwners(ctx, list, row, parsed, headers, from);
  if (command.kind === 'help') return answer(['Here is how this list works.'], 'done', 'help');
  if (command.kind === 'info') return answer(infoLines(list, ref), 'done', 'info');
  if (command.kind === 'who') return answerWho(ctx, list, from, answer);
  if (command.kind === 'set') return setDeliveryByMail(ctx, list, row, from, command.mode, answer);
  if (command.kind === 'confirm') return confirmByToken(ctx, list, row, headers, from, command.token, subject, parsed.messageId);
  if (command.kind === 'leave') {
    if (command.token) {
      const scoped = readUnsubscribeToken(ctx.secret, command.token);
      if (scoped && scoped.listId === list.id) {
        await unsubscribe(ctx, list, scoped.memberId, 'email', { name: from ?? 'one-click', source: 'email' });
        return answer([`You have left ${list.name}. You will get no more messages from it.`], 'done', 'left by one-click mail');
      }
    }
    const member = from ? await findMemberByEmail(ctx.pool, from) : undefined;
    if (!member || !(await listStanding(ctx.pool, list, member.id)).member)
      return answer([`${from} is not on ${list.name}, so there is nothing to leave.`], 'done', 'leave: not a member');
    // The link goes to the member's own address, so a forged "leave" cannot remove anyone.
    const link = `${ctx.baseUrl}/u/${unsubscribeToken(ctx.secret, member.id, list.id)}`;
    await inTransaction(ctx.pool, async (tx) => {
      if (await mayReply(tx, member.email, ctx.config.autoReplyLimit))
        await queueMail(tx, ctx.queue, leaveLinkMail(member.email, ref, link, parsed.messageId), { key: `list-reply:${row.id}` });
      await finish(tx, row.id, 'done', 'leave: confirmation link sent');
    });
    return;
  }
  // join
  if (!from) return answer(['Your message has no From address we could answer.'], 'done', 'join: no sender');
  if (list.groupId !== null) return answerGroupJoin(ctx, list, from, answer);
  const community = await joinSettings(ctx.pool, list.communitySlug);
  if (!community) return answer(['This list is closing and takes no new members.'], 'done', 'join: no community');
  const badName = command.name === undefined ? undefined : nameProblem(command.name);
  if (badName) {
    return answer(
      [`We could not add ${from} to ${list.name}.`, '', badName, 'Send "join" again with your name on a line of its own, for example: Name: Pat Doe'],
      'done',
      'join: name refused (control characters)',
    );
  }
  // The display name in From is the sender's mail program's, not typed for us: skip an unsafe one.
  const headerName = Array.isArray(parsed.from) ? undefined : parsed.from?.value[0]?.name || undefined;
  const fromName = headerName && !unsafeCharacter(headerName) ? headerName : undefined;
  const allowed = await mayReply(ctx.pool, from, ctx.config.autoReplyLimit);
  if (!allowed) return finish(ctx.pool, row.id, 'done', 'join: daily reply limit reached');
  const result = await requestToJoin(ctx.pool, {
    community,
    email: from,
    name: command.name ?? fromName ?? from,
    ...(command.jobTitle ? { jobTitle: command.jobTitle } : {}),
    ...(command.agency ? { agency: command.agency } : {}),
    ip: row.remote_ip ?? 'email',
    operator: { eligibleDomains: ctx.config.eligibleDomains, blockedDomains: ctx.config.blockedDomains },
    linkHours: ctx.config.joinLinkHours,
    baseUrl: ctx.baseUrl,
    mail: ctx.mail,
    confirmByReply: (token) => listLinks(ctx, list).addresses.confirm(token),
  });
  if (result.kind === 'ineligible') {
    return answer([`We could not add ${from} to ${list.name}.`, '', result.decision.message], 'done', `join: not eligible (${result.decision.rule})`);
  }
  await finish(ctx.pool, row.id, 'done', `join: confirmation sent (${result.decision.outcome})`);
}

/**
 * Free text to -request ("Please add me to the list"): a person wrote, not a robot. They get the
 * help answer, and the coordinators get the message with Reply-To the person, so someone answers.
 * Forwarded only when the answer goes out too: the daily reply limit also caps what reaches them.
 */
async function forwardToOwners(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  parsed: ParsedMail,
  headers: Map<string, string[]>,
  from: string | null,
): Promise<void> {
  const ref = listRef(ctx, list);
  const subject = parsed.subject ?? '';
  await inTransaction(ctx.pool, async (tx) => {
    const lines = ['We did not find a command in your message, so we passed your message to the coordinators of the list, who will answer you.'];
    const answered = await reply(tx, ctx, row, headers, from, (to) => commandReply(to, ref, subject, lines, parsed.messageId));
    const coordinators = answered && from ? await coordinatorAddresses(tx, list.communityId) : [];
    const name = Array.isArray(parsed.from) ? null : parsed.from?.value[0]?.name || null;
    for (const coordinator of coordinators) {
      const original = { from: from!, name, subject: subject || '(no subject)', text: parsed.text ?? null, raw: row.raw, viaRequest: true };
      await queueMail(tx, ctx.queue, ownerForward(coordinator, ref, original), { key: `request-forward:${row.id}:${coordinator}` });
    }
    await finish(tx, row.id, 'done', coordinators.length ? `no command: answered, forwarded to ${coordinators.length} coordinator(s)` : 'no command');
  });
}

async function confirmByToken(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  headers: Map<string, string[]>,
  from: string | null,
  token: string,
  subject: string,
  inReplyTo: string | undefined,
): Promise<void> {
  const ref = listRef(ctx, list);
  const operator = { eligibleDomains: ctx.config.eligibleDomains, blockedDomains: ctx.config.blockedDomains };
  const result = await confirmJoin(ctx.pool, token, { baseUrl: ctx.baseUrl, queue: ctx.queue, operator, actor: { name: from ?? 'email', source: 'email' } });
  const lines =
    result.kind === 'joined'
      ? [`You are now a member of ${list.name}.`]
      : result.kind === 'awaiting-approval'
        ? ['Thank you: your address is confirmed. A coordinator will review your request and we will email you their answer.']
        : result.kind === 'ineligible'
          ? [`Your address is confirmed, but we could not add it to ${list.name}.`, '', result.message]
          : result.kind === 'used'
            ? ['This request was confirmed already.']
            : result.kind === 'ended'
              ? [
                  `This confirmation no longer works: a newer one was sent to your address, or the request was closed. Send "join" to ${ref.request} to ask again.`,
                ]
              : result.kind === 'expired'
                ? [`This request has expired. Send "join" to ${ref.request} to ask again.`]
                : ['We did not recognise this confirmation. It may be mistyped.'];
  await inTransaction(ctx.pool, async (tx) => {
    // Joining sends its own welcome (confirmJoin); waiting for a coordinator sends the applicant nothing, so we answer.
    if (result.kind !== 'joined') await reply(tx, ctx, row, headers, from, (to) => commandReply(to, ref, subject, lines, inReplyTo));
    await finish(tx, row.id, 'done', `confirm: ${result.kind}`);
  });
}

async function handleConfirm(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  parsed: ParsedMail,
  headers: Map<string, string[]>,
  from: string | null,
): Promise<void> {
  if (isAutomatic(headers, row.envelope_from) && !headers.has('list-id')) {
    await finish(ctx.pool, row.id, 'discarded', 'automatic message to a confirmation address');
    return;
  }
  // A moderator replying to a hold notice approves that message.
  const hold = await lookupHoldToken(ctx.pool, row.token!);
  if (hold && hold.listId === list.id) {
    const moderators = await moderatorAddresses(ctx.pool, list);
    if (!from || !moderators.some((m) => m.toLowerCase() === from)) {
      await finish(ctx.pool, row.id, 'discarded', `approve by reply from ${from ?? 'nobody'}, who is not a moderator of this list`);
      return;
    }
    const [decision] = await moderate(ctx, { list, ids: [hold.incomingId], action: 'approve', actor: { name: from, source: 'email' } });
    await finish(ctx.pool, row.id, 'done', `approve by reply: ${decision!.outcome}`);
    return;
  }
  return confirmByToken(ctx, list, row, headers, from, row.token!, parsed.subject ?? '', parsed.messageId);
}

async function handleOwner(
  ctx: ListContext,
  list: List,
  row: IncomingRow,
  parsed: ParsedMail,
  headers: Map<string, string[]>,
  from: string | null,
): Promise<void> {
  const ref = listRef(ctx, list);
  await inTransaction(ctx.pool, async (tx) => {
    if (isAutomatic(headers, row.envelope_from)) {
      await finish(tx, row.id, 'discarded', 'automatic message to -owner');
      return;
    }
    const to = await coordinatorAddresses(tx, list.communityId);
    const name = Array.isArray(parsed.from) ? null : parsed.from?.value[0]?.name || null;
    const original = { from: from ?? row.envelope_from, name, subject: parsed.subject || '(no subject)', text: parsed.text ?? null, raw: row.raw };
    for (const coordinator of to) {
      await queueMail(tx, ctx.queue, ownerForward(coordinator, ref, original), { key: `owner-forward:${row.id}:${coordinator}` });
    }
    await finish(tx, row.id, 'done', to.length ? `forwarded to ${to.length} coordinator(s)` : 'no coordinators to forward to');
  });
}

async function handleBounce(ctx: ListContext, list: List, row: IncomingRow): Promise<void> {
  const report = await parseBounce(row.raw);
  const deliveryId = row.token ? readVerpToken(ctx.secret, row.token) : undefined;
  if (report.kind === 'auto-reply' || report.kind === 'not-a-bounce') {
    // Out-of-office replies come back to the envelope sender: never a bounce, never answered.
    await finish(ctx.pool, row.id, 'discarded', report.kind === 'auto-reply' ? 'auto-reply to a list copy: ignored' : 'not a bounce: ignored');
    return;
  }
  const delivery = deliveryId
    ? (
        await ctx.pool.query<{ member_id: number; address: string; list_id: number }>('select member_id, address, list_id from deliveries where id = $1', [
          deliveryId,
        ])
      ).rows[0]
    : undefined;
  await inTransaction(ctx.pool, async (tx) => {
    if (delivery) {
      // VERP names the member exactly; the report says whether the failure is temporary.
      const mine = report.recipients.find((r) => r.address.toLowerCase() === delivery.address.toLowerCase()) ?? report.recipients[0];
      await tx.query(
        `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic, delivery_id, incoming_id) values ($1, $2, $3, $4, 'verp', $5, $6, $7, $8)`,
        [
          list.id,
          delivery.member_id,
          delivery.address,
          mine?.temporary ?? report.temporary ?? false,
          mine?.status ?? null,
          (mine?.diagnostic ?? report.summary).slice(0, 2000),
          deliveryId,
          row.id,
        ],
      );
    } else {
      for (const r of report.recipients) {
        const member = await findMemberByEmail(tx, r.address);
        if (!member) continue;
        await tx.query(
          `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic, incoming_id) values ($1, $2, $3, $4, 'dsn', $5, $6, $7)`,
          [list.id, member.id, r.address, r.temporary, r.status ?? null, (r.diagnostic ?? report.summary).slice(0, 2000), row.id],
        );
      }
    }
    await queueBounceCare(tx, ctx.queue); // bounce care counts the new bounce_events (bounce-care.ts)
    await finish(
      tx,
      row.id,
      'done',
      `bounce (${report.format ?? report.kind}): ${delivery ? delivery.address : report.recipients.map((r) => r.address).join(', ') || 'no address found'}`,
    );
  });
}

function infoLines(list: List, ref: ListRef): string[] {
  return [
    `${list.name}${list.description.trim() ? `: ${list.description.trim()}` : ''}`,
    '',
    `To post: ${ref.post}`,
    `To write to the coordinators: ${ref.post.replace('@', '-owner@')}`,
    `Web page (join, leave, digests, archive): ${ref.communityUrl}`,
  ];
}

type Answer = (lines: string[], status?: string, note?: string | null) => Promise<void>;

/** "who": the members' names and addresses, to a member, only on a list that allows it. */
async function answerWho(ctx: ListContext, list: List, from: string | null, answer: Answer): Promise<void> {
  if (!list.whoByMail) return answer([`${list.name} does not send its list of members by mail.`], 'done', 'who: refused (the list does not allow it)');
  const member = from ? await findMemberByEmail(ctx.pool, from) : undefined;
  if (!member || !(await listStanding(ctx.pool, list, member.id)).member)
    return answer([`Only members of ${list.name} can ask who is on it.`], 'done', 'who: refused (not a member)');
  // The answer goes to the member's own address, so a forged "who" tells the forger nothing.
  const { rows } = await ctx.pool.query<{ name: string; email: string }>(
    list.groupId !== null
      ? `select m.name, m.email from working_group_members w join members m on m.id = w.member_id where w.group_id = $1 and w.status = 'active' order by lower(m.email) limit 5000`
      : `select m.name, m.email from memberships ms join members m on m.id = ms.member_id where ms.community_id = $1 and ms.status = 'active' order by lower(m.email) limit 5000`,
    [list.groupId ?? list.communityId],
  );
  return answer([`The members of ${list.name} (${rows.length}):`, '', ...rows.map((r) => `  ${r.name} <${r.email}>`)], 'done', 'who: answered');
}

const DELIVERY_WORDS: Record<DeliveryChoice, string> = {
  each: 'each message as it is posted',
  daily: 'a daily digest',
  weekly: 'a weekly digest',
  none: 'no mail from the list (you stay a member)',
};

/**
 * "set digest weekly", "set each", "set nomail": change how a member gets the list, as on the web
 * (audited as membership.delivery). Only when the message passes its domain's DMARC check: a
 * forged "set nomail" must not silently stop someone's mail.
 */
async function setDeliveryByMail(ctx: ListContext, list: List, row: IncomingRow, from: string | null, mode: DeliveryChoice, answer: Answer): Promise<void> {
  const ref = listRef(ctx, list);
  if (list.groupId !== null)
    return answer([`How you get ${list.name} is set on the working group's page: ${ref.communityUrl}`], 'done', 'set: group list, sent to the page');
  const member = from ? await findMemberByEmail(ctx.pool, from) : undefined;
  if (!member || !(await listStanding(ctx.pool, list, member.id)).member)
    return answer([`${from} is not on ${list.name}, so there is nothing to change.`], 'done', 'set: not a member');
  let auth: SenderAuthentication | null = null;
  try {
    auth = await authenticateSender(row.raw, { ip: row.remote_ip, helo: row.helo, sender: row.envelope_from }, ctx.resolve, ctx.domain);
  } catch (err) {
    ctx.log('sender authentication could not run', { id: row.id, err: (err as Error).message });
  }
  if (auth?.dmarc !== 'pass') {
    return answer(
      [
        `Nothing changed: we could not confirm that this message came from ${from} (it does not pass the DMARC check of its domain).`,
        `You can choose how you get ${list.name} on the web: ${ref.communityUrl}`,
      ],
      'done',
      `set ${mode}: refused (DMARC ${auth?.dmarc ?? 'not checked'})`,
    );
  }
  await changeMembership(
    ctx.pool,
    { name: member.email, source: 'email' },
    { communityId: list.communityId, memberId: member.id, deliveryMode: mode, source: 'email', action: 'membership.delivery' },
  );
  return answer(
    [`Done: you now get ${DELIVERY_WORDS[mode]} from ${list.name}.`, `You can change this again by mail or on the web: ${ref.communityUrl}`],
    'done',
    `set ${mode}`,
  );
}

/**
 * A "join" sent to a group list's -request address. Joining a working group follows its join
 * policy and needs a community member's sign-in, so the answer says where to do it on the web.
 */
async function answerGroupJoin(ctx: ListContext, list: List, from: string, answer: Answer): Promise<void> {
  const member = await findMemberByEmail(ctx.pool, from);
  const standing = await listStanding(ctx.pool, list, member?.id);
  const page = `${ctx.baseUrl}${listHomePath(list)}`;
  if (standing.member) return answer([`${from} is already on ${list.name}.`], 'done', 'join: already in the group');
  const community = await ctx.pool.query<{ title: string }>('select coalesce(short_name, title) as title from communities where id = $1', [list.communityId]);
  const inCommunity = member ? (await membershipIn(ctx.pool, member.id, list.communityId))?.status === 'active' : false;
  return answer(
    inCommunity
      ? [`${list.name} is the list of a working group. To join the group and its list, sign in and use "Join the working group" on its page:`, '', page]
      : [
          `${list.name} is the list of a working group of ${community.rows[0]?.title ?? 'a community'}. Only members of the community can join it.`,
          '',
          `Join the community first, then join the group on its page: ${page}`,
        ],
    'done',
    inCommunity ? 'join: group list, sent to the group page' : 'join: group list, not a community member',
  );
}

/** Leave a list (one-click, by mail, or the web page): the membership becomes 'left', audited; on a group's list, the group membership (the groups feature's). */
export async function unsubscribe(
  ctx: Pick<ListContext, 'pool'>,
  list: Pick<List, 'communityId' | 'groupId'>,
  memberId: number,
  source: string,
  actor: { name: string; source: string },
): Promise<boolean> {
  if (list.groupId !== null) {
    return inTransaction(ctx.pool, async (tx) => {
      if (!(await groupListLeaving()(tx, list.groupId!, memberId))) return false;
      await recordAudit(tx, actor, { action: 'group.leave', subjectType: 'working-group', subjectId: `${list.groupId}:${memberId}`, after: { source } });
      return true;
    });
  }
  return inTransaction(ctx.pool, async (tx) => {
    const m = await membershipIn(tx, memberId, list.communityId);
    if (m?.status !== 'active') return false;
    await changeMembership(tx, actor, { communityId: list.communityId, memberId, status: 'left', source, action: 'membership.leave' });
    return true;
  });
}
