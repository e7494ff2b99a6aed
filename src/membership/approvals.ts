/** The coordinators' approval queue: confirmed requests that the address alone could not decide. */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import type { EligibilityDecision } from './eligibility.ts';
import { approvedMail, deniedMail } from './mails.ts';
import { changeMembership, ensureMember } from './members.ts';

export interface AwaitingApproval {
  id: number;
  email: string;
  name: string;
  jobTitle: string | null;
  agency: string | null;
  reason: string | null;
  /** The rule that sent the request here, and its reason for the coordinator. */
  rule: string;
  ruleReason: string;
  confirmedAt: Date;
}

export async function awaitingApproval(db: Queryable, communityId: number): Promise<AwaitingApproval[]> {
  const { rows } = await db.query(
    `select id, email, name, job_title, agency, reason, decision, confirmed_at from join_requests
      where community_id = $1 and status = 'awaiting-approval' order by confirmed_at`,
    [communityId],
  );
  return rows.map((r) => {
    const d = r.decision as EligibilityDecision;
    return {
      id: Number(r.id),
      email: r.email,
      name: r.name,
      jobTitle: r.job_title,
      agency: r.agency,
      reason: r.reason,
      rule: d.rule,
      ruleReason: d.outcome === 'needs-approval' ? d.reason : d.outcome === 'ineligible' ? d.message : d.reason,
      confirmedAt: r.confirmed_at,
    };
  });
}

export class RequestNotFoundError extends Error {
  readonly code = 'REQUEST_NOT_FOUND';
}

export interface DecideProps {
  communityId: number;
  community: { slug: string; title: string };
  requestId: number;
  approve: boolean;
  /** Required when denying: told to the applicant. */
  note?: string;
  actor: Actor;
  baseUrl: string;
  /** The answer to the applicant is queued with the decision. */
  queue: Queue;
}

/** Approve (the applicant becomes a member) or deny (with a reason); the applicant is told by mail. */
export async function decideRequest(pool: pg.Pool, p: DecideProps): Promise<{ email: string }> {
  const email = await inTransaction(pool, async (tx) => {
    const { rows } = await tx.query(`select * from join_requests where id = $1 and community_id = $2 and status = 'awaiting-approval' for update`, [
      p.requestId,
      p.communityId,
    ]);
    const r = rows[0];
    if (!r) throw new RequestNotFoundError('That request is no longer waiting: another coordinator may have decided it already.');
    await tx.query(`update join_requests set status = $2, decided_by = $3, decided_at = now(), decision_note = $4 where id = $1`, [
      r.id,
      p.approve ? 'approved' : 'denied',
      p.actor.name,
      p.note ?? null,
    ]);
    await recordAudit(tx, p.actor, {
      action: p.approve ? 'join-request.approve' : 'join-request.deny',
      subjectType: 'join-request',
      subjectId: String(r.id),
      before: { status: 'awaiting-approval' },
      after: { status: p.approve ? 'approved' : 'denied', note: p.note ?? null },
    });
    if (p.approve) {
      const member = await ensureMember(tx, { email: r.email, name: r.name, jobTitle: r.job_title, agency: r.agency });
      await changeMembership(tx, p.actor, {
        communityId: p.communityId,
        memberId: member.id,
        status: 'active',
        source: 'approval',
        action: 'membership.approve',
      });
    }
    const answer = p.approve
      ? approvedMail(r.email, p.community, `${p.baseUrl}/communities/${p.community.slug}`)
      : deniedMail(r.email, p.community, p.note ?? '');
    await queueMail(tx, p.queue, answer, { key: `join-decision:${r.id}` });
    return r.email as string;
  });
  return { email };
}
