/** HTML for the event lists: all events with filters, past events, the month, and the community page's box. */
import Html from '@kitajs/html';
import { DateTime } from '../platform/luxon.ts';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { FORMAT_TEXT, FORMATS, hasRecording, KIND_TEXT, KINDS } from './model.ts';
import type { ListedOccurrence } from './store.ts';
import { formatShort, formatWhen } from './time.ts';
import { sessionHref } from './view-parts.tsx';

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
        {e.summary ? (
          <p class="usa-collection__description" safe>
            {e.summary}
          </p>
        ) : (
          ''
        )}
        <ul class="usa-collection__meta" aria-label="About this event">
          <li class="usa-collection__meta-item usa-tag" safe>
            {KIND_TEXT[e.kind]}
          </li>
          <li class="usa-collection__meta-item" safe>
            {FORMAT_TEXT[e.format]}
          </li>
          {o.status === 'cancelled' || e.status === 'cancelled' ? <li class="usa-collection__meta-item usa-tag bg-secondary-dark">Cancelled</li> : ''}
          {hasRecording(o.recording) ? <li class="usa-collection__meta-item">Recording available</li> : ''}
          {e.communities.map((c) => (
            <li class="usa-collection__meta-item" safe>
              {c.title}
            </li>
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

export function EventsIndexPage(p: {
  site: Site;
  upcoming: ListedOccurrence[];
  past: ListedOccurrence[];
  filters: EventFilters;
  choices: { topics: string[]; communities: Array<{ slug: string; title: string }> };
  now: Date;
  canCreate: boolean;
}): string {
  const month = DateTime.fromJSDate(p.now, { zone: 'America/New_York' });
  return toHtml(
    <Page site={p.site} title="Events" section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { label: 'Events' }]}>
      <h1>Events</h1>
      <p class="usa-intro">
        Summits, trainings, office hours and meetings run by the communities. Register here, add them to your calendar, and watch recordings afterwards.
      </p>
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
        {p.site.viewer ? (
          <a class="usa-link margin-right-2" href="/events/mine">
            Your events
          </a>
        ) : (
          ''
        )}
        {p.canCreate ? (
          <a class="usa-button usa-button--outline" href="/events/new">
            Create an event
          </a>
        ) : (
          ''
        )}
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
          {query(p.filters) ? (
            <a class="usa-link margin-left-2" href="/events">
              Clear filters
            </a>
          ) : (
            ''
          )}
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
    <Page
      site={p.site}
      title="Past events"
      section="events"
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: 'Past events' }]}
    >
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
    <Page
      site={p.site}
      title={`Events in ${title}`}
      section="events"
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: title }]}
    >
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
                <th scope="col" safe>
                  {d}
                </th>
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
                      <span class="text-bold display-block" safe>
                        {inMonth ? String(d.day) : d.toFormat('LLL d')}
                      </span>
                      {items.length ? (
                        <ul class="usa-list usa-list--unstyled">
                          {items.map((s) => (
                            <li>
                              <a class="usa-link" href={sessionHref(s.event, s.occurrence)}>
                                <span safe>{DateTime.fromJSDate(s.occurrence.startsAt, { zone: p.zone }).toFormat('h:mm a')}</span>{' '}
                                <span safe>{s.event.title}</span>
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
                  <a class="usa-link" href={sessionHref(e, o)} safe>
                    {e.title}
                  </a>
                  <span class="display-block font-sans-2xs" safe>
                    {formatShort(o.startsAt, e.timeZone)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p>No upcoming events.</p>
          )}
          <p>
            <a class="usa-link" href={`/events?community=${encodeURIComponent(slug)}`}>
              All events
            </a>{' '}
            ·{' '}
            <a class="usa-link" href={`/communities/${slug}/events.ics`}>
              Calendar feed
            </a>
          </p>
          {canCreate ? (
            <p>
              <a class="usa-button usa-button--outline" href={`/events/new?community=${encodeURIComponent(slug)}`}>
                Create an event
              </a>
            </p>
          ) : (
            ''
          )}
        </div>
      </div>
    </div>
  );
}
