/** HTML for one event's page: what, when, where, the recording, and where registration stands. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { renderMarkdown } from '../web/markdown.ts';
import { locationText } from './calendar.ts';
import { KIND_TEXT, PLATFORM_TEXT, recordingUrl, venueLine, type Occurrence, type StoredEvent } from './model.ts';
import { describeRule, parseRule } from './recurrence.ts';
import type { Seats } from './registration.ts';
import { formatShort, formatWhen } from './time.ts';
import { RegistrationStanding, SeatsLine, type RegistrationState } from './register-views.tsx';
import { Alert, registerHref, sessionHref, timeZoneHref } from './view-parts.tsx';

/**
 * Where registration stands, on the event page. The form itself is on its own page
 * (/events/:slug/register): a page with a form carries the visitor's CSRF token, so it cannot be
 * kept, and the event page is the one an announcement links to.
 */
function RegistrationBox(p: { e: StoredEvent; o: Occurrence; state: RegistrationState; seats: Seats }) {
  const s = p.state;
  const full = p.seats.capacity !== undefined && p.seats.taken >= p.seats.capacity;
  return (
    <section class="margin-top-4" aria-labelledby="register-heading">
      <h2 id="register-heading">Register</h2>
      {s.kind === 'open' || s.kind === 'registered' ? <SeatsLine seats={p.seats} /> : ''}
      {s.kind === 'open' ? (
        <>
          {full ? <p>This session is full. You can join the waiting list: if a seat frees up, we will email you.</p> : ''}
          <p>
            <a class="usa-button" href={registerHref(p.e, p.o)}>
              {full ? 'Join the waiting list' : 'Register'}
            </a>
          </p>
        </>
      ) : (
        <RegistrationStanding state={s} />
      )}
    </section>
  );
}

export function EventPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  upcoming: Occurrence[];
  viewerZone?: string | undefined;
  state: RegistrationState;
  seats: Seats;
  canOrganize: boolean;
  showJoinLink: boolean;
  now: Date;
}): string {
  const { e, o } = p;
  const ended = o.endsAt <= p.now;
  const safeBody = renderMarkdown(e.body);
  const video = recordingUrl(o.recording);
  const otherZone = p.viewerZone && p.viewerZone !== e.timeZone ? p.viewerZone : undefined;
  const series = e.rrule ? describeRule(parseRule(e.rrule, e.timeZone)) : undefined;
  const cancelled = e.status === 'cancelled' || o.status === 'cancelled';
  const cancelNotice = e.status === 'cancelled' ? 'This event is cancelled.' : `This session is cancelled.${o.note ? ` ${o.note}` : ''}`;
  const joinLabel: string = e.platform
    ? `Join on ${e.platform === 'other' ? (e.platformOther ?? 'the meeting platform') : PLATFORM_TEXT[e.platform]}`
    : 'Join the meeting';
  const watchLabel: string = o.recording.title ? `Watch: ${o.recording.title}` : 'Watch the recording';
  const safeTranscript = o.recording.transcript ? renderMarkdown(o.recording.transcript) : '';
  return toHtml(
    <Page
      site={p.site}
      title={e.title}
      section="events"
      description={e.summary}
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: e.title }]}
    >
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-8">
          {p.canOrganize ? (
            <p>
              <a class="usa-button usa-button--outline" href={`/events/${e.slug}/manage`}>
                Manage this event
              </a>
            </p>
          ) : (
            ''
          )}
          <p class="text-bold text-base-dark margin-bottom-0" safe>
            {e.kicker ?? KIND_TEXT[e.kind]}
          </p>
          <h1 safe>{e.title}</h1>
          {e.deck ? (
            <p class="usa-intro" safe>
              {e.deck}
            </p>
          ) : (
            ''
          )}
          {e.status === 'draft' ? <Alert kind="info">This is a draft: only organizers can see it.</Alert> : ''}
          {cancelled ? <Alert kind="warning">{Html.escapeHtml(cancelNotice)}</Alert> : ''}
          <dl class="sg-facts">
            <dt>When</dt>
            <dd>
              <time datetime={o.startsAt.toISOString()} safe>
                {formatWhen(o.startsAt, o.endsAt, e.timeZone)}
              </time>
              {otherZone ? <span class="display-block" safe>{`Your time: ${formatWhen(o.startsAt, o.endsAt, otherZone)}`}</span> : ''}
              {series ? <span class="display-block" safe>{`Repeats: ${series}`}</span> : ''}
            </dd>
            <dt>Where</dt>
            <dd safe>{locationText(e)}</dd>
            {e.venue.map ? (
              <>
                <dt>Map</dt>
                <dd>
                  <a class="usa-link" href={e.venue.map}>
                    Map of {Html.escapeHtml(venueLine(e.venue))}
                  </a>
                </dd>
              </>
            ) : (
              ''
            )}
            {p.showJoinLink && e.joinUrl && !ended ? (
              <>
                <dt>Join online</dt>
                <dd>
                  <a class="usa-link" href={e.joinUrl} safe>
                    {joinLabel}
                  </a>
                </dd>
              </>
            ) : (
              ''
            )}
            {e.captionsUrl ? (
              <>
                <dt>Live captions</dt>
                <dd>
                  <a class="usa-link" href={e.captionsUrl}>
                    Open the live captions (CART)
                  </a>
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
                  <a class="usa-link" href={`/communities/${e.group.communitySlug}/groups/${e.group.slug}`} safe>
                    {e.group.name}
                  </a>
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
                      <a class="usa-link" href={`/communities/${c.slug}`} safe>
                        {c.title}
                      </a>
                    </>
                  ))}
                </dd>
              </>
            ) : (
              ''
            )}
          </dl>
          {e.summary ? (
            <p class="text-bold" safe>
              {e.summary}
            </p>
          ) : (
            ''
          )}
          {ended && !cancelled ? (
            <section aria-labelledby="recording-heading">
              <h2 id="recording-heading">Recording</h2>
              {video ? (
                <p>
                  <a class="usa-link" href={video} safe>
                    {watchLabel}
                  </a>
                </p>
              ) : (
                <p>There is no recording of this session yet.</p>
              )}
              {o.recording.slidesUrl ? (
                <p>
                  <a class="usa-link" href={o.recording.slidesUrl}>
                    Slides
                  </a>
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
          {ended ? '' : <RegistrationBox e={e} o={o} state={p.state} seats={p.seats} />}
        </div>
        <aside class="desktop:grid-col-4 sg-sidebar" aria-label="Calendar and sessions">
          <div class="usa-summary-box">
            <div class="usa-summary-box__body">
              <h2 class="usa-summary-box__heading">Add to your calendar</h2>
              <div class="usa-summary-box__text">
                <p>
                  <a class="usa-link" href={`/events/${e.slug}/calendar.ics`}>
                    {e.rrule ? 'Download the series (.ics)' : 'Download (.ics)'}
                  </a>
                </p>
                {/* Its own page: a form here would carry the visitor's CSRF token, and the event page could not be kept. */}
                <p>
                  <a class="usa-link" href={timeZoneHref(e, o)}>
                    Show times in another time zone
                  </a>
                </p>
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
                          <a class="usa-link" href={sessionHref(e, s)} safe>
                            {formatShort(s.startsAt, e.timeZone)}
                          </a>
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
