/** Signed-in sessions: a random cookie value, stored hashed, sliding expiry, sign out everywhere. */
import type { Queryable } from '../platform/db/queryable.ts';
import { hashToken, newToken } from '../platform/tokens.ts';

export const SESSION_COOKIE = 'sg_session';

export interface SessionMember {
  memberId: number;
  email: string;
  name: string | null;
  siteAdmin: boolean;
}

export async function createSession(db: Queryable, memberId: number, opts: { days: number; ip?: string; userAgent?: string }): Promise<string> {
  const token = newToken();
  await db.query(
    `insert into sessions (id_hash, member_id, expires_at, ip, user_agent) values ($1, $2, now() + make_interval(days => $3), $4, $5)`,
    [token.hash, memberId, opts.days, opts.ip ?? null, (opts.userAgent ?? '').slice(0, 300) || null],
  );
  return token.raw;
}

/**
 * The member behind a session cookie, extending the session on use: at most once a minute, so a
 * member's pages read the session without writing it (a write is a commit PostgreSQL must flush).
 */
export async function sessionMember(db: Queryable, raw: string, days: number): Promise<SessionMember | undefined> {
  const { rows } = await db.query<{ member_id: number; email: string; name: string | null; site_admin: boolean }>(
    `with extended as (
       update sessions set last_seen_at = now(), expires_at = now() + make_interval(days => $2)
        where id_hash = $1 and expires_at > now() and last_seen_at < now() - interval '1 minute'
     )
     select s.member_id, m.email, m.name, m.site_admin
       from sessions s join members m on m.id = s.member_id
      where s.id_hash = $1 and s.expires_at > now()`,
    [hashToken(raw), days],
  );
  const r = rows[0];
  return r ? { memberId: Number(r.member_id), email: r.email, name: r.name, siteAdmin: r.site_admin } : undefined;
}

export async function endSession(db: Queryable, raw: string): Promise<void> {
  await db.query('delete from sessions where id_hash = $1', [hashToken(raw)]);
}

export async function endAllSessions(db: Queryable, memberId: number): Promise<number> {
  const r = await db.query('delete from sessions where member_id = $1', [memberId]);
  return r.rowCount ?? 0;
}
