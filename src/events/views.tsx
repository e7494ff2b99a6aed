/** HTML for the public event pages: the list, the month, one event with registration, a registrant's own page. */
import Html from '@kitajs/html';
import { DateTime } from 'luxon';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, SuccessNotice, TextField, type FieldErrors } from '../web/forms.tsx';
import { renderMarkdown } from '../web/markdown.ts';
import { locationText } from './calendar.ts';
import { FORMAT_TEXT, FORMATS, hasRecording, KIND_TEXT, KINDS, PLATFORM_TEXT, recordingUrl, venueLine, type Occurrence, type StoredEvent } from './model.ts';
import { describeRule, parseRule } from './recurrence.ts';
import type { GuestRequest } from './guest-registration.ts';
import type { Registration, Seats } from './registration.ts';
import type { ListedOccurrence } from './store.ts';
import { COMMON_ZONES, formatShort, formatWhen } from './time.ts';

export function sessionHref(e: StoredEvent, o: Occurrence): string {
  return e.rrule ? `/events/${e.slug}?session=${o.id}` : `/events/${e.slug}`;
}

function Alert({ kind, children }: { kind: 'info' | 'warning' | 'success' | 'error'; children: Html.Children }) {
  return (
    <div class={`usa-alert usa-alert--${kind} usa-alert--slim`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      <div class="usa-alert__body">
        <p class="usa-alert__text">{children as 'safe'}</p>
      </div>
    </div>
  );
}

function SessionItem({ item, headingLevel = 3 }: { item: ListedOccurrence; headingLevel?: 2 | 3 }) {
  const { event: e, occurrence: o } = item;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li class="usa-collection__item">
      <div class="usa-collection__body">
        <Heading class="usa-collection__heading">
          <a class="usa-link" href={sessionHref(e, o)} safe>
            {e.title}
          </a>
        </Heading>
        <p class="usa-collection__description">
          <time datetime={o.startsAt.toISOString()} safe>
            {formatWhen(o.startsAt, o.endsAt, e.timeZone)}
          </time>
        </p>
        {e.summary ? <p class="usa-collection__description" safe>{e.summary}</p> : ''}
        <ul class="usa-collection__meta" aria-label="About this event">
          <li class="usa-collection__meta-item usa-tag" safe>{KIND_TEXT[e.kind]}</li>
          <li class="usa-collection__meta-item" safe>{FORMAT_TEXT[e.format]}</li>
          {o.status === 'cancelled' || e.status === 'cancelled' ? <li class="usa-collection__meta-item usa-tag bg-secondary-dark">Cancelled</li> : ''}
          {hasRecording(o.recording) ? <li class="usa-collection__meta-item">Recording available</li> : ''}
          {e.communities.map((c) => (
            <li class="usa-collection__meta-item" safe>{c.title}</li>
          ))}
        </ul>
      </div>
    </li>
  );
}

export function SessionList({ items, empty, headingLevel = 3 }: { items: ListedOccurrence[]; empty: string; headingLevel?: 2 | 3 }) {
  if (!items.length) return <p safe>{empty}</p>;
  return (
    <ul class="usa-collection">
      {items.map((item) => (
        <SessionItem item={item} headingLevel={headingLevel} />
      ))}
    </ul>
  );
}

export interface EventFilters {
  community?: string;
  kind?: string;
  topic?: string;
  format?: string;
}

function FilterSelect(p: { name: string; label: string; value: string | undefined; options: Array<[string, string]> }) {
  return (
    <div class="usa-form-group">
      <label class="usa-label" for={p.name} safe>
        {p.label}
      </label>
      <select class="usa-select" id={p.name} name={p.name}>
        <option value="">All</option>
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value} safe>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

function query(f: EventFilters): string {
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as Array<[string, string]>).toString();
  return q ? `?${q}` : '';
}

export function EventsIndexPage(p: { site: Site; upcoming: ListedOccurrence[]; past: ListedOccurrence[]; filters: EventFilters; choices: { topics: string[]; communities: Array<{ slug: string; title: string }> }; now: Date; canCreate: boolean }): string {
  const month = DateTime.fromJSDate(p.now, { zone: 'America/New_York' });
  return toHtml(
    <Page site={p.site} title="Events" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'Events' }]}>
      <h1>Events</h1>
      <p class="usa-intro">Summits, trainings, office hours and meetings run by the communities. Register here, add them to your calendar, and watch recordings afterwards.</p>
      <p>
        <a class="usa-link margin-right-2" href={`/events/calendar/${month.year}/${month.month}`}>
          Month view
        </a>
        <a class="usa-link margin-right-2" href="/events/past">
          Past events and recordings
        </a>
        <a class="usa-link margin-right-2" href="/events/calendar.ics">
          Subscribe to all events (iCalendar)
        </a>
        {p.site.viewer ? <a class="usa-link margin-right-2" href="/events/mine">Your events</a> : ''}
        {p.canCreate ? <a class="usa-button usa-button--outline" href="/events/new">Create an event</a> : ''}
      </p>
      <form class="usa-form usa-form--large maxw-full" method="get" action="/events" aria-label="Filter events">
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Show only</legend>
          <div class="grid-row grid-gap">
            <div class="tablet:grid-col-3">
              <FilterSelect name="community" label="Community" value={p.filters.community} options={p.choices.communities.map((c) => [c.slug, c.title])} />
            </div>
            <div class="tablet:grid-col-3">
              <FilterSelect name="kind" label="Kind" value={p.filters.kind} options={KINDS.map((k) => [k, KIND_TEXT[k]])} />
            </div>
            <div class="tablet:grid-col-3">
              <FilterSelect name="topic" label="Topic" value={p.filters.topic} options={p.choices.topics.map((t) => [t, t.replace(/-/g, ' ')])} />
            </div>
            <div class="tablet:grid-col-3">
              <FilterSelect name="format" label="Format" value={p.filters.format} options={FORMATS.map((f) => [f, FORMAT_TEXT[f]])} />
            </div>
          </div>
          <button class="usa-button" type="submit">
            Filter
          </button>
          {query(p.filters) ? <a class="usa-link margin-left-2" href="/events">Clear filters</a> : ''}
        </fieldset>
      </form>
      <h2>Upcoming</h2>
      <SessionList items={p.upcoming} empty="No upcoming events match. Try clearing the filters." />
      <h2>Recent recordings</h2>
      <SessionList items={p.past} empty="No recordings yet." />
      <p>
        <a class="usa-link" href={`/events/past${query(p.filters)}`}>
          All past events
        </a>
      </p>
    </Page>,
  );
}

export function PastEventsPage(p: { site: Site; past: ListedOccurrence[]; filters: EventFilters }): string {
  return toHtml(
    <Page site={p.site} title="Past events" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: 'Past events' }]}>
      <h1>Past events</h1>
      <p class="usa-intro">Sessions that have ended, newest first, with their recordings where there are any.</p>
      <SessionList items={p.past} empty="No past events." headingLevel={2} />
    </Page>,
  );
}

/** The month as a table: one row per week, one cell per day, sessions listed in each day. */
export function MonthPage(p: { site: Site; year: number; month: number; zone: string; sessions: ListedOccurrence[] }): string {
  const first = DateTime.fromObject({ year: p.year, month: p.month, day: 1 }, { zone: p.zone });
  const start = first.minus({ days: first.weekday % 7 }); // weeks start on Sunday, as U.S. calendars do
  const weeks: DateTime[][] = [];
  for (let d = start; d < first.endOf('month') || d.weekday % 7 !== 0; d = d.plus({ days: 1 })) {
    if (d.weekday % 7 === 0) weeks.push([]);
    weeks.at(-1)!.push(d);
  }
  const byDay = new Map<string, ListedOccurrence[]>();
  for (const s of p.sessions) {
    const key = DateTime.fromJSDate(s.occurrence.startsAt, { zone: p.zone }).toISODate()!;
    byDay.set(key, [...(byDay.get(key) ?? []), s]);
  }
  const prev = first.minus({ months: 1 });
  const next = first.plus({ months: 1 });
  const title = first.toFormat('LLLL yyyy');
  return toHtml(
    <Page site={p.site} title={`Events in ${title}`} section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: title }]}>
      <h1 safe>{`Events in ${title}`}</h1>
      <p safe>{`Times are ${first.toFormat('ZZZZZ')} (${p.zone.replace(/_/g, ' ')}).`}</p>
      <nav aria-label="Months" class="margin-bottom-2">
        <a class="usa-link margin-right-2" href={`/events/calendar/${prev.year}/${prev.month}`} safe>
          {`Previous month: ${prev.toFormat('LLLL yyyy')}`}
        </a>
        <a class="usa-link" href={`/events/calendar/${next.year}/${next.month}`} safe>
          {`Next month: ${next.toFormat('LLLL yyyy')}`}
        </a>
      </nav>
      <div class="usa-table-container--scrollable" tabindex="0">
        <table class="usa-table usa-table--borderless width-full sg-month">
          <caption safe>{`Events in ${title}, one row per week`}</caption>
          <thead>
            <tr>
              {['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].map((d) => (
                <th scope="col" safe>{d}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr>
                {week.map((d) => {
                  const items = byDay.get(d.toISODate()!) ?? [];
                  const inMonth = d.month === p.month;
                  return (
                    <td class={inMonth ? '' : 'text-base'}>
                      <span class="text-bold display-block" safe>{inMonth ? String(d.day) : d.toFormat('LLL d')}</span>
                      {items.length ? (
                        <ul class="usa-list usa-list--unstyled">
                          {items.map((s) => (
                            <li>
                              <a class="usa-link" href={sessionHref(s.event, s.occurrence)}>
                                <span safe>{DateTime.fromJSDate(s.occurrence.startsAt, { zone: p.zone }).toFormat('h:mm a')}</span> <span safe>{s.event.title}</span>
                              </a>
                              {s.occurrence.status === 'cancelled' ? <span> (cancelled)</span> : ''}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span class="usa-sr-only">No events</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>,
  );
}

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

function RegisterForm(p: { e: StoredEvent; o: Occurrence; state: { kind: 'open'; asMember?: { name: string; email: string } }; csrf: string; values?: RegisterFormValues | undefined; errors: FieldErrors; seats: Seats; problem?: FormProblem | undefined }) {
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

function RegistrationBox(p: { e: StoredEvent; o: Occurrence; state: RegistrationState; csrf: string; values?: RegisterFormValues | undefined; errors: FieldErrors; seats: Seats; problem?: FormProblem | undefined }) {
  const s = p.state;
  let content: JSX.Element;
  switch (s.kind) {
    case 'open':
      content = <RegisterForm e={p.e} o={p.o} state={s} csrf={p.csrf} values={p.values} errors={p.errors} seats={p.seats} problem={p.problem} />;
      break;
    case 'sign-in':
      content = (
        <p>
          This event is for members. <a class="usa-button" href={`/signin?next=${encodeURIComponent(s.next)}`}>Sign in to register</a>
        </p>
      );
      break;
    case 'join':
      content = (
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
      break;
    case 'external':
      content = (
        <p>
          <a class="usa-button" href={s.url}>Register on the organizer’s website</a>
        </p>
      );
      break;
    case 'none':
      content = <p>No registration is needed.</p>;
      break;
    case 'closed':
      content = <p safe>{s.reason}</p>;
      break;
    case 'registered': {
      const r = s.registration;
      const text = r.status === 'registered' ? 'You are registered for this session.' : r.status === 'offered' ? 'A seat is held for you: confirm it on your registration page.' : 'You are on the waiting list for this session.';
      content = (
        <>
          <Alert kind="success">{text}</Alert>
          <p>
            <a class="usa-link" href={s.manageHref}>Your registration: change or cancel</a>
          </p>
        </>
      );
      break;
    }
  }
  const seatsText = p.seats.capacity !== undefined ? `${Math.max(p.seats.capacity - p.seats.taken, 0)} of ${p.seats.capacity} seats left${p.seats.waiting ? `; ${p.seats.waiting} on the waiting list` : ''}.` : '';
  return (
    <section class="margin-top-4" aria-labelledby="register-heading">
      <h2 id="register-heading">Register</h2>
      {seatsText && (s.kind === 'open' || s.kind === 'registered') ? <p safe>{seatsText}</p> : ''}
      {content as 'safe'}
    </section>
  );
}

export function EventPage(p: {
  site: Site; e: StoredEvent; o: Occurrence; upcoming: Occurrence[]; viewerZone?: string | undefined; state: RegistrationState; csrf: string;
  values?: RegisterFormValues | undefined; errors?: FieldErrors; seats: Seats; canOrganize: boolean; showJoinLink: boolean; now: Date; notice?: string | undefined;
  problem?: FormProblem | undefined;
}): string {
  const { e, o } = p;
  const ended = o.endsAt <= p.now;
  const safeBody = renderMarkdown(e.body);
  const video = recordingUrl(o.recording);
  const otherZone = p.viewerZone && p.viewerZone !== e.timeZone ? p.viewerZone : undefined;
  const series = e.rrule ? describeRule(parseRule(e.rrule, e.timeZone)) : undefined;
  const cancelled = e.status === 'cancelled' || o.status === 'cancelled';
  const cancelNotice = e.status === 'cancelled' ? 'This event is cancelled.' : `This session is cancelled.${o.note ? ` ${o.note}` : ''}`;
  const joinLabel: string = e.platform ? `Join on ${e.platform === 'other' ? (e.platformOther ?? 'the meeting platform') : PLATFORM_TEXT[e.platform]}` : 'Join the meeting';
  const watchLabel: string = o.recording.title ? `Watch: ${o.recording.title}` : 'Watch the recording';
  const safeTranscript = o.recording.transcript ? renderMarkdown(o.recording.transcript) : '';
  return toHtml(
    <Page site={p.site} title={e.title} section="events" description={e.summary} breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: e.title }]}>
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-8">
          <SuccessNotice text={p.notice} />
          {p.canOrganize ? (
            <p>
              <a class="usa-button usa-button--outline" href={`/events/${e.slug}/manage`}>Manage this event</a>
            </p>
          ) : (
            ''
          )}
          <p class="text-bold text-base-dark margin-bottom-0" safe>{e.kicker ?? KIND_TEXT[e.kind]}</p>
          <h1 safe>{e.title}</h1>
          {e.deck ? <p class="usa-intro" safe>{e.deck}</p> : ''}
          {e.status === 'draft' ? <Alert kind="info">This is a draft: only organizers can see it.</Alert> : ''}
          {cancelled ? <Alert kind="warning">{Html.escapeHtml(cancelNotice)}</Alert> : ''}
          <dl class="sg-facts">
            <dt>When</dt>
            <dd>
              <time datetime={o.startsAt.toISOString()} safe>{formatWhen(o.startsAt, o.endsAt, e.timeZone)}</time>
              {otherZone ? <span class="display-block" safe>{`Your time: ${formatWhen(o.startsAt, o.endsAt, otherZone)}`}</span> : ''}
              {series ? <span class="display-block" safe>{`Repeats: ${series}`}</span> : ''}
            </dd>
            <dt>Where</dt>
            <dd safe>{locationText(e)}</dd>
            {e.venue.map ? (
              <>
                <dt>Map</dt>
                <dd>
                  <a class="usa-link" href={e.venue.map}>Map of {Html.escapeHtml(venueLine(e.venue))}</a>
                </dd>
              </>
            ) : (
              ''
            )}
            {p.showJoinLink && e.joinUrl && !ended ? (
              <>
                <dt>Join online</dt>
                <dd>
                  <a class="usa-link" href={e.joinUrl} safe>{joinLabel}</a>
                </dd>
              </>
            ) : (
              ''
            )}
            {e.captionsUrl ? (
              <>
                <dt>Live captions</dt>
                <dd>
                  <a class="usa-link" href={e.captionsUrl}>Open the live captions (CART)</a>
                </dd>
              </>
            ) : (
              ''
            )}
            {e.host ? (
              <>
                <dt>Host</dt>
                <dd safe>{e.host}</dd>
              </>
            ) : (
              ''
            )}
            {e.group ? (
              <>
                <dt>Working group</dt>
                <dd>
                  <a class="usa-link" href={`/communities/${e.group.communitySlug}/groups/${e.group.slug}`} safe>{e.group.name}</a>
                </dd>
              </>
            ) : (
              ''
            )}
            {e.communities.length ? (
              <>
                <dt>Communities</dt>
                <dd>
                  {e.communities.map((c, i) => (
                    <>
                      {i ? ', ' : ''}
                      <a class="usa-link" href={`/communities/${c.slug}`} safe>{c.title}</a>
                    </>
                  ))}
                </dd>
              </>
            ) : (
              ''
            )}
          </dl>
          {e.summary ? <p class="text-bold" safe>{e.summary}</p> : ''}
          {ended && !cancelled ? (
            <section aria-labelledby="recording-heading">
              <h2 id="recording-heading">Recording</h2>
              {video ? (
                <p>
                  <a class="usa-link" href={video} safe>{watchLabel}</a>
                </p>
              ) : (
                <p>There is no recording of this session yet.</p>
              )}
              {o.recording.slidesUrl ? (
                <p>
                  <a class="usa-link" href={o.recording.slidesUrl}>Slides</a>
                </p>
              ) : (
                ''
              )}
              {o.recording.transcript ? (
                <>
                  <h3 id="transcript">Transcript</h3>
                  <div class="usa-prose">{safeTranscript}</div>
                </>
              ) : (
                ''
              )}
            </section>
          ) : (
            ''
          )}
          <div class="usa-prose">{safeBody}</div>
          {e.presenters.length ? (
            <section aria-labelledby="presenters-heading">
              <h2 id="presenters-heading">Presenters</h2>
              <ul class="usa-list">
                {e.presenters.map((pr) => (
                  <li safe>{[pr.name, pr.title, pr.agency].filter(Boolean).join(', ')}</li>
                ))}
              </ul>
            </section>
          ) : (
            ''
          )}
          {ended ? '' : <RegistrationBox e={e} o={o} state={p.state} csrf={p.csrf} values={p.values} errors={p.errors ?? {}} seats={p.seats} problem={p.problem} />}
        </div>
        <aside class="desktop:grid-col-4 sg-sidebar" aria-label="Calendar and sessions">
          <div class="usa-summary-box">
            <div class="usa-summary-box__body">
              <h2 class="usa-summary-box__heading">Add to your calendar</h2>
              <div class="usa-summary-box__text">
                <p>
                  <a class="usa-link" href={`/events/${e.slug}/calendar.ics`}>{e.rrule ? 'Download the series (.ics)' : 'Download (.ics)'}</a>
                </p>
                <form method="post" action="/events/time-zone" class="usa-form">
                  <CsrfField token={p.csrf} />
                  <input type="hidden" name="back" value={`${sessionHref(e, o)}`} />
                  <label class="usa-label" for="tz">
                    Also show times in
                  </label>
                  <select class="usa-select" id="tz" name="tz">
                    {[...new Set([e.timeZone, ...COMMON_ZONES])].map((z) => (
                      <option value={z} selected={z === (p.viewerZone ?? e.timeZone)} safe>
                        {z.replace(/_/g, ' ')}
                      </option>
                    ))}
                  </select>
                  <button class="usa-button usa-button--outline margin-top-1" type="submit">
                    Show times
                  </button>
                </form>
              </div>
            </div>
          </div>
          {e.rrule && p.upcoming.length ? (
            <div class="usa-summary-box">
              <div class="usa-summary-box__body">
                <h2 class="usa-summary-box__heading">Upcoming sessions</h2>
                <div class="usa-summary-box__text">
                  <ul class="usa-list usa-list--unstyled">
                    {p.upcoming.slice(0, 8).map((s) => (
                      <li>
                        {s.id === o.id ? (
                          <strong safe>{`${formatShort(s.startsAt, e.timeZone)} (this page)`}</strong>
                        ) : (
                          <a class="usa-link" href={sessionHref(e, s)} safe>{formatShort(s.startsAt, e.timeZone)}</a>
                        )}
                        {s.status === 'cancelled' ? ' (cancelled)' : ''}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            </div>
          ) : (
            ''
          )}
        </aside>
      </div>
    </Page>,
  );
}

export function EventMessagePage(p: { site: Site; title: string; lines: string[]; links?: Array<{ href: string; label: string }>; alert?: 'success' | 'info' | 'warning' | 'error' }): string {
  return toHtml(
    <Page site={p.site} title={p.title} section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: p.title }]}>
      <h1 safe>{p.title}</h1>
      {p.lines.map((l, i) => (i === 0 && p.alert ? <Alert kind={p.alert}>{Html.escapeHtml(l)}</Alert> : <p safe>{l}</p>))}
      {p.links?.length ? (
        <ul class="usa-list usa-list--unstyled">
          {p.links.map((l) => (
            <li>
              <a class="usa-link" href={l.href} safe>{l.label}</a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </Page>,
  );
}

/** A guest opened the link mailed to them: what they asked for, and the one button that registers them. */
export function ConfirmGuestPage(p: { site: Site; e: StoredEvent; o: Occurrence; request: GuestRequest; token: string; csrf: string; seats: Seats; expiresText: string }): string {
  const { e, o, request: r } = p;
  const full = p.seats.capacity !== undefined && p.seats.taken >= p.seats.capacity;
  const left = p.seats.capacity !== undefined ? Math.max(p.seats.capacity - p.seats.taken, 0) : undefined;
  return toHtml(
    <Page site={p.site} title="Confirm your registration" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { href: sessionHref(e, o), label: e.title }, { label: 'Confirm your registration' }]}>
      <h1>Confirm your registration</h1>
      <p class="usa-intro">
        Select the button to register <strong safe>{r.email}</strong>. Until you do, nothing is saved and no seat is held.
      </p>
      <dl class="sg-facts">
        <dt>Event</dt>
        <dd>
          <a class="usa-link" href={sessionHref(e, o)} safe>{e.title}</a>
        </dd>
        <dt>When</dt>
        <dd>
          <time datetime={o.startsAt.toISOString()} safe>{formatWhen(o.startsAt, o.endsAt, e.timeZone)}</time>
          {r.everySession ? <span class="display-block">and every session after it</span> : ''}
        </dd>
        <dt>Name</dt>
        <dd safe>{r.name}</dd>
        <dt>Email</dt>
        <dd safe>{r.email}</dd>
        {r.agency ? (
          <>
            <dt>Agency</dt>
            <dd safe>{r.agency}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {full ? (
        <Alert kind="info">This session is full now. If you confirm, you join the waiting list, and we email you if a seat frees up.</Alert>
      ) : left !== undefined ? (
        <p safe>{`${left} of ${p.seats.capacity} seats left.`}</p>
      ) : (
        ''
      )}
      <form method="post" action="/events/registrations/confirm" class="margin-y-3">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="token" value={p.token} />
        <button class="usa-button" type="submit">Confirm my registration</button>
      </form>
      <p safe>{`This link works until ${p.expiresText}. If you did not ask to register, close this page: nothing happens unless you select the button.`}</p>
    </Page>,
  );
}

const STATUS_TEXT: Record<Registration['status'], string> = {
  registered: 'You are registered.',
  waitlisted: 'You are on the waiting list.',
  offered: 'A seat is held for you. Confirm it to keep it.',
  cancelled: 'This registration is cancelled.',
  expired: 'The seat held for you was not confirmed in time and went to the next person.',
};

export function ManageRegistrationPage(p: { site: Site; e: StoredEvent; o: Occurrence; r: Registration; token: string; csrf: string; now: Date; offerText?: string | undefined; groupSize: number; notice?: string | undefined }): string {
  const action = `/events/registrations/${p.r.id}`;
  const active = p.r.status === 'registered' || p.r.status === 'waitlisted' || p.r.status === 'offered';
  return toHtml(
    <Page site={p.site} title="Your registration" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { href: sessionHref(p.e, p.o), label: p.e.title }, { label: 'Your registration' }]}>
      <h1>Your registration</h1>
      <SuccessNotice text={p.notice} />
      <p>
        <a class="usa-link" href={sessionHref(p.e, p.o)} safe>{p.e.title}</a>
      </p>
      <p safe>{formatWhen(p.o.startsAt, p.o.endsAt, p.e.timeZone)}</p>
      <p>
        <strong safe>{STATUS_TEXT[p.r.status]}</strong>
        {p.offerText ? <span safe>{` Confirm by ${p.offerText}.`}</span> : ''}
      </p>
      <p safe>{`Name: ${p.r.name}. Email: ${p.r.email}.`}</p>
      {p.r.status === 'offered' && p.o.endsAt > p.now ? (
        <form method="post" action={`${action}/confirm`} class="margin-bottom-2">
          <CsrfField token={p.csrf} />
          <input type="hidden" name="t" value={p.token} />
          <button class="usa-button" type="submit">Confirm my seat</button>
        </form>
      ) : (
        ''
      )}
      {active && p.o.endsAt > p.now ? (
        <form method="post" action={`${action}/cancel`}>
          <CsrfField token={p.csrf} />
          <input type="hidden" name="t" value={p.token} />
          {p.groupSize > 1 ? (
            <fieldset class="usa-fieldset">
              <legend class="usa-legend">Cancel which sessions?</legend>
              <div class="usa-radio">
                <input class="usa-radio__input" id="scope-one" type="radio" name="scope" value="one" checked />
                <label class="usa-radio__label" for="scope-one">This session only</label>
              </div>
              <div class="usa-radio">
                <input class="usa-radio__input" id="scope-all" type="radio" name="scope" value="all" />
                <label class="usa-radio__label" for="scope-all" safe>{`All ${p.groupSize} upcoming sessions`}</label>
              </div>
            </fieldset>
          ) : (
            ''
          )}
          <button class="usa-button usa-button--secondary" type="submit">
            {p.r.status === 'waitlisted' ? 'Leave the waiting list' : 'Cancel my registration'}
          </button>
        </form>
      ) : (
        ''
      )}
    </Page>,
  );
}

export function MyEventsPage(p: { site: Site; items: Array<{ registration: Registration; occurrence: Occurrence; event: StoredEvent; manageHref: string }>; feedUrl: string; now: Date }): string {
  const upcoming = p.items.filter((i) => i.occurrence.endsAt > p.now);
  return toHtml(
    <Page site={p.site} title="Your events" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: 'Your events' }]}>
      <h1>Your events</h1>
      {upcoming.length ? (
        <table class="usa-table usa-table--borderless usa-table--stacked">
          <caption>Sessions you registered for</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">When</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {upcoming.map((i) => (
              <tr>
                <th scope="row" data-label="Event">
                  <a class="usa-link" href={sessionHref(i.event, i.occurrence)} safe>{i.event.title}</a>
                </th>
                <td data-label="When" safe>{formatWhen(i.occurrence.startsAt, i.occurrence.endsAt, i.event.timeZone)}</td>
                <td data-label="Status">
                  <a class="usa-link" href={i.manageHref}>{i.registration.status === 'registered' ? 'Registered' : i.registration.status === 'offered' ? 'Seat held: confirm' : 'Waiting list'}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          You have no upcoming events. <a class="usa-link" href="/events">Find an event</a>.
        </p>
      )}
      <h2>Your calendar feed</h2>
      <p>Add this private address to your calendar program (as a subscription) to see the events you registered for. Keep it to yourself: anyone with it can see your list.</p>
      <p class="sg-code" safe>{p.feedUrl}</p>
    </Page>,
  );
}

/** The community page's "Upcoming events" box. */
export function CommunityEventsBox({ slug, items, canCreate = false }: { slug: string; items: ListedOccurrence[]; canCreate?: boolean }) {
  return (
    <div class="usa-summary-box" role="region" aria-label="Upcoming events">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading">Upcoming events</h2>
        <div class="usa-summary-box__text">
          {items.length ? (
            <ul class="usa-list usa-list--unstyled">
              {items.map(({ event: e, occurrence: o }) => (
                <li class="margin-bottom-1">
                  <a class="usa-link" href={sessionHref(e, o)} safe>{e.title}</a>
                  <span class="display-block font-sans-2xs" safe>{formatShort(o.startsAt, e.timeZone)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p>No upcoming events.</p>
          )}
          <p>
            <a class="usa-link" href={`/events?community=${encodeURIComponent(slug)}`}>All events</a> ·{' '}
            <a class="usa-link" href={`/communities/${slug}/events.ics`}>Calendar feed</a>
          </p>
          {canCreate ? (
            <p>
              <a class="usa-button usa-button--outline" href={`/events/new?community=${encodeURIComponent(slug)}`}>Create an event</a>
            </p>
          ) : (
            ''
          )}
        </div>
      </div>
    </div>
  );
}
