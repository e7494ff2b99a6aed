/** Archive pages: searching the archive, and a member's private feed address. */
import Html from '@kitajs/html';
import { Page } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, type FieldErrors } from '../web/forms.tsx';
import { showTime } from './months.ts';
import type { SearchResult } from './search.ts';
import { cleanSubject } from './subjects.ts';
import { base, crumbs, ExportField, plural, senderName, type ArchiveView } from './views.tsx';
import { formatCount } from '../web/format.ts';

export interface SearchFormValues {
  q: string;
  from: string;
  since: string;
  until: string;
  attachment: boolean;
  scope: 'list' | 'community';
}

export function SearchPage(
  p: ArchiveView & {
    values: SearchFormValues;
    errors: FieldErrors;
    result?: SearchResult;
    page: number;
    pageSize: number;
    listNames: Map<number, string>;
    listParts: Map<number, string>;
  },
): string {
  const v = p.values;
  const e = p.errors;
  const query = (page: number) =>
    `${base(p.list)}/search?` +
    new URLSearchParams({
      q: v.q,
      from: v.from,
      since: v.since,
      until: v.until,
      ...(v.attachment ? { attachment: '1' } : {}),
      scope: v.scope,
      page: String(page),
    }).toString();
  const pages = p.result ? Math.ceil(p.result.total / p.pageSize) : 0;
  return Page({
    site: p.site,
    title: `Search – ${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(p, [{ label: 'Search' }]),
    children: (
      <>
        <h1>Search the archive</h1>
        <ErrorSummary errors={e} />
        <form class="usa-form usa-form--large" method="get" action={`${base(p.list)}/search`}>
          <ExportField
            name="q"
            label="Words"
            hint='Put a phrase in quotes ("office hours"); put a minus before a word to leave it out (-draft); use OR between alternatives.'
            value={v.q}
            error={e.q}
          />
          <ExportField
            name="from"
            label="Sender"
            hint="A name or an address, or the start of one, for example smith or agency.gov."
            value={v.from}
            error={e.from}
          />
          <ExportField name="since" label="From day" hint="For example 2019-04-01." value={v.since} error={e.since} type="date" />
          <ExportField name="until" label="To day (included)" hint="For example 2019-04-30." value={v.until} error={e.until} type="date" />
          <div class="usa-checkbox margin-y-2">
            <input class="usa-checkbox__input" id="attachment" type="checkbox" name="attachment" value="1" checked={v.attachment} />
            <label class="usa-checkbox__label" for="attachment">
              Only messages with attachments
            </label>
          </div>
          <fieldset class="usa-fieldset">
            <legend class="usa-legend">Where to look</legend>
            <div class="usa-radio">
              <input class="usa-radio__input" id="scope-list" type="radio" name="scope" value="list" checked={v.scope === 'list'} />
              <label class="usa-radio__label" for="scope-list" safe>{`This list (${p.list.name})`}</label>
            </div>
            <div class="usa-radio">
              <input class="usa-radio__input" id="scope-community" type="radio" name="scope" value="community" checked={v.scope === 'community'} />
              <label class="usa-radio__label" for="scope-community">
                Every list of this community that you can read
              </label>
            </div>
          </fieldset>
          <button class="usa-button" type="submit">
            Search
          </button>
        </form>
        {p.result ? (
          <section aria-labelledby="results-heading" class="margin-top-4">
            <h2 id="results-heading">
              {p.result.capped
                ? `More than ${plural(p.result.total, 'message', 'messages')} found`
                : p.result.total
                  ? ((plural(p.result.total, 'message', 'messages') + ' found') as 'safe')
                  : 'Nothing found'}
            </h2>
            {p.result.total === 0 ? <p>Try fewer or different words, another spelling, or a wider date range.</p> : ''}
            {p.result.capped ? <p safe>{`The newest ${formatCount(p.result.total)} are ranked. Add words, a sender or dates to narrow the search.`}</p> : ''}
            <ol class="usa-list usa-list--unstyled" start={String((p.page - 1) * p.pageSize + 1)}>
              {p.result.hits.map((h) => (
                <li class="border-bottom-1px border-base-lighter padding-y-2">
                  <a class="text-bold" href={`/archives/${p.listParts.get(h.listId) ?? p.list.localPart}/${h.number}`} safe>
                    {cleanSubject(h.subject)}
                  </a>
                  <div class="sg-card-meta" safe>
                    {`${senderName(p, h.fromName, h.fromAddress)}, ${showTime(h.sentAt, p.list.timeZone)}${p.values.scope === 'community' ? ` · ${p.listNames.get(h.listId) ?? ''}` : ''}${h.hasAttachment ? ' · has attachments' : ''}`}
                  </div>
                  <p class="margin-y-05">{h.snippet as 'safe'}</p>
                </li>
              ))}
            </ol>
            {pages > 1 ? (
              <nav aria-label="Result pages">
                <ul class="usa-list usa-list--unstyled display-flex flex-justify">
                  <li>{p.page > 1 ? <a href={query(p.page - 1)}>Previous results</a> : ''}</li>
                  <li safe>{`Page ${p.page} of ${pages}`}</li>
                  <li>{p.page < pages ? <a href={query(p.page + 1)}>More results</a> : ''}</li>
                </ul>
              </nav>
            ) : (
              ''
            )}
          </section>
        ) : (
          ''
        )}
      </>
    ),
  });
}

export function FeedPage(p: ArchiveView & { csrf: string; since?: Date | undefined; newUrl?: string | undefined; notice?: string | undefined }): string {
  return Page({
    site: p.site,
    title: `Feed – ${p.list.name} archive`,
    section: 'communities',
    breadcrumbs: crumbs(p, [{ label: 'Feed' }]),
    children: (
      <>
        <h1>Your feed of new threads</h1>
        <p class="usa-intro" safe>{`A private Atom feed of the threads started on ${p.list.name}, for your feed reader.`}</p>
        {p.notice ? (
          <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
            <div class="usa-alert__body">
              <p class="usa-alert__text" safe>
                {p.notice}
              </p>
            </div>
          </div>
        ) : (
          ''
        )}
        {p.newUrl ? (
          <>
            <h2>Your feed address</h2>
            <p>
              Copy it into your feed reader now: for your safety it is shown only this once. Anyone with this address can read the thread titles, so keep it
              private.
            </p>
            <p class="sg-code" safe>
              {p.newUrl}
            </p>
          </>
        ) : p.since ? (
          <p safe>{`You have a feed address, made ${showTime(p.since, p.list.timeZone)}. Make a new one if you lost it; the old one stops working.`}</p>
        ) : (
          <p>You have no feed address yet.</p>
        )}
        <form method="post" action={`${base(p.list)}/feed`} class="margin-y-2">
          <CsrfField token={p.csrf} />
          <input type="hidden" name="action" value="create" />
          <button class="usa-button" type="submit">
            {p.since || p.newUrl ? 'Make a new feed address' : 'Make my feed address'}
          </button>
        </form>
        {p.since || p.newUrl ? (
          <form method="post" action={`${base(p.list)}/feed`}>
            <CsrfField token={p.csrf} />
            <input type="hidden" name="action" value="revoke" />
            <button class="usa-button usa-button--secondary" type="submit">
              Stop my feed address working
            </button>
          </form>
        ) : (
          ''
        )}
      </>
    ),
  });
}
