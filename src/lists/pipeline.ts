/**
 * An accepted post, top to bottom: number it, decorate it once (cleanse, subject prefix, footer,
 * RFC 2369/2919 headers, DMARC mitigation, Reply-To policy), store it for archives and digests,
 * and queue the fan-out plan — all in the caller's transaction, so a post exists exactly when
 * its delivery is planned.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import type { SenderAuthentication } from './authenticate.ts';
import { listIdOf, listLinks, type ListContext } from './context.ts';
import { decoratePost } from './message/decorate.ts';
import type { List } from './store.ts';

export const PLAN_JOB = 'list.plan';

export interface AcceptedMessage {
  incomingId: number | null;
  raw: Buffer;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  fromAddress: string;
  fromName: string | null;
  memberId: number | null;
  sentAt: Date;
  auth: SenderAuthentication | null;
}

/**
 * Whether to rewrite From: the list's setting, or (auto) the sender domain's DMARC policy. When
 * the policy is unknown (the lookup failed: SERVFAIL, timeout; or no check ran) we act as for
 * p=reject: a needless "via" costs little, copies rejected by every receiver cost a lot.
 */
export function needsDmarcMitigation(list: Pick<List, 'dmarcMitigation'>, auth: SenderAuthentication | null): boolean {
  // A web post carries no signature of its sender's domain: "Name via List" whatever the setting.
  if (auth?.web) return true;
  if (list.dmarcMitigation === 'always') return true;
  if (list.dmarcMitigation === 'never') return false;
  if (!auth || auth.dmarc === 'temperror') return true;
  return auth.policy === 'reject' || auth.policy === 'quarantine';
}

function footerText(list: List, links: ReturnType<typeof listLinks>, number: number): string {
  const custom = list.footer.trim();
  return [
    ...(custom ? [custom, ''] : []),
    `${list.name} mailing list: ${links.addresses.post}`,
    // The same link in every copy (the body is signed once per post): the page asks who is muting.
    `To get no more messages of this thread (mute it), visit ${links.mute(number)}`,
    `To stop getting these messages or change how you get them, use the unsubscribe link in this message's headers or visit ${links.subscribe.replace(/\/join$/, '')}.`,
    'Messages to this list are government records and may be released under the Freedom of Information Act (FOIA).',
  ].join('\n');
}

export async function acceptPost(tx: Queryable, ctx: ListContext, list: List, m: AcceptedMessage): Promise<{ postId: number; number: number }> {
  const { rows } = await tx.query<{ post_count: number }>({
    name: 'post-number',
    text: 'update lists set post_count = post_count + 1, updated_at = now() where id = $1 returning post_count',
    values: [list.id],
  });
  const number = rows[0]!.post_count;
  const links = listLinks(ctx, list);
  const decorated = decoratePost(m.raw, {
    listAddress: links.addresses.post,
    listName: list.name,
    listId: listIdOf(list, ctx.domain),
    subjectPrefix: links.prefix,
    postNumber: number,
    footer: { text: footerText(list, links, number) },
    urls: { help: links.help, subscribe: links.subscribe, archive: links.archive, post: links.post, owner: links.owner, archivedAt: links.archivedAt(number) },
    dmarcMitigation: needsDmarcMitigation(list, m.auth),
    replyTo: list.replyTo,
    loopTag: links.addresses.post,
    requestAddress: links.addresses.request,
  });
  const post = await tx.query<{ id: number }>({
    name: 'post-insert',
    text: `insert into posts (list_id, number, incoming_id, message_id, in_reply_to, refs, subject, from_address, from_name, member_id, sent_at, raw, decorated, size)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    values: [
      list.id,
      number,
      m.incomingId,
      m.messageId,
      m.inReplyTo,
      m.references,
      m.subject,
      m.fromAddress,
      m.fromName,
      m.memberId,
      m.sentAt,
      m.raw,
      decorated,
      m.raw.length,
    ],
  });
  const postId = post.rows[0]!.id;
  await ctx.queue.send(PLAN_JOB, { postId }, { db: tx, retryLimit: 20, retryDelay: 10, expireInSeconds: 120 });
  return { postId, number };
}
