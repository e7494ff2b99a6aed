/** Small pieces the event pages share: a session's addresses, a slim alert and a table's head. */
import type Html from '@kitajs/html';
import type { Occurrence, StoredEvent } from './model.ts';

export function sessionHref(e: StoredEvent, o: Occurrence): string {
  return e.rrule ? `/events/${e.slug}?session=${o.id}` : `/events/${e.slug}`;
}

/** The registration form for this session (its own page: see event-views.tsx). */
export function registerHref(e: StoredEvent, o: Occurrence): string {
  return e.rrule ? `/events/${e.slug}/register?session=${o.id}` : `/events/${e.slug}/register`;
}

/** The page that chooses the time zone times are also shown in, coming back to this session. */
export function timeZoneHref(e: StoredEvent, o: Occurrence): string {
  return `/events/time-zone?${new URLSearchParams({ back: sessionHref(e, o), zone: e.timeZone }).toString()}`;
}

export function Alert({ kind, children }: { kind: 'info' | 'warning' | 'success' | 'error'; children: Html.Children }) {
  return (
    <div class={`usa-alert usa-alert--${kind} usa-alert--slim`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'}>
      <div class="usa-alert__body">
        <p class="usa-alert__text">{children as 'safe'}</p>
      </div>
    </div>
  );
}

/** A table's caption and its row of column headings. */
export function TableHead({ caption, columns }: { caption: string; columns: string[] }) {
  return (
    <>
      <caption safe>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" safe>
              {c}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}
