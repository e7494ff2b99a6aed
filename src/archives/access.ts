/**
 * Who may read a list's archive. Members (an active membership in the list's community; on a
 * working group's list, the group's active members and the community's coordinators) and
 * site admins read everything; on a public archive anyone else reads with addresses hidden; on a
 * members-only archive (the default) anyone else gets nothing.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import type { List } from '../lists/index.ts';
import { canCoordinate, isActiveIn, type MemberRef } from '../membership/index.ts';
import { listStanding } from '../lists/index.ts';

export type ArchiveViewer = MemberRef;

export type ArchiveAccess = { read: true; member: boolean; coordinator: boolean; hideAddresses: boolean } | { read: false; why: 'sign-in' | 'not-a-member' };

export async function archiveAccess(db: Queryable, list: List, viewer: ArchiveViewer | null): Promise<ArchiveAccess> {
  let member = false;
  let coordinator = false;
  if (viewer) {
    coordinator = await canCoordinate(db, viewer, list.communityId);
    if (list.groupId === null) {
      member = viewer.siteAdmin || (await isActiveIn(db, viewer, list.communityId));
    } else {
      member = viewer.siteAdmin || coordinator || (await listStanding(db, list, viewer.memberId)).member;
    }
  }
  if (member) return { read: true, member: true, coordinator, hideAddresses: false };
  if (list.archivePublic) return { read: true, member: false, coordinator: false, hideAddresses: true };
  return { read: false, why: viewer ? 'not-a-member' : 'sign-in' };
}

/** The archive link on the community page: the same rules as archiveAccess, from what the page already knows. */
export function archiveLinkFor(
  list: List,
  viewer: ArchiveViewer | null,
  activeMember: boolean,
): { href: string; public: boolean; readable: boolean; signedIn: boolean } {
  return {
    href: `/archives/${list.localPart}`,
    public: list.archivePublic,
    readable: list.archivePublic || activeMember || !!viewer?.siteAdmin,
    signedIn: !!viewer,
  };
}
