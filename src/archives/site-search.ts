/**
 * The list archives as a site search source: only the archives this viewer may read — public
 * archives for everyone (addresses hidden from people who are not members of the community),
 * members-only archives for active members of that community (on a working group's list: the
 * group's members and the community's coordinators) and site admins. The same rules as
 * access.ts, applied to every list at once.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import type { SearchSource } from '../library/index.ts';
import { obfuscateAddresses } from './text.ts';
import { isEmptyQuery, searchArchiveRaw, SearchQueryError } from './search.ts';

/** Archive hits rank a little below library pages that match as well: articles are written to be read. */
const RANK_WEIGHT = 0.8;

/** The lists whose archive this viewer may read, and whether they read it as a member (addresses shown). */
export async function readableArchives(
  db: Queryable,
  viewer: { memberId: number; siteAdmin: boolean } | null,
): Promise<Array<{ listId: number; localPart: string; member: boolean }>> {
  // A working group's list (lists.group_id): its group's active members and the community's
  // coordinators read it as members, as archiveAccess says; other community members do not.
  const { rows } = await db.query<{ id: number; local_part: string; member: boolean }>(
    `select id, local_part, member from (
       select l.id, l.local_part, l.archive_public,
              $2::boolean or exists (
                select 1 from memberships ms
                 where ms.member_id = $1 and ms.community_id = l.community_id and ms.status = 'active'
                   and (l.group_id is null or ms.role = 'coordinator'
                        or exists (select 1 from working_group_members w where w.group_id = l.group_id and w.member_id = $1 and w.status = 'active'))) as member
         from lists l) x
      where member or archive_public
      order by id`,
    [viewer?.memberId ?? null, viewer?.siteAdmin ?? false],
  );
  return rows.map((r) => ({ listId: Number(r.id), localPart: r.local_part, member: r.member }));
}

export const archiveSearchSource: SearchSource = {
  name: 'archives',
  label: 'List archives',
  membersOnly: false,
  async search(db, q) {
    const lists = await readableArchives(db, q.viewer ?? null);
    if (!lists.length || isEmptyQuery({ listIds: [], words: q.text })) return [];
    const byId = new Map(lists.map((l) => [l.listId, l]));
    let found;
    try {
      found = await searchArchiveRaw(db, { listIds: lists.map((l) => l.listId), words: q.text, limit: Math.min(q.limit, 20) });
    } catch (err) {
      // only very common words: the other sources say "nothing found" the same way
      if (err instanceof SearchQueryError) return [];
      throw err;
    }
    return found.hits.map((h) => {
      const list = byId.get(h.listId)!;
      const text = h.headline.replace(/\s+/g, ' ').trim();
      return {
        source: 'archives',
        title: h.subject || '(no subject)',
        url: `/archives/${list.localPart}/${h.number}`,
        snippet: list.member ? text : obfuscateAddresses(text),
        date: h.sentAt,
        rank: h.rank * RANK_WEIGHT,
      };
    });
  },
};
