/**
 * Consultations: a member asks the experts a question privately. It is routed to the community's
 * experts who offer consultations on a matching topic (or to every such expert when none lists
 * the topic); one takes it and answers. Only the asker, the routed experts and coordinators see it.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import { canCoordinate } from '../membership/index.ts';
import { consultationRoutedMail, consultationUpdateMail } from './mails.ts';
import type { SpeakersDeps } from './store.ts';
import { checkConsultationStep, WorkflowError, type ConsultationRole, type ConsultationStatus } from './workflow.ts';

export interface Consultation {
  id: number;
  communityId: number;
  communitySlug: string;
  communityTitle: string;
  asker: { id: number; name: string; email: string };
  topic: string;
  question: string;
  status: ConsultationStatus;
  expert: { id: number; name: string; email: string } | null;
  answer: string | null;
  experts: Array<{ id: number; name: string; email: string }>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConsultationHistoryEntry {
  fromStatus: ConsultationStatus | null;
  toStatus: ConsultationStatus;
  actorRole: string;
  actorName: string | null;
  note: string | null;
  at: Date;
}

/** Experts of the community who offer consultations, best topic matches only (all of them when none match). */
export async function matchingExperts(
  db: Queryable,
  communityId: number,
  topic: string,
  exceptMemberId: number,
): Promise<Array<{ id: number; email: string }>> {
  const { rows } = await db.query<{ id: string; email: string; matches: boolean }>(
    `select m.id, m.email,
            exists (select 1 from unnest(m.expertise) t where length(t) > 1 and (strpos(lower($2), t) > 0 or strpos(t, lower($2)) > 0)) as matches
       from members m join speakers s on s.member_id = m.id
       join memberships ms on ms.member_id = m.id and ms.community_id = $1 and ms.status = 'active'
      where s.active and 'consultation' = any (s.formats) and m.id <> $3
      order by m.id`,
    [communityId, topic, exceptMemberId],
  );
  const matching = rows.filter((r) => r.matches);
  return (matching.length ? matching : rows).map((r) => ({ id: Number(r.id), email: r.email }));
}

export class NoExpertsError extends Error {
  readonly code = 'NO_EXPERTS';
}

export async function askExperts(
  db: pg.PoolClient,
  d: SpeakersDeps,
  p: { communityId: number; asker: { memberId: number; email: string }; topic: string; question: string; actor: Actor },
): Promise<Consultation> {
  const experts = await matchingExperts(db, p.communityId, p.topic, p.asker.memberId);
  if (!experts.length)
    throw new NoExpertsError('No expert in this community offers consultations yet. Ask on the community’s list instead, or ask a coordinator.');
  const { rows } = await db.query<{ id: string }>('insert into consultations (community_id, asker_id, topic, question) values ($1, $2, $3, $4) returning id', [
    p.communityId,
    p.asker.memberId,
    p.topic,
    p.question,
  ]);
  const id = Number(rows[0]!.id);
  for (const e of experts) await db.query('insert into consultation_experts (consultation_id, member_id) values ($1, $2)', [id, e.id]);
  await recordStep(db, id, null, 'open', 'asker', p.actor, p.asker.memberId, `Sent to ${experts.length} ${experts.length === 1 ? 'expert' : 'experts'}.`);
  const c = (await findConsultation(db, id))!;
  for (const e of experts) {
    await queueMail(
      db,
      d.queue,
      consultationRoutedMail(e.email, { communityTitle: c.communityTitle, topic: c.topic, link: `${d.baseUrl}/consultations/${id}` }),
      { key: `consultation:${id}:routed:${e.id}` },
    );
  }
  return c;
}

async function recordStep(
  db: Queryable,
  id: number,
  from: ConsultationStatus | null,
  to: ConsultationStatus,
  role: ConsultationRole,
  actor: Actor,
  memberId: number,
  note: string | null,
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `insert into consultation_history (consultation_id, from_status, to_status, actor_role, actor, actor_member_id, note) values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [id, from, to, role, actor.name, memberId, note],
  );
  return Number(rows[0]!.id);
}

export async function findConsultation(db: Queryable, id: number, opts: { forUpdate?: boolean } = {}): Promise<Consultation | undefined> {
  if (opts.forUpdate) await db.query('select 1 from consultations where id = $1 for update', [id]);
  const { rows } = await db.query(
    `select q.*, c.slug, coalesce(c.short_name, c.title) as title, a.name as asker_name, a.email as asker_email, x.name as expert_name, x.email as expert_email
       from consultations q join communities c on c.id = q.community_id join members a on a.id = q.asker_id left join members x on x.id = q.expert_id
      where q.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  const experts = await db.query<{ id: string; name: string | null; email: string }>(
    'select m.id, m.name, m.email from consultation_experts ce join members m on m.id = ce.member_id where ce.consultation_id = $1 order by m.name, m.id',
    [id],
  );
  return {
    id: Number(r.id),
    communityId: Number(r.community_id),
    communitySlug: r.slug,
    communityTitle: r.title,
    asker: { id: Number(r.asker_id), name: r.asker_name ?? r.asker_email, email: r.asker_email },
    topic: r.topic,
    question: r.question,
    status: r.status,
    expert: r.expert_id ? { id: Number(r.expert_id), name: r.expert_name ?? r.expert_email, email: r.expert_email } : null,
    answer: r.answer,
    experts: experts.rows.map((e) => ({ id: Number(e.id), name: e.name ?? e.email, email: e.email })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function consultationHistory(db: Queryable, id: number): Promise<ConsultationHistoryEntry[]> {
  const { rows } = await db.query(
    `select h.from_status, h.to_status, h.actor_role, m.name as actor_name, h.note, h.at from consultation_history h left join members m on m.id = h.actor_member_id
      where h.consultation_id = $1 order by h.at, h.id`,
    [id],
  );
  return rows.map((r) => ({ fromStatus: r.from_status, toStatus: r.to_status, actorRole: r.actor_role, actorName: r.actor_name, note: r.note, at: r.at }));
}

/** The viewer's roles on a consultation; empty means they may not see it. */
export async function consultationRoles(db: Queryable, c: Consultation, viewer: { memberId: number; siteAdmin: boolean }): Promise<ConsultationRole[]> {
  const roles: ConsultationRole[] = [];
  if (c.asker.id === viewer.memberId) roles.push('asker');
  if (c.experts.some((e) => e.id === viewer.memberId)) roles.push('expert');
  if (await canCoordinate(db, viewer, c.communityId)) roles.push('coordinator');
  return roles;
}

/** Consultations a member asked or was asked, newest first. */
export async function consultationsFor(
  db: Queryable,
  memberId: number,
): Promise<Array<{ id: number; topic: string; status: ConsultationStatus; mine: boolean; communityTitle: string; createdAt: Date }>> {
  const { rows } = await db.query(
    `select q.id, q.topic, q.status, q.asker_id = $1 as mine, coalesce(c.short_name, c.title) as title, q.created_at from consultations q join communities c on c.id = q.community_id
      where q.asker_id = $1 or exists (select 1 from consultation_experts ce where ce.consultation_id = q.id and ce.member_id = $1)
      order by q.created_at desc, q.id desc`,
    [memberId],
  );
  return rows.map((r) => ({ id: Number(r.id), topic: r.topic, status: r.status, mine: r.mine, communityTitle: r.title, createdAt: r.created_at }));
}

export async function consultationsOfCommunity(
  db: Queryable,
  communityId: number,
): Promise<Array<{ id: number; topic: string; status: ConsultationStatus; askerName: string; createdAt: Date }>> {
  const { rows } = await db.query(
    `select q.id, q.topic, q.status, coalesce(a.name, a.email) as asker_name, q.created_at from consultations q join members a on a.id = q.asker_id
      where q.community_id = $1 order by case when q.status = 'closed' then 1 else 0 end, q.created_at desc`,
    [communityId],
  );
  return rows.map((r) => ({ id: Number(r.id), topic: r.topic, status: r.status, askerName: r.asker_name, createdAt: r.created_at }));
}

/** Move a consultation one step: take, answer, hand back or close. */
export async function moveConsultation(
  db: pg.PoolClient,
  d: SpeakersDeps,
  p: { id: number; to: ConsultationStatus; roles: ConsultationRole[]; actor: Actor; memberId: number; answer?: string; note?: string },
): Promise<Consultation> {
  const c = await findConsultation(db, p.id, { forUpdate: true });
  if (!c) throw new WorkflowError('That consultation does not exist.', 'NOT_FOUND');
  // The step is allowed when any of the viewer's roles allows it; the expert who answers must be the one who took it.
  const role = p.roles.find((r) => checkConsultationStep(c.status, p.to, r).ok);
  if (!role) {
    const check = checkConsultationStep(c.status, p.to, p.roles[0] ?? 'asker');
    throw new WorkflowError(check.ok ? 'You cannot do this.' : check.message, check.ok ? 'NOT_ALLOWED' : check.code);
  }
  if (role === 'expert' && c.status === 'taken' && c.expert?.id !== p.memberId && !p.roles.includes('coordinator')) {
    throw new WorkflowError(`${c.expert?.name ?? 'Another expert'} has taken this question; only they can answer it or hand it back.`, 'NOT_ALLOWED');
  }
  if (p.to === 'answered' && !p.answer) throw new WorkflowError('Write your answer before sending it.', 'MISSING');
  const sets = ['status = $2', 'updated_at = now()'];
  const args: unknown[] = [c.id, p.to];
  if (p.to === 'taken') {
    args.push(p.memberId);
    sets.push(`expert_id = $${args.length}`);
  }
  if (p.to === 'open') sets.push('expert_id = null');
  if (p.to === 'answered') {
    args.push(p.answer);
    sets.push(`answer = $${args.length}`);
  }
  await db.query(`update consultations set ${sets.join(', ')} where id = $1`, args);
  const step = await recordStep(db, c.id, c.status, p.to, role, p.actor, p.memberId, p.note || null);
  await recordAudit(db, p.actor, {
    action: `consultation.${p.to}`,
    subjectType: 'consultation',
    subjectId: String(c.id),
    before: { status: c.status },
    after: { status: p.to },
  });
  const after = (await findConsultation(db, c.id))!;
  const link = `${d.baseUrl}/consultations/${c.id}`;
  const tell = async (to: string, lines: string[]) =>
    queueMail(db, d.queue, consultationUpdateMail(to, { topic: c.topic, link, lines }), { key: `consultation:${c.id}:${step}:${to.toLowerCase()}` });
  if (p.to === 'taken' && role === 'expert') await tell(c.asker.email, [`${after.expert?.name ?? 'An expert'} is answering your question.`]);
  if (p.to === 'answered') await tell(c.asker.email, [`${after.expert?.name ?? 'An expert'} answered your question:`, '', p.answer!]);
  if (p.to === 'closed' && c.expert && c.expert.id !== p.memberId) await tell(c.expert.email, ['The question you took is now closed. Thank you.']);
  return after;
}
