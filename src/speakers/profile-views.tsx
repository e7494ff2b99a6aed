/** Speakers pages: a member's own speaker profile, and a proposal a speaker answers. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatShort } from '../events/index.ts';
import { FORMATS, FORMAT_TEXT, type SpeakerFormat } from './request-form.ts';
import type { SpeakerRequest } from './store.ts';
import { CONSULTATION_STATUS_TEXT, REQUEST_STATUS_TEXT, type ConsultationStatus } from './workflow.ts';
import { RequestDetails, type CommunityRef } from './views.tsx';

export interface ProfileFormValues {
  active: boolean;
  topics: string;
  formats: SpeakerFormat[];
  bio: string;
  availability: string;
  public: boolean;
}

export function MySpeakerPage(p: {
  site: Site;
  csrf: string;
  values: ProfileFormValues;
  agency: string | null;
  errors: FieldErrors;
  saved?: string;
  proposals: SpeakerRequest[];
  consultations: Array<{ id: number; topic: string; status: ConsultationStatus; mine: boolean; communityTitle: string }>;
  communities: CommunityRef[];
}): string {
  const v = p.values;
  return toHtml(
    <Page
      site={p.site}
      title="Your speaker and expert profile"
      section="account"
      breadcrumbs={[{ href: '/account', label: 'Your account' }, { label: 'Speaker and expert profile' }]}
    >
      <h1>Your speaker and expert profile</h1>
      <SuccessNotice text={p.saved} />
      <ErrorSummary errors={p.errors} />
      <h2>Requests for you</h2>
      {p.proposals.length ? (
        <ul class="usa-list">
          {p.proposals.map((r) => (
            <li>
              <a href={`/account/speaker/requests/${r.id}`} safe>
                {`${r.eventName} (${formatShort(r.startsAt, r.timeZone)})`}
              </a>{' '}
              <span class="usa-tag" safe>
                {REQUEST_STATUS_TEXT[r.status]}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No one has proposed you as a speaker yet.</p>
      )}
      <h2>Questions to the experts</h2>
      {p.consultations.length ? (
        <ul class="usa-list">
          {p.consultations.map((q) => (
            <li>
              <a href={`/consultations/${q.id}`} safe>
                {q.topic}
              </a>{' '}
              <span safe>{`(${q.mine ? 'you asked' : 'sent to you'}, ${q.communityTitle}) – ${CONSULTATION_STATUS_TEXT[q.status]}`}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No questions yet.</p>
      )}
      {p.communities.map((c) => (
        <p>
          <a href={`/communities/${c.slug}/consultations/new`} safe>
            {`Ask the experts of ${c.title} a question`}
          </a>
        </p>
      ))}
      <h2>Your profile</h2>
      <p>Speakers must clear every invitation with their supervisor and press office before accepting it.</p>
      <form method="post" action="/account/speaker" class="usa-form usa-form--large">
        <CsrfField token={p.csrf} />
        <Checkbox name="active" label="I am on the speakers bureau and answer questions as an expert" checked={v.active} />
        <TextField
          name="topics"
          label="Topics of expertise"
          hint="Separate topics with commas, for example: accessibility, crisis communication."
          value={v.topics}
          error={p.errors.topics}
          maxlength={1000}
        />
        <fieldset class="usa-fieldset" id="formats">
          <legend class="usa-legend">Formats you offer</legend>
          {p.errors.formats ? (
            <span class="usa-error-message" safe>
              {p.errors.formats}
            </span>
          ) : (
            ''
          )}
          {FORMATS.map((f) => (
            <div class="usa-checkbox">
              <input class="usa-checkbox__input" id={`format-${f}`} type="checkbox" name="formats" value={f} checked={v.formats.includes(f)} />
              <label class="usa-checkbox__label" for={`format-${f}`} safe>
                {FORMAT_TEXT[f]}
              </label>
            </div>
          ))}
        </fieldset>
        <TextArea name="bio" label="Short bio" value={v.bio} error={p.errors.bio} maxlength={1000} />
        <p safe>{`Agency: ${p.agency ?? 'not set'} (change it on your account page).`}</p>
        <TextArea
          name="availability"
          label="Availability"
          hint="For example: weekdays, Washington D.C. area, online anywhere."
          value={v.availability}
          maxlength={500}
          rows={2}
        />
        <Checkbox name="public" label="Show my profile in the public speakers directory (your email address is never shown)" checked={v.public} />
        <button class="usa-button" type="submit">
          Save profile
        </button>
      </form>
    </Page>,
  );
}

export function ProposalPage(p: {
  site: Site;
  r: SpeakerRequest;
  csrf: string;
  canAnswer: boolean;
  errors: FieldErrors;
  values: { approvalNote: string; note: string; approval: boolean };
}): string {
  const r = p.r;
  return toHtml(
    <Page
      site={p.site}
      title={`Speaker request: ${r.eventName}`}
      section="account"
      breadcrumbs={[{ href: '/account', label: 'Your account' }, { href: '/account/speaker', label: 'Speaker profile' }, { label: r.eventName }]}
    >
      <h1 safe>{`Speaker request: ${r.eventName}`}</h1>
      <ErrorSummary errors={p.errors} />
      <RequestDetails r={r} showContact={r.status === 'accepted' || r.status === 'confirmed'} />
      {p.canAnswer ? (
        <>
          <h2>Accept</h2>
          <p>Before you accept, clear this invitation with your supervisor and your press office{r.press ? ' (press will attend)' : ''}.</p>
          <form method="post" action={`/account/speaker/requests/${r.id}`} class="usa-form usa-form--large">
            <CsrfField token={p.csrf} />
            <input type="hidden" name="answer" value="accept" />
            <Checkbox name="approval" label="My supervisor and press office approved this invitation" checked={p.values.approval} error={p.errors.approval} />
            <TextField
              name="approvalNote"
              label="Note about the approval"
              hint="For example who approved it and when."
              value={p.values.approvalNote}
              maxlength={500}
            />
            <button class="usa-button" type="submit">
              Accept
            </button>
          </form>
          <h2>Decline</h2>
          <form method="post" action={`/account/speaker/requests/${r.id}`} class="usa-form usa-form--large">
            <CsrfField token={p.csrf} />
            <input type="hidden" name="answer" value="decline" />
            <TextField name="note" label="Reason, for the coordinators" value={p.values.note} maxlength={500} />
            <button class="usa-button usa-button--secondary" type="submit">
              Decline
            </button>
          </form>
        </>
      ) : (
        ''
      )}
    </Page>,
  );
}

// ---- Coordinators --------------------------------------------------------------------------
