/** Signed-in sessions: a random cookie value, stored hashed, sliding expiry, sign out everywhere. */
import type { Queryable } from '../platform/db/queryable.ts';
import type { Alongside } from '../platform/http/context.ts';
import { batched } from '../platform/batch.ts';
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

/**
 * The sessions whose hashes are in the text array `hashes` (a CTE `v`, one row each with its
 * `id_hash`), each extended on use at most once a minute (a CTE that writes; `days` a parameter).
 * A session row another transaction holds (another read extending it, a sign-out) is left as it
 * is, not waited for: a read of many sessions never waits on a lock, so two reads extending the
 * same sessions in another order cannot deadlock, and a page never waits for someone's sign-out.
 */
const SESSIONS_SQL = (hashes: string, days: string) => `extended as (
       update sessions set last_seen_at = now(), expires_at = now() + make_interval(days => ${days})
        where id_hash in (select id_hash from sessions
                           where id_hash = any(${hashes}) and expires_at > now() and last_seen_at < now() - interval '1 minute'
                             for update skip locked)
     ), v as (
     select s.id_hash, s.member_id, m.email, m.name, m.site_admin,
            coalesce((select json_agg(json_build_array(ms.community_id, ms.status, ms.role)) from memberships ms where ms.member_id = s.member_id), '[]') as memberships
       from sessions s join members m on m.id = s.member_id
      where s.id_hash = any(${hashes}) and s.expires_at > now())`;

function toSessionMember(r: SessionRow): SessionMember {
  const memberships = new Map(r.memberships.map(([id, status, role]) => [Number(id), { status, role }]));
  const standing = `${r.site_admin ? 'admin' : ''};${[...memberships]
    .sort(([a], [b]) => a - b)
    .map(([id, m]) => `${id}:${m.status}:${m.role}`)
    .join(',')}`;
  return { memberId: Number(r.member_id), email: r.email, name: r.name, siteAdmin: r.site_admin, memberships, standing };
}

interface SessionRead {
  hash: string;
  days: number;
  /** The page's own query (all the reads of one batch have the same: it is part of the batch's kind). */
  alongside?: Alongside;
}
type SessionAnswer = { member: SessionMember | undefined; row: Record<string, unknown> | null };

/**
 * The reads of sessions that arrive together: one query for all of them (see platform/batch.ts),
 * of one kind: the same `days` and the same page query with the same values. Named statements:
 * each connection plans them once and keeps the plan (planning the join was half the cost of
 * reading a session). Each answer is made for its own request (none shares another's objects).
 */
async function readSessions(db: Queryable, reads: SessionRead[]): Promise<SessionAnswer[]> {
  const { days, alongside: q } = reads[0]!;
  const hashes = [...new Set(reads.map((r) => r.hash))];
  if (!q) {
    const { rows } = await db.query<SessionRow & { id_hash: string }>({
      name: 'session-members',
      text: `with ${SESSIONS_SQL('$1::text[]', '$2')} select * from v`,
      values: [hashes, days],
    });
    const found = new Map(rows.map((r) => [r.id_hash, r]));
    return reads.map((r) => {
      const row = found.get(r.hash);
      return { member: row ? toSessionMember(row) : undefined, row: null };
    });
  }
  const n = q.values.length;
  // Two columns, each the JSON of a row: the driver reads a description of every column of the
  // answer on every execution, so the page's row as its own columns (an archive's list: some
  // thirty) cost more to take in than the JSON of it. The page's query runs once for each
  // session asked for (it may use v.member_id), and once with v.member_id null for a session
  // that is not there.
  const { rows } = await db.query<{ hash: string; session_member: SessionRow | null; alongside: Record<string, unknown> | null }>({
    name: `session-members+${q.name}`,
    text: `with ${SESSIONS_SQL(`$${n + 1}::text[]`, `$${n + 2}`)}
      select h.hash, case when v.id_hash is null then null else row_to_json(v) end as session_member, x.alongside
        from unnest($${n + 1}::text[]) h(hash)
        left join v on v.id_hash = h.hash
        left join lateral (select row_to_json(e) as alongside from (${q.sql}) e) x on true`,
    values: [...q.values, hashes, days],
  });
  const found = new Map(rows.map((r) => [r.hash, r]));
  const given = new Set<string>();
  return reads.map((r) => {
    const row = found.get(r.hash);
    const alongside = row?.alongside ?? null;
    // the same session asked for twice (two tabs): the second gets a copy of the page's row
    const mine = alongside && given.has(r.hash) ? structuredClone(alongside) : alongside;
    given.add(r.hash);
    return { member: row?.session_member ? toSessionMember(row.session_member) : undefined, row: mine };
  });
}

/** One batcher a pool (or client): reads through one never wait for another's. */
const batchers = new WeakMap<object, (key: string, read: SessionRead) => Promise<SessionAnswer>>();
function readSession(db: Queryable, read: SessionRead): Promise<SessionAnswer> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = batched((_key, reads) => readSessions(db, reads))));
  const q = read.alongside;
  return batcher(q ? `${read.days}\n${q.name}\n${JSON.stringify(q.values)}` : String(read.days), read);
}

/**
 * The member behind a session cookie, with their memberships, extending the session on use at
 * most once a minute, so a member's pages read the session without writing it (a write is a
 * commit PostgreSQL must flush). Read afresh: sessions asked for while another read is under way
 * share the next query (see platform/batch.ts), which starts after they were asked for.
 */
export async function sessionMember(db: Queryable, raw: string, days: number): Promise<SessionMember | undefined> {
  return (await readSession(db, { hash: hashToken(raw), days })).member;
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
  return readSession(db, { hash: hashToken(raw), days, alongside: q });
}

export async function endSession(db: Queryable, raw: string): Promise<void> {
  await db.query('delete from sessions where id_hash = $1', [hashToken(raw)]);
}

export async function endAllSessions(db: Queryable, memberId: number): Promise<number> {
  const r = await db.query('delete from sessions where member_id = $1', [memberId]);
  return r.rowCount ?? 0;
}
