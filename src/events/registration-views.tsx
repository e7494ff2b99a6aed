/** HTML for a registration after the form: messages, a guest confirming their address, a registrant's own page, "Your events". */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { CsrfField, RadioGroup, SuccessNotice } from '../web/forms.tsx';
import type { Occurrence, StoredEvent } from './model.ts';
import type { GuestRequest } from './guest-registration.ts';
import type { Registration, Seats } from './registration.ts';
import { formatWhen } from './time.ts';
import { Alert, sessionHref, TableHead } from './view-parts.tsx';

export function EventMessagePage(p: {
  site: Site;
  title: string;
  lines: string[];
  links?: Array<{ href: string; label: string }>;
  alert?: 'success' | 'info' | 'warning' | 'error';
}): string {
  return toHtml(
    <Page site={p.site} title={p.title} section="events" breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: p.title }]}>
      <h1 safe>{p.title}</h1>
      {p.lines.map((l, i) => (i === 0 && p.alert ? <Alert kind={p.alert}>{Html.escapeHtml(l)}</Alert> : <p safe>{l}</p>))}
      {p.links?.length ? (
        <ul class="usa-list usa-list--unstyled">
          {p.links.map((l) => (
            <li>
              <a class="usa-link" href={l.href} safe>
                {l.label}
              </a>
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
export function ConfirmGuestPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  request: GuestRequest;
  token: string;
  csrf: string;
  seats: Seats;
  expiresText: string;
}): string {
  const { e, o, request: r } = p;
  const full = p.seats.capacity !== undefined && p.seats.taken >= p.seats.capacity;
  const left = p.seats.capacity !== undefined ? Math.max(p.seats.capacity - p.seats.taken, 0) : undefined;
  return toHtml(
    <Page
      site={p.site}
      title="Confirm your registration"
      section="events"
      breadcrumbs={[
        { href: '/', label: 'Home' },
        { href: '/events', label: 'Events' },
        { href: sessionHref(e, o), label: e.title },
        { label: 'Confirm your registration' },
      ]}
    >
      <h1>Confirm your registration</h1>
      <p class="usa-intro">
        Select the button to register <strong safe>{r.email}</strong>. Until you do, nothing is saved and no seat is held.
      </p>
      <dl class="sg-facts">
        <dt>Event</dt>
        <dd>
          <a class="usa-link" href={sessionHref(e, o)} safe>
            {e.title}
          </a>
        </dd>
        <dt>When</dt>
        <dd>
          <time datetime={o.startsAt.toISOString()} safe>
            {formatWhen(o.startsAt, o.endsAt, e.timeZone)}
          </time>
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
        <button class="usa-button" type="submit">
          Confirm my registration
        </button>
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

export function ManageRegistrationPage(p: {
  site: Site;
  e: StoredEvent;
  o: Occurrence;
  r: Registration;
  token: string;
  csrf: string;
  now: Date;
  offerText?: string | undefined;
  groupSize: number;
  notice?: string | undefined;
}): string {
  const action = `/events/registrations/${p.r.id}`;
  const active = p.r.status === 'registered' || p.r.status === 'waitlisted' || p.r.status === 'offered';
  return toHtml(
    <Page
      site={p.site}
      title="Your registration"
      section="events"
      breadcrumbs={[
        { href: '/', label: 'Home' },
        { href: '/events', label: 'Events' },
        { href: sessionHref(p.e, p.o), label: p.e.title },
        { label: 'Your registration' },
      ]}
    >
      <h1>Your registration</h1>
      <SuccessNotice text={p.notice} />
      <p>
        <a class="usa-link" href={sessionHref(p.e, p.o)} safe>
          {p.e.title}
        </a>
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
          <button class="usa-button" type="submit">
            Confirm my seat
          </button>
        </form>
      ) : (
        ''
      )}
      {active && p.o.endsAt > p.now ? (
        <form method="post" action={`${action}/cancel`}>
          <CsrfField token={p.csrf} />
          <input type="hidden" name="t" value={p.token} />
          {p.groupSize > 1 ? (
            <RadioGroup
              name="scope"
              legend="Cancel which sessions?"
              value="one"
              options={[
                { value: 'one', label: 'This session only' },
                { value: 'all', label: `All ${p.groupSize} upcoming sessions` },
              ]}
            />
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

export function MyEventsPage(p: {
  site: Site;
  items: Array<{ registration: Registration; occurrence: Occurrence; event: StoredEvent; manageHref: string }>;
  feedUrl: string;
  now: Date;
}): string {
  const upcoming = p.items.filter((i) => i.occurrence.endsAt > p.now);
  return toHtml(
    <Page
      site={p.site}
      title="Your events"
      section="events"
      breadcrumbs={[{ href: '/', label: 'Home' }, { href: '/events', label: 'Events' }, { label: 'Your events' }]}
    >
      <h1>Your events</h1>
      {upcoming.length ? (
        <table class="usa-table usa-table--borderless usa-table--stacked">
          <TableHead caption="Sessions you registered for" columns={['Event', 'When', 'Status']} />
          <tbody>
            {upcoming.map((i) => (
              <tr>
                <th scope="row" data-label="Event">
                  <a class="usa-link" href={sessionHref(i.event, i.occurrence)} safe>
                    {i.event.title}
                  </a>
                </th>
                <td data-label="When" safe>
                  {formatWhen(i.occurrence.startsAt, i.occurrence.endsAt, i.event.timeZone)}
                </td>
                <td data-label="Status">
                  <a class="usa-link" href={i.manageHref}>
                    {i.registration.status === 'registered' ? 'Registered' : i.registration.status === 'offered' ? 'Seat held: confirm' : 'Waiting list'}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          You have no upcoming events.{' '}
          <a class="usa-link" href="/events">
            Find an event
          </a>
          .
        </p>
      )}
      <h2>Your calendar feed</h2>
      <p>
        Add this private address to your calendar program (as a subscription) to see the events you registered for. Keep it to yourself: anyone with it can see
        your list.
      </p>
      <p class="sg-code" safe>
        {p.feedUrl}
      </p>
    </Page>,
  );
}
