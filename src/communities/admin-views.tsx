/** Coordinators' pages for a community: the admin hub and the page editor with preview. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { Checkbox, CsrfField, ErrorSummary, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { renderMarkdown } from '../web/markdown.ts';
import { AUDIENCES, PLATFORMS } from './community-file.ts';
import { LEVELS, type PageForm } from './admin-form.ts';

interface Ref {
  slug: string;
  title: string;
}

const AUDIENCE_LABEL: Record<string, string> = {
  government: 'Government employees and contractors',
  government_only: 'Government employees only',
  public: 'Anyone',
};
const PLATFORM_LABEL: Record<string, string> = { listserv: 'Email list (listserv)', 'google-group': 'Google Group', slack: 'Slack' };

/** The coordinators' hub: a card for every tool a coordinator runs (registry review only for its reviewers). */
export function AdminHubPage(p: { site: Site; c: Ref; waiting: number; registryReviewer: boolean }): string {
  return toHtml(
    <Page
      site={p.site}
      title={`Manage ${p.c.title}`}
      section="communities"
      breadcrumbs={[{ href: '/communities', label: 'Communities' }, { href: `/communities/${p.c.slug}`, label: p.c.title }, { label: 'Manage' }]}
    >
      <h1 safe>{`Manage ${p.c.title}`}</h1>
      <ul class="usa-card-group">
        {[
          { href: `/communities/${p.c.slug}/admin/requests`, title: 'Requests to join', text: `${p.waiting} waiting for a decision.` },
          { href: `/communities/${p.c.slug}/members`, title: 'Member directory', text: 'Find members, change roles, remove or ban, download CSV.' },
          { href: `/communities/${p.c.slug}/admin/page`, title: 'Edit the community page', text: 'Text, join channels, who may join, guidelines.' },
          { href: `/communities/${p.c.slug}/admin/import`, title: 'Import members', text: 'Bring in an existing list from a CSV export.' },
          { href: `/communities/${p.c.slug}/admin/held`, title: 'Held messages', text: 'Posts to the list that wait for a moderator, and why.' },
          {
            href: `/communities/${p.c.slug}/admin/list`,
            title: 'List settings',
            text: 'Emergency moderation, announce-only, accepted and banned senders, prefix and footer.',
          },
          {
            href: `/communities/${p.c.slug}/admin/bounces`,
            title: 'Bouncing addresses',
            text: 'Members whose list mail bounces: scores, errors, turn delivery back on.',
          },
          {
            href: `/communities/${p.c.slug}/admin/speaker-requests`,
            title: 'Speaker requests',
            text: 'Requests for a speaker from the bureau, and questions to the experts: review, propose a speaker, follow up.',
          },
          {
            href: '/events/new',
            title: 'Events',
            text: 'Schedule an event or office hours; manage registrations, reminders and attendance from each event’s page.',
          },
          {
            href: `/communities/${p.c.slug}/groups`,
            title: 'Working groups',
            text: 'Start a working group, approve people who ask to join, moderate its list.',
          },
          {
            href: `/communities/${p.c.slug}/admin/metrics`,
            title: 'Metrics',
            text: 'Membership growth, posts per week, replies, bounces and events, with charts and CSV downloads.',
          },
          ...(p.registryReviewer
            ? [
                {
                  href: '/registry/review',
                  title: 'Registry review',
                  text: 'Official accounts waiting for review, archive requests, and records due for their yearly check.',
                },
              ]
            : []),
        ].map((card) => (
          <li class="usa-card tablet:grid-col-6">
            <div class="usa-card__container">
              <div class="usa-card__header">
                <h2 class="usa-card__heading">
                  <a href={card.href} safe>
                    {card.title}
                  </a>
                </h2>
              </div>
              <div class="usa-card__body">
                <p safe>{card.text}</p>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </Page>,
  );
}

function Select(p: { name: string; label: string; value: string; options: Array<[string, string]>; error?: string | undefined }) {
  return (
    <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
      <label class={p.error ? 'usa-label usa-label--error' : 'usa-label'} for={p.name} safe>
        {p.label}
      </label>
      {p.error ? (
        <span class="usa-error-message" id={`${p.name}-error`} safe>
          {p.error}
        </span>
      ) : (
        ''
      )}
      <select class="usa-select" id={p.name} name={p.name} aria-describedby={p.error ? `${p.name}-error` : undefined}>
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value} safe>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EditPage(p: { site: Site; c: Ref; csrf: string; form: PageForm; errors?: FieldErrors; preview?: boolean }): string {
  const f = p.form;
  const e = p.errors ?? {};
  const safePreview = p.preview ? renderMarkdown(f.body) : '';
  return toHtml(
    <Page
      site={p.site}
      title={`Edit ${p.c.title}`}
      section="communities"
      breadcrumbs={[
        { href: '/communities', label: 'Communities' },
        { href: `/communities/${p.c.slug}`, label: p.c.title },
        { href: `/communities/${p.c.slug}/admin`, label: 'Manage' },
        { label: 'Edit page' },
      ]}
    >
      <h1 safe>{`Edit ${p.c.title}`}</h1>
      <p>Saving updates the page’s “reviewed/updated” date. Every save is recorded with your name.</p>
      <ErrorSummary errors={e} />
      {p.preview ? (
        <section class="border-2px border-base-light padding-2 margin-bottom-4" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview (not saved yet)</h2>
          {f.kicker ? (
            <p class="text-bold margin-bottom-0" safe>
              {f.kicker}
            </p>
          ) : (
            ''
          )}
          <p class="font-heading-xl text-bold margin-top-0" safe>
            {f.title}
          </p>
          {f.deck ? (
            <p class="usa-intro" safe>
              {f.deck}
            </p>
          ) : (
            ''
          )}
          {f.summary ? (
            <p class="text-bold" safe>
              {f.summary}
            </p>
          ) : (
            ''
          )}
          <div class="usa-prose">{safePreview}</div>
        </section>
      ) : (
        ''
      )}
      <form class="usa-form usa-form--large" method="post" action={`/communities/${p.c.slug}/admin/page`} novalidate>
        <CsrfField token={p.csrf} />
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">Page</legend>
          <TextField name="title" label="Title" value={f.title} error={e.title} required />
          <TextField name="shortName" label="Short name" value={f.shortName} error={e.shortName} hint="Shown on cards, e.g. Social Media" />
          <TextField name="acronym" label="Acronym" value={f.acronym} error={e.acronym} />
          <TextField name="kicker" label="Kicker" value={f.kicker} error={e.kicker} hint="A short line above the title" />
          <TextField name="deck" label="Deck" value={f.deck} error={e.deck} hint="One sentence under the title" />
          <TextArea name="summary" label="Summary" value={f.summary} error={e.summary} rows={2} />
          <TextArea
            name="body"
            label="Body (Markdown)"
            value={f.body}
            error={e.body}
            rows={16}
            maxlength={100000}
            hint="Use ## headings for sections such as What We Do, Who We Are, Related Resources."
          />
          <TextField name="topics" label="Topics" value={f.topics} error={e.topics} hint="Separate with commas" />
          <TextField
            name="authors"
            label="Community leads"
            value={f.authors}
            error={e.authors}
            hint="Names as slugs, separated with commas, e.g. laura-larrimore"
          />
          <Select
            name="weight"
            label="Shown on the communities page"
            value={f.weight}
            error={e.weight}
            options={[
              ['2', 'Featured'],
              ['1', 'Visible'],
              ['0', 'Hidden (page still reachable)'],
            ]}
          />
          <Checkbox name="highlight" label="Highlight at the top of the communities page" checked={f.highlight} />
        </fieldset>
        {f.channels.map((ch, i) => (
          <fieldset class="usa-fieldset margin-top-4">
            <legend class="usa-legend usa-legend--large">{ch.platform ? `Join channel ${i + 1}` : 'Add a join channel'}</legend>
            <Select
              name={`ch${i}_platform`}
              label="Kind"
              value={ch.platform}
              error={e[`ch${i}_platform`]}
              options={[['', '(none)'], ...PLATFORMS.map((x) => [x, PLATFORM_LABEL[x]!] as [string, string])]}
            />
            <Select
              name={`ch${i}_audience`}
              label="Who may join"
              value={ch.audience}
              error={e[`ch${i}_audience`]}
              options={AUDIENCES.map((x) => [x, AUDIENCE_LABEL[x]!] as [string, string])}
            />
            <TextField name={`ch${i}_email`} label="Subscribe address" type="email" value={ch.subscribeEmail} error={e[`ch${i}_email`]} />
            <TextField name={`ch${i}_subject`} label="Subject line" value={ch.subscribeSubject} error={e[`ch${i}_subject`]} />
            <TextField name={`ch${i}_body`} label="What to write in the message" value={ch.subscribeBody} error={e[`ch${i}_body`]} />
            <TextField name={`ch${i}_terms`} label="Eligibility terms" value={ch.terms} error={e[`ch${i}_terms`]} />
            <TextField name={`ch${i}_button`} label="Button text" value={ch.joinButton} error={e[`ch${i}_button`]} />
            {ch.platform ? <Checkbox name={`ch${i}_remove`} label="Remove this channel" checked={ch.remove} /> : ''}
          </fieldset>
        ))}
        <input type="hidden" name="channelRows" value={String(f.channels.length)} />
        <fieldset class="usa-fieldset margin-top-4">
          <legend class="usa-legend usa-legend--large">Who may join</legend>
          <p class="usa-hint">Levels of government whose official addresses may join without approval.</p>
          {LEVELS.map((l) => (
            <div class="usa-checkbox">
              <input class="usa-checkbox__input" id={`level-${l}`} type="checkbox" name="levels" value={l} checked={f.eligibleLevels.includes(l)} />
              <label class="usa-checkbox__label" for={`level-${l}`} safe>
                {l[0]!.toUpperCase() + l.slice(1)}
              </label>
            </div>
          ))}
          <Checkbox name="allowExceptions" label="Let others (for example contractors) ask a coordinator to approve them" checked={f.allowExceptions} />
          <TextArea
            name="guidelines"
            label="Community guidelines"
            value={f.guidelines}
            error={e.guidelines}
            hint="One guideline per line. Leave blank for the standard guidelines."
            rows={5}
          />
        </fieldset>
        <div class="margin-top-4">
          <button class="usa-button usa-button--outline" type="submit" name="intent" value="preview">
            Preview
          </button>
          <button class="usa-button" type="submit" name="intent" value="save">
            Save
          </button>
        </div>
      </form>
    </Page>,
  );
}
