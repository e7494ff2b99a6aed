/** HTML for an article: its page (with the editorial panel and the workflow buttons) and the article form. */
import Html from '@kitajs/html';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SelectField, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatDay } from '../web/format.ts';
import { ARTICLE_KINDS, KIND_TEXT, STATUS_TEXT, type Article, type ArticleStep, type Transition } from './articles.ts';
import { choicesOf, CommunitySelect } from './form-parts.tsx';
import { renderLibraryMarkdown } from './render.ts';
import { HOME, LIBRARY } from './views.tsx';

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
                <p class="usa-alert__text" safe>
                  {p.error}
                </p>
              </div>
            </div>
          ) : (
            ''
          )}
          {a.status !== 'published' ? (
            <div class="usa-alert usa-alert--info usa-alert--slim">
              <div class="usa-alert__body">
                <p
                  class="usa-alert__text"
                  safe
                >{`This article is ${STATUS_TEXT[a.status].toLowerCase()}: ${a.status === 'archived' ? 'it is kept for reference and left out of lists, feeds and search.' : 'only its writers and the editors can see it.'}`}</p>
              </div>
            </div>
          ) : (
            ''
          )}
          <p class="text-base-dark margin-bottom-0" safe>
            {KIND_TEXT[a.kind]}
          </p>
          <h1 class="margin-top-05" safe>
            {a.title}
          </h1>
          {a.deck ? (
            <p class="usa-intro" safe>
              {a.deck}
            </p>
          ) : (
            ''
          )}
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
            ) : (
              ''
            )}
            {a.publishedAt ? <span safe>{`Published ${formatDay(a.publishedAt)}`}</span> : a.status === 'published' ? 'Undated' : 'Not published yet'}
          </p>
          {localHero ? (
            <figure class="sg-figure">
              <img src={a.heroImageUrl!} alt={a.heroImageAlt!} />
            </figure>
          ) : (
            ''
          )}
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
          ) : (
            ''
          )}
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
              ) : (
                ''
              )}
              .
            </p>
          ) : (
            ''
          )}
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
          ) : (
            ''
          )}
          {a.communitySlug ? (
            <p>
              From the community{' '}
              <a href={`/communities/${a.communitySlug}`} safe>
                {a.communityTitle}
              </a>
            </p>
          ) : (
            ''
          )}
          {p.producedBy.length ? (
            <p>
              Produced by{' '}
              {p.producedBy.map((g) => (
                <a href={`/communities/${g.communitySlug}/groups/${g.slug}`} safe>
                  {g.name}
                </a>
              ))}
            </p>
          ) : (
            ''
          )}
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
                ) : (
                  ''
                )}
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
                        <li
                          safe
                        >{`${formatDay(s.at)}: ${s.fromStatus ? `${s.fromStatus} → ` : ''}${s.toStatus} by ${s.actor}${s.note ? ` (${s.note})` : ''}`}</li>
                      ))}
                    </ol>
                  </>
                ) : (
                  ''
                )}
              </div>
            </section>
          ) : (
            ''
          )}
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

export function ArticleFormPage(p: {
  site: Site;
  csrf: string;
  values: ArticleFormValues;
  errors?: FieldErrors;
  communities: Array<{ slug: string; title: string }>;
  editing?: string;
}): string {
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
        {p.editing ? (
          ''
        ) : (
          <TextField
            name="slug"
            label="Short name for the address"
            hint="Lower-case letters, digits and hyphens, e.g. crisis-communication-tips. Left blank, it is made from the title."
            value={v.slug}
            error={e.slug}
          />
        )}
        <SelectField name="kind" label="Kind of article" value={v.kind} error={e.kind} options={choicesOf(ARTICLE_KINDS, KIND_TEXT)} required />
        <TextField name="deck" label="Deck (a line under the title)" value={v.deck} error={e.deck} />
        <TextArea
          name="summary"
          label="Summary"
          hint="One or two sentences, shown in lists, feeds and search."
          value={v.summary}
          error={e.summary}
          rows={3}
          maxlength={600}
        />
        <TextArea
          name="body"
          label="Article text (Markdown)"
          hint="Use ## for headings. Images need alt text: ![what the image shows](/path.png)."
          value={v.body}
          error={e.body}
          rows={16}
          maxlength={100000}
          required
        />
        <TextField
          name="topics"
          label="Topics"
          hint="Topic short names separated by commas, e.g. social-media, accessibility."
          value={v.topics}
          error={e.topics}
        />
        <TextField
          name="authors"
          label="Authors"
          hint="Author short names separated by commas. Left blank (and no guest author), you are the author."
          value={v.authors}
          error={e.authors}
        />
        <TextField
          name="guestName"
          label="Guest author's name"
          hint="Someone who is not a member here, for example a writer at a partner agency."
          value={v.guestName}
          error={e.guestName}
        />
        <TextField name="guestAgency" label="Guest author's agency" value={v.guestAgency} error={e.guestAgency} />
        <CommunitySelect communities={p.communities} value={v.community} />
        <TextField
          name="sourceName"
          label="Source (for a cross-post)"
          hint="Where the article first appeared, e.g. USAGov blog."
          value={v.sourceName}
          error={e.sourceName}
        />
        <TextField
          name="sourceUrl"
          label="Source address"
          hint="The original article's address, starting with https://"
          value={v.sourceUrl}
          error={e.sourceUrl}
          maxlength={500}
        />
        <TextField
          name="heroImageUrl"
          label="Hero image address"
          hint="An image on this site, starting with /"
          value={v.heroImageUrl}
          error={e.heroImageUrl}
          maxlength={500}
        />
        <TextField
          name="heroImageAlt"
          label="Hero image alt text"
          hint="Required with a hero image: say what the image shows."
          value={v.heroImageAlt}
          error={e.heroImageAlt}
        />
        <TextField
          name="contentLead"
          label="Content lead's email address"
          hint="Who keeps the page up to date and gets review reminders. Left blank: you."
          value={v.contentLead}
          error={e.contentLead}
          type="email"
          maxlength={320}
        />
        <button class="usa-button" type="submit">
          {p.editing ? 'Save changes' : 'Save draft'}
        </button>
      </form>
    </Page>,
  );
}
