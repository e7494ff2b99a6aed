/** HTML for the library: index, articles (with the editorial panel), the article form, topics, authors and search (guides: guide-views.tsx). */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SelectField, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatDay } from '../web/format.ts';
import { ARTICLE_KINDS, KIND_TEXT, STATUS_TEXT, type Article, type ArticleStep, type Transition } from './articles.ts';
import type { Author } from './authors.ts';
import type { GuideSummary } from './guides.ts';
import { choicesOf, CommunitySelect } from './form-parts.tsx';
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
            {a.summary ? <p class="usa-collection__description" safe>{a.summary}</p> : ''}
            <ul class="usa-collection__meta" aria-label="More information">
              <li class="usa-collection__meta-item" safe>{KIND_TEXT[a.kind]}</li>
              {a.status !== 'published' ? <li class="usa-collection__meta-item" safe>{STATUS_TEXT[a.status]}</li> : ''}
              {a.publishedAt ? <li class="usa-collection__meta-item" safe>{formatDay(a.publishedAt)}</li> : ''}
              {a.authors.length ? <li class="usa-collection__meta-item" safe>{a.authors.map((x) => x.name).join(', ')}</li> : ''}
            </ul>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function LibraryIndexPage(p: { site: Site; articles: Article[]; guides: GuideSummary[]; topics: Array<Topic & { articles: number }>; communities: Array<{ slug: string; title: string }>; canWrite: boolean; canEdit: boolean }): string {
  const startGuide = p.canEdit ? (
    <p>
      <a href="/library/guides/new">Start a guide</a>
    </p>
  ) : '';
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
        ) : ''}
        {p.canWrite ? (
          <li class="usa-button-group__item">
            <a class="usa-button usa-button--outline" href="/library/drafts">
              {p.canEdit ? 'Drafts and review queue' : 'Your drafts'}
            </a>
          </li>
        ) : ''}
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
          {p.guides.length ? (
            <GuideLinks guides={p.guides} />
          ) : (
            <p>No guides yet.</p>
          )}
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

const TRANSITION_TEXT: Record<Transition, { button: string; hint: string }> = {
  submit: { button: 'Send for review', hint: 'An editor checks the article before it is published.' },
  return: { button: 'Return to the writer', hint: 'Back to draft, so the writer can change it.' },
  publish: { button: 'Publish', hint: 'Everyone can read it, and it appears in the feeds and search.' },
  archive: { button: 'Archive', hint: 'Takes it out of lists, feeds and search; the address keeps working.' },
  restore: { button: 'Publish again', hint: 'Brings an archived article back.' },
  reviewed: { button: 'Mark as reviewed', hint: 'Confirms the page is still correct and sets “Page reviewed/updated” to today.' },
};

export interface ArticlePageProps {
  site: Site;
  a: Article;
  moves: Transition[];
  canChange: boolean;
  steps: ArticleStep[];
  producedBy: Array<{ communitySlug: string; slug: string; name: string }>;
  csrf?: string;
  notice?: string;
  error?: string;
}

export function ArticlePage(p: ArticlePageProps): string {
  const { a } = p;
  const safeBodyHtml = renderLibraryMarkdown(a.body);
  const localHero = a.heroImageUrl && a.heroImageUrl.startsWith('/') && a.heroImageAlt;
  return toHtml(
    <Page site={p.site} title={a.title} section="library" description={a.summary ?? undefined} breadcrumbs={[HOME, LIBRARY, { label: a.title }]}>
      <div class="grid-row grid-gap-lg">
        <article class="desktop:grid-col-8">
          <SuccessNotice text={p.notice} />
          {p.error ? (
            <div class="usa-alert usa-alert--error usa-alert--slim" role="alert">
              <div class="usa-alert__body">
                <p class="usa-alert__text" safe>{p.error}</p>
              </div>
            </div>
          ) : ''}
          {a.status !== 'published' ? (
            <div class="usa-alert usa-alert--info usa-alert--slim">
              <div class="usa-alert__body">
                <p class="usa-alert__text" safe>{`This article is ${STATUS_TEXT[a.status].toLowerCase()}: ${a.status === 'archived' ? 'it is kept for reference and left out of lists, feeds and search.' : 'only its writers and the editors can see it.'}`}</p>
              </div>
            </div>
          ) : ''}
          <p class="text-base-dark margin-bottom-0" safe>{KIND_TEXT[a.kind]}</p>
          <h1 class="margin-top-05" safe>{a.title}</h1>
          {a.deck ? <p class="usa-intro" safe>{a.deck}</p> : ''}
          <p class="sg-card-meta">
            {a.authors.length ? (
              <>
                By{' '}
                {a.authors.map((au, i) => (
                  <>
                    {i ? ', ' : ''}
                    <a href={`/library/authors/${au.slug}`} safe>
                      {au.name}
                    </a>
                    {au.agency ? <span safe>{` (${au.agency})`}</span> : ''}
                  </>
                ))}
                {' · '}
              </>
            ) : ''}
            {a.publishedAt ? <span safe>{`Published ${formatDay(a.publishedAt)}`}</span> : a.status === 'published' ? 'Undated' : 'Not published yet'}
          </p>
          {localHero ? (
            <figure class="sg-figure">
              <img src={a.heroImageUrl!} alt={a.heroImageAlt!} />
            </figure>
          ) : ''}
          {a.summary ? (
            <div class="usa-summary-box margin-y-3" role="region" aria-labelledby="summary-heading">
              <div class="usa-summary-box__body">
                <h2 class="usa-summary-box__heading" id="summary-heading">
                  Summary
                </h2>
                <div class="usa-summary-box__text">
                  <p safe>{a.summary}</p>
                </div>
              </div>
            </div>
          ) : ''}
          <div class="usa-prose">{safeBodyHtml}</div>
          {a.sourceUrl || a.sourceName ? (
            <p>
              Originally published{a.sourceName ? <span safe>{` by ${a.sourceName}`}</span> : ''}
              {a.sourceUrl ? (
                <>
                  {' at '}
                  <a href={a.sourceUrl} safe>
                    {a.sourceUrl}
                  </a>
                </>
              ) : ''}
              .
            </p>
          ) : ''}
          <hr />
          <p>
            <strong>Content lead:</strong> <span safe>{a.contentLeadName ?? a.contentLeadEmail ?? 'none assigned'}</span>
            <br />
            <strong>Page reviewed/updated:</strong> {a.reviewedAt ? formatDay(a.reviewedAt) : 'not yet'}
          </p>
        </article>
        <aside class="desktop:grid-col-4 sg-no-print" aria-label="About this article">
          {a.topics.length ? (
            <>
              <h2 class="font-heading-md">Topics</h2>
              <ul class="usa-list usa-list--unstyled">
                {a.topics.map((t) => (
                  <li>
                    <a class="usa-tag usa-tag--big bg-primary" href={`/topics/${t}`} safe>
                      {t}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : ''}
          {a.communitySlug ? (
            <p>
              From the community <a href={`/communities/${a.communitySlug}`} safe>{a.communityTitle}</a>
            </p>
          ) : ''}
          {p.producedBy.length ? (
            <p>
              Produced by{' '}
              {p.producedBy.map((g) => (
                <a href={`/communities/${g.communitySlug}/groups/${g.slug}`} safe>
                  {g.name}
                </a>
              ))}
            </p>
          ) : ''}
          {p.csrf && (p.moves.length || p.canChange) ? (
            <section class="usa-summary-box" aria-labelledby="workflow-heading">
              <div class="usa-summary-box__body">
                <h2 class="usa-summary-box__heading" id="workflow-heading">
                  Editorial workflow
                </h2>
                <p>
                  Status: <strong safe>{STATUS_TEXT[a.status]}</strong>
                </p>
                {p.canChange ? (
                  <p>
                    <a href={`/library/articles/${a.slug}/edit`}>Edit this article</a>
                  </p>
                ) : ''}
                {p.moves.map((t) => (
                  <form method="post" action={`/library/articles/${a.slug}/move`} class="margin-bottom-2">
                    <CsrfField token={p.csrf!} />
                    <input type="hidden" name="transition" value={t} />
                    <button class="usa-button" type="submit" aria-describedby={`move-${t}-hint`} safe>
                      {TRANSITION_TEXT[t].button}
                    </button>
                    <div class="usa-hint text-base-darkest" id={`move-${t}-hint`} safe>
                      {TRANSITION_TEXT[t].hint}
                    </div>
                  </form>
                ))}
                {p.steps.length ? (
                  <>
                    <h3 class="font-heading-sm">History</h3>
                    <ol class="usa-list">
                      {p.steps.map((s) => (
                        <li safe>{`${formatDay(s.at)}: ${s.fromStatus ? `${s.fromStatus} → ` : ''}${s.toStatus} by ${s.actor}${s.note ? ` (${s.note})` : ''}`}</li>
                      ))}
                    </ol>
                  </>
                ) : ''}
              </div>
            </section>
          ) : ''}
        </aside>
      </div>
    </Page>,
  );
}

export interface ArticleFormValues {
  title: string;
  slug: string;
  kind: string;
  deck: string;
  summary: string;
  body: string;
  topics: string;
  authors: string;
  community: string;
  sourceName: string;
  sourceUrl: string;
  heroImageUrl: string;
  heroImageAlt: string;
  contentLead: string;
  guestName: string;
  guestAgency: string;
}

export function ArticleFormPage(p: { site: Site; csrf: string; values: ArticleFormValues; errors?: FieldErrors; communities: Array<{ slug: string; title: string }>; editing?: string }): string {
  const e = p.errors ?? {};
  const v = p.values;
  const title = p.editing ? `Edit “${v.title || p.editing}”` : 'Write an article';
  return toHtml(
    <Page site={p.site} title={title} section="library" breadcrumbs={[HOME, LIBRARY, { label: p.editing ? 'Edit article' : 'Write an article' }]}>
      <h1 safe>{title}</h1>
      <p>Articles start as drafts. When it is ready, send it for review; an editor (a community coordinator) publishes it.</p>
      <ErrorSummary errors={e} />
      <form class="usa-form usa-form--large" method="post" action={p.editing ? `/library/articles/${p.editing}/edit` : '/library/articles/new'} novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="title" label="Title" value={v.title} error={e.title} required />
        {p.editing ? '' : <TextField name="slug" label="Short name for the address" hint="Lower-case letters, digits and hyphens, e.g. crisis-communication-tips. Left blank, it is made from the title." value={v.slug} error={e.slug} />}
        <SelectField name="kind" label="Kind of article" value={v.kind} error={e.kind} options={choicesOf(ARTICLE_KINDS, KIND_TEXT)} required />
        <TextField name="deck" label="Deck (a line under the title)" value={v.deck} error={e.deck} />
        <TextArea name="summary" label="Summary" hint="One or two sentences, shown in lists, feeds and search." value={v.summary} error={e.summary} rows={3} maxlength={600} />
        <TextArea name="body" label="Article text (Markdown)" hint="Use ## for headings. Images need alt text: ![what the image shows](/path.png)." value={v.body} error={e.body} rows={16} maxlength={100000} required />
        <TextField name="topics" label="Topics" hint="Topic short names separated by commas, e.g. social-media, accessibility." value={v.topics} error={e.topics} />
        <TextField name="authors" label="Authors" hint="Author short names separated by commas. Left blank (and no guest author), you are the author." value={v.authors} error={e.authors} />
        <TextField name="guestName" label="Guest author's name" hint="Someone who is not a member here, for example a writer at a partner agency." value={v.guestName} error={e.guestName} />
        <TextField name="guestAgency" label="Guest author's agency" value={v.guestAgency} error={e.guestAgency} />
        <CommunitySelect communities={p.communities} value={v.community} />
        <TextField name="sourceName" label="Source (for a cross-post)" hint="Where the article first appeared, e.g. USAGov blog." value={v.sourceName} error={e.sourceName} />
        <TextField name="sourceUrl" label="Source address" hint="The original article's address, starting with https://" value={v.sourceUrl} error={e.sourceUrl} maxlength={500} />
        <TextField name="heroImageUrl" label="Hero image address" hint="An image on this site, starting with /" value={v.heroImageUrl} error={e.heroImageUrl} maxlength={500} />
        <TextField name="heroImageAlt" label="Hero image alt text" hint="Required with a hero image: say what the image shows." value={v.heroImageAlt} error={e.heroImageAlt} />
        <TextField name="contentLead" label="Content lead's email address" hint="Who keeps the page up to date and gets review reminders. Left blank: you." value={v.contentLead} error={e.contentLead} type="email" maxlength={320} />
        <button class="usa-button" type="submit">
          {p.editing ? 'Save changes' : 'Save draft'}
        </button>
      </form>
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
      ) : ''}
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

export function TopicPage(p: { site: Site; t: Topic; articles: Article[]; guides: GuideSummary[]; communities: Array<{ slug: string; title: string }> }): string {
  const { t } = p;
  const safeBodyHtml = renderLibraryMarkdown(t.body);
  return toHtml(
    <Page site={p.site} title={t.title} section="library" description={t.summary ?? undefined} breadcrumbs={[HOME, LIBRARY, { href: '/topics', label: 'Topics' }, { label: t.title }]}>
      <h1 safe>{t.title}</h1>
      {t.deck ? <p class="usa-intro" safe>{t.deck}</p> : ''}
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
      ) : ''}
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
      ) : ''}
      {p.guides.length ? (
        <>
          <h2>Guides and toolkits</h2>
          <GuideLinks guides={p.guides} />
        </>
      ) : ''}
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
      {p.author.agency ? <p class="usa-intro" safe>{p.author.agency}</p> : ''}
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
          {p.error ? <span class="usa-error-message" id="q-error" safe>{p.error}</span> : ''}
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
          <h2 id="results-heading" safe>{p.result.hits.length ? `Results for “${p.q}”` : `Nothing found for “${p.q}”`}</h2>
          {total ? (
            <p safe>{p.result.sources.filter((s) => p.result.counts[s.name]).map((s) => `${s.label}: ${p.result.counts[s.name]}`).join(' · ')}</p>
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
                      <li class="usa-collection__meta-item" safe>{label}</li>
                      {h.date ? <li class="usa-collection__meta-item" safe>{formatDay(h.date)}</li> : ''}
                    </ul>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ) : ''}
    </Page>,
  );
}
