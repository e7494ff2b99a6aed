/**
 * Joining a community: the eligibility decision, then double opt-in. Nothing is subscribed until
 * the applicant uses the single-use link mailed to them; requests that need a person go to the
 * coordinators only after that. The answer never reveals whether an address is already a member.
 */
import type pg from 'pg';
import { joinSettings, type JoinSettings } from '../communities/index.ts';
import type { Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import type { MailTransport, OutgoingMail } from '../platform/mail/transport.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import { hashToken, newToken } from '../platform/tokens.ts';
import { checkEligibility, type EligibilityDecision, type EligibilityPolicy, type GovernmentLevel } from './eligibility.ts';
import { registryView } from './gov-registry.ts';
import { alreadyMemberMail, approvalNeededMail, confirmJoinMail, welcomeMail } from './mails.ts';
import { changeMembership, coordinatorAddresses, endOpenJoinRequests, ensureMember, findMemberByEmail, membershipIn } from './members.ts';

/** Send mail that is a courtesy after a committed change: a failure must not undo the change. */
export async function sendQuietly(mail: MailTransport, message: OutgoingMail): Promise<boolean> {
  try {
    await mail.send(message);
    return true;
  } catch {
    return false;
  }
}

export interface OperatorLists {
  eligibleDomains: string[];
  blockedDomains: string[];
}

export function policyFor(community: JoinSettings, operator: OperatorLists): EligibilityPolicy {
  return {
    allowDomains: operator.eligibleDomains,
    denyDomains: operator.blockedDomains,
    eligibleLevels: community.eligibleLevels ? (community.eligibleLevels as GovernmentLevel[]) : 'all',
    allowExceptions: community.allowExceptions,
  };
}

/** The decision for an address in a community, with the .gov registry looked up. */
export async function decide(db: Queryable, address: string, policy: EligibilityPolicy): Promise<EligibilityDecision> {
  const at = address.lastIndexOf('@');
  const domain =
    at >= 0
      ? address
          .slice(at + 1)
          .trim()
          .toLowerCase()
          .replace(/\.$/, '')
      : '';
  const registry = await registryView(db, domain);
  return checkEligibility(address, policy, registry);
}

export interface JoinRequestProps {
  community: JoinSettings;
  email: string;
  name: string;
  jobTitle?: string;
  agency?: string;
  /** Why the applicant should be let in (contractors, exceptions). */
  reason?: string;
  ip?: string;
  operator: OperatorLists;
  linkHours: number;
  /** Site address for links, e.g. https://socialgov.example.gov */
  baseUrl: string;
  mail: MailTransport;
  /** For requests by mail: an address that confirms when the applicant replies (`<list>-confirm+<token>@`). */
  confirmByReply?: (token: string) => string;
}

export type JoinRequestResult =
  | { kind: 'ineligible'; decision: EligibilityDecision & { outcome: 'ineligible' } }
  /** Mail sent (or, for a banned address, silently nothing): the same answer for every case. */
  | { kind: 'check-your-mail'; decision: EligibilityDecision };

export async function requestToJoin(pool: pg.Pool, p: JoinRequestProps): Promise<JoinRequestResult> {
  const decision = await decide(pool, p.email, policyFor(p.community, p.operator));
  if (decision.outcome === 'ineligible') return { kind: 'ineligible', decision };
  const address = decision.address;
  const existing = await findMemberByEmail(pool, address);
  const membership = existing ? await membershipIn(pool, existing.id, p.community.id) : undefined;
  if (membership?.status === 'banned') return { kind: 'check-your-mail', decision };
  if (membership?.status === 'active') {
    await p.mail.send(alreadyMemberMail(address, p.community, `${p.baseUrl}/account`));
    return { kind: 'check-your-mail', decision };
  }
  const token = newToken();
  const agency = p.agency?.trim() || (decision.outcome === 'eligible' ? decision.agency : undefined) || null;
  await inTransaction(pool, async (tx) => {
    // Only the newest link works: an older one, kept in a mailbox, cannot be replayed later.
    await endOpenJoinRequests(tx, p.community.id, { email: address }, ['unconfirmed']);
    await tx.query(
      `insert into join_requests (community_id, email, name, job_title, agency, reason, decision, token_hash, expires_at, ip)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(hours => $9), $10)`,
      [p.community.id, address, p.name, p.jobTitle || null, agency, p.reason || null, JSON.stringify(decision), token.hash, p.linkHours, p.ip ?? null],
    );
  });
  const confirm = confirmJoinMail(address, p.community, `${p.baseUrl}/join/confirm?token=${token.raw}`, p.linkHours, decision.outcome === 'needs-approval');
  if (p.confirmByReply) {
    const replyAddress = p.confirmByReply(token.raw);
    confirm.replyTo = replyAddress;
    confirm.text = confirm.text.replace('To confirm, open this link:', `To confirm, reply to this message (it goes to ${replyAddress}), or open this link:`);
  }
  await p.mail.send(confirm);
  return { kind: 'check-your-mail', decision };
}

export interface PendingJoin {
  id: number;
  communityId: number;
  communitySlug: string;
  communityTitle: string;
  email: string;
  name: string;
  needsApproval: boolean;
}

/** Why a link does not work: never existed, too old, used already, or ended (a newer link, a ban, a removal). */
export type DeadLink = 'invalid' | 'expired' | 'used' | 'ended';

/** What a confirmation link is for, without using it (the page shows this before the button). */
export async function lookupJoinLink(db: Queryable, raw: string): Promise<{ state: 'valid'; request: PendingJoin } | { state: DeadLink }> {
  const { rows } = await db.query(
    `select r.id, r.community_id, c.slug, coalesce(c.short_name, c.title) as title, r.email, r.name, r.status, r.decision,
            r.expires_at < now() as expired
       from join_requests r join communities c on c.id = r.community_id where r.token_hash = $1`,
    [hashToken(raw)],
  );
  const r = rows[0];
  if (!r) return { state: 'invalid' };
  if (r.status === 'superseded') return { state: 'ended' };
  if (r.status !== 'unconfirmed') return { state: 'used' };
  if (r.expired) return { state: 'expired' };
  return {
    state: 'valid',
    request: {
      id: Number(r.id),
      communityId: Number(r.community_id),
      communitySlug: r.slug,
      communityTitle: r.title,
      email: r.email,
      name: r.name,
      needsApproval: r.decision.outcome === 'needs-approval',
    },
  };
}

export type ConfirmResult =
  | { kind: DeadLink }
  /** The community's rules, as they are now, refuse the address: nothing changed. */
  | { kind: 'ineligible'; message: string; communitySlug: string; communityTitle: string }
  | { kind: 'joined'; memberId: number; communitySlug: string; communityTitle: string }
  | { kind: 'awaiting-approval'; memberId: number; communitySlug: string; communityTitle: string };

export interface ConfirmOptions {
  baseUrl: string;
  queue: Queue;
  /** The operator's allow- and deny-lists, as they are now: the decision is made again on confirming. */
  operator: OperatorLists;
  actor?: Actor;
}

/**
 * Use a confirmation link: the mailbox is proven; join now, or queue for a coordinator. The link
 * only proves the mailbox: who may join is decided again now, from the ban list, the operator's
 * lists, the registry and the community's rules as they are at this moment, never from what was
 * decided when the link was mailed. The welcome (or the coordinators' notice) is queued in the
 * same transaction, so it goes once, after the commit, and a relay hiccup neither undoes the
 * membership nor loses the mail.
 */
export async function confirmJoin(pool: pg.Pool, raw: string, opts: ConfirmOptions): Promise<ConfirmResult> {
  const outcome = await inTransaction(pool, async (tx): Promise<ConfirmResult> => {
    const { rows } = await tx.query(
      `select r.*, c.slug, r.expires_at < now() as expired
         from join_requests r join communities c on c.id = r.community_id where r.token_hash = $1 for update of r`,
      [hashToken(raw)],
    );
    const r = rows[0];
    if (!r) return { kind: 'invalid' };
    if (r.status === 'superseded') return { kind: 'ended' };
    if (r.status !== 'unconfirmed') return { kind: 'used' };
    if (r.expired) return { kind: 'expired' };
    const settings = await joinSettings(tx, r.slug);
    if (!settings) return { kind: 'invalid' };
    const community = { slug: settings.slug, title: settings.title };
    const existing = await findMemberByEmail(tx, r.email);
    const standing = existing ? await membershipIn(tx, existing.id, settings.id, { lock: true }) : undefined;
    if (standing?.status === 'banned') {
      await tx.query(`update join_requests set status = 'superseded' where id = $1`, [r.id]);
      return { kind: 'ended' };
    }
    const decision = await decide(tx, r.email, policyFor(settings, opts.operator));
    if (decision.outcome === 'ineligible') {
      await tx.query(
        `update join_requests set status = 'denied', decision = $2, confirmed_at = now(), decided_by = 'socialgov', decided_at = now(), decision_note = $3 where id = $1`,
        [r.id, JSON.stringify(decision), decision.message],
      );
      return { kind: 'ineligible', message: decision.message, communitySlug: community.slug, communityTitle: community.title };
    }
    const level = decision.outcome === 'eligible' ? (decision.level ?? null) : null;
    const member = await ensureMember(tx, { email: r.email, name: r.name, jobTitle: r.job_title, agency: r.agency, governmentLevel: level });
    const actor = opts.actor ?? { name: r.email, source: r.ip ?? 'web' };
    if (standing?.status === 'active') {
      // A member already (added meanwhile by a coordinator, an import or the CLI): nothing to change.
      await tx.query(`update join_requests set status = 'joined', decision = $2, confirmed_at = now() where id = $1`, [r.id, JSON.stringify(decision)]);
      return { kind: 'joined', memberId: member.id, communitySlug: community.slug, communityTitle: community.title };
    }
    if (decision.outcome === 'eligible') {
      await tx.query(`update join_requests set status = 'joined', decision = $2, confirmed_at = now() where id = $1`, [r.id, JSON.stringify(decision)]);
      await changeMembership(tx, actor, {
        communityId: Number(r.community_id),
        memberId: member.id,
        status: 'active',
        governmentLevel: level,
        source: actor.source === 'email' ? 'email' : 'web',
        action: 'membership.join',
      });
      await queueMail(tx, opts.queue, welcomeMail(r.email, community, `${opts.baseUrl}/communities/${community.slug}`, `${opts.baseUrl}/account`), {
        key: `welcome:${r.id}`,
      });
      return { kind: 'joined', memberId: member.id, communitySlug: community.slug, communityTitle: community.title };
    }
    // One request per person in the queue: this one replaces any older one still waiting.
    await endOpenJoinRequests(tx, settings.id, { email: r.email }, ['awaiting-approval']);
    await tx.query(`update join_requests set status = 'awaiting-approval', decision = $2, confirmed_at = now() where id = $1`, [
      r.id,
      JSON.stringify(decision),
    ]);
    const coordinators = await coordinatorAddresses(tx, Number(r.community_id));
    const reason = decision.reason;
    for (const to of coordinators) {
      const notice = approvalNeededMail(
        to,
        community,
        { name: r.name, email: r.email, jobTitle: r.job_title, agency: r.agency, reason },
        `${opts.baseUrl}/communities/${community.slug}/admin/requests`,
      );
      await queueMail(tx, opts.queue, notice, { key: `approval-needed:${r.id}:${to}` });
    }
    return { kind: 'awaiting-approval', memberId: member.id, communitySlug: community.slug, communityTitle: community.title };
  });
  return outcome;
}
