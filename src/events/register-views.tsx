/** HTML for registering for an event: the form a guest or member fills in. */
import Html from '@kitajs/html';
import { Checkbox, CsrfField, ErrorSummary, TextField, type FieldErrors } from '../web/forms.tsx';
import type { Occurrence, StoredEvent } from './model.ts';
import type { Registration, Seats } from './registration.ts';
import { Alert } from './view-parts.tsx';

export interface RegisterFormValues {
  name: string;
  email: string;
  agency: string;
  needsCaptions: boolean;
  needsAsl: boolean;
  accommodationOther: string;
  recordingConsent: boolean;
  conductAck: boolean;
  everySession: boolean;
  answers: Record<string, string>;
}

export type RegistrationState =
  | { kind: 'open'; asMember?: { name: string; email: string } }
  | { kind: 'sign-in'; next: string }
  | { kind: 'join'; communities: Array<{ slug: string; title: string }> }
  | { kind: 'external'; url: string }
  | { kind: 'none' }
  | { kind: 'closed'; reason: string }
  | { kind: 'registered'; registration: Registration; manageHref: string };

/** Why a form that was filled in correctly was still refused (too many registrations): shown above it, with what was typed kept below. */
export interface FormProblem {
  heading: string;
  text: string;
}

export function RegisterForm(p: { e: StoredEvent; o: Occurrence; state: { kind: 'open'; asMember?: { name: string; email: string } }; csrf: string; values?: RegisterFormValues | undefined; errors: FieldErrors; seats: Seats; problem?: FormProblem | undefined }) {
  const v = p.values;
  const e = p.errors;
  const full = p.seats.capacity !== undefined && p.seats.taken >= p.seats.capacity;
  return (
    // The fragment brings the answer's page to this form, where any problem is explained.
    <form class="usa-form maxw-full" method="post" action={`/events/${p.e.slug}/register#register-heading`} novalidate>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="session" value={String(p.o.id)} />
      <ErrorSummary errors={e} />
      {p.problem ? (
        <div class="usa-alert usa-alert--error margin-bottom-3" role="alert" aria-labelledby="register-problem-heading">
          <div class="usa-alert__body">
            <h3 class="usa-alert__heading" id="register-problem-heading" safe>{p.problem.heading}</h3>
            <p class="usa-alert__text" safe>{p.problem.text}</p>
          </div>
        </div>
      ) : (
        ''
      )}
      {full ? <Alert kind="info">This session is full. Register to join the waiting list: if a seat frees up, we will email you.</Alert> : ''}
      {p.state.asMember ? (
        <p>
          Registering as <strong safe>{p.state.asMember.name}</strong> (<span safe>{p.state.asMember.email}</span>).
        </p>
      ) : (
        <>
          <TextField name="name" label="Your name" value={v?.name} error={e.name} required autocomplete="name" />
          <TextField name="email" label="Email address" type="email" value={v?.email} error={e.email} required autocomplete="email" hint="We email you a link here. Your registration counts only once you open it and confirm." />
          <TextField name="agency" label="Agency or organization" value={v?.agency} error={e.agency} autocomplete="organization" />
        </>
      )}
      {p.e.rrule ? (
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Which sessions?</legend>
          <div class="usa-radio">
            <input class="usa-radio__input" id="every-no" type="radio" name="everySession" value="no" checked={!v?.everySession} />
            <label class="usa-radio__label" for="every-no">
              This session only
            </label>
          </div>
          <div class="usa-radio">
            <input class="usa-radio__input" id="every-yes" type="radio" name="everySession" value="yes" checked={Boolean(v?.everySession)} />
            <label class="usa-radio__label" for="every-yes">
              Every session from this one on
            </label>
          </div>
        </fieldset>
      ) : (
        ''
      )}
      <fieldset class="usa-fieldset">
        <legend class="usa-legend">Accommodations (optional)</legend>
        <p class="usa-hint">The organizers get your request and arrange it.</p>
        <Checkbox name="needsCaptions" label="Live captions (CART)" checked={v?.needsCaptions} />
        <Checkbox name="needsAsl" label="American Sign Language (ASL) interpreter" checked={v?.needsAsl} />
        <TextField name="accommodationOther" label="Anything else you need to take part" value={v?.accommodationOther} maxlength={500} />
      </fieldset>
      {p.e.questions.map((q) => (
        <TextField name={`q_${q.id}`} label={q.label} value={v?.answers[q.id]} error={e[`q_${q.id}`]} required={q.required} maxlength={1000} />
      ))}
      {p.e.recorded ? <Checkbox name="recordingConsent" label="I understand this event is recorded and agree to being recorded if I speak or appear on camera." checked={v?.recordingConsent} error={e.recordingConsent} /> : ''}
      {p.e.conductUrl ? (
        <>
          <p>
            Read the <a class="usa-link" href={p.e.conductUrl}>code of conduct</a> before you register.
          </p>
          <Checkbox name="conductAck" label="I have read and will follow the code of conduct." checked={v?.conductAck} error={e.conductAck} />
        </>
      ) : (
        ''
      )}
      <button class="usa-button" type="submit">
        {full ? 'Join the waiting list' : 'Register'}
      </button>
    </form>
  );
}
