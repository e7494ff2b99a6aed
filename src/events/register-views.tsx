/** HTML for registering for an event: the form a guest or member fills in, on its own page; where registration stands; the time-zone choice. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, RadioGroup, SelectField, TextField, type FieldErrors } from '../web/forms.tsx';
import type { Occurrence, StoredEvent } from './model.ts';
import type { Registration, Seats } from './registration.ts';
import { formatWhen } from './time.ts';
import { Alert, sessionHref } from './view-parts.tsx';

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

function RegisterForm(p: {
  e: StoredEvent;
  o: Occurrence;
  state: { kind: 'open'; asMember?: { name: string; email: string } };
  csrf: string;
  values?: RegisterFormValues | undefined;
  errors: FieldErrors;
  seats: Seats;
  problem?: FormProblem | undefined;
}) {
  const v = p.values;
  const e = p.errors;
  const full = p.seats.capacity !== undefined && p.seats.taken >= p.seats.capacity;
  return (
    // The fragment brings the answer's page to this form, where any problem is explained.
    <form class="usa-form usa-form--large" method="post" action={`/events/${p.e.slug}/register#register-heading`} novalidate>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="session" value={String(p.o.id)} />
      <ErrorSummary errors={e} />
      {p.problem ? (
        <div class="usa-alert usa-alert--error margin-bottom-3" role="alert" aria-labelledby="register-problem-heading">
          <div class="usa-alert__body">
            <h3 class="usa-alert__heading" id="register-problem-heading" safe>
              {p.problem.heading}
            </h3>
            <p class="usa-alert__text" safe>
              {p.problem.text}
            </p>
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
          <TextField
            name="email"
            label="Email address"
            type="email"
            value={v?.email}
            error={e.email}
            required
            autocomplete="email"
            hint="We email you a link here. Your registration counts only once you open it and confirm."
          />
          <TextField name="agency" label="Agency or organization" value={v?.agency} error={e.agency} autocomplete="organization" />
        </>
      )}
      {p.e.rrule ? (
        <RadioGroup
          name="everySession"
          legend="Which sessions?"
          value={v?.everySession ? 'yes' : 'no'}
          options={[
            { value: 'no', label: 'This session only' },
            { value: 'yes', label: 'Every session from this one on' },
          ]}
        />
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
      {p.e.recorded ? (
        <Checkbox
          name="recordingConsent"
          label="I understand this event is recorded and agree to being recorded if I speak or appear on camera."
          checked={v?.recordingConsent}
          error={e.recordingConsent}
        />
      ) : (
        ''
      )}
      {p.e.conductUrl ? (
        <>
          <p>
            Read the{' '}
            <a class="usa-link" href={p.e.conductUrl}>
              code of conduct
            </a>{' '}
            before you register.
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

/** How many seats are left (for a capped session). */
export function SeatsLine({ seats }: { seats: Seats }) {
  if (seats.capacity === undefined) return '';
  return (
    <p
      safe
    >{`${Math.max(seats.capacity - seats.taken, 0)} of ${seats.capacity} seats left${seats.waiting ? `; ${seats.waiting} on the waiting list` : ''}.`}</p>
  );
}

/** Where registration stands when there is no form to fill in: sign in, join, elsewhere, closed, or registered already. */
export function RegistrationStanding({ state: s }: { state: Exclude<RegistrationState, { kind: 'open' }> }) {
  switch (s.kind) {
    case 'sign-in':
      return (
        <p>
          This event is for members.{' '}
          <a class="usa-button" href={`/signin?next=${encodeURIComponent(s.next)}`}>
            Sign in to register
          </a>
        </p>
      );
    case 'join':
      return (
        <>
          <p>This event is for members of:</p>
          <ul class="usa-list">
            {s.communities.map((c) => (
              <li>
                <a class="usa-link" href={`/communities/${c.slug}/join`} safe>{`Join ${c.title}`}</a>
              </li>
            ))}
          </ul>
        </>
      );
    case 'external':
      return (
        <p>
          <a class="usa-button" href={s.url}>
            Register on the organizer’s website
          </a>
        </p>
      );
    case 'none':
      return <p>No registration is needed.</p>;
    case 'closed':
      return <p safe>{s.reason}</p>;
    case 'registered': {
      const r = s.registration;
      const text =
        r.status === 'registered'
          ? 'You are registered for this session.'
          : r.status === 'offered'
            ? 'A seat is held for you: confirm it on your registration page.'
            : 'You are on the waiting list for this session.';
      return (
        <>
          <Alert kind="success">{text}</Alert>
          <p>
            <a class="usa-link" href={s.manageHref}>
              Your registration: change or cancel
            </a>
          </p>
        </>
      );
    }
  }
}

/** The registration form on its own page, with the session it is for; or where registration stands when there is no form. */
export function RegisterPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  state: RegistrationState;
  csrf: string;
  values?: RegisterFormValues | undefined;
  errors?: FieldErrors;
  seats: Seats;
  problem?: FormProblem | undefined;
}): string {
  const { e, o, state: s } = p;
  const title = `Register for ${e.title}`;
  return toHtml(
    <Page
      site={p.site}
      title={title}
      section="events"
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { href: sessionHref(e, o), label: e.title }, { label: 'Register' }]}
    >
      {/* The form's answer opens here (#register-heading), where any problem is explained. */}
      <h1 id="register-heading" safe>
        {title}
      </h1>
      <p>
        <time datetime={o.startsAt.toISOString()} safe>
          {formatWhen(o.startsAt, o.endsAt, e.timeZone)}
        </time>
      </p>
      {s.kind === 'open' || s.kind === 'registered' ? <SeatsLine seats={p.seats} /> : ''}
      {s.kind === 'open' ? (
        <RegisterForm e={e} o={o} state={s} csrf={p.csrf} values={p.values} errors={p.errors ?? {}} seats={p.seats} problem={p.problem} />
      ) : (
        <RegistrationStanding state={s} />
      )}
      <p class="margin-top-4">
        <a class="usa-link" href={sessionHref(e, o)} safe>{`Back to ${e.title}`}</a>
      </p>
    </Page>,
  );
}

/** Choose a time zone to also show event times in (kept in a cookie), then go back to the event. */
export function TimeZonePage(p: { site: Site; back: string; zones: string[]; chosen: string | undefined; csrf: string }): string {
  return toHtml(
    <Page
      site={p.site}
      title="Show times in another time zone"
      section="events"
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: 'Time zone' }]}
    >
      <h1>Show times in another time zone</h1>
      <p>Event pages show each time in the event’s own time zone and also in the one you choose here. Your choice is kept in this browser.</p>
      <form method="post" action="/events/time-zone" class="usa-form">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="back" value={p.back} />
        <SelectField name="tz" label="Also show times in" required value={p.chosen} options={p.zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))} />
        <button class="usa-button margin-top-2" type="submit">
          Show times
        </button>
      </form>
      <p class="margin-top-4">
        <a class="usa-link" href={p.back}>
          Back to the event
        </a>
      </p>
    </Page>,
  );
}
