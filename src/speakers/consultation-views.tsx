/** Speakers pages: asking the community's experts a question, and the question's page. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Alert, CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import type { Consultation, ConsultationHistoryEntry } from './consultations.ts';
import { CONSULTATION_STATUS_TEXT, type ConsultationStatus } from './workflow.ts';
import { crumbs, HistoryTable, type CommunityRef } from './views.tsx';

export function AskPage(p: { site: Site; c: CommunityRef; csrf: string; values: { topic: string; question: string }; errors: FieldErrors }): string {
  return toHtml(
    <Page site={p.site} title={`Ask the experts – ${p.c.title}`} section="communities" breadcrumbs={crumbs(p.c, { label: 'Ask the experts' })}>
      <h1>Ask the experts</h1>
      <p class="usa-intro">Your question goes privately to the community’s experts on its topic. Only you, those experts and the coordinators can read it.</p>
      <ErrorSummary errors={p.errors} />
      <form method="post" action={`/communities/${p.c.slug}/consultations/new`} class="usa-form usa-form--large">
        <CsrfField token={p.csrf} />
        <TextField name="topic" label="Topic" hint="For example: accessibility, crisis communication." value={p.values.topic} error={p.errors.topic} required />
        <TextArea name="question" label="Your question" value={p.values.question} error={p.errors.question} required maxlength={5000} rows={6} />
        <button class="usa-button" type="submit">
          Send to the experts
        </button>
      </form>
    </Page>,
  );
}

export function ConsultationPage(p: {
  site: Site;
  q: Consultation;
  history: ConsultationHistoryEntry[];
  csrf: string;
  steps: ConsultationStatus[];
  notice?: string;
  error?: string;
  answer: string;
}): string {
  const q = p.q;
  const action = `/consultations/${q.id}`;
  const button = (to: ConsultationStatus, label: string, secondary = false) => (
    <form method="post" action={action} class="display-inline-block margin-right-1">
      <CsrfField token={p.csrf} />
      <input type="hidden" name="to" value={to} />
      <button class={secondary ? 'usa-button usa-button--secondary' : 'usa-button'} type="submit" safe>
        {label}
      </button>
    </form>
  );
  return toHtml(
    <Page
      site={p.site}
      title={`Question: ${q.topic}`}
      section="account"
      breadcrumbs={[{ href: '/account', label: 'Your account' }, { href: '/account/speaker', label: 'Speaker profile' }, { label: q.topic }]}
    >
      <h1 safe>{`Question: ${q.topic}`}</h1>
      <SuccessNotice text={p.notice} />
      <Alert kind="error" text={p.error} />
      <p>
        <span class="usa-tag" safe>
          {CONSULTATION_STATUS_TEXT[q.status]}
        </span>
      </p>
      <p safe>{`Asked by ${q.asker.name} in ${q.communityTitle}. Sent to: ${q.experts.map((e) => e.name).join(', ')}.`}</p>
      <h2>Question</h2>
      <p class="sg-pre-wrap" safe>
        {q.question}
      </p>
      {q.answer ? (
        <>
          <h2 safe>{`Answer from ${q.expert?.name ?? 'an expert'}`}</h2>
          <p class="sg-pre-wrap" safe>
            {q.answer}
          </p>
        </>
      ) : q.expert ? (
        <p safe>{`${q.expert.name} is answering.`}</p>
      ) : (
        ''
      )}
      {p.steps.includes('answered') ? (
        <form method="post" action={action} class="usa-form usa-form--large">
          <CsrfField token={p.csrf} />
          <input type="hidden" name="to" value="answered" />
          <TextArea name="answer" label="Your answer" value={p.answer} error={p.error && !p.answer ? p.error : undefined} required maxlength={10000} rows={6} />
          <button class="usa-button" type="submit">
            Send answer
          </button>
        </form>
      ) : (
        ''
      )}
      <div class="margin-y-2">
        {p.steps.includes('taken') ? button('taken', 'Take this question') : ''}
        {p.steps.includes('open') ? button('open', 'Hand it back to the other experts', true) : ''}
        {p.steps.includes('closed') ? button('closed', 'Close', true) : ''}
      </div>
      <HistoryTable entries={p.history.map((h) => ({ ...h, actor: h.actorName }))} statusText={CONSULTATION_STATUS_TEXT} showActors={true} />
    </Page>,
  );
}
