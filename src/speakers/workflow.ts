/**
 * The speaker request workflow and the consultation workflow as plain data: which step may follow
 * which, and who may take it. One pure function answers "may this person do this now?", with a
 * message that says what to do instead.
 */

export const REQUEST_STATUSES = ['new', 'in_review', 'matched', 'accepted', 'declined', 'confirmed', 'completed', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_STATUS_TEXT: Record<RequestStatus, string> = {
  new: 'New',
  in_review: 'In review',
  matched: 'Speaker proposed',
  accepted: 'Speaker accepted',
  declined: 'Speaker declined',
  confirmed: 'Confirmed',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
};

/** Who takes a step: the community's coordinator, the proposed speaker, the person who asked, or a job. */
export type ActorRole = 'coordinator' | 'speaker' | 'requester' | 'system';

interface Step {
  to: RequestStatus;
  by: ActorRole[];
}

const REQUEST_STEPS: Record<RequestStatus, Step[]> = {
  new: [
    { to: 'in_review', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  in_review: [
    { to: 'matched', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  matched: [
    { to: 'accepted', by: ['speaker'] },
    { to: 'declined', by: ['speaker'] },
    // The coordinator takes the proposal back (e.g. the speaker is away and cannot answer).
    { to: 'in_review', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  accepted: [
    { to: 'confirmed', by: ['coordinator'] },
    { to: 'in_review', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  declined: [
    { to: 'matched', by: ['coordinator'] },
    { to: 'in_review', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  confirmed: [
    { to: 'completed', by: ['coordinator'] },
    { to: 'withdrawn', by: ['coordinator', 'requester'] },
  ],
  completed: [],
  withdrawn: [],
};

export type TransitionCheck = { ok: true } | { ok: false; code: 'ILLEGAL_STEP' | 'NOT_ALLOWED'; message: string };

const ROLE_TEXT: Record<ActorRole, string> = {
  coordinator: 'a coordinator',
  speaker: 'the proposed speaker',
  requester: 'the person who asked',
  system: 'the site',
};

/** Whether `role` may move a speaker request from `from` to `to`. */
export function checkRequestStep(from: RequestStatus, to: RequestStatus, role: ActorRole): TransitionCheck {
  const step = REQUEST_STEPS[from].find((s) => s.to === to);
  if (!step) {
    const next = REQUEST_STEPS[from].map((s) => REQUEST_STATUS_TEXT[s.to].toLowerCase());
    return {
      ok: false,
      code: 'ILLEGAL_STEP',
      message: next.length
        ? `A request that is “${REQUEST_STATUS_TEXT[from]}” cannot become “${REQUEST_STATUS_TEXT[to]}”. It can become: ${next.join(', ')}. Reload the page to see its current state.`
        : `This request is ${REQUEST_STATUS_TEXT[from].toLowerCase()}: nothing more can change. Ask for a new speaker with the request form.`,
    };
  }
  if (!step.by.includes(role)) {
    return {
      ok: false,
      code: 'NOT_ALLOWED',
      message: `Only ${step.by.map((r) => ROLE_TEXT[r]).join(' or ')} can mark this request “${REQUEST_STATUS_TEXT[to]}”.`,
    };
  }
  return { ok: true };
}

/** The steps `role` may take from `from` (for showing only the buttons that work). */
export function requestStepsFor(from: RequestStatus, role: ActorRole): RequestStatus[] {
  return REQUEST_STEPS[from].filter((s) => s.by.includes(role)).map((s) => s.to);
}

export function isOpenRequest(status: RequestStatus): boolean {
  return REQUEST_STEPS[status].length > 0;
}

// ---- Consultations ---------------------------------------------------------------------

export const CONSULTATION_STATUSES = ['open', 'taken', 'answered', 'closed'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];
export const CONSULTATION_STATUS_TEXT: Record<ConsultationStatus, string> = {
  open: 'Waiting for an expert',
  taken: 'An expert is on it',
  answered: 'Answered',
  closed: 'Closed',
};

/** Who acts on a consultation: the member who asked, an expert it was routed to, a coordinator. */
export type ConsultationRole = 'asker' | 'expert' | 'coordinator';

const CONSULTATION_STEPS: Record<ConsultationStatus, Array<{ to: ConsultationStatus; by: ConsultationRole[] }>> = {
  open: [
    { to: 'taken', by: ['expert'] },
    { to: 'closed', by: ['asker', 'coordinator'] },
  ],
  // The expert who took it may hand it back for another expert.
  taken: [
    { to: 'answered', by: ['expert'] },
    { to: 'open', by: ['expert', 'coordinator'] },
    { to: 'closed', by: ['asker', 'coordinator'] },
  ],
  answered: [{ to: 'closed', by: ['asker', 'expert', 'coordinator'] }],
  closed: [],
};

const CONSULTATION_ROLE_TEXT: Record<ConsultationRole, string> = {
  asker: 'the member who asked',
  expert: 'an expert it was sent to',
  coordinator: 'a coordinator',
};

export function checkConsultationStep(from: ConsultationStatus, to: ConsultationStatus, role: ConsultationRole): TransitionCheck {
  const step = CONSULTATION_STEPS[from].find((s) => s.to === to);
  if (!step) {
    return {
      ok: false,
      code: 'ILLEGAL_STEP',
      message: `A consultation that is “${CONSULTATION_STATUS_TEXT[from]}” cannot become “${CONSULTATION_STATUS_TEXT[to]}”. Reload the page to see its current state.`,
    };
  }
  if (!step.by.includes(role))
    return { ok: false, code: 'NOT_ALLOWED', message: `Only ${step.by.map((r) => CONSULTATION_ROLE_TEXT[r]).join(' or ')} can do this.` };
  return { ok: true };
}

export function consultationStepsFor(from: ConsultationStatus, roles: ConsultationRole[]): ConsultationStatus[] {
  return CONSULTATION_STEPS[from].filter((s) => s.by.some((r) => roles.includes(r))).map((s) => s.to);
}

/** A step refused: the message is for people, the code for programs. */
export class WorkflowError extends Error {
  constructor(
    message: string,
    readonly code: 'ILLEGAL_STEP' | 'NOT_ALLOWED' | 'MISSING' | 'NOT_FOUND',
  ) {
    super(message);
  }
}
