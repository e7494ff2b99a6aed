/** Pages for one registry record: the record with its history and actions, the record form, and the reviewers' list of records. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatDay } from '../web/format.ts';
import type { Agency } from './agencies.ts';
import { APP_STORES, type RecordInput } from './record-input.ts';
import { KIND_WORDS, STATUS_WORDS, type HistoryEntry, type RecordKind, type RegistryRecord } from './records.ts';
import { TRANSITIONS, type RecordAction } from './workflow.ts';
import { HOME, RecordSummary } from './views.tsx';

function Field({ label, children }: { label: string; children: Html.Children }) {
  return (
    <>
      <dt class="text-bold margin-top-2" safe>
        {label}
      </dt>
      <dd class="margin-left-0">{children as 'safe'}</dd>
    </>
  );
}

const ACTION_HINT: Partial<Record<RecordAction, string>> = {
  reject: 'Tell the contacts what to change. They read this.',
  archive: 'For example: the account was closed on 1 March. The contacts read this.',
  'request-archive': 'Optional: why the account is no longer used.',
};

export function RecordPage(p: {
  site: Site;
  r: RegistryRecord;
  actions: RecordAction[];
  canEdit: boolean;
  showContacts: boolean;
  history: HistoryEntry[] | undefined;
  csrf: string;
  notice?: string;
  error?: string;
}): string {
  const r = p.r;
  return toHtml(
    <Page site={p.site} title={r.name} section="registry" breadcrumbs={[HOME, { label: r.name }]}>
      <h1 safe>{r.name}</h1>
      <SuccessNotice text={p.notice} />
      {p.error ? (
        <div class="usa-alert usa-alert--error usa-alert--slim" role="alert">
          <div class="usa-alert__body">
            <p class="usa-alert__text" safe>
              {p.error}
            </p>
          </div>
        </div>
      ) : (
        ''
      )}
      {r.status === 'archived' ? (
        <div class="usa-alert usa-alert--warning usa-alert--slim">
          <div class="usa-alert__body">
            <p
              class="usa-alert__text"
              safe
            >{`Archived on ${formatDay(r.archivedAt ?? r.updatedAt)}: this is no longer an official account.${r.archiveReason ? ` ${r.archiveReason}` : ''}`}</p>
          </div>
        </div>
      ) : (
        ''
      )}
      {r.status === 'draft' && r.rejectionReason ? (
        <div class="usa-alert usa-alert--info usa-alert--slim">
          <div class="usa-alert__body">
            <p class="usa-alert__text" safe>{`A reviewer sent this back: ${r.rejectionReason}`}</p>
          </div>
        </div>
      ) : (
        ''
      )}
      <dl>
        <Field label="Status">
          <span safe>{STATUS_WORDS[r.status]}</span>
        </Field>
        <Field label="Kind">
          <span safe>{KIND_WORDS[r.kind]}</span>
        </Field>
        {r.platformName ? (
          <Field label="Platform">
            <span safe>{r.platformName}</span>
          </Field>
        ) : (
          ''
        )}
        {r.account ? (
          <Field label="Account">
            <span safe>{r.account}</span>
          </Field>
        ) : (
          ''
        )}
        {r.url ? (
          <Field label="Address">
            <a class="usa-link sg-code" href={r.url} rel="nofollow noopener" safe>
              {r.url}
            </a>
          </Field>
        ) : (
          ''
        )}
        {r.platformUserId ? (
          <Field label="Platform user id">
            <span class="sg-code" safe>
              {r.platformUserId}
            </span>
          </Field>
        ) : (
          ''
        )}
        {r.appStores.length ? (
          <Field label="App stores">
            <ul class="usa-list">
              {r.appStores.map((s) => (
                <li>
                  <a class="usa-link" href={s.url} rel="nofollow noopener" safe>
                    {APP_STORES.find((x) => x.store === s.store)?.label ?? s.store}
                  </a>
                </li>
              ))}
            </ul>
          </Field>
        ) : (
          ''
        )}
        {r.appVersions.length ? (
          <Field label="Versions">
            <span safe>{r.appVersions.map((v) => `${v.platform} ${v.version}${v.released ? ` (${v.released})` : ''}`).join(', ')}</span>
          </Field>
        ) : (
          ''
        )}
        <Field label={r.agencies.length === 1 ? 'Sponsoring agency' : 'Sponsoring agencies'}>
          <span safe>{r.agencies.map((a) => a.name).join(', ')}</span>
        </Field>
        <Field label="Language">
          <span safe>{r.language}</span>
        </Field>
        {r.shortDescription ? (
          <Field label="Description">
            <span safe>{r.shortDescription}</span>
          </Field>
        ) : (
          ''
        )}
        {r.longDescription ? (
          <Field label="More about it">
            <span safe>{r.longDescription}</span>
          </Field>
        ) : (
          ''
        )}
        {r.categoryTags.length || r.geoTags.length ? (
          <Field label="Tags">
            <span safe>{[...r.categoryTags, ...r.geoTags].join(', ')}</span>
          </Field>
        ) : (
          ''
        )}
        {p.showContacts ? (
          <Field label="Contacts">
            <span safe>{r.contacts.map((c) => (c.name ? `${c.name} <${c.email}>` : c.email)).join(', ')}</span>
          </Field>
        ) : (
          ''
        )}
        <Field label="Last reviewed">
          <span>{r.lastReviewedAt ? (formatDay(r.lastReviewedAt) as 'safe') : 'Not yet reviewed'}</span>
        </Field>
        {r.reviewDueAt ? (
          <Field label="Review">
            <span safe>{`Due since ${formatDay(r.reviewDueAt)}`}</span>
          </Field>
        ) : (
          ''
        )}
      </dl>
      {p.canEdit ? (
        <p class="margin-top-3">
          <a class="usa-button usa-button--outline" href={`/registry/records/${r.id}/edit`}>
            Change this record
          </a>
        </p>
      ) : (
        ''
      )}
      {p.actions.map((action) => {
        const t = TRANSITIONS[action];
        const id = `reason-${action}`;
        return (
          <form class="usa-form margin-top-3" method="post" action={`/registry/records/${r.id}/${action}`}>
            <CsrfField token={p.csrf} />
            {t.reason !== 'none' ? (
              <div class="usa-form-group">
                <label class="usa-label" for={id} safe>
                  {`Reason${t.reason === 'optional' ? ' (optional)' : ''}`}
                </label>
                <div class="usa-hint" id={`${id}-hint`} safe>
                  {ACTION_HINT[action] ?? ''}
                </div>
                <textarea class="usa-textarea" id={id} name="reason" rows="3" maxlength={2000} aria-describedby={`${id}-hint`}></textarea>
              </div>
            ) : (
              ''
            )}
            <button class={action === 'reject' || action === 'archive' ? 'usa-button usa-button--secondary' : 'usa-button'} type="submit" safe>
              {t.label}
            </button>
          </form>
        );
      })}
      {p.history ? (
        <section aria-labelledby="history-heading" class="margin-top-4">
          <h2 id="history-heading">Change history</h2>
          <table class="usa-table usa-table--borderless">
            <caption>Every change to this record, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {p.history.map((h) => (
                <tr>
                  <td safe>{h.at.toISOString().slice(0, 16).replace('T', ' ')}</td>
                  <td safe>{h.actor}</td>
                  <td safe>{describeChange(h)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        ''
      )}
    </Page>,
  );
}

function describeChange(h: HistoryEntry): string {
  const action = h.action.replace(/^registry\.record\./, '');
  const after = (h.after ?? {}) as Record<string, unknown>;
  const before = (h.before ?? {}) as Record<string, unknown>;
  if (action === 'edit') {
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    return changed.length ? `Changed ${changed.join(', ')}` : 'Saved without changes';
  }
  const reason = typeof after.reason === 'string' ? `: ${after.reason}` : '';
  return `${action.replace('-', ' ')}${before.status ? ` (${String(before.status)} → ${String(after.status)})` : ''}${reason}`;
}

export function RecordFormPage(p: {
  site: Site;
  kind: RecordKind;
  values: RecordInput;
  errors: FieldErrors;
  agencies: Agency[];
  csrf: string;
  action: string;
  editing?: RegistryRecord;
}): string {
  const v = p.values;
  const e = p.errors;
  const title = p.editing ? `Change ${p.editing.name}` : `Register a ${KIND_WORDS[p.kind]}`;
  const store = (s: string) => v.appStores.find((x) => x.store === s)?.url ?? '';
  return toHtml(
    <Page
      site={p.site}
      title={title}
      section="registry"
      breadcrumbs={[
        HOME,
        ...(p.editing ? [{ href: `/registry/records/${p.editing.id}`, label: p.editing.name }] : []),
        { label: p.editing ? 'Change' : 'Register' },
      ]}
    >
      <h1 safe>{title}</h1>
      {p.editing ? (
        ''
      ) : (
        <p>
          Register {p.kind === 'account' ? 'an account' : 'it'} here as a draft, or submit it for review at once. A registry reviewer publishes it; only then
          does the verification API call it official. {p.kind !== 'account' ? <a href="/registry/new?kind=account">Register an account instead</a> : ''}
          {p.kind !== 'app' ? (
            <>
              {' '}
              <a href="/registry/new?kind=app">Register a mobile app</a>
            </>
          ) : (
            ''
          )}
          {p.kind !== 'website' ? (
            <>
              {' '}
              <a href="/registry/new?kind=website">Register a website</a>
            </>
          ) : (
            ''
          )}
        </p>
      )}
      <ErrorSummary errors={e} />
      <form class="usa-form usa-form--large" method="post" action={p.action} novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="kind" value={p.kind} />
        {p.kind === 'account' ? (
          <>
            <TextField
              name="address"
              label="Account address"
              value={v.address}
              error={e.address}
              required
              maxlength={2000}
              hint="Copy it from the browser, such as https://x.com/USAGov or https://www.youtube.com/@usagov"
            />
            <TextField
              name="platformUserId"
              label="Platform user id"
              value={v.platformUserId}
              error={e.platformUserId}
              maxlength={100}
              hint="The number or id the platform gives the account. It does not change when the handle is renamed, so the registry can spot an impostor who takes over an old handle."
            />
            <TextField
              name="name"
              label="Display name"
              value={v.name}
              error={e.name}
              maxlength={300}
              hint="As the account shows it. Leave blank to use the platform and handle."
            />
          </>
        ) : p.kind === 'website' ? (
          <>
            <TextField
              name="address"
              label="Website address"
              value={v.address}
              error={e.address}
              required
              maxlength={2000}
              hint="For example, https://www.usa.gov"
            />
            <TextField name="name" label="Website name" value={v.name} error={e.name} required maxlength={300} />
          </>
        ) : (
          <>
            <TextField name="name" label="App name" value={v.name} error={e.name} required maxlength={300} />
            <fieldset class="usa-fieldset">
              <legend class="usa-legend">Store addresses (at least one)</legend>
              {e.appStores ? (
                <span class="usa-error-message" id="appStores" safe>
                  {e.appStores}
                </span>
              ) : (
                ''
              )}
              {APP_STORES.map((s) => (
                <TextField name={`store_${s.store}`} label={s.label} value={store(s.store)} maxlength={2000} />
              ))}
            </fieldset>
            <TextArea
              name="appVersions"
              label="Versions"
              value={v.appVersions.map((x) => `${x.platform} ${x.version}${x.released ? ` ${x.released}` : ''}`).join('\n')}
              error={e.appVersions}
              hint="One a line: platform, version, and release date if you like. For example: ios 2.4.1 2026-01-15"
              rows={3}
            />
          </>
        )}
        <div class={e.agencyIds ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
          <label class={e.agencyIds ? 'usa-label usa-label--error' : 'usa-label'} for="agencyIds">
            Sponsoring agencies
          </label>
          <div class="usa-hint" id="agencyIds-hint">
            Choose one or more. Hold Ctrl (or Command) to choose more than one.
          </div>
          {e.agencyIds ? (
            <span class="usa-error-message" id="agencyIds-error" safe>
              {e.agencyIds}
            </span>
          ) : (
            ''
          )}
          <select
            class="usa-select height-auto"
            id="agencyIds"
            name="agencyIds"
            multiple="multiple"
            size={String(Math.min(8, Math.max(3, p.agencies.length)))}
            aria-describedby={e.agencyIds ? 'agencyIds-hint agencyIds-error' : 'agencyIds-hint'}
          >
            {p.agencies.map((a) => (
              <option value={String(a.id)} selected={v.agencyIds.includes(a.id)} safe>
                {a.path}
              </option>
            ))}
          </select>
        </div>
        <TextArea
          name="contacts"
          label="Contacts"
          value={v.contacts.join('\n')}
          error={e.contacts}
          hint="Email addresses of members of this site, one a line. At least one must work for a sponsoring agency. They get the registry’s mail about this record."
          rows={3}
          required
        />
        <TextField name="language" label="Language code" value={v.language} error={e.language} required maxlength={20} hint="For example, en, es or zh-Hant" />
        <TextField name="shortDescription" label="Short description" value={v.shortDescription} error={e.shortDescription} maxlength={300} />
        <TextArea name="longDescription" label="Long description" value={v.longDescription} error={e.longDescription} maxlength={5000} />
        <TextField
          name="categoryTags"
          label="Category tags"
          value={v.categoryTags.join(', ')}
          error={e.categoryTags}
          maxlength={1300}
          hint="Separate with commas, such as health, emergencies"
        />
        <TextField
          name="geoTags"
          label="Geographic tags"
          value={v.geoTags.join(', ')}
          error={e.geoTags}
          maxlength={1300}
          hint="Separate with commas, such as national, Texas"
        />
        <div class="usa-button-group margin-top-3">
          {p.editing ? (
            <button class="usa-button" type="submit" name="intent" value="save">
              Save changes
            </button>
          ) : (
            <>
              <button class="usa-button" type="submit" name="intent" value="submit">
                Submit for review
              </button>
              <button class="usa-button usa-button--outline" type="submit" name="intent" value="draft">
                Save as draft
              </button>
            </>
          )}
        </div>
      </form>
    </Page>,
  );
}

export function RecordListPage(p: {
  site: Site;
  title: string;
  intro: string;
  sections: Array<{ heading: string; records: RegistryRecord[]; empty: string }>;
  links?: Array<{ href: string; label: string }>;
}): string {
  return toHtml(
    <Page site={p.site} title={p.title} section="registry" breadcrumbs={[HOME, { label: p.title }]}>
      <h1 safe>{p.title}</h1>
      <p safe>{p.intro}</p>
      {p.links?.length ? (
        <ul class="usa-button-group">
          {p.links.map((l) => (
            <li class="usa-button-group__item">
              <a class="usa-button usa-button--outline" href={l.href} safe>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {p.sections.map((s) => (
        <section class="margin-top-4">
          <h2 safe>{`${s.heading} (${s.records.length})`}</h2>
          {s.records.length ? (
            <ul class="usa-collection">
              {s.records.map((r) => (
                <RecordSummary r={r} />
              ))}
            </ul>
          ) : (
            <p safe>{s.empty}</p>
          )}
        </section>
      ))}
    </Page>,
  );
}
