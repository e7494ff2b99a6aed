/** HTML for organizers: the event form, the sessions of an event, one session, and its registrants. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, SelectField, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import type { EventFormValues } from './event-form.ts';
import {
  FORMAT_TEXT,
  FORMATS,
  KIND_TEXT,
  KINDS,
  PLATFORM_TEXT,
  PLATFORMS,
  REGISTRATION_MODES,
  REGISTRATION_TEXT,
  type Occurrence,
  type StoredEvent,
} from './model.ts';
import type { AttendanceCount, Registration } from './registration.ts';
import { COMMON_ZONES, formatWhen, localDate, localTime } from './time.ts';
import { TableHead } from './view-parts.tsx';

/** The select boxes below list their choices as [value, label] pairs; none is marked optional (each has a default or a “(none)” choice). */
const choices = (pairs: Array<[string, string]>) => pairs.map(([value, label]) => ({ value, label }));

function crumbs(e?: StoredEvent, last?: string) {
  const c: Array<{ href?: string; label: string }> = [
    { href: '/', label: 'Home' },
    { href: '/events', label: 'Events' },
  ];
  if (e) c.push({ href: `/events/${e.slug}`, label: e.title });
  if (last) c.push({ label: last });
  return c;
}

/** A working group's meeting, scheduled from the group's page with this same form. */
export interface GroupMeetingForm {
  title: string;
  /** Where the form posts. */
  action: string;
  breadcrumbs: Array<{ href?: string; label: string }>;
}

/** One button that posts one choice (skip a session, mark attendance), set in a line of text. */
function InlineAction(p: { action: string; csrf: string; field: [string, string]; label: string; spaced?: boolean }) {
  return (
    <form method="post" action={p.action} class={p.spaced ? 'display-inline margin-left-1' : 'display-inline'}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name={p.field[0]} value={p.field[1]} />
      <button class="usa-button usa-button--unstyled" type="submit" safe>
        {p.label}
      </button>
    </form>
  );
}
export function EventFormPage(p: {
  site: Site;
  communities: Array<{ id: number; title: string }>;
  checked: number[];
  values: EventFormValues;
  errors: FieldErrors;
  csrf: string;
  event?: StoredEvent;
  meeting?: GroupMeetingForm;
}): string {
  const v = p.values;
  const e = p.errors;
  const title = p.meeting?.title ?? (p.event ? `Edit ${p.event.title}` : 'Create an event');
  const action = p.meeting?.action ?? (p.event ? `/events/${p.event.slug}/edit` : '/events/new');
  return toHtml(
    <Page
      site={p.site}
      title={title}
      section={p.meeting ? 'communities' : 'events'}
      breadcrumbs={p.meeting?.breadcrumbs ?? crumbs(p.event, p.event ? 'Edit' : 'Create an event')}
    >
      <h1 safe>{title}</h1>
      {p.meeting ? (
        <p>
          The meeting is an event of the group’s community: members register, get the invitation with a calendar file, and find it on the group’s page and in
          the events calendar.
        </p>
      ) : (
        ''
      )}
      <form class="usa-form usa-form--large" method="post" action={action} novalidate>
        <CsrfField token={p.csrf} />
        <ErrorSummary errors={e} />
        {p.meeting ? (
          ''
        ) : (
          <fieldset class={e.communities ? 'usa-fieldset usa-form-group usa-form-group--error' : 'usa-fieldset'}>
            <legend class="usa-legend" id="communities">
              Communities
            </legend>
            {e.communities ? (
              <span class="usa-error-message" safe>
                {e.communities}
              </span>
            ) : (
              ''
            )}
            {p.communities.map((c) => (
              <div class="usa-checkbox">
                <input
                  class="usa-checkbox__input"
                  id={`community-${c.id}`}
                  type="checkbox"
                  name="communities"
                  value={String(c.id)}
                  checked={p.checked.includes(c.id)}
                />
                <label class="usa-checkbox__label" for={`community-${c.id}`} safe>
                  {c.title}
                </label>
              </div>
            ))}
          </fieldset>
        )}
        <TextField name="title" label="Title" value={v.title} error={e.title} required />
        <TextField
          name="slug"
          label="Web address name"
          value={v.slug}
          error={e.slug}
          hint="Lower-case letters, digits and hyphens; made from the title when empty."
          maxlength={80}
        />
        <SelectField
          required
          name="kind"
          label="Kind"
          value={v.kind ?? ''}
          error={e.kind}
          options={choices([['', '- Choose -'], ...KINDS.map((k) => [k, KIND_TEXT[k]] as [string, string])])}
        />
        <SelectField
          required
          name="status"
          label="Status"
          value={v.status ?? 'draft'}
          error={e.status}
          options={choices([
            ['draft', 'Draft (only organizers see it)'],
            ['published', 'Published'],
            ['cancelled', 'Cancelled (registrants are told)'],
          ])}
        />
        <TextField name="summary" label="Summary" value={v.summary} error={e.summary} maxlength={500} />
        <TextField name="deck" label="Deck (subtitle)" value={v.deck} maxlength={300} />
        <TextArea name="body" label="Description and agenda (Markdown)" value={v.body} rows={8} maxlength={50000} />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">When</legend>
          <SelectField
            required
            name="timeZone"
            label="Time zone"
            value={v.timeZone || 'America/New_York'}
            error={e.timeZone}
            options={choices(COMMON_ZONES.map((z) => [z, z.replace(/_/g, ' ')] as [string, string]))}
          />
          <TextField
            name="date"
            label="Date of the first session"
            value={v.date}
            error={e.date}
            hint="Year-month-day, like 2026-11-04."
            required
            maxlength={10}
          />
          <TextField name="startTime" label="Start time" value={v.startTime} error={e.startTime} hint="24-hour clock, like 14:00." required maxlength={5} />
          <TextField name="endTime" label="End time" value={v.endTime} error={e.endTime} hint="24-hour clock, like 15:00." required maxlength={5} />
          <SelectField
            required
            name="repeat"
            label="Repeats"
            value={v.repeat ?? 'none'}
            error={e.repeat}
            options={choices([
              ['none', 'Does not repeat'],
              ['weekly', 'Every week on the same day'],
              ['biweekly', 'Every other week on the same day'],
              ['monthly-weekday', 'Every month on the same weekday (like the second Wednesday)'],
              ['monthly-date', 'Every month on the same date'],
              ['custom', 'Custom rule (RRULE)'],
            ])}
          />
          <TextField
            name="until"
            label="Last date (for repeating events)"
            value={v.until}
            error={e.until}
            hint="Year-month-day. Leave empty to repeat until you stop it."
            maxlength={10}
          />
          <TextField name="count" label="Or: number of sessions" value={v.count} error={e.count} maxlength={3} />
          <TextField
            name="rrule"
            label="Custom rule (RRULE)"
            value={v.rrule}
            error={e.rrule}
            hint="For “Custom rule” only, e.g. FREQ=MONTHLY;BYDAY=2WE;COUNT=10."
            maxlength={300}
          />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">Where</legend>
          <SelectField
            required
            name="format"
            label="Format"
            value={v.format ?? ''}
            error={e.format}
            options={choices([['', '- Choose -'], ...FORMATS.map((f) => [f, FORMAT_TEXT[f]] as [string, string])])}
          />
          <TextField name="venueName" label="Venue name" value={v.venueName} error={e.venueName} />
          <TextField name="venueRoom" label="Room" value={v.venueRoom} />
          <TextField name="venueAddress" label="Street address" value={v.venueAddress} />
          <TextField name="venueCity" label="City" value={v.venueCity} />
          <TextField name="venueState" label="State" value={v.venueState} />
          <TextField name="venueZip" label="ZIP code" value={v.venueZip} maxlength={10} />
          <TextField name="venueMap" label="Map link" value={v.venueMap} error={e.venueMap} />
          <SelectField
            required
            name="platform"
            label="Online platform"
            value={v.platform ?? ''}
            error={e.platform}
            options={choices([['', '(none)'], ...PLATFORMS.map((x) => [x, PLATFORM_TEXT[x]] as [string, string])])}
          />
          <TextField name="platformOther" label="Platform name (for Other)" value={v.platformOther} />
          <TextField
            name="joinUrl"
            label="Join link"
            value={v.joinUrl}
            error={e.joinUrl}
            hint="Shown only to registrants, in their confirmation and reminders."
            maxlength={1000}
          />
          <TextField name="captionsUrl" label="Live captions (CART) link" value={v.captionsUrl} error={e.captionsUrl} maxlength={1000} />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">Registration</legend>
          <SelectField
            required
            name="registration"
            label="Who registers"
            value={v.registration ?? 'members'}
            error={e.registration}
            options={choices(REGISTRATION_MODES.map((m) => [m, REGISTRATION_TEXT[m]] as [string, string]))}
          />
          <TextField
            name="externalRegistrationUrl"
            label="Registration page elsewhere"
            value={v.externalRegistrationUrl}
            error={e.externalRegistrationUrl}
            maxlength={1000}
          />
          <TextField
            name="capacity"
            label="Seats per session"
            value={v.capacity}
            error={e.capacity}
            hint="Leave empty for no limit. When full, people join a waiting list."
            maxlength={6}
          />
          <TextField
            name="offerHours"
            label="Hours to confirm a seat from the waiting list"
            value={v.offerHours}
            error={e.offerHours}
            hint="Leave empty for the site default."
            maxlength={3}
          />
          <TextField
            name="conductUrl"
            label="Code of conduct link"
            value={v.conductUrl}
            error={e.conductUrl}
            hint="Registrants must confirm they read it."
            maxlength={1000}
          />
          <Checkbox name="recorded" label="This event is recorded (registrants agree to being recorded)" checked={v.recorded === 'yes'} />
          <TextField
            name="evaluationUrl"
            label="Evaluation form link (sent after the event)"
            value={v.evaluationUrl}
            error={e.evaluationUrl}
            maxlength={1000}
          />
          <TextArea
            name="questions"
            label="Questions for registrants"
            value={v.questions}
            hint="One per line. Start a line with * to make it required."
            rows={3}
          />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">People and topics</legend>
          <TextField name="host" label="Host" value={v.host} />
          <TextField name="organizer" label="Organizer" value={v.organizer} />
          <TextArea
            name="presenters"
            label="Presenters"
            value={v.presenters}
            error={e.presenters}
            hint="One per line: Name | Job title | Agency, and for a member of the site their email address after another |."
            rows={3}
          />
          <TextField name="topics" label="Topics" value={v.topics} hint="Separated by commas, e.g. social-media, accessibility." maxlength={500} />
        </fieldset>
        <button class="usa-button" type="submit">
          {p.meeting ? 'Schedule the meeting' : p.event ? 'Save changes' : 'Create the event'}
        </button>
      </form>
    </Page>,
  );
}

export function ManageEventPage(p: {
  site: Site;
  e: StoredEvent;
  sessions: Occurrence[];
  counts: AttendanceCount[];
  csrf: string;
  notice?: string | undefined;
  now: Date;
}): string {
  const { e } = p;
  const count = new Map(p.counts.map((c) => [c.occurrenceId, c]));
  const totals = p.counts.reduce((a, c) => ({ registered: a.registered + c.registered, attended: a.attended + c.attended }), { registered: 0, attended: 0 });
  return toHtml(
    <Page site={p.site} title={`Manage ${e.title}`} section="events" breadcrumbs={crumbs(e, 'Manage')}>
      <h1 safe>{`Manage ${e.title}`}</h1>
      <SuccessNotice text={p.notice} />
      <p>
        <a class="usa-button usa-button--outline" href={`/events/${e.slug}/edit`}>
          Edit the event
        </a>
      </p>
      <p safe>{`Across all sessions: ${totals.registered} registered, ${totals.attended} attended.`}</p>
      <div class="usa-table-container--scrollable" tabindex="0">
        <table class="usa-table usa-table--borderless">
          <TableHead caption="Sessions" columns={['When', 'Status', 'Registered', 'Waiting', 'Attended', 'Actions']} />
          <tbody>
            {p.sessions.map((o) => {
              const c = count.get(o.id);
              const when = formatWhen(o.startsAt, o.endsAt, e.timeZone);
              const day = o.startsAt.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: e.timeZone });
              return (
                <tr>
                  <th scope="row" safe>
                    {when}
                  </th>
                  <td>
                    {o.status === 'scheduled'
                      ? o.startsAt.getTime() !== o.originalStart.getTime()
                        ? 'Moved'
                        : 'Scheduled'
                      : o.status === 'skipped'
                        ? 'Skipped'
                        : 'Cancelled'}
                  </td>
                  <td safe>{String(c?.registered ?? 0)}</td>
                  <td safe>{String(c?.waitlisted ?? 0)}</td>
                  <td safe>{String(c?.attended ?? 0)}</td>
                  <td>
                    <a class="usa-link display-block" href={`/events/${e.slug}/registrants?session=${o.id}`} aria-label={`Registrants for ${day}`}>
                      Registrants
                    </a>
                    <a class="usa-link display-block" href={`/events/${e.slug}/sessions/${o.id}`} aria-label={`Change or record ${day}`}>
                      Change or add recording
                    </a>
                    {o.endsAt > p.now && o.status === 'scheduled' ? (
                      <InlineAction action={`/events/${e.slug}/sessions/${o.id}`} csrf={p.csrf} field={['action', 'skip']} label={`Skip ${day}`} />
                    ) : (
                      ''
                    )}
                    {o.status !== 'scheduled' && o.endsAt > p.now ? (
                      <InlineAction action={`/events/${e.slug}/sessions/${o.id}`} csrf={p.csrf} field={['action', 'restore']} label={`Restore ${day}`} />
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Page>,
  );
}

export function SessionPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  csrf: string;
  values?: Record<string, string>;
  errors?: FieldErrors;
  notice?: string | undefined;
  now: Date;
}): string {
  const { e, o } = p;
  const v = p.values ?? {};
  const err = p.errors ?? {};
  const action = `/events/${e.slug}/sessions/${o.id}`;
  const when = formatWhen(o.startsAt, o.endsAt, e.timeZone);
  return toHtml(
    <Page site={p.site} title={`Session: ${when}`} section="events" breadcrumbs={crumbs(e, 'Session')}>
      <h1 safe>{`${e.title}: ${when}`}</h1>
      <SuccessNotice text={p.notice} />
      <ErrorSummary errors={err} />
      {o.endsAt > p.now && o.status === 'scheduled' ? (
        <>
          <h2>Move this session</h2>
          <form class="usa-form" method="post" action={action} novalidate>
            <CsrfField token={p.csrf} />
            <input type="hidden" name="action" value="move" />
            <TextField
              name="date"
              label="New date"
              value={v.date ?? localDate(o.startsAt, e.timeZone)}
              error={err.date}
              hint="Year-month-day."
              required
              maxlength={10}
            />
            <TextField
              name="startTime"
              label="New start time"
              value={v.startTime ?? localTime(o.startsAt, e.timeZone)}
              error={err.startTime}
              hint="24-hour clock."
              required
              maxlength={5}
            />
            <TextField
              name="endTime"
              label="New end time"
              value={v.endTime ?? localTime(o.endsAt, e.timeZone)}
              error={err.endTime}
              hint="24-hour clock."
              required
              maxlength={5}
            />
            <button class="usa-button" type="submit">
              Move and tell registrants
            </button>
          </form>
          <h2>Cancel this session</h2>
          <form class="usa-form" method="post" action={action}>
            <CsrfField token={p.csrf} />
            <input type="hidden" name="action" value="cancel" />
            <TextField name="note" label="Message to registrants" value={v.note} maxlength={500} />
            <button class="usa-button usa-button--secondary" type="submit">
              Cancel this session and tell registrants
            </button>
          </form>
        </>
      ) : (
        ''
      )}
      <h2>Recording</h2>
      <form class="usa-form usa-form--large" method="post" action={action} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="action" value="recording" />
        <TextField name="recordingUrl" label="Video link" value={v.recordingUrl ?? o.recording.url} error={err.recordingUrl} maxlength={1000} />
        <TextField name="youtubeId" label="Or: YouTube video id" value={v.youtubeId ?? o.recording.youtubeId} error={err.youtubeId} maxlength={20} />
        <TextField name="recordingTitle" label="Video title" value={v.recordingTitle ?? o.recording.title} maxlength={300} />
        <TextField name="slidesUrl" label="Slides link" value={v.slidesUrl ?? o.recording.slidesUrl} error={err.slidesUrl} maxlength={1000} />
        <TextArea name="transcript" label="Transcript (Markdown)" value={v.transcript ?? o.recording.transcript} rows={8} maxlength={200000} />
        <button class="usa-button" type="submit">
          Save the recording
        </button>
      </form>
    </Page>,
  );
}

export function RegistrantsPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  registrations: Registration[];
  csrf: string;
  notice?: string | undefined;
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** Guests who asked to register and have not yet confirmed their address: not registrants, so counted and not listed. */
  unconfirmed: number;
}): string {
  const { e, o } = p;
  const active = p.registrations.filter((r) => r.status !== 'cancelled' && r.status !== 'expired');
  const when = formatWhen(o.startsAt, o.endsAt, e.timeZone);
  const err = p.errors ?? {};
  const STATUS: Record<Registration['status'], string> = {
    registered: 'Registered',
    waitlisted: 'Waiting list',
    offered: 'Seat offered',
    cancelled: 'Cancelled',
    expired: 'Offer expired',
  };
  return toHtml(
    <Page site={p.site} title={`Registrants: ${e.title}`} section="events" breadcrumbs={crumbs(e, 'Registrants')}>
      <h1 safe>{`Registrants: ${e.title}`}</h1>
      <p safe>{when}</p>
      <SuccessNotice text={p.notice} />
      <p>
        <a class="usa-link margin-right-2" href={`/events/${e.slug}/registrants.csv?session=${o.id}`}>
          Download as CSV
        </a>
        <a class="usa-link" href={`/events/${e.slug}/manage`}>
          All sessions
        </a>
      </p>
      {p.unconfirmed ? (
        <p safe>
          {`${p.unconfirmed === 1 ? '1 guest has' : `${p.unconfirmed} guests have`} asked to register but not yet confirmed their email address. Until they do, they hold no seat, get no mail from this page and are not listed here.`}
        </p>
      ) : (
        ''
      )}
      <div class="usa-table-container--scrollable" tabindex="0">
        <table class="usa-table usa-table--borderless">
          <TableHead
            caption={`${active.length} registrations (cancelled ones are not shown)`}
            columns={['Name', 'Email', 'Agency', 'Status', 'Accommodations', 'Attended']}
          />
          <tbody>
            {active.map((r) => (
              <tr>
                <th scope="row" safe>
                  {r.name}
                </th>
                <td safe>{r.email}</td>
                <td safe>{r.agency ?? ''}</td>
                <td safe>{STATUS[r.status]}</td>
                <td safe>{[r.needsCaptions ? 'Captions' : '', r.needsAsl ? 'ASL' : '', r.accommodationOther ?? ''].filter(Boolean).join('; ')}</td>
                <td>
                  <span>{r.attended === undefined ? 'Not recorded' : r.attended ? 'Yes' : 'No'}</span>
                  <InlineAction
                    action={`/events/${e.slug}/registrants/${r.id}/attendance`}
                    csrf={p.csrf}
                    field={['attended', 'yes']}
                    label={`${r.name} attended`}
                    spaced
                  />
                  <InlineAction
                    action={`/events/${e.slug}/registrants/${r.id}/attendance`}
                    csrf={p.csrf}
                    field={['attended', 'no']}
                    label={`${r.name} did not attend`}
                    spaced
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Message all registrants</h2>
      <form class="usa-form usa-form--large" method="post" action={`/events/${e.slug}/message`} novalidate>
        <CsrfField token={p.csrf} />
        <ErrorSummary errors={err} />
        <input type="hidden" name="session" value={String(o.id)} />
        <TextField name="subject" label="Subject" value={p.values?.subject} error={err.subject} required maxlength={150} />
        <TextArea name="body" label="Message" value={p.values?.body} error={err.body} required rows={6} maxlength={10000} />
        <Checkbox name="includeWaitlist" label="Also send to people on the waiting list" checked={p.values?.includeWaitlist === 'yes'} />
        <button class="usa-button" type="submit">
          Send
        </button>
      </form>
    </Page>,
  );
}
