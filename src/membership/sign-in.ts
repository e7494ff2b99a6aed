/**
 * Passwordless sign-in: a one-time link mailed to the member's address. The mailbox is the
 * credential (it is what proved eligibility). The answer never says whether the address is a member.
 */
import type pg from 'pg';
import type { Queryable } from '../platform/db/queryable.ts';
import type { MailTransport } from '../platform/mail/transport.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import { signInMail } from './mails.ts';

/** Send a sign-in link if the address belongs to a member (an active membership, or a site admin). */
export async function requestSignIn(
  pool: pg.Pool,
  p: { email: string; minutes: number; baseUrl: string; siteName: string; mail: MailTransport; next?: string | undefined },
): Promise<boolean> {
  const { rows } = await pool.query<{ id: number; email: string }>(
    `select m.id, m.email from members m where lower(m.email) = lower($1)
        and (m.site_admin or exists (select 1 from memberships s where s.member_id = m.id and s.status = 'active'))`,
    [p.email.trim()],
  );
  const member = rows[0];
  if (!member) return false;
  const token = newToken();
  await pool.query(`insert into sign_in_links (token_hash, member_id, expires_at) values ($1, $2, now() + make_interval(mins => $3))`, [
    token.hash,
    member.id,
    p.minutes,
  ]);
  await p.mail.send(
    signInMail(member.email, `${p.baseUrl}/signin/confirm?token=${token.raw}${p.next ? `&next=${encodeURIComponent(p.next)}` : ''}`, p.minutes, p.siteName),
  );
  return true;
}

/**
 * Use a sign-in link once (the conditional update makes a second, concurrent use fail). Whether
 * the person may sign in is checked again now, as when the link was mailed: a link mailed before
 * a ban or a removal from their last community does not sign them in afterwards.
 */
export async function useSignInLink(
  db: Queryable,
  raw: string,
): Promise<{ ok: true; memberId: number } | { ok: false; why: 'invalid' | 'expired' | 'used' | 'ended' }> {
  const used = await db.query<{ member_id: number; allowed: boolean }>(
    `update sign_in_links l set used_at = now() where token_hash = $1 and used_at is null and expires_at > now()
     returning member_id, exists (select 1 from members m where m.id = l.member_id
       and (m.site_admin or exists (select 1 from memberships s where s.member_id = m.id and s.status = 'active'))) as allowed`,
    [hashToken(raw)],
  );
  const row = used.rows[0];
  if (row) return row.allowed ? { ok: true, memberId: Number(row.member_id) } : { ok: false, why: 'ended' };
  const why = await signInLinkState(db, raw);
  return { ok: false, why: why === 'valid' ? 'used' : why };
}

/** Still usable (for the page that shows the "Sign in" button before using it). */
export async function signInLinkState(db: Queryable, raw: string): Promise<'valid' | 'invalid' | 'expired' | 'used'> {
  const { rows } = await db.query<{ used: boolean; expired: boolean }>(
    'select used_at is not null as used, expires_at < now() as expired from sign_in_links where token_hash = $1',
    [hashToken(raw)],
  );
  const r = rows[0];
  return !r ? 'invalid' : r.used ? 'used' : r.expired ? 'expired' : 'valid';
}
