/**
 * A member's private Atom feed of new threads. The feed address carries a token (feed readers
 * cannot sign in); it is per member and list, stored hashed, and revoked by the member (or when
 * they stop being a member: the feed checks membership on every fetch).
 */
import { Feed } from 'feed';
import type { Actor } from '../platform/audit.ts';
import { recordAudit } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import type { List } from '../lists/index.ts';
import type { ThreadSummary } from './browse.ts';
import { textAsHtml } from '../web/markdown.ts';
import { cleanSubject } from './subjects.ts';

/** Make a new feed address for a member (ending any earlier one): returns the raw token, shown once. */
export async function createFeedToken(db: Queryable, actor: Actor, listId: number, memberId: number): Promise<string> {
  await db.query('update archive_feed_tokens set revoked_at = now() where list_id = $1 and member_id = $2 and revoked_at is null', [listId, memberId]);
  const t = newToken();
  await db.query('insert into archive_feed_tokens (list_id, member_id, token_hash) values ($1, $2, $3)', [listId, memberId, t.hash]);
  await recordAudit(db, actor, { action: 'archives.feed_token.create', subjectType: 'list', subjectId: String(listId), after: { memberId } });
  return t.raw;
}

export async function revokeFeedTokens(db: Queryable, actor: Actor, listId: number, memberId: number): Promise<number> {
  const { rowCount } = await db.query('update archive_feed_tokens set revoked_at = now() where list_id = $1 and member_id = $2 and revoked_at is null', [
    listId,
    memberId,
  ]);
  if (rowCount) await recordAudit(db, actor, { action: 'archives.feed_token.revoke', subjectType: 'list', subjectId: String(listId), after: { memberId } });
  return rowCount ?? 0;
}

export async function hasFeedToken(db: Queryable, listId: number, memberId: number): Promise<Date | undefined> {
  const { rows } = await db.query<{ created_at: Date }>(
    'select created_at from archive_feed_tokens where list_id = $1 and member_id = $2 and revoked_at is null',
    [listId, memberId],
  );
  return rows[0]?.created_at;
}

/** The member behind a live feed token for this list who is still an active member, or nothing. */
export async function feedReader(db: Queryable, listId: number, raw: string): Promise<number | undefined> {
  const { rows } = await db.query<{ member_id: number }>(
    `select t.member_id from archive_feed_tokens t join lists l on l.id = t.list_id
       join members m on m.id = t.member_id
      where t.token_hash = $1 and t.list_id = $2 and t.revoked_at is null
        -- on the list (the lists feature's list_members: on a group's list, the group's active members)
        and (exists (select 1 from list_members lm where lm.list_id = t.list_id and lm.member_id = t.member_id) or m.site_admin)`,
    [hashToken(raw), listId],
  );
  return rows[0] ? Number(rows[0].member_id) : undefined;
}

/** Atom of the newest threads. Entry titles and summaries are of type "html": subjects and names go in escaped. */
export function threadsAtom(list: List, base: string, threads: ThreadSummary[]): string {
  const archive = `${base}/archives/${list.localPart}`;
  const feed = new Feed({
    title: `${list.name}: new threads`,
    id: archive,
    link: archive,
    description: `New discussions on the ${list.name} list.`,
    updated: threads[0]?.startedAt ?? new Date(0),
    generator: 'socialgov',
    copyright: '',
  });
  for (const t of threads) {
    feed.addItem({
      title: textAsHtml(cleanSubject(t.subject)),
      id: `${archive}/threads/${t.id}`,
      link: `${archive}/threads/${t.id}`,
      date: t.startedAt,
      description: textAsHtml(
        `Started by ${t.starter.name ?? t.starter.address}; ${t.replies} ${t.replies === 1 ? 'reply' : 'replies'} from ${t.participants} ${t.participants === 1 ? 'person' : 'people'}.`,
      ),
      author: [{ name: t.starter.name ?? t.starter.address }],
    });
  }
  return feed.atom1();
}
