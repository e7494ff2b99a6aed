/** Pages for moderators and coordinators of a list: held messages, one held message, list settings. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import type { HeldDetail, HeldMessage, ListSettings } from './moderation.ts';

export interface ListRef {
  slug: string;
  title: string;
  /** A working group's list: the community, and the group's page (its list pages live under it). */
  group?: { communityTitle: string; href: string };
}

/** Where the list's moderation pages live. */
const adminOf = (c: ListRef) => (c.group ? `${c.group.href}/admin` : `/communities/${c.slug}/admin`);

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

function crumbs(c: ListRef, last: string, extra: Array<{ href: string; label: string }> = []) {
  const home = c.group
    ? [
        { href: `/communities/${c.slug}`, label: c.group.communityTitle },
        { href: c.group.href, label: c.title },
      ]
    : [
        { href: `/communities/${c.slug}`, label: c.title },
        { href: `/communities/${c.slug}/admin`, label: 'Manage' },
      ];
  return [{ href: '/communities', label: 'Communities' }, ...home, ...extra, { label: last }];
}

function Actions({ withReason, noBan = false }: { withReason: boolean; noBan?: boolean }) {
  return (
    <>
      {withReason ? <TextArea name="reason" label="Reason, for “Reject” (the sender reads it)" rows={2} maxlength={1000} /> : ''}
      <div class="usa-button-group margin-top-2">
        <button class="usa-button" type="submit" name="action" value="approve">
          Approve
        </button>
        <button class="usa-button usa-button--outline" type="submit" name="action" value="approve-always">
          Approve and always accept the sender
        </button>
        <button class="usa-button usa-button--outline" type="submit" name="action" value="reject">
          Reject, telling the sender
        </button>
        <button class="usa-button usa-button--secondary" type="submit" name="action" value="discard">
          Discard
        </button>
        {noBan ? (
          ''
        ) : (
          <button class="usa-button usa-button--secondary" type="submit" name="action" value="ban">
            Ban the sender
          </button>
        )}
      </div>
    </>
  );
}

export function HeldQueuePage(p: {
  site: Site;
  c: ListRef;
  listAddress: string;
  held: HeldMessage[];
  csrf: string;
  done?: string | undefined;
  error?: string | undefined;
}): string {
  return toHtml(
    <Page site={p.site} title={`Held messages: ${p.c.title}`} section="communities" breadcrumbs={crumbs(p.c, 'Held messages')}>
      <h1 safe>{`Held messages: ${p.c.title}`}</h1>
      <p class="usa-intro">
        Messages to{' '}
        <span class="sg-code" safe>
          {p.listAddress}
        </span>{' '}
        that wait for a moderator, and why.
      </p>
      <SuccessNotice text={p.done} />
      {p.error ? <ErrorSummary errors={{ id: p.error }} /> : ''}
      {p.held.length === 0 ? (
        <p>Nothing is waiting.</p>
      ) : (
        <form method="post" action={`${adminOf(p.c)}/held`}>
          <CsrfField token={p.csrf} />
          <table class="usa-table usa-table--stacked width-full">
            <caption
              safe
            >{`${p.held.length} ${p.held.length === 1 ? 'message' : 'messages'} waiting. Select the ones to act on, then choose an action below.`}</caption>
            <thead>
              <tr>
                <th scope="col">Select</th>
                <th scope="col">From</th>
                <th scope="col">Subject</th>
                <th scope="col">Received</th>
                <th scope="col">Size</th>
                <th scope="col">Why it is held</th>
              </tr>
            </thead>
            <tbody>
              {p.held.map((h) => (
                <tr>
                  <td data-label="Select">
                    <input
                      type="checkbox"
                      name="id"
                      value={String(h.id)}
                      id={`held-${h.id}`}
                      aria-label={`Select the message from ${h.from}: ${h.subject || 'no subject'}`}
                    />
                  </td>
                  <td data-label="From" safe>
                    {h.from}
                  </td>
                  <td data-label="Subject">
                    <a href={`${adminOf(p.c)}/held/${h.id}`} safe>
                      {h.subject || '(no subject)'}
                    </a>
                  </td>
                  <td data-label="Received" safe>
                    {when(h.receivedAt)}
                  </td>
                  <td data-label="Size" safe>
                    {kb(h.size)}
                  </td>
                  <td data-label="Why it is held">
                    <ul class="usa-list usa-list--unstyled">{h.hits.length ? h.hits.map((hit) => <li safe>{hit.reason}</li>) : <li safe>{h.reason}</li>}</ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Actions withReason />
        </form>
      )}
    </Page>,
  );
}

function Detail({ h }: { h: HeldDetail }) {
  return (
    <>
      <dl class="sg-facts">
        <dt>From</dt>
        <dd safe>{h.from}</dd>
        <dt>Subject</dt>
        <dd safe>{h.subject || '(no subject)'}</dd>
        <dt>Received</dt>
        <dd safe>{when(h.receivedAt)}</dd>
        <dt>Size</dt>
        <dd safe>{kb(h.size)}</dd>
      </dl>
      <h2>Why it is held</h2>
      <ul class="usa-list">
        {h.hits.length ? (
          h.hits.map((hit) => (
            <li>
              <span class="text-bold" safe>
                {hit.rule}
              </span>
              : <span safe>{hit.reason}</span>
            </li>
          ))
        ) : (
          <li safe>{h.reason}</li>
        )}
      </ul>
      <h2>The message</h2>
      <p class="font-sans-2xs">Shown as plain text: links, images and formatting from the sender are not loaded.</p>
      <pre class="sg-message bg-base-lightest padding-2 overflow-auto" tabindex="0" aria-label="Text of the message" safe>
        {h.text || '(no text)'}
      </pre>
      {h.html ? (
        <details class="margin-top-2">
          <summary>Show the formatted (HTML) version</summary>
          <p class="font-sans-2xs">Made safe: scripts, forms, styles and remote images are removed.</p>
          {/* sanitizeMailHtml (src/web/mail-html.ts): an allow-list sanitizer */}
          <div class="sg-mail-html bg-base-lightest padding-2">{h.html as 'safe'}</div>
        </details>
      ) : null}
      <h2>Attachments</h2>
      {h.attachments.length ? (
        <ul class="usa-list">
          {h.attachments.map((a) => (
            <li safe>{`${a.filename} (${a.contentType}, ${kb(a.size)})`}</li>
          ))}
        </ul>
      ) : (
        <p>None.</p>
      )}
    </>
  );
}

export function HeldDetailPage(p: { site: Site; c: ListRef; h: HeldDetail; csrf: string }): string {
  return toHtml(
    <Page
      site={p.site}
      title={`Held: ${p.h.subject || '(no subject)'}`}
      section="communities"
      breadcrumbs={crumbs(p.c, 'Held message', [{ href: `${adminOf(p.c)}/held`, label: 'Held messages' }])}
    >
      <h1 safe>{p.h.subject || '(no subject)'}</h1>
      <Detail h={p.h} />
      <form method="post" action={`${adminOf(p.c)}/held`}>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="id" value={String(p.h.id)} />
        {p.h.fromUnverified ? (
          <div class="usa-alert usa-alert--warning usa-alert--slim margin-top-2">
            <div class="usa-alert__body">
              <p
                class="usa-alert__text"
                safe
              >{`The From address (${p.h.from}) is not verified: this message may be forged, so it cannot be banned here. Banning it could shut out someone who never sent it. Discard the message instead.`}</p>
            </div>
          </div>
        ) : (
          ''
        )}
        <Actions withReason noBan={p.h.fromUnverified} />
      </form>
    </Page>,
  );
}

/** The page a moderator's single-use link opens: the message and two buttons. */
export function ModerateLinkPage(p: { site: Site; listName: string; h: HeldDetail; csrf: string; token: string }): string {
  return toHtml(
    <Page site={p.site} title={`Moderate: ${p.h.subject || '(no subject)'}`}>
      <h1 safe>{`A message to ${p.listName} is waiting`}</h1>
      <Detail h={p.h} />
      <form method="post" action={`/moderate/${p.token}`}>
        <CsrfField token={p.csrf} />
        <div class="usa-button-group margin-top-2">
          <button class="usa-button" type="submit" name="action" value="approve">
            Approve
          </button>
          <button class="usa-button usa-button--secondary" type="submit" name="action" value="discard">
            Discard
          </button>
        </div>
      </form>
    </Page>,
  );
}

export interface ListSettingsForm {
  subjectPrefix: string;
  footer: string;
  replyTo: string;
  dmarcMitigation: string;
  moderated: boolean;
  emergency: boolean;
  maxKb: string;
  maxRecipients: string;
  acceptFrom: string;
  banned: string;
  administrivia: boolean;
  spfFail: string;
  whoByMail: boolean;
  sendToPoster: boolean;
  archivePublic: boolean;
}

export function formFromSettings(s: ListSettings): ListSettingsForm {
  return {
    subjectPrefix: s.subjectPrefix ?? '',
    footer: s.footer,
    replyTo: s.replyTo,
    dmarcMitigation: s.dmarcMitigation,
    moderated: s.moderated,
    emergency: s.emergency,
    maxKb: String(Math.floor(s.maxBytes / 1024)),
    maxRecipients: String(s.maxRecipients),
    acceptFrom: s.acceptFrom.join('\n'),
    banned: s.banned.join('\n'),
    administrivia: s.administrivia,
    spfFail: s.spfFail,
    whoByMail: s.whoByMail,
    sendToPoster: s.sendToPoster,
    archivePublic: s.archivePublic,
  };
}

function Radios(p: { name: string; legend: string; value: string; options: Array<[string, string]> }) {
  return (
    <fieldset class="usa-fieldset margin-top-3">
      <legend class="usa-legend" safe>
        {p.legend}
      </legend>
      {p.options.map(([value, label]) => (
        <div class="usa-radio">
          <input class="usa-radio__input" id={`${p.name}-${value}`} type="radio" name={p.name} value={value} checked={p.value === value} />
          <label class="usa-radio__label" for={`${p.name}-${value}`} safe>
            {label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export function ListSettingsPage(p: {
  site: Site;
  c: ListRef;
  listName: string;
  form: ListSettingsForm;
  csrf: string;
  errors?: FieldErrors;
  saved?: boolean;
}): string {
  const e = p.errors ?? {};
  return toHtml(
    <Page site={p.site} title={`List settings: ${p.c.title}`} section="communities" breadcrumbs={crumbs(p.c, 'List settings')}>
      <h1 safe>{`List settings: ${p.c.title}`}</h1>
      <SuccessNotice text={p.saved ? 'The list settings are saved.' : undefined} />
      <ErrorSummary errors={e} />
      <form class="usa-form usa-form--large" method="post" action={`${adminOf(p.c)}/list`} novalidate>
        <CsrfField token={p.csrf} />
        <h2>Moderation</h2>
        <Checkbox name="emergency" label="Emergency moderation: hold every post, from anyone, until I turn this off" checked={p.form.emergency} />
        <Checkbox
          name="moderated"
          label="Announce-only list: only moderators and coordinators post; other posts wait for approval"
          checked={p.form.moderated}
        />
        <TextArea
          name="acceptFrom"
          label="Always accept posts from (one address or @domain a line)"
          hint="For people who are not members, such as a partner's press office."
          value={p.form.acceptFrom}
          error={e.acceptFrom}
          rows={3}
          maxlength={20000}
        />
        <TextArea
          name="banned"
          label="Banned senders (one address or @domain a line)"
          hint="Their posts are discarded without notice."
          value={p.form.banned}
          error={e.banned}
          rows={3}
          maxlength={20000}
        />
        <Checkbox
          name="administrivia"
          label="Hold posts that are list commands, such as “unsubscribe”, and tell the sender how to do it"
          checked={p.form.administrivia}
        />
        <Radios
          name="spfFail"
          legend="A member’s post whose domain has no DMARC policy and whose sending server fails SPF"
          value={p.form.spfFail}
          options={[
            ['hold', 'Hold it for a moderator: it may be forged'],
            ['accept', 'Send it to the list (for members who post through old forwarding services)'],
          ]}
        />
        <TextField name="maxKb" label="Largest post, in KB" value={p.form.maxKb} error={e.maxKb} required maxlength={6} />
        <TextField name="maxRecipients" label="Most people in To and Cc" value={p.form.maxRecipients} error={e.maxRecipients} required maxlength={4} />
        <h2>Messages</h2>
        <TextField
          name="subjectPrefix"
          label="Subject prefix"
          hint={`Leave empty for the default, [${p.listName}]. Type "none" for no prefix.`}
          value={p.form.subjectPrefix}
          error={e.subjectPrefix}
          maxlength={60}
        />
        <TextArea
          name="footer"
          label="Footer text"
          hint="Added to the end of every post, above the standard lines about unsubscribing and FOIA."
          value={p.form.footer}
          error={e.footer}
          rows={3}
          maxlength={2000}
        />
        <Radios
          name="replyTo"
          legend="Replies go to"
          value={p.form.replyTo}
          options={[
            ['poster', 'The person who wrote the post'],
            ['list', 'The whole list'],
          ]}
        />
        <Radios
          name="dmarcMitigation"
          legend="Show posts as from the list (“Name via list”)"
          value={p.form.dmarcMitigation}
          options={[
            ['auto', 'Only when the sender’s domain asks receivers to reject forged mail (DMARC), as federal domains do'],
            ['always', 'Always'],
            ['never', 'Never'],
          ]}
        />
        <Checkbox
          name="whoByMail"
          label="Members can get the list of members (names and addresses) by sending “who” to the list’s request address"
          checked={p.form.whoByMail}
        />
        <Checkbox name="sendToPoster" label="Send posters a copy of their own posts" checked={p.form.sendToPoster} />
        <h2>Archive</h2>
        <Checkbox name="archivePublic" label="Anyone can read the archive (otherwise members only)" checked={p.form.archivePublic} />
        <button class="usa-button margin-top-3" type="submit">
          Save the list settings
        </button>
      </form>
    </Page>,
  );
}
