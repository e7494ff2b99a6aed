/** Coordinators' pages for the speakers bureau: the request queue and one request with its actions. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Alert, CsrfField, SelectField, SuccessNotice, TextField } from '../web/forms.tsx';
import { formatShort } from '../events/index.ts';
import type { SpeakerProfile } from './profiles.ts';
import type { HistoryEntry, SpeakerRequest } from './store.ts';
import { CONSULTATION_STATUS_TEXT, REQUEST_STATUS_TEXT, type ConsultationStatus, type RequestStatus } from './workflow.ts';
import { type CommunityRef, crumbs, HistoryTable, RequestDetails } from './views.tsx';

export function AdminListPage(p: {
  site: Site;
  c: CommunityRef;
  requests: SpeakerRequest[];
  consultations: Array<{ id: number; topic: string; status: ConsultationStatus; askerName: string; createdAt: Date }>;
}): string {
  return toHtml(
    <Page site={p.site} title={`Speaker requests – ${p.c.title}`} section="communities" breadcrumbs={crumbs(p.c, { label: 'Speaker requests' })}>
      <h1>Speaker requests</h1>
      {p.requests.length ? (
        <table class="usa-table usa-table--borderless usa-table--stacked">
          <caption>Speaker requests, open ones first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">When</th>
              <th scope="col">Organization</th>
              <th scope="col">Status</th>
              <th scope="col">Speaker</th>
            </tr>
          </thead>
          <tbody>
            {p.requests.map((r) => (
              <tr>
                <td data-label="Event">
                  <a href={`/communities/${p.c.slug}/admin/speaker-requests/${r.id}`} safe>
                    {r.eventName}
                  </a>
                </td>
                <td data-label="When" safe>
                  {formatShort(r.startsAt, r.timeZone)}
                </td>
                <td data-label="Organization" safe>
                  {r.organization}
                </td>
                <td data-label="Status" safe>
                  {REQUEST_STATUS_TEXT[r.status]}
                </td>
                <td data-label="Speaker" safe>
                  {r.speaker?.name ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No speaker requests yet. The public request form is linked from the speakers bureau page.</p>
      )}
      <h2>Questions to the experts</h2>
      {p.consultations.length ? (
        <ul class="usa-list">
          {p.consultations.map((q) => (
            <li>
              <a href={`/consultations/${q.id}`} safe>
                {q.topic}
              </a>{' '}
              <span safe>{`asked by ${q.askerName} – ${CONSULTATION_STATUS_TEXT[q.status]}`}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No member has asked the experts a question yet.</p>
      )}
    </Page>,
  );
}

const ACTION_TEXT: Partial<Record<RequestStatus, string>> = {
  in_review: 'Start review',
  confirmed: 'Confirm the engagement',
  completed: 'Mark completed',
  withdrawn: 'Withdraw the request',
};

export function AdminRequestPage(p: {
  site: Site;
  c: CommunityRef;
  r: SpeakerRequest;
  history: HistoryEntry[];
  csrf: string;
  steps: RequestStatus[];
  speakers: SpeakerProfile[];
  notice?: string;
  error?: string;
}): string {
  const r = p.r;
  const matchable = p.steps.includes('matched');
  return toHtml(
    <Page
      site={p.site}
      title={`Speaker request: ${r.eventName}`}
      section="communities"
      breadcrumbs={crumbs(p.c, { href: `/communities/${p.c.slug}/admin/speaker-requests`, label: 'Speaker requests' }, { label: r.eventName })}
    >
      <h1 safe>{`Speaker request: ${r.eventName}`}</h1>
      <SuccessNotice text={p.notice} />
      <Alert kind="error" text={p.error} />
      <RequestDetails r={r} showContact={true} />
      {r.eventSlug ? (
        <p>
          This engagement is an event: <a href={`/events/${r.eventSlug}/manage`} safe>{`manage ${r.eventName}`}</a>.
        </p>
      ) : (
        ''
      )}
      {matchable ? (
        <form method="post" action={`/communities/${p.c.slug}/admin/speaker-requests/${r.id}`} class="usa-form usa-form--large">
          <CsrfField token={p.csrf} />
          <input type="hidden" name="to" value="matched" />
          <SelectField
            name="speakerId"
            label="Propose a speaker"
            required
            value={String(r.preferredSpeaker?.id ?? '')}
            hint="The speaker is emailed and asked to accept after clearing it with their supervisor and press office."
            options={[
              { value: '', label: '- Choose a speaker -' },
              ...p.speakers.map((s) => ({ value: String(s.memberId), label: `${s.name}${s.topics.length ? ` – ${s.topics.join(', ')}` : ''}` })),
            ]}
          />
          <TextField name="note" label="Note to the speaker" maxlength={500} />
          <button class="usa-button" type="submit">
            Propose this speaker
          </button>
        </form>
      ) : (
        ''
      )}
      {p.steps.filter((s) => s !== 'matched').length ? (
        <div class="margin-y-2">
          {p.steps
            .filter((s) => s !== 'matched')
            .map((s) => (
              <form method="post" action={`/communities/${p.c.slug}/admin/speaker-requests/${r.id}`} class="display-inline-block margin-right-1">
                <CsrfField token={p.csrf} />
                <input type="hidden" name="to" value={s} />
                <button class={s === 'withdrawn' ? 'usa-button usa-button--secondary' : 'usa-button'} type="submit" safe>
                  {ACTION_TEXT[s] ?? `Back to ${REQUEST_STATUS_TEXT[s].toLowerCase()}`}
                </button>
              </form>
            ))}
        </div>
      ) : (
        ''
      )}
      {(r.status === 'confirmed' || r.status === 'completed') && !r.eventSlug ? (
        <form method="post" action={`/communities/${p.c.slug}/admin/speaker-requests/${r.id}/event`}>
          <CsrfField token={p.csrf} />
          <button class="usa-button usa-button--outline" type="submit">
            Make this engagement an event
          </button>
        </form>
      ) : (
        ''
      )}
      <HistoryTable entries={p.history} statusText={REQUEST_STATUS_TEXT} showActors={true} />
    </Page>,
  );
}

// ---- Consultations -------------------------------------------------------------------------
