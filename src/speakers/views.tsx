/** Pages of the speakers bureau: the public directory, profiles, the request form and its status page (a member's profile and proposals: profile-views.tsx; consultations: consultation-views.tsx; coordinators' request pages: admin-views.tsx). */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Alert, CsrfField, ErrorSummary, RadioGroup, SelectField, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { COMMON_ZONES, formatWhen } from '../events/index.ts';
import type { SpeakerProfile, DirectoryFilter } from './profiles.ts';
import { FORMATS, FORMAT_TEXT, type RequestFormValues } from './request-form.ts';
import { HONEYPOT_FIELD, STAMP_FIELD } from './spam.ts';
import type { HistoryEntry, SpeakerRequest } from './store.ts';
import { REQUEST_STATUS_TEXT } from './workflow.ts';

export interface CommunityRef {
  id: number;
  slug: string;
  title: string;
}

export function crumbs(c: CommunityRef, ...more: Array<{ href?: string; label: string }>) {
  return [{ href: '/communities', label: 'Communities' }, { href: `/communities/${c.slug}`, label: c.title }, ...more];
}

function formatsText(formats: string[]): string {
  return formats.map((f) => FORMAT_TEXT[f as keyof typeof FORMAT_TEXT] ?? f).join(', ');
}

// ---- Public ------------------------------------------------------------------------------

export function DirectoryPage(p: {
  site: Site;
  c: CommunityRef;
  speakers: SpeakerProfile[];
  filter: DirectoryFilter;
  choices: { topics: string[]; agencies: string[] };
}): string {
  const f = p.filter;
  const filtered = Boolean(f.q || f.topic || f.agency || f.format);
  return toHtml(
    <Page site={p.site} title={`Speakers bureau – ${p.c.title}`} section="communities" breadcrumbs={crumbs(p.c, { label: 'Speakers bureau' })}>
      <h1>Speakers bureau</h1>
      <p class="usa-intro" safe>
        {`Members of ${p.c.title} who speak at events and answer questions from other members. Find a speaker, then ask for them with the request form.`}
      </p>
      <p>
        <a class="usa-button" href={`/communities/${p.c.slug}/speakers/request`}>
          Request a speaker
        </a>
      </p>
      <form method="get" action={`/communities/${p.c.slug}/speakers`} class="usa-form usa-form--large" role="search" aria-label="Find a speaker">
        <TextField name="q" label="Search names, topics and bios" value={f.q ?? ''} maxlength={100} />
        <SelectField
          name="topic"
          label="Topic"
          value={f.topic ?? ''}
          options={[{ value: '', label: 'Any topic' }, ...p.choices.topics.map((t) => ({ value: t, label: t }))]}
        />
        <SelectField
          name="agency"
          label="Agency"
          value={f.agency ?? ''}
          options={[{ value: '', label: 'Any agency' }, ...p.choices.agencies.map((a) => ({ value: a, label: a }))]}
        />
        <SelectField
          name="format"
          label="Format"
          value={f.format ?? ''}
          options={[{ value: '', label: 'Any format' }, ...FORMATS.map((x) => ({ value: x, label: FORMAT_TEXT[x] }))]}
        />
        <button class="usa-button" type="submit">
          Find speakers
        </button>
        {filtered ? (
          <a class="margin-left-2" href={`/communities/${p.c.slug}/speakers`}>
            Show everyone
          </a>
        ) : (
          ''
        )}
      </form>
      <h2 safe>{p.speakers.length === 1 ? '1 speaker' : `${p.speakers.length} speakers`}</h2>
      {p.speakers.length ? (
        <ul class="usa-card-group">
          {p.speakers.map((s) => (
            <li class="usa-card tablet:grid-col-6">
              <div class="usa-card__container">
                <div class="usa-card__header">
                  <h3 class="usa-card__heading">
                    <a href={`/communities/${p.c.slug}/speakers/${s.memberId}`} safe>
                      {s.name}
                    </a>
                  </h3>
                </div>
                <div class="usa-card__body">
                  <p safe>{[s.jobTitle, s.agency].filter(Boolean).join(', ')}</p>
                  {s.topics.length ? <p safe>{`Topics: ${s.topics.join(', ')}`}</p> : ''}
                  {s.formats.length ? <p safe>{`Formats: ${formatsText(s.formats)}`}</p> : ''}
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>
          {filtered
            ? 'No speaker matches. Try fewer filters, or ask for a speaker anyway: a coordinator will look for one.'
            : 'No member has a public speaker profile yet. You can still ask for a speaker: a coordinator will look for one.'}
        </p>
      )}
    </Page>,
  );
}

export function SpeakerPage(p: { site: Site; c: CommunityRef; s: SpeakerProfile }): string {
  const s = p.s;
  return toHtml(
    <Page
      site={p.site}
      title={`${s.name} – Speakers bureau`}
      section="communities"
      breadcrumbs={crumbs(p.c, { href: `/communities/${p.c.slug}/speakers`, label: 'Speakers bureau' }, { label: s.name })}
    >
      <h1 safe>{s.name}</h1>
      <p class="usa-intro" safe>
        {[s.jobTitle, s.agency].filter(Boolean).join(', ')}
      </p>
      {s.bio ? <p safe>{s.bio}</p> : ''}
      <dl>
        <dt class="text-bold">Topics</dt>
        <dd safe>{s.topics.join(', ') || 'Not listed'}</dd>
        <dt class="text-bold">Formats</dt>
        <dd safe>{formatsText(s.formats) || 'Not listed'}</dd>
        {s.availability ? (
          <>
            <dt class="text-bold">Availability</dt>
            <dd safe>{s.availability}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <p>
        <a class="usa-button" href={`/communities/${p.c.slug}/speakers/request?speaker=${s.memberId}`}>
          Ask for {(<span safe>{s.name}</span>) as 'safe'} to speak
        </a>
      </p>
    </Page>,
  );
}

const WHERE = [
  { value: 'online', label: 'Online' },
  { value: 'in-person', label: 'In person' },
];
const YES_NO = [
  { value: 'yes', label: 'Yes, press will attend' },
  { value: 'no', label: 'No' },
];

export function RequestFormPage(p: {
  site: Site;
  c: CommunityRef;
  csrf: string;
  stamp: string;
  values: RequestFormValues;
  errors: FieldErrors;
  speakers: SpeakerProfile[];
  notice?: string;
}): string {
  const v = p.values;
  const e = p.errors;
  return toHtml(
    <Page
      site={p.site}
      title={`Request a speaker – ${p.c.title}`}
      section="communities"
      breadcrumbs={crumbs(p.c, { href: `/communities/${p.c.slug}/speakers`, label: 'Speakers bureau' }, { label: 'Request a speaker' })}
    >
      <h1>Request a speaker</h1>
      <p class="usa-intro" safe>
        {`Ask ${p.c.title} for a speaker at your event, or for a consultation with one of our subject matter experts. A coordinator reviews every request and emails you.`}
      </p>
      <Alert kind="error" text={p.notice} />
      <ErrorSummary errors={e} />
      <form method="post" action={`/communities/${p.c.slug}/speakers/request`} class="usa-form usa-form--large" novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name={STAMP_FIELD} value={p.stamp} />
        <div hidden>
          <label for={HONEYPOT_FIELD}>Leave this empty</label>
          <input id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} type="text" value="" autocomplete="off" tabindex="-1" />
        </div>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">About you</legend>
          <TextField name="requesterName" label="Your full name" value={v.requesterName} error={e.requesterName} required autocomplete="name" />
          <TextField name="organization" label="Organization or agency" value={v.organization} error={e.organization} required autocomplete="organization" />
          <TextField
            name="email"
            type="email"
            label="Email address"
            hint="We send updates about your request here. It is never shown publicly."
            value={v.email}
            error={e.email}
            required
            autocomplete="email"
            maxlength={320}
          />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">Your event</legend>
          <TextField name="eventName" label="Event name" value={v.eventName} error={e.eventName} required />
          <TextField name="date" label="Date" hint="Year-month-day, for example 2027-04-15." value={v.date} error={e.date} required maxlength={10} />
          <TextField
            name="startTime"
            label="Start time"
            hint="24-hour clock, for example 14:00."
            value={v.startTime}
            error={e.startTime}
            required
            maxlength={5}
          />
          <TextField name="endTime" label="End time" hint="Leave empty for one hour." value={v.endTime} error={e.endTime} maxlength={5} />
          <SelectField
            name="timeZone"
            label="Time zone"
            value={v.timeZone ?? 'America/New_York'}
            error={e.timeZone}
            required
            options={COMMON_ZONES.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
          />
          <RadioGroup name="where" legend="Is the event online or in person?" options={WHERE} value={v.where} error={e.where} />
          <TextField name="location" label="Location" hint="Venue and city, for an event in person." value={v.location} error={e.location} />
          <TextField
            name="audience"
            label="Audience"
            hint="Who will listen, for example “state and local communicators”."
            value={v.audience}
            error={e.audience}
            required
          />
          <TextField name="audienceSize" label="Expected audience size" value={v.audienceSize} error={e.audienceSize} maxlength={10} />
        </fieldset>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">What you need</legend>
          <TextField name="topic" label="Topic" value={v.topic} error={e.topic} required />
          <SelectField
            name="format"
            label="Format"
            value={v.format ?? ''}
            error={e.format}
            required
            options={[{ value: '', label: '- Choose a format -' }, ...FORMATS.map((x) => ({ value: x, label: FORMAT_TEXT[x] }))]}
          />
          <RadioGroup name="press" legend="Will press attend?" options={YES_NO} value={v.press} error={e.press} />
          <SelectField
            name="preferredSpeaker"
            label="Preferred speaker"
            value={v.preferredSpeaker ?? ''}
            error={e.preferredSpeaker}
            options={[
              { value: '', label: 'No preference' },
              ...p.speakers.map((s) => ({ value: String(s.memberId), label: s.agency ? `${s.name} (${s.agency})` : s.name })),
            ]}
          />
          <TextArea name="notes" label="Anything else we should know" value={v.notes} error={e.notes} maxlength={4000} />
        </fieldset>
        <button class="usa-button" type="submit">
          Send request
        </button>
      </form>
    </Page>,
  );
}

export function RequestDetails({ r, showContact }: { r: SpeakerRequest; showContact: boolean }) {
  const rows: Array<[string, string]> = [
    ['Status', REQUEST_STATUS_TEXT[r.status]],
    ['Event', r.eventName],
    ['Organization', r.organization],
    ...(showContact
      ? ([['Requested by', `${r.requesterName} <${r.requesterEmail}>`]] as Array<[string, string]>)
      : [['Requested by', r.requesterName] as [string, string]]),
    ['When', formatWhen(r.startsAt, r.endsAt, r.timeZone)],
    ['Where', r.online ? 'Online' : (r.location ?? 'In person')],
    ['Audience', `${r.audience}${r.audienceSize ? ` (about ${r.audienceSize} people)` : ''}`],
    ['Topic', r.topic],
    ['Format', FORMAT_TEXT[r.format]],
    ['Press attending', r.press ? 'Yes' : 'No'],
    ['Preferred speaker', r.preferredSpeaker?.name ?? 'No preference'],
    ['Speaker', r.speaker?.name ?? 'Not chosen yet'],
    ...(r.approvalObtained
      ? ([['Supervisor and press office', `Approval obtained${r.approvalNote ? `: ${r.approvalNote}` : ''}`]] as Array<[string, string]>)
      : []),
    ...(r.notes ? ([['Notes', r.notes]] as Array<[string, string]>) : []),
  ];
  return (
    <table class="usa-table usa-table--borderless sg-wrap">
      <caption class="usa-sr-only">The request</caption>
      <tbody>
        {rows.map(([k, val]) => (
          <tr>
            <th scope="row" safe>
              {k}
            </th>
            <td safe>{val}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ROLE_TEXT: Record<string, string> = {
  coordinator: 'Coordinator',
  speaker: 'Speaker',
  requester: 'Requester',
  system: 'Site',
  asker: 'Asker',
  expert: 'Expert',
};

export function HistoryTable({
  entries,
  statusText,
  showActors,
}: {
  entries: Array<{ toStatus: string; actorRole: string; actor?: string | null; note: string | null; at: Date }>;
  statusText: Record<string, string>;
  showActors: boolean;
}) {
  return (
    <table class="usa-table usa-table--borderless usa-table--stacked">
      <caption>History</caption>
      <thead>
        <tr>
          <th scope="col">When (UTC)</th>
          <th scope="col">Became</th>
          <th scope="col">By</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((h) => (
          <tr>
            <td data-label="When (UTC)" safe>
              {h.at.toISOString().slice(0, 16).replace('T', ' ')}
            </td>
            <td data-label="Became" safe>
              {statusText[h.toStatus] ?? h.toStatus}
            </td>
            <td data-label="By" class="sg-wrap" safe>
              {showActors && h.actor ? `${ROLE_TEXT[h.actorRole] ?? h.actorRole} (${h.actor})` : (ROLE_TEXT[h.actorRole] ?? h.actorRole)}
            </td>
            <td data-label="Note" safe>
              {h.note ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatusPage(p: {
  site: Site;
  r: SpeakerRequest;
  history: HistoryEntry[];
  token: string;
  csrf: string;
  canWithdraw: boolean;
  notice?: string;
  error?: string;
}): string {
  return toHtml(
    <Page site={p.site} title={`Your speaker request: ${p.r.eventName}`}>
      <h1 safe>{`Your speaker request: ${p.r.eventName}`}</h1>
      <SuccessNotice text={p.notice} />
      <Alert kind="error" text={p.error} />
      <p
        safe
      >{`Keep this page’s address: it is the only way to see your request without an account. The ${p.r.communityTitle} coordinators email you at each step.`}</p>
      <RequestDetails r={p.r} showContact={false} />
      <HistoryTable entries={p.history.map((h) => ({ ...h, actor: null }))} statusText={REQUEST_STATUS_TEXT} showActors={false} />
      {p.canWithdraw ? (
        <form method="post" action={`/speaker-requests/${p.r.id}/withdraw`}>
          <CsrfField token={p.csrf} />
          <input type="hidden" name="token" value={p.token} />
          <button class="usa-button usa-button--secondary" type="submit">
            Withdraw this request
          </button>
        </form>
      ) : (
        ''
      )}
    </Page>,
  );
}
