/**
 * Lists in the database: one per community, and one per working group (a sub-list: group_id set,
 * recipients the group's active members), found by address local part, id, community or group.
 */
import type { Queryable } from '../platform/db/queryable.ts';

export type ReplyToPolicy = 'poster' | 'list';
export type DmarcMitigation = 'auto' | 'always' | 'never';
/** What to do with a member's post whose domain has no DMARC policy and whose SPF fails hard. */
export type SpfFailAction = 'hold' | 'accept';

export interface List {
  id: number;
  communityId: number;
  communitySlug: string;
  /** Set on a working group's list: only the group's active members get it and may post. */
  groupId: number | null;
  /** The group's page, for a group's list: /communities/<community>/groups/<group>. */
  groupSlug: string | null;
  localPart: string;
  /** The list's short name, e.g. "Social Media". */
  name: string;
  description: string;
  /** The prefix as configured: null is the default "[<name>]", '' is none. */
  subjectPrefix: string | null;
  footer: string;
  replyTo: ReplyToPolicy;
  dmarcMitigation: DmarcMitigation;
  moderated: boolean;
  emergency: boolean;
  maxBytes: number;
  maxRecipients: number;
  acceptFrom: string[];
  banned: string[];
  /** Hold posts that are list commands ("unsubscribe") and tell the sender where commands go. */
  administrivia: boolean;
  spfFail: SpfFailAction;
  /** Members may get the list of members by sending "who" to -request. */
  whoByMail: boolean;
  sendToPoster: boolean;
  archivePublic: boolean;
  timeZone: string;
  postCount: number;
}

/**
 * The columns toList reads, named: named statements select from this (list-by-local-part, and
 * the pages' Alongside queries through listByLocalPartSql), and a prepared `l.*` would fail with
 * "cached plan must not change result type" once a migration adds a column to `lists` while the
 * process runs. A new column read by toList is added here too.
 */
const LIST_COLUMNS = `l.id, l.community_id, l.group_id, l.local_part, l.name, l.description, l.subject_prefix, l.footer,
  l.reply_to, l.dmarc_mitigation, l.moderated, l.emergency, l.max_bytes, l.max_recipients, l.accept_from, l.banned,
  l.administrivia, l.spf_fail, l.who_by_mail, l.send_to_poster, l.archive_public, l.time_zone, l.post_count`;

const SELECT = `select ${LIST_COLUMNS}, c.slug as community_slug, g.slug as group_slug from lists l join communities c on c.id = l.community_id left join working_groups g on g.id = l.group_id`;

function toList(r: Record<string, unknown>): List {
  return {
    id: Number(r.id),
    communityId: Number(r.community_id),
    communitySlug: r.community_slug as string,
    groupId: r.group_id == null ? null : Number(r.group_id),
    groupSlug: (r.group_slug as string | null) ?? null,
    localPart: r.local_part as string,
    name: r.name as string,
    description: r.description as string,
    subjectPrefix: r.subject_prefix as string | null,
    footer: r.footer as string,
    replyTo: r.reply_to as ReplyToPolicy,
    dmarcMitigation: r.dmarc_mitigation as DmarcMitigation,
    moderated: r.moderated as boolean,
    emergency: r.emergency as boolean,
    maxBytes: Number(r.max_bytes),
    maxRecipients: Number(r.max_recipients),
    acceptFrom: r.accept_from as string[],
    banned: r.banned as string[],
    administrivia: r.administrivia as boolean,
    spfFail: r.spf_fail as SpfFailAction,
    whoByMail: r.who_by_mail as boolean,
    sendToPoster: r.send_to_poster as boolean,
    archivePublic: r.archive_public as boolean,
    timeZone: r.time_zone as string,
    postCount: Number(r.post_count),
  };
}

export async function listByLocalPart(db: Queryable, localPart: string): Promise<List | undefined> {
  // Named (planned once per connection): every archive page asks it first.
  const { rows } = await db.query({ name: 'list-by-local-part', text: `${SELECT} where l.local_part = lower($1)`, values: [localPart] });
  return rows[0] ? toList(rows[0]) : undefined;
}

/**
 * SQL for the list at the local part $1 with `columns` (SQL over the list's row `l`, e.g. whether
 * anything waits for it), for a page to read in the same round trip as its session (an
 * Alongside, platform/http/context.ts); `listOfRow` reads the list from the row.
 */
export function listByLocalPartSql(columns: string): string {
  return `select * from (${SELECT} where l.local_part = lower($1)) l, lateral (select ${columns}) x`;
}

export function listOfRow(row: Record<string, unknown>): List {
  return toList(row);
}

export async function listById(db: Queryable, id: number): Promise<List | undefined> {
  const { rows } = await db.query(`${SELECT} where l.id = $1`, [id]);
  return rows[0] ? toList(rows[0]) : undefined;
}

/** The community's own list(s), not its working groups' lists. */
export async function listsOfCommunity(db: Queryable, communityId: number): Promise<List[]> {
  const { rows } = await db.query(`${SELECT} where l.community_id = $1 and l.group_id is null order by l.id`, [communityId]);
  return rows.map(toList);
}

export async function listOfGroup(db: Queryable, groupId: number): Promise<List | undefined> {
  const { rows } = await db.query(`${SELECT} where l.group_id = $1`, [groupId]);
  return rows[0] ? toList(rows[0]) : undefined;
}

/** The page people are sent to for a list: the group's page for a group list, else the community's. */
export function listHomePath(list: Pick<List, 'communitySlug' | 'groupSlug'>): string {
  return list.groupSlug ? `/communities/${list.communitySlug}/groups/${list.groupSlug}` : `/communities/${list.communitySlug}`;
}

/** The subject prefix actually used: the configured one, or "[<name>]". */
export function effectivePrefix(list: List): string | null {
  if (list.subjectPrefix === '') return null;
  return list.subjectPrefix ?? `[${list.name}]`;
}

/** Does `address` match an entry of a list of addresses and `@domain`s (case-insensitive)? */
export function matchesAddressList(entries: string[], address: string): boolean {
  const a = address.toLowerCase();
  const domain = a.slice(a.lastIndexOf('@'));
  return entries.some((e) => {
    const x = e.trim().toLowerCase();
    return x.startsWith('@') ? domain === x : x === a;
  });
}

/** Where a list's moderators work (held messages, settings): under /communities/<c>/admin, or the group's page + /admin. */
export function listAdminPath(list: Pick<List, 'communitySlug' | 'groupSlug'>): string {
  return `${listHomePath(list)}/admin`;
}

export function heldQueuePath(list: Pick<List, 'communitySlug' | 'groupSlug'>): string {
  return `${listAdminPath(list)}/held`;
}
