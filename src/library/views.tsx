/** HTML for the library: index, drafts, topics, authors and search (an article and its form: article-views.tsx; guides: guide-views.tsx). */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { formatDay } from '../web/format.ts';
import { KIND_TEXT, STATUS_TEXT, type Article } from './articles.ts';
import type { Author } from './authors.ts';
import type { GuideSummary } from './guides.ts';
import { renderLibraryMarkdown } from './render.ts';
import type { SearchResult } from './search.ts';
import type { Topic } from './topics.ts';

export const LIBRARY: Crumb = { href: '/library', label: 'Library' };
export const HOME: Crumb = { href: '/', label: 'Home' };

function FeedLinks({ base, label }: { base: string; label: string }) {
  return (
    <p class="sg-no-print">
      <span safe>{`Follow ${label}:`}</span> <a href={`${base}.rss`}>RSS</a> · <a href={`${base}.atom`}>Atom</a> · <a href={`${base}.json`}>JSON Feed</a>
    </p>
  );
}

/** Links to guides, one a line (the library's front page and a topic's page). */
function GuideLinks({ guides }: { guides: GuideSummary[] }) {
  return (
    <ul class="usa-list">
      {guides.map((g) => (
        <li>
          <a href={`/library/guides/${g.slug}`} safe>
            {g.title}
          </a>
        </li>
      ))}
    </ul>
  );
}

function ArticleList({ articles, headingLevel = 2 }: { articles: Article[]; headingLevel?: 2 | 3 }) {
  if (!articles.length) return <p>Nothing here yet.</p>;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul class="usa-collection">
      {articles.map((a) => (
        <li class="usa-collection__item">
          <div class="usa-collection__body">
            <Heading class="usa-collection__heading">
              <a class="usa-link" href={`/library/articles/${a.slug}`} safe>
                {a.title}
              </a>
            </Heading>
            {a.summary ? (
              <p class="usa-collection__description" safe>
                {a.summary}
              </p>
            ) : (
              ''
            )}
            <ul class="usa-collection__meta" aria-label="More information">
              <li class="usa-collection__meta-item" safe>
                {KIND_TEXT[a.kind]}
              </li>
              {a.status !== 'published' ? (
                <li class="usa-collection__meta-item" safe>
                  {STATUS_TEXT[a.status]}
                </li>
              ) : (
                ''
              )}
              {a.publishedAt ? (
                <li class="usa-collection__meta-item" safe>
                  {formatDay(a.publishedAt)}
                </li>
              ) : (
                ''
              )}
              {a.authors.length ? (
                <li class="usa-collection__meta-item" safe>
                  {a.authors.map((x) => x.name).join(', ')}
                </li>
              ) : (
                ''
              )}
            </ul>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function LibraryIndexPage(p: {
  site: Site;
  articles: Article[];
  guides: GuideSummary[];
  topics: Array<Topic & { articles: number }>;
  communities: Array<{ slug: string; title: string }>;
  canWrite: boolean;
  canEdit: boolean;
}): string {
  const startGuide = p.canEdit ? (
    <p>
      <a href="/library/guides/new">Start a guide</a>
    </p>
  ) : (
    ''
  );
  return toHtml(
    <Page site={p.site} title="Library" section="library" breadcrumbs={[HOME, { label: 'Library' }]}>
      <h1>Library</h1>
      <p class="usa-intro">Best practices, news, case studies, guides and toolkits from communities of practice across government.</p>
      <ul class="usa-button-group sg-no-print">
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href="/library/tools">
            Shared tools and terms of service
          </a>
        </li>
        <li class="usa-button-group__item">
          <a class="usa-button usa-button--outline" href="/topics">
            All topics
          </a>
        </li>
        {p.canWrite ? (
          <li class="usa-button-group__item">
            <a class="usa-button" href="/library/articles/new">
              Write an article
            </a>
          </li>
        ) : (
          ''
        )}
        {p.canWrite ? (
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--outline" href="/library/drafts">
              {p.canEdit ? 'Drafts and review queue' : 'Your drafts'}
            </a>
          </li>
        ) : (
          ''
        )}
      </ul>
      <FeedLinks base="/library/feed" label="all library articles" />
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-8">
          <h2>Latest articles</h2>
          <ArticleList articles={p.articles} headingLevel={3} />
        </div>
        <div class="desktop:grid-col-4">
          <h2>Guides and toolkits</h2>
          {startGuide}
          {p.guides.length ? <GuideLinks guides={p.guides} /> : <p>No guides yet.</p>}
          <h2>Working groups</h2>
          <ul class="usa-list">
            {p.communities.map((c) => (
              <li>
                <a href={`/communities/${c.slug}/groups`} safe>
                  {`Working groups of ${c.title}`}
                </a>
              </li>
            ))}
          </ul>
          <h2>Topics</h2>
          <ul class="usa-list">
            {p.topics.slice(0, 12).map((t) => (
              <li>
                <a href={`/topics/${t.slug}`} safe>
                  {t.title}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </Page>,
  );
}

export function DraftsPage(p: { site: Site; mine: Article[]; queue: Article[]; editor: boolean }): string {
  return toHtml(
    <Page site={p.site} title="Drafts and review" section="library" breadcrumbs={[HOME, LIBRARY, { label: 'Drafts and review' }]}>
      <h1>Drafts and review</h1>
      {p.editor ? (
        <>
          <h2>Waiting for review</h2>
          <ArticleList articles={p.queue} headingLevel={3} />
        </>
      ) : (
        ''
      )}
      <h2>Your drafts and articles</h2>
      <ArticleList articles={p.mine} headingLevel={3} />
    </Page>,
  );
}

export function TopicsPage(p: { site: Site; topics: Array<Topic & { articles: number }> }): string {
  return toHtml(
    <Page site={p.site} title="Topics" section="library" breadcrumbs={[HOME, LIBRARY, { label: 'Topics' }]}>
      <h1>Topics</h1>
      {p.topics.length ? (
        <ul class="usa-list">
          {p.topics.map((t) => (
            <li>
              <a href={`/topics/${t.slug}`} safe>
                {t.title}
              </a>{' '}
              <span class="text-base" safe>{`(${t.articles} ${t.articles === 1 ? 'article' : 'articles'})`}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No topics yet. An operator can import them with socialgov library import.</p>
      )}
    </Page>,
  );
}

export function TopicPage(p: {
  site: Site;
  t: Topic;
  articles: Article[];
  guides: GuideSummary[];
  communities: Array<{ slug: string; title: string }>;
}): string {
  const { t } = p;
  const safeBodyHtml = renderLibraryMarkdown(t.body);
  return toHtml(
    <Page
      site={p.site}
      title={t.title}
      section="library"
      description={t.summary ?? undefined}
      breadcrumbs={[HOME, LIBRARY, { href: '/topics', label: 'Topics' }, { label: t.title }]}
    >
      <h1 safe>{t.title}</h1>
      {t.deck ? (
        <p class="usa-intro" safe>
          {t.deck}
        </p>
      ) : (
        ''
      )}
      {t.summary ? <p safe>{t.summary}</p> : ''}
      <div class="usa-prose">{safeBodyHtml}</div>
      <FeedLinks base={`/topics/${t.slug}/feed`} label={`articles about ${t.title.toLowerCase()}`} />
      {p.communities.length ? (
        <>
          <h2>Featured communities</h2>
          <ul class="usa-list">
            {p.communities.map((c) => (
              <li>
                <a href={`/communities/${c.slug}`} safe>
                  {c.title}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      {t.featuredLinks.length ? (
        <>
          <h2>Essential reading</h2>
          <ul class="usa-list">
            {t.featuredLinks.map((l) => (
              <li>
                <a href={l.href} safe>
                  {l.title}
                </a>
                {l.summary ? <span safe>{`: ${l.summary}`}</span> : ''}
              </li>
            ))}
          </ul>
        </>
      ) : (
        ''
      )}
      {p.guides.length ? (
        <>
          <h2>Guides and toolkits</h2>
          <GuideLinks guides={p.guides} />
        </>
      ) : (
        ''
      )}
      <h2>Articles</h2>
      <ArticleList articles={p.articles} headingLevel={3} />
    </Page>,
  );
}

export function AuthorPage(p: { site: Site; author: Author; articles: Article[] }): string {
  const safeBioHtml = renderLibraryMarkdown(p.author.bio);
  return toHtml(
    <Page site={p.site} title={p.author.name} section="library" breadcrumbs={[HOME, LIBRARY, { label: p.author.name }]}>
      <h1 safe>{p.author.name}</h1>
      {p.author.agency ? (
        <p class="usa-intro" safe>
          {p.author.agency}
        </p>
      ) : (
        ''
      )}
      <div class="usa-prose">{safeBioHtml}</div>
      <FeedLinks base={`/library/authors/${p.author.slug}/feed`} label={`articles by ${p.author.name}`} />
      <h2>Articles</h2>
      <ArticleList articles={p.articles} headingLevel={3} />
    </Page>,
  );
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A search snippet: escaped, then the matched words (between \u0001 and \u0002) marked. */
export function snippetHtml(snippet: string): string {
  return escapeText(snippet).split('\u0001').join('<mark>').split('\u0002').join('</mark>');
}

export function SearchPage(p: { site: Site; q: string; only: string | undefined; result: SearchResult; error?: string }): string {
  const total = Object.values(p.result.counts).reduce((a, b) => a + b, 0);
  return toHtml(
    <Page site={p.site} title={p.q ? `Search: ${p.q}` : 'Search'} breadcrumbs={[HOME, { label: 'Search' }]}>
      <h1>Search</h1>
      <form class="usa-form usa-form--large" method="get" action="/search" role="search">
        <div class={p.error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}>
          <label class="usa-label" for="q">
            Search communities, events, the library (articles, guides, topics, shared tools) and list archives
          </label>
          <div class="usa-hint" id="q-hint">
            Put a phrase in "quotes"; put - before a word to leave it out.
          </div>
          {p.error ? (
            <span class="usa-error-message" id="q-error" safe>
              {p.error}
            </span>
          ) : (
            ''
          )}
          <input class="usa-input" id="q" name="q" type="search" value={p.q} maxlength="200" aria-describedby={p.error ? 'q-hint q-error' : 'q-hint'} />
        </div>
        <div class="usa-form-group">
          <label class="usa-label" for="source">
            Look in
          </label>
          <select class="usa-select" id="source" name="source">
            <option value="">Everything</option>
            {p.result.sources.map((s) => (
              <option value={s.name} selected={p.only === s.name} safe>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <button class="usa-button" type="submit">
          Search
        </button>
      </form>
      {p.q && !p.error ? (
        <section aria-labelledby="results-heading" class="margin-top-4">
          <h2 id="results-heading" safe>
            {p.result.hits.length ? `Results for “${p.q}”` : `Nothing found for “${p.q}”`}
          </h2>
          {total ? (
            <p safe>
              {p.result.sources
                .filter((s) => p.result.counts[s.name])
                .map((s) => `${s.label}: ${p.result.counts[s.name]}`)
                .join(' · ')}
            </p>
          ) : (
            <p>Try fewer or other words.</p>
          )}
          <ul class="usa-collection">
            {p.result.hits.map((h) => {
              const safeSnippet = snippetHtml(h.snippet);
              const label = p.result.sources.find((s) => s.name === h.source)?.label ?? h.source;
              return (
                <li class="usa-collection__item">
                  <div class="usa-collection__body">
                    <h3 class="usa-collection__heading">
                      <a class="usa-link" href={h.url} safe>
                        {h.title}
                      </a>
                    </h3>
                    <p class="usa-collection__description">{safeSnippet}</p>
                    <ul class="usa-collection__meta" aria-label="More information">
                      <li class="usa-collection__meta-item" safe>
                        {label}
                      </li>
                      {h.date ? (
                        <li class="usa-collection__meta-item" safe>
                          {formatDay(h.date)}
                        </li>
                      ) : (
                        ''
                      )}
                    </ul>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ) : (
        ''
      )}
    </Page>,
  );
}
