/**
 * Speaker requests: created from the public form, moved through the workflow (workflow.ts) by
 * coordinators, the proposed speaker or the requester. Each step is checked, kept in the history
 * with who and when, and queues its mail in the same transaction (keys make every mail once-only).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { queueMail } from '../platform/mail/queued.ts';
import type { Queue } from '../platform/queue.ts';
import { coordinatorAddresses } from '../membership/index.ts';
import { createEvent, type EventInput, type EventKind, slugify, type StoredEvent } from '../events/index.ts';
import { requestMails } from './mails.ts';
import type { RequestInput, SpeakerFormat } from './request-form.ts';
import { checkRequestStep, WorkflowError, type ActorRole, type RequestStatus } from './workflow.ts';

export const REMINDER_JOB = 'speakers.proposal-reminder';

export interface SpeakersDeps {
  queue: Queue;
  /** The site's address, for links in mail. */
  baseUrl: string;
  /** Signs requesters' status links. */
  secret: string;
  /** Days a proposed speaker has to answer before a reminder (SPEAKER_REMINDER_DAYS). */
  reminderDays: number;
}

export interface SpeakerRequest {
  id: number;
  communityId: number;
  communitySlug: string;
  communityTitle: string;
  status: RequestStatus;
  requesterName: string;
  organization: string;
  requesterEmail: string;
  eventName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  online: boolean;
  location: string | null;
  audience: string;
  audienceSize: number | null;
  topic: string;
  format: SpeakerFormat;
  press: boolean;
  preferredSpeaker: { id: number; name: string } | null;
  notes: string | null;
  speaker: { id: number; name: string; email: string } | null;
  proposalNo: number;
  proposedAt: Date | null;
  approvalObtained: boolean;
  approvalNote: string | null;
  eventSlug: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface HistoryEntry {
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus;
  actorRole: ActorRole;
  actor: string;
  speakerName: string | null;
  note: string | null;
  at: Date;
}

/** The unguessable part of a requester's status link: an HMAC of the request id with the site secret. */
export function statusToken(secret: string, id: number): string {
  return createHmac('sha256', secret).update(`speaker-request-status:${id}`).digest('base64url');
}

export function checkStatusToken(secret: string, id: number, token: string): boolean {
  const want = Buffer.from(statusToken(secret, id));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function statusLink(d: Pick<SpeakersDeps, 'baseUrl' | 'secret'>, id: number): string {
  return `${d.baseUrl}/speaker-requests/${id}?token=${statusToken(d.secret, id)}`;
}

const SELECT = `select r.*, c.slug as community_slug, coalesce(c.short_name, c.title) as community_title,
    sp.name as speaker_name, sp.email as speaker_email, pr.name as preferred_name, e.slug as event_slug
  from speaker_requests r join communities c on c.id = r.community_id
  left join members sp on sp.id = r.speaker_id left join members pr on pr.id = r.preferred_speaker_id
  left join events e on e.id = r.event_id`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRequest(r: any): SpeakerRequest {
  return {
    id: Number(r.id),
    communityId: Number(r.community_id),
    communitySlug: r.community_slug,
    communityTitle: r.community_title,
    status: r.status,
    requesterName: r.requester_name,
    organization: r.organization,
    requesterEmail: r.requester_email,
    eventName: r.event_name,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    timeZone: r.time_zone,
    online: r.online,
    location: r.location,
    audience: r.audience,
    audienceSize: r.audience_size,
    topic: r.topic,
    format: r.format,
    press: r.press,
    preferredSpeaker: r.preferred_speaker_id ? { id: Number(r.preferred_speaker_id), name: r.preferred_name ?? 'A member' } : null,
    notes: r.notes,
    speaker: r.speaker_id ? { id: Number(r.speaker_id), name: r.speaker_name ?? r.speaker_email, email: r.speaker_email } : null,
    proposalNo: r.proposal_no,
    proposedAt: r.proposed_at,
    approvalObtained: r.approval_obtained,
    approvalNote: r.approval_note,
    eventSlug: r.event_slug,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findSpeakerRequest(db: Queryable, id: number, opts: { forUpdate?: boolean } = {}): Promise<SpeakerRequest | undefined> {
  if (opts.forUpdate) await db.query('select 1 from speaker_requests where id = $1 for update', [id]);
  const { rows } = await db.query(`${SELECT} where r.id = $1`, [id]);
  return rows[0] ? toRequest(rows[0]) : undefined;
}

export async function requestsOfCommunity(db: Queryable, communityId: number): Promise<SpeakerRequest[]> {
  const { rows } = await db.query(
    `${SELECT} where r.community_id = $1
      order by case when r.status in ('completed', 'withdrawn') then 1 else 0 end, r.starts_at, r.id`,
    [communityId],
  );
  return rows.map(toRequest);
}

/** Requests a member was proposed for (now or before), newest first. */
export async function requestsForSpeaker(db: Queryable, memberId: number): Promise<SpeakerRequest[]> {
  const { rows } = await db.query(`${SELECT} where r.speaker_id = $1 order by r.starts_at desc, r.id desc`, [memberId]);
  return rows.map(toRequest);
}

export async function requestHistory(db: Queryable, id: number): Promise<HistoryEntry[]> {
  const { rows } = await db.query(
    `select h.from_status, h.to_status, h.actor_role, h.actor, h.note, h.at, m.name as speaker_name
       from speaker_request_history h left join members m on m.id = h.speaker_id where h.request_id = $1 order by h.at, h.id`,
    [id],
  );
  return rows.map((r) => ({
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actorRole: r.actor_role,
    actor: r.actor,
    speakerName: r.speaker_name,
    note: r.note,
    at: r.at,
  }));
}

async function record(
  db: Queryable,
  p: {
    requestId: number;
    from: RequestStatus | null;
    to: RequestStatus;
    role: ActorRole;
    actor: Actor;
    memberId?: number;
    speakerId?: number | null;
    note?: string | null;
  },
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `insert into speaker_request_history (request_id, from_status, to_status, actor_role, actor, actor_member_id, speaker_id, note)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [p.requestId, p.from, p.to, p.role, p.actor.name, p.memberId ?? null, p.speakerId ?? null, p.note || null],
  );
  return Number(rows[0]!.id);
}

async function sendStepMails(db: pg.PoolClient, d: SpeakersDeps, r: SpeakerRequest, step: number, note: string | null): Promise<void> {
  const coordinators = await coordinatorAddresses(db, r.communityId);
  const mails = requestMails(
    r,
    {
      status: statusLink(d, r.id),
      manage: `${d.baseUrl}/communities/${r.communitySlug}/admin/speaker-requests/${r.id}`,
      speaker: `${d.baseUrl}/account/speaker/requests/${r.id}`,
    },
    coordinators,
    note,
  );
  for (const m of mails) {
    await queueMail(db, d.queue, m.mail, { key: `speaker-request:${r.id}:${step}:${m.who}:${m.mail.to.toLowerCase()}` });
  }
}

/** A new request from the public form: stored as "new", the requester and coordinators told. */
export async function createSpeakerRequest(
  db: pg.PoolClient,
  d: SpeakersDeps,
  p: { communityId: number; input: RequestInput; ip: string },
): Promise<SpeakerRequest> {
  const i = p.input;
  // A preferred speaker must be listed in this community; anything else is dropped rather than trusted.
  const preferred = i.preferredSpeakerId
    ? (
        await db.query(
          `select 1 from speakers s join memberships ms on ms.member_id = s.member_id and ms.community_id = $2 and ms.status = 'active' where s.member_id = $1 and s.active`,
          [i.preferredSpeakerId, p.communityId],
        )
      ).rows.length
      ? i.preferredSpeakerId
      : null
    : null;
  const { rows } = await db.query<{ id: string }>(
    `insert into speaker_requests (community_id, requester_name, organization, requester_email, event_name, starts_at, ends_at, time_zone, online, location,
       audience, audience_size, topic, format, press, preferred_speaker_id, notes, ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning id`,
    [
      p.communityId,
      i.requesterName,
      i.organization,
      i.email,
      i.eventName,
      i.startsAt,
      i.endsAt,
      i.timeZone,
      i.online,
      i.location,
      i.audience,
      i.audienceSize,
      i.topic,
      i.format,
      i.press,
      preferred,
      i.notes,
      p.ip,
    ],
  );
  const id = Number(rows[0]!.id);
  const actor: Actor = { name: i.email, source: p.ip };
  const step = await record(db, { requestId: id, from: null, to: 'new', role: 'requester', actor });
  const r = (await findSpeakerRequest(db, id))!;
  await sendStepMails(db, d, r, step, null);
  return r;
}

export interface MoveProps {
  requestId: number;
  to: RequestStatus;
  role: ActorRole;
  actor: Actor;
  /** The member taking the step (coordinator or speaker). */
  memberId?: number;
  /** For "matched": the speaker to propose. */
  speakerId?: number;
  /** For "accepted": the speaker's word that supervisor and press office approved. */
  approval?: { obtained: boolean; note: string };
  /** Said with the step (a reason for declining, a note to the requester); kept in the history. */
  note?: string;
}

/** Move a request one step. Throws WorkflowError with a message for people when the step is not allowed. */
export async function moveRequest(db: pg.PoolClient, d: SpeakersDeps, p: MoveProps): Promise<SpeakerRequest> {
  const r = await findSpeakerRequest(db, p.requestId, { forUpdate: true });
  if (!r) throw new WorkflowError('That speaker request does not exist.', 'NOT_FOUND');
  const check = checkRequestStep(r.status, p.to, p.role);
  if (!check.ok) throw new WorkflowError(check.message, check.code);
  if (p.role === 'speaker' && (!r.speaker || r.speaker.id !== p.memberId)) {
    throw new WorkflowError('Only the speaker proposed for this request can answer it.', 'NOT_ALLOWED');
  }
  const sets: string[] = ['status = $2', 'updated_at = now()'];
  const args: unknown[] = [r.id, p.to];
  let speakerId = r.speaker?.id ?? null;
  if (p.to === 'matched') {
    if (!p.speakerId) throw new WorkflowError('Choose the speaker to propose.', 'MISSING');
    const ok = await db.query(
      `select 1 from speakers s join memberships ms on ms.member_id = s.member_id and ms.community_id = $2 and ms.status = 'active' where s.member_id = $1 and s.active`,
      [p.speakerId, r.communityId],
    );
    if (!ok.rows.length) throw new WorkflowError('That member is not on this community’s speakers bureau. Choose a speaker from the list.', 'MISSING');
    speakerId = p.speakerId;
    args.push(p.speakerId);
    sets.push(
      `speaker_id = $${args.length}`,
      'proposal_no = proposal_no + 1',
      'proposed_at = now()',
      'reminder_sent_at = null',
      'approval_obtained = false',
      'approval_note = null',
    );
  }
  if (p.to === 'accepted') {
    if (!p.approval?.obtained) {
      throw new WorkflowError('Confirm that your supervisor and press office approved this invitation. Ask them first, then accept.', 'MISSING');
    }
    args.push(p.approval.note || null);
    sets.push('approval_obtained = true', `approval_note = $${args.length}`);
  }
  await db.query(`update speaker_requests set ${sets.join(', ')} where id = $1`, args);
  const note = p.to === 'accepted' ? ['Supervisor and press office approval obtained.', p.approval?.note, p.note].filter(Boolean).join(' ') : (p.note ?? null);
  const step = await record(db, { requestId: r.id, from: r.status, to: p.to, role: p.role, actor: p.actor, memberId: p.memberId, speakerId, note });
  await recordAudit(db, p.actor, {
    action: `speaker-request.${p.to}`,
    subjectType: 'speaker_request',
    subjectId: String(r.id),
    before: { status: r.status },
    after: { status: p.to, speakerId },
  });
  const after = (await findSpeakerRequest(db, r.id))!;
  await sendStepMails(db, d, after, step, p.note ?? null);
  if (p.to === 'matched') {
    await d.queue.send(
      REMINDER_JOB,
      { requestId: r.id, proposalNo: after.proposalNo },
      {
        db,
        startAfter: new Date(Date.now() + d.reminderDays * 86_400_000),
        singletonKey: `${r.id}:${after.proposalNo}`,
      },
    );
  }
  return after;
}

/**
 * The reminder job: a speaker who has not answered proposal `proposalNo` is reminded once. Does
 * nothing when they answered, another speaker was proposed, or the reminder went already.
 */
export async function sendProposalReminder(db: pg.PoolClient, d: SpeakersDeps, requestId: number, proposalNo: number): Promise<boolean> {
  const r = await findSpeakerRequest(db, requestId, { forUpdate: true });
  if (!r || r.status !== 'matched' || r.proposalNo !== proposalNo || !r.speaker) return false;
  const { rowCount } = await db.query('update speaker_requests set reminder_sent_at = now() where id = $1 and reminder_sent_at is null', [requestId]);
  if (!rowCount) return false;
  const [m] = requestMails(r, { status: '', manage: '', speaker: `${d.baseUrl}/account/speaker/requests/${r.id}` }, [], null, { reminder: true });
  return queueMail(db, d.queue, m!.mail, { key: `speaker-request:${r.id}:proposal:${proposalNo}:reminder` });
}

const KIND_FOR: Record<SpeakerFormat, EventKind> = { keynote: 'summit', panel: 'summit', workshop: 'training', consultation: 'meeting' };

/** The engagement as a draft event of the community, with the speaker as presenter, linked from the request. */
export async function requestToEvent(db: pg.PoolClient, actor: Actor, requestId: number): Promise<StoredEvent> {
  const r = await findSpeakerRequest(db, requestId, { forUpdate: true });
  if (!r) throw new WorkflowError('That speaker request does not exist.', 'NOT_FOUND');
  if (r.status !== 'confirmed' && r.status !== 'completed')
    throw new WorkflowError('Only a confirmed engagement can become an event. Confirm it first.', 'ILLEGAL_STEP');
  if (r.eventSlug) throw new WorkflowError('This engagement is already an event.', 'ILLEGAL_STEP');
  const base = slugify(r.eventName);
  let slug = base;
  for (let n = 2; (await db.query('select 1 from events where slug = $1', [slug])).rows.length; n++) slug = `${base}-${n}`;
  const speaker = r.speaker
    ? (
        await db.query<{ name: string | null; job_title: string | null; agency: string | null }>('select name, job_title, agency from members where id = $1', [
          r.speaker.id,
        ])
      ).rows[0]
    : undefined;
  const input: EventInput = {
    slug,
    kind: r.online && r.format !== 'workshop' ? 'webinar' : KIND_FOR[r.format],
    status: 'draft',
    title: r.eventName,
    summary: `${speaker?.name ?? 'A member of the speakers bureau'} speaks at ${r.eventName}, hosted by ${r.organization}.`,
    body: [`Topic: ${r.topic}`, '', `Audience: ${r.audience}${r.audienceSize ? ` (about ${r.audienceSize} people)` : ''}`].join('\n'),
    timeZone: r.timeZone,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    host: r.organization,
    organizer: r.organization,
    topics: [],
    format: r.online ? 'online' : 'in-person',
    venue: r.online ? {} : { name: r.location ?? undefined },
    registration: 'none',
    recorded: false,
    questions: [],
    communityIds: [r.communityId],
    presenters: r.speaker
      ? [{ memberId: r.speaker.id, name: speaker?.name ?? r.speaker.name, title: speaker?.job_title ?? undefined, agency: speaker?.agency ?? undefined }]
      : [],
    extra: { speakerRequestId: r.id },
  };
  const event = await createEvent(db, actor, input, { source: 'web' });
  await db.query('update speaker_requests set event_id = $2, updated_at = now() where id = $1', [r.id, event.id]);
  await recordAudit(db, actor, { action: 'speaker-request.event', subjectType: 'speaker_request', subjectId: String(r.id), after: { event: event.slug } });
  return event;
}

/**
 * Speaker requests by present status, created in [from, to), one community or all. Only a test
 * uses it: the metrics dashboard reads the request history (speakerRequestsSource, metrics.ts).
 */
export async function speakerRequestCounts(
  db: Queryable,
  f: { communityId?: number; from?: Date; to?: Date } = {},
): Promise<Array<{ status: string; n: number }>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `select status, count(*)::int as n from speaker_requests
      where ($1::bigint is null or community_id = $1) and ($2::timestamptz is null or created_at >= $2) and ($3::timestamptz is null or created_at < $3)
      group by status order by status`,
    [f.communityId ?? null, f.from ?? null, f.to ?? null],
  );
  return rows;
}
