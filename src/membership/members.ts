/** Members and their memberships: the records every other membership use case changes. */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { communityDeliveries, communityDelivery, setCommunityDelivery, startSubscription } from '../lists/index.ts';
import type { Standing } from './sessions.ts';

export type MembershipStatus = 'pending' | 'active' | 'left' | 'removed' | 'banned';
export type Role = 'member' | 'moderator' | 'coordinator';
export type DeliveryMode = 'each' | 'daily' | 'weekly' | 'none';
export const ROLES: Role[] = ['member', 'moderator', 'coordinator'];
export const DELIVERY_MODES: DeliveryMode[] = ['each', 'daily', 'weekly', 'none'];

export interface Member {
  id: number;
  email: string;
  name: string | null;
  jobTitle: string | null;
  agency: string | null;
  governmentLevel: string | null;
  expertise: string[];
  bio: string | null;
  bioPublic: boolean;
  siteAdmin: boolean;
  createdAt: Date;
}

export interface Membership {
  communityId: number;
  communitySlug: string;
  communityTitle: string;
  status: MembershipStatus;
  role: Role;
  deliveryMode: DeliveryMode;
  createdAt: Date;
  updatedAt: Date;
}

interface MemberRow {
  id: number;
  email: string;
  name: string | null;
  job_title: string | null;
  agency: string | null;
  government_level: string | null;
  expertise: string[];
  bio: string | null;
  bio_public: boolean;
  site_admin: boolean;
  created_at: Date;
}

export function toMember(r: MemberRow): Member {
  return {
    id: Number(r.id),
    email: r.email,
    name: r.name,
    jobTitle: r.job_title,
    agency: r.agency,
    governmentLevel: r.government_level,
    expertise: r.expertise ?? [],
    bio: r.bio,
    bioPublic: r.bio_public,
    siteAdmin: r.site_admin,
    createdAt: r.created_at,
  };
}

export async function findMemberByEmail(db: Queryable, email: string): Promise<Member | undefined> {
  const { rows } = await db.query<MemberRow>('select * from members where lower(email) = lower($1)', [email]);
  return rows[0] ? toMember(rows[0]) : undefined;
}

export async function findMember(db: Queryable, id: number): Promise<Member | undefined> {
  const { rows } = await db.query<MemberRow>('select * from members where id = $1', [id]);
  return rows[0] ? toMember(rows[0]) : undefined;
}

export interface MemberDetails {
  email: string;
  name?: string | null;
  jobTitle?: string | null;
  agency?: string | null;
  governmentLevel?: string | null;
}

/** The member with this address, created if new; empty profile fields are filled from `details`. */
export async function ensureMember(db: Queryable, d: MemberDetails): Promise<Member> {
  await db.query(
    `insert into members (email, name, job_title, agency, government_level) values ($1, $2, $3, $4, $5)
     on conflict ((lower(email))) do update set
       name = coalesce(members.name, excluded.name), job_title = coalesce(members.job_title, excluded.job_title),
       agency = coalesce(members.agency, excluded.agency), government_level = coalesce(members.government_level, excluded.government_level)`,
    [d.email, d.name ?? null, d.jobTitle ?? null, d.agency ?? null, d.governmentLevel ?? null],
  );
  return (await findMemberByEmail(db, d.email))!;
}

export async function membershipsOf(db: Queryable, memberId: number): Promise<Membership[]> {
  const { rows } = await db.query(
    `select m.community_id, c.slug, coalesce(c.short_name, c.title) as title, m.status, m.role, m.created_at, m.updated_at
       from memberships m join communities c on c.id = m.community_id where m.member_id = $1 order by lower(coalesce(c.short_name, c.title))`,
    [memberId],
  );
  // how they take each community's list is the lists feature's (its subscriptions)
  const deliveries = await communityDeliveries(db, memberId);
  return rows.map((r) => ({
    communityId: Number(r.community_id),
    communitySlug: r.slug,
    communityTitle: r.title,
    status: r.status,
    role: r.role,
    deliveryMode: deliveries.get(Number(r.community_id)) ?? 'each',
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** `lock`: hold the row until the caller's transaction ends, so a ban cannot slip in between reading and changing it. */
export async function membershipIn(
  db: Queryable,
  memberId: number,
  communityId: number,
  opts: { lock?: boolean } = {},
): Promise<{ status: MembershipStatus; role: Role; deliveryMode: DeliveryMode } | undefined> {
  const { rows } = await db.query({
    name: opts.lock ? 'membership-standing-lock' : 'membership-standing',
    text: `select status, role from memberships where member_id = $1 and community_id = $2${opts.lock ? ' for update' : ''}`,
    values: [memberId, communityId],
  });
  const r = rows[0];
  return r ? { status: r.status, role: r.role, deliveryMode: await communityDelivery(db, communityId, memberId) } : undefined;
}

export interface MembershipChange {
  communityId: number;
  memberId: number;
  status?: MembershipStatus;
  role?: Role;
  deliveryMode?: DeliveryMode;
  governmentLevel?: string | null;
  /** Where the change came from: web, email, cli, import, approval. */
  source: string;
  action: string;
}

/**
 * Create or change one membership and audit it (before/after). The delivery and the digest place
 * are the lists feature's (its subscription to the community's list): a delivery change and a
 * (re)joining are handed to it.
 */
export async function changeMembership(db: Queryable, actor: Actor, c: MembershipChange): Promise<void> {
  const before = await membershipIn(db, c.memberId, c.communityId);
  await db.query(
    `insert into memberships (community_id, member_id, status, role, government_level, source)
     values ($1, $2, coalesce($3, 'active'), coalesce($4, 'member'), $5, $6)
     on conflict (community_id, member_id) do update set
       status = coalesce($3, memberships.status), role = coalesce($4, memberships.role),
       government_level = coalesce($5, memberships.government_level), updated_at = now()`,
    [c.communityId, c.memberId, c.status ?? null, c.role ?? null, c.governmentLevel ?? null, c.source],
  );
  if (c.deliveryMode) await setCommunityDelivery(db, c.communityId, c.memberId, c.deliveryMode);
  if ((c.status ?? (before ? undefined : 'active')) === 'active' && before?.status !== 'active')
    await startSubscription(db, { communityId: c.communityId }, c.memberId);
  const after = await membershipIn(db, c.memberId, c.communityId);
  await recordAudit(db, actor, {
    action: c.action,
    subjectType: 'membership',
    subjectId: `${c.communityId}:${c.memberId}`,
    before,
    after: { ...after, source: c.source },
  });
  if (c.status === 'banned' || c.status === 'removed') await endOpenJoinRequests(db, c.communityId, { memberId: c.memberId });
}

/**
 * End a person's open join requests in a community (marked superseded): by default both links
 * not yet confirmed and requests waiting for a coordinator. A ban or a removal ends both, so an
 * older link cannot undo it; a new link ends the older unconfirmed ones, so only the newest works.
 */
export async function endOpenJoinRequests(
  db: Queryable,
  communityId: number,
  who: { memberId: number } | { email: string },
  statuses: Array<'unconfirmed' | 'awaiting-approval'> = ['unconfirmed', 'awaiting-approval'],
): Promise<number> {
  const r = await db.query(
    `update join_requests set status = 'superseded'
      where community_id = $1 and status = any($4::text[])
        and lower(email) = lower(coalesce($2::text, (select email from members where id = $3::bigint)))`,
    [communityId, 'email' in who ? who.email : null, 'memberId' in who ? who.memberId : null, statuses],
  );
  return r.rowCount ?? 0;
}

/** Coordinators (and, when a community has none, site admins) to tell about requests. */
export async function coordinatorAddresses(db: Queryable, communityId: number): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>(
    `select m.email from memberships ms join members m on m.id = ms.member_id
      where ms.community_id = $1 and ms.status = 'active' and ms.role = 'coordinator' order by m.email`,
    [communityId],
  );
  if (rows.length) return rows.map((r) => r.email);
  const admins = await db.query<{ email: string }>('select email from members where site_admin order by email');
  return admins.rows.map((r) => r.email);
}

/**
 * A member whose rights a page checks. The signed-in viewer (req.viewer) also carries their
 * memberships, read with their session for this request: the checks below then need no query.
 */
export interface MemberRef {
  memberId: number;
  siteAdmin: boolean;
  memberships?: ReadonlyMap<number, Standing>;
}

/** A member's status and role in a community: from the viewer's own session read when it has it, else from the database. */
export async function standingIn(db: Queryable, member: MemberRef, communityId: number): Promise<Standing | undefined> {
  return member.memberships ? member.memberships.get(communityId) : membershipIn(db, member.memberId, communityId);
}

/** Whether this member is an active member of the community. */
export async function isActiveIn(db: Queryable, member: MemberRef, communityId: number): Promise<boolean> {
  return (await standingIn(db, member, communityId))?.status === 'active';
}

/** Whether this member coordinates any community (may create events and edit the library's shared pages). */
export async function coordinatesAny(db: Queryable, member: MemberRef): Promise<boolean> {
  if (member.memberships) return [...member.memberships.values()].some((m) => m.status === 'active' && m.role === 'coordinator');
  const { rows } = await db.query(`select 1 from memberships where member_id = $1 and status = 'active' and role = 'coordinator' limit 1`, [member.memberId]);
  return rows.length > 0;
}

/** Whether this member may run a community: its coordinator (or moderator, when `moderatorOk`) or a site admin. */
export async function canCoordinate(db: Queryable, member: MemberRef, communityId: number, moderatorOk = false): Promise<boolean> {
  if (member.siteAdmin) return true;
  const m = await standingIn(db, member, communityId);
  return !!m && m.status === 'active' && (m.role === 'coordinator' || (moderatorOk && m.role === 'moderator'));
}
