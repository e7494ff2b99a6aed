/** Registry pages: the home page with search, and verify (record pages: record-views.tsx). */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { TextField } from '../web/forms.tsx';
import type { Agency } from './agencies.ts';
import type { Platform } from './platforms.ts';
import { KIND_WORDS, STATUS_WORDS, type RegistryRecord } from './records.ts';
import type { TagCount } from './search.ts';
import type { VerifyAnswer } from './verify.ts';

export const HOME: Crumb = { href: '/registry', label: 'Official accounts' };

export interface SearchValues {
  q: string;
  agency: string;
  platform: string;
  tag: string;
  language: string;
}

function Select(p: { name: string; label: string; value: string; options: Array<{ value: string; label: string }>; any: string }) {
  return (
    <div class="usa-form-group">
      <label class="usa-label" for={p.name} safe>
        {p.label}
      </label>
      <select class="usa-select" id={p.name} name={p.name}>
        <option value="" safe>
          {p.any}
        </option>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === p.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function RecordSummary({ r }: { r: RegistryRecord }) {
  return (
    <li class="usa-collection__item">
      <div class="usa-collection__body">
        <h3 class="usa-collection__heading">
          <a class="usa-link" href={`/registry/records/${r.id}`} safe>
            {r.name}
          </a>
        </h3>
        <p class="usa-collection__description" safe>
          {[r.platformName ? `${r.platformName} ${r.account ?? ''}` : KIND_WORDS[r.kind], r.agencies.map((a) => a.name).join(', ')].filter(Boolean).join(' · ')}
        </p>
        {r.shortDescription ? (
          <p class="usa-collection__description" safe>
            {r.shortDescription}
          </p>
        ) : (
          ''
        )}
        {r.status !== 'published' ? (
          <p class="usa-collection__description text-bold" safe>
            {STATUS_WORDS[r.status]}
          </p>
        ) : (
          ''
        )}
      </div>
    </li>
  );
}

export function VerifyForm({ url }: { url: string }) {
  return (
    <form class="usa-form usa-form--large" method="get" action="/registry/verify" role="search" aria-label="Check an account">
      <label class="usa-label" for="verify-url">
        Account address
      </label>
      <div class="usa-hint" id="verify-url-hint">
        For example, https://x.com/USAGov or @user@mastodon.social
      </div>
      <input class="usa-input" id="verify-url" name="url" type="text" value={url} maxlength={2000} aria-describedby="verify-url-hint" />
      <button class="usa-button margin-top-2" type="submit">
        Check the account
      </button>
    </form>
  );
}

export function RegistryHomePage(p: {
  site: Site;
  values: SearchValues;
  agencies: Agency[];
  platforms: Platform[];
  tags: TagCount[];
  records: RegistryRecord[];
  total: number;
  page: number;
  pageSize: number;
  pageLink: (n: number) => string;
  canRegister: boolean;
  reviewer: boolean;
}): string {
  const last = Math.max(1, Math.ceil(p.total / p.pageSize));
  return toHtml(
    <Page site={p.site} title="Official government accounts" section="registry" breadcrumbs={[{ label: 'Official accounts' }]}>
      <h1>Official government accounts</h1>
      <p class="usa-intro">
        The registry lists official U.S. government social-media accounts, mobile apps and websites. Check whether an account is official, or search the
        registry.
      </p>
      {p.canRegister || p.reviewer ? (
        <ul class="usa-button-group margin-bottom-2">
          {p.canRegister ? (
            <li class="usa-button-group__item">
              <a class="usa-button usa-button--outline" href="/registry/manage">
                Your agency’s records
              </a>
            </li>
          ) : (
            ''
          )}
          {p.reviewer ? (
            <li class="usa-button-group__item">
              <a class="usa-button usa-button--outline" href="/registry/review">
                Review queue
              </a>
            </li>
          ) : (
            ''
          )}
        </ul>
      ) : (
        ''
      )}
      <section aria-labelledby="verify-heading">
        <h2 id="verify-heading">Check an account</h2>
        <VerifyForm url="" />
      </section>
      <section aria-labelledby="search-heading" class="margin-top-4">
        <h2 id="search-heading">Search the registry</h2>
        <form class="usa-form usa-form--large" method="get" action="/registry" role="search" aria-label="Search the registry">
          <TextField name="q" label="Words" value={p.values.q} hint="Name, account, agency or description" />
          <Select name="agency" label="Agency" value={p.values.agency} any="Any agency" options={p.agencies.map((a) => ({ value: a.slug, label: a.path }))} />
          <Select
            name="platform"
            label="Platform"
            value={p.values.platform}
            any="Any platform"
            options={p.platforms.filter((x) => x.active).map((x) => ({ value: x.key, label: x.name }))}
          />
          <Select name="tag" label="Tag" value={p.values.tag} any="Any tag" options={p.tags.map((t) => ({ value: t.tag, label: `${t.tag} (${t.kind})` }))} />
          <TextField name="language" label="Language code" value={p.values.language} hint="For example, en or es" maxlength={20} />
          <button class="usa-button margin-top-2" type="submit">
            Search
          </button>
        </form>
        <h2 class="margin-top-4" safe>{`${p.total} ${p.total === 1 ? 'record' : 'records'}`}</h2>
        {p.records.length ? (
          <ul class="usa-collection">
            {p.records.map((r) => (
              <RecordSummary r={r} />
            ))}
          </ul>
        ) : (
          <p>Nothing matches. Try fewer words, or another agency or platform.</p>
        )}
        {last > 1 ? (
          <nav aria-label="Pages of results" class="usa-pagination">
            <ul class="usa-pagination__list">
              {p.page > 1 ? (
                <li class="usa-pagination__item usa-pagination__arrow">
                  <a href={p.pageLink(p.page - 1)} class="usa-pagination__link usa-pagination__previous-page" aria-label="Previous page">
                    <span class="usa-pagination__link-text">Previous</span>
                  </a>
                </li>
              ) : (
                ''
              )}
              <li class="usa-pagination__item usa-pagination__page-no">
                <span class="usa-pagination__button usa-current" aria-current="page" safe>{`Page ${p.page} of ${last}`}</span>
              </li>
              {p.page < last ? (
                <li class="usa-pagination__item usa-pagination__arrow">
                  <a href={p.pageLink(p.page + 1)} class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">
                    <span class="usa-pagination__link-text">Next</span>
                  </a>
                </li>
              ) : (
                ''
              )}
            </ul>
          </nav>
        ) : (
          ''
        )}
      </section>
      <p class="margin-top-4">
        Programs can use the <a href="/api/docs">registry API</a>, for example <code class="sg-code">/api/v1/registry/verify?url=…</code>.
      </p>
    </Page>,
  );
}

export function VerifyPage(p: { site: Site; url: string; answer?: VerifyAnswer; error?: string }): string {
  const a = p.answer;
  return toHtml(
    <Page site={p.site} title="Check an account" section="registry" breadcrumbs={[HOME, { label: 'Check an account' }]}>
      <h1>Check an account</h1>
      {p.error ? (
        <div class="usa-alert usa-alert--error" role="alert">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">We can’t check this address</h2>
            <p class="usa-alert__text" safe>
              {p.error}
            </p>
          </div>
        </div>
      ) : (
        ''
      )}
      {a ? (
        <div class={`usa-alert ${a.verified ? 'usa-alert--success' : 'usa-alert--warning'}`} role="status">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{a.verified ? 'Official account' : 'Not a verified official account'}</h2>
            <p class="usa-alert__text" safe>
              {a.message}
            </p>
            {a.record ? (
              <p class="usa-alert__text">
                <a class="usa-link" href={`/registry/records/${a.record.id}`} safe>
                  {`See the registry record: ${a.record.name}`}
                </a>
              </p>
            ) : (
              ''
            )}
          </div>
        </div>
      ) : (
        ''
      )}
      <VerifyForm url={p.url} />
    </Page>,
  );
}
