/** Small pieces the event pages share: a session's address and a slim alert. */
import type Html from '@kitajs/html';
import type { Occurrence, StoredEvent } from './model.ts';

export function sessionHref(e: StoredEvent, o: Occurrence): string {
  return e.rrule ? `/events/${e.slug}?session=${o.id}` : `/events/${e.slug}`;
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
