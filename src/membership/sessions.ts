/** Signed-in sessions: a random cookie value, stored hashed, sliding expiry, sign out everywhere. */
import type { Queryable } from '../platform/db/queryable.ts';
import type { Alongside } from '../platform/http/context.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import type { MembershipStatus, Role } from './members.ts';

export const SESSION_COOKIE = 'sg_session';

/** The signed-in member's standing in one community, as read with their session. */
export interface Standing {
  status: MembershipStatus;
  role: Role;
}

export interface SessionMember {
  memberId: number;
  email: string;
  name: string | null;
  siteAdmin: boolean;
  /**
   * Their memberships by community id, read in the same query as the session, so a page's
   * "is a member", "coordinates" checks cost no query of their own. Read afresh for every
   * request (never kept between requests): a ban, a new role or a sign-out shows on the very
   * next page, whichever process or command made it.
   */
  memberships: ReadonlyMap<number, Standing>;
  /** The site-admin flag and the memberships as one text (see Viewer.standing in platform/http/context.ts). */
  standing: string;
}

export async function createSession(db: Queryable, memberId: number, opts: { days: number; ip?: string; userAgent?: string }): Promise<string> {
  const token = newToken();
  await db.query(`insert into sessions (id_hash, member_id, expires_at, ip, user_agent) values ($1, $2, now() + make_interval(days => $3), $4, $5)`, [
    token.hash,
    memberId,
    opts.days,
    opts.ip ?? null,
    (opts.userAgent ?? '').slice(0, 300) || null,
  ]);
  return token.raw;
}

type SessionRow = { member_id: number; email: string; name: string | null; site_admin: boolean; memberships: Array<[number, MembershipStatus, Role]> };

/** Extends the session on use at most once a minute (a CTE, `hash` and `days` the parameters). */
const EXTEND_SQL = (hash: string, days: string) => `extended as (
       update sessions set last_seen_at = now(), expires_at = now() + make_interval(days => ${days})
        where id_hash = ${hash} and expires_at > now() and last_seen_at < now() - interval '1 minute'
     )`;
/** The member behind the session, with their memberships. */
const SESSION_SQL = (hash: string) => `select s.member_id, m.email, m.name, m.site_admin,
            coalesce((select json_agg(json_build_array(ms.community_id, ms.status, ms.role)) from memberships ms where ms.member_id = s.member_id), '[]') as memberships
       from sessions s join members m on m.id = s.member_id
      where s.id_hash = ${hash} and s.expires_at > now()`;

function toSessionMember(r: SessionRow): SessionMember {
  const memberships = new Map(r.memberships.map(([id, status, role]) => [Number(id), { status, role }]));
  const standing = `${r.site_admin ? 'admin' : ''};${[...memberships]
    .sort(([a], [b]) => a - b)
    .map(([id, m]) => `${id}:${m.status}:${m.role}`)
    .join(',')}`;
  return { memberId: Number(r.member_id), email: r.email, name: r.name, siteAdmin: r.site_admin, memberships, standing };
}

/**
 * The member behind a session cookie, with their memberships, in one query; extending the
 * session on use at most once a minute, so a member's pages read the session without writing it
 * (a write is a commit PostgreSQL must flush).
 */
export async function sessionMember(db: Queryable, raw: string, days: number): Promise<SessionMember | undefined> {
  const { rows } = await db.query<SessionRow>({
    // Named: each connection plans it once and keeps the plan. Every signed-in request runs it,
    // and planning this join was half its cost (measured with 20 clients on one connection pool).
    name: 'session-member',
    text: `with ${EXTEND_SQL('$1', '$2')} ${SESSION_SQL('$1')}`,
    values: [hashToken(raw), days],
  });
  return rows[0] ? toSessionMember(rows[0]) : undefined;
}

/**
 * sessionMember, and a page's own query (see Alongside in platform/http/context.ts) in the same
 * round trip: the page's row whether or not the session is still valid (null when it has none).
 */
export async function sessionMemberWith(
  db: Queryable,
  raw: string,
  days: number,
  q: Alongside,
): Promise<{ member: SessionMember | undefined; row: Record<string, unknown> | null }> {
  const n = q.values.length;
  // Two columns, each the JSON of a row: the driver reads a description of every column of the
  // answer on every execution, so the page's row as its own columns (an archive's list: some
  // thirty) cost more to take in than the JSON of it.
  const { rows } = await db.query<{ session_member: SessionRow | null; alongside: Record<string, unknown> | null }>({
    name: `session-member+${q.name}`,
    text: `with ${EXTEND_SQL(`$${n + 1}`, `$${n + 2}`)}, v as (${SESSION_SQL(`$${n + 1}`)})
      select (select row_to_json(v) from v) as session_member, x.alongside
        from (select 1) one left join v on true
        left join lateral (select row_to_json(e) as alongside from (${q.sql}) e) x on true`,
    values: [...q.values, hashToken(raw), days],
  });
  // the page's row alone: what the session says about the member is in `member`
  const { session_member, alongside: row } = rows[0]!;
  return { member: session_member ? toSessionMember(session_member) : undefined, row };
}

export async function endSession(db: Queryable, raw: string): Promise<void> {
  await db.query('delete from sessions where id_hash = $1', [hashToken(raw)]);
}

export async function endAllSessions(db: Queryable, memberId: number): Promise<number> {
  const r = await db.query('delete from sessions where member_id = $1', [memberId]);
  return r.rowCount ?? 0;
}
