/** What the list jobs share: the database, queue, mail, DNS, the signing key and addresses. */
import type pg from 'pg';
import type { Config } from '../platform/config.ts';
import type { MailTransport } from '../platform/mail/transport.ts';
import type { Queue } from '../platform/queue.ts';
import type { DnsResolve } from './authenticate.ts';
import type { DkimKey } from './message/dkim.ts';
import { listAddresses } from './addresses.ts';
import { effectivePrefix, listHomePath, type List } from './store.ts';

export interface ListContext {
  pool: pg.Pool;
  config: Config;
  queue: Queue;
  mail: MailTransport;
  resolve: DnsResolve;
  /** Signs unsubscribe and VERP tokens. */
  secret: string;
  /** The site's address for links, e.g. https://socialgov.example.gov */
  baseUrl: string;
  domain: string;
  dkim: DkimKey[];
  /** The RSA key that ARC-seals copies of posts (ARC_SEAL); absent or null: not sealed. */
  arc?: DkimKey | null;
  log: (msg: string, extra?: object) => void;
}

/** RFC 2919 List-Id: <local>.<domain>. */
export function listIdOf(list: Pick<List, 'localPart'>, domain: string): string {
  return `${list.localPart}.${domain}`;
}

/** The addresses and links every copy of a post carries (RFC 2369). */
export function listLinks(ctx: Pick<ListContext, 'baseUrl' | 'domain'>, list: List) {
  const a = listAddresses(list.localPart, ctx.domain);
  const community = `${ctx.baseUrl}/communities/${list.communitySlug}`;
  // A working group's list is joined by joining the group, on its page.
  return {
    addresses: a,
    /** RFC 2369 List-Help's first entry: the list's page (join, leave, digests); the headers add the mailto. */
    help: `${ctx.baseUrl}${listHomePath(list)}`,
    subscribe: list.groupSlug ? `${ctx.baseUrl}${listHomePath(list)}` : `${community}/join`,
    /** The list's archive (members only unless the list's archive is public). */
    archive: `${ctx.baseUrl}/archives/${list.localPart}`,
    /** RFC 5064 Archived-At of post number n. */
    archivedAt: (n: number) => `${ctx.baseUrl}/archives/${list.localPart}/${n}`,
    /** The page that mutes the thread of post n for the member who opens it (src/archives/mutes.ts). */
    mute: (n: number) => `${ctx.baseUrl}/archives/${list.localPart}/${n}/mute`,
    post: list.moderated ? null : `mailto:${a.post}`,
    owner: `mailto:${a.owner}`,
    prefix: effectivePrefix(list),
  };
}
