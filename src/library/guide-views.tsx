/** Pages for guides and toolkits: the guide with its sections, glossary, printable view, and the editor. */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import type { Guide } from './guides.ts';
import { CommunitySelect } from './form-parts.tsx';
import { renderLibraryMarkdown } from './render.ts';
import { HOME, LIBRARY } from './views.tsx';

function GuideNav({ g, current }: { g: Guide; current: string | null }) {
  return (
    <nav aria-label={`Sections of ${g.title}`} class="sg-no-print">
      <ul class="usa-sidenav">
        <li class="usa-sidenav__item">
          <a href={`/library/guides/${g.slug}`} class={current === null ? 'usa-current' : undefined} aria-current={current === null ? 'page' : undefined}>
            Introduction
          </a>
        </li>
        {g.sections.map((s) => (
          <li class="usa-sidenav__item">
            <a
              href={`/library/guides/${g.slug}/${s.slug}`}
              class={current === s.slug ? 'usa-current' : undefined}
              aria-current={current === s.slug ? 'page' : undefined}
              safe
            >
              {`${s.position}. ${s.title}`}
            </a>
          </li>
        ))}
        {g.glossary.length ? (
          <li class="usa-sidenav__item">
            <a href={`/library/guides/${g.slug}/glossary`}>Glossary</a>
          </li>
        ) : (
          ''
        )}
        <li class="usa-sidenav__item">
          <a href={`/library/guides/${g.slug}/print`}>The whole guide on one page (to print)</a>
        </li>
      </ul>
    </nav>
  );
}

function SummaryBox({ id, text }: { id: string; text: string | null }) {
  if (!text) return '';
  return (
    <div class="usa-summary-box margin-y-3" role="region" aria-labelledby={id}>
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id={id}>
          In this section
        </h2>
        <div class="usa-summary-box__text">
          <p safe>{text}</p>
        </div>
      </div>
    </div>
  );
}

export function GuidePage(p: {
  site: Site;
  g: Guide;
  section: string | null;
  producedBy: Array<{ communitySlug: string; slug: string; name: string }>;
  editor?: boolean;
}): string {
  const { g } = p;
  const idx = p.section === null ? -1 : g.sections.findIndex((s) => s.slug === p.section);
  const s = idx >= 0 ? g.sections[idx]! : undefined;
  const prev =
    idx < 0
      ? undefined
      : idx === 0
        ? { href: `/library/guides/${g.slug}`, label: 'Introduction' }
        : { href: `/library/guides/${g.slug}/${g.sections[idx - 1]!.slug}`, label: g.sections[idx - 1]!.title };
  const nextSection = g.sections[idx + 1];
  const next = nextSection ? { href: `/library/guides/${g.slug}/${nextSection.slug}`, label: nextSection.title } : undefined;
  const safeBodyHtml = renderLibraryMarkdown(s ? s.body : g.body);
  const title = s ? `${s.title} | ${g.title}` : g.title;
  return toHtml(
    <Page
      site={p.site}
      title={title}
      section="library"
      description={(s ? s.summary : g.summary) ?? undefined}
      breadcrumbs={[HOME, LIBRARY, ...(s ? [{ href: `/library/guides/${g.slug}`, label: g.title }, { label: s.title }] : [{ label: g.title }])]}
    >
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-3">
          <GuideNav g={g} current={s ? s.slug : null} />
        </div>
        <div class="desktop:grid-col-9">
          {s ? <p class="text-base-dark margin-bottom-0" safe>{`${g.title}, part ${s.position} of ${g.sections.length}`}</p> : ''}
          <h1 class="margin-top-05" safe>
            {s ? s.title : g.title}
          </h1>
          {!s && g.deck ? (
            <p class="usa-intro" safe>
              {g.deck}
            </p>
          ) : (
            ''
          )}
          {!s && p.producedBy.length ? (
            <p>
              Produced by{' '}
              {p.producedBy.map((w) => (
                <a href={`/communities/${w.communitySlug}/groups/${w.slug}`} safe>
                  {w.name}
                </a>
              ))}
            </p>
          ) : (
            ''
          )}
          {p.editor ? (
            <ul class="usa-list sg-no-print">
              {s ? (
                <li>
                  <a href={`/library/guides/${g.slug}/${s.slug}/edit`}>Edit this section</a>
                </li>
              ) : (
                <li>
                  <a href={`/library/guides/${g.slug}/sections/new`}>Add a section to this guide</a>
                </li>
              )}
              {!s && !g.glossary.length ? (
                <li>
                  <a href={`/library/guides/${g.slug}/glossary`}>Add glossary terms to this guide</a>
                </li>
              ) : (
                ''
              )}
            </ul>
          ) : (
            ''
          )}
          <SummaryBox id="section-summary" text={s ? s.summary : g.summary} />
          <div class="usa-prose">{safeBodyHtml}</div>
          <nav aria-label="Previous and next sections" class="margin-top-4 sg-no-print">
            <ul class="usa-button-group">
              {prev ? (
                <li class="usa-button-group__item">
                  <a class="usa-button usa-button--outline" href={prev.href} rel="prev">
                    <span safe>{`Previous: ${prev.label}`}</span>
                  </a>
                </li>
              ) : (
                ''
              )}
              {next ? (
                <li class="usa-button-group__item">
                  <a class="usa-button" href={next.href} rel="next">
                    <span safe>{`Next: ${next.label}`}</span>
                  </a>
                </li>
              ) : (
                ''
              )}
            </ul>
          </nav>
        </div>
      </div>
    </Page>,
  );
}

export function GuideGlossaryPage(p: {
  site: Site;
  g: Guide;
  csrf?: string;
  values?: { term: string; definition: string };
  errors?: FieldErrors;
  notice?: string;
}): string {
  const e = p.errors ?? {};
  return toHtml(
    <Page
      site={p.site}
      title={`Glossary | ${p.g.title}`}
      section="library"
      breadcrumbs={[HOME, LIBRARY, { href: `/library/guides/${p.g.slug}`, label: p.g.title }, { label: 'Glossary' }]}
    >
      <div class="grid-row grid-gap-lg">
        <div class="desktop:grid-col-3">
          <GuideNav g={p.g} current="glossary" />
        </div>
        <div class="desktop:grid-col-9">
          <SuccessNotice text={p.notice} />
          <h1>Glossary</h1>
          {p.g.glossary.length ? (
            <dl>
              {p.g.glossary.map((x) => (
                <>
                  <dt class="text-bold" safe>
                    {x.term}
                  </dt>
                  <dd class="margin-left-0 margin-bottom-2" safe>
                    {x.definition}
                  </dd>
                </>
              ))}
            </dl>
          ) : (
            <p>This guide has no glossary terms yet.</p>
          )}
          {p.csrf ? (
            <form class="usa-form usa-form--large" method="post" action={`/library/guides/${p.g.slug}/glossary`} novalidate>
              <h2>Add or change a term</h2>
              <ErrorSummary errors={e} />
              <CsrfField token={p.csrf} />
              <TextField
                name="term"
                label="Term"
                hint="A term that is already listed gets the new definition."
                value={p.values?.term}
                error={e.term}
                required
              />
              <TextArea name="definition" label="Definition" value={p.values?.definition} error={e.definition} rows={3} maxlength={2000} required />
              <button class="usa-button" type="submit">
                Save the term
              </button>
            </form>
          ) : (
            ''
          )}
        </div>
      </div>
    </Page>,
  );
}

/** Every section on one page, for printing or reading offline. */
export function GuidePrintPage(p: { site: Site; g: Guide }): string {
  const { g } = p;
  const safeIntroHtml = renderLibraryMarkdown(g.body)
    .replace(/<h([2-5])( id="[^"]*")?>/g, (_m, n: string, id = '') => `<h${Number(n) + 1}${id.replace('id="', 'id="intro-')}>`)
    .replace(/<\/h([2-5])>/g, (_m, n: string) => `</h${Number(n) + 1}>`);
  const safeSectionsHtml = g.sections.map((s) =>
    // Each section's headings move one level down (h2 → h3) under the section's own h2, and ids get the section's prefix so they stay unique.
    renderLibraryMarkdown(s.body)
      .replace(/<h([2-5])( id="[^"]*")?>/g, (_m, n: string, id = '') => `<h${Number(n) + 1}${id.replace('id="', `id="${s.slug}-`)}>`)
      .replace(/<\/h([2-5])>/g, (_m, n: string) => `</h${Number(n) + 1}>`),
  );
  return toHtml(
    <Page
      site={p.site}
      title={`${g.title} (all sections)`}
      section="library"
      breadcrumbs={[HOME, LIBRARY, { href: `/library/guides/${g.slug}`, label: g.title }, { label: 'All sections' }]}
    >
      <h1 safe>{g.title}</h1>
      {g.deck ? (
        <p class="usa-intro" safe>
          {g.deck}
        </p>
      ) : (
        ''
      )}
      <nav aria-label="Contents">
        <h2>Contents</h2>
        <ol class="usa-list">
          {g.sections.map((s) => (
            <li>
              <a href={`#${s.slug}`} safe>
                {s.title}
              </a>
            </li>
          ))}
          {g.glossary.length ? (
            <li>
              <a href="#glossary">Glossary</a>
            </li>
          ) : (
            ''
          )}
        </ol>
      </nav>
      <section aria-labelledby="introduction">
        <h2 id="introduction">Introduction</h2>
        <div class="usa-prose">{safeIntroHtml}</div>
      </section>
      {g.sections.map((s, i) => (
        <section aria-labelledby={s.slug}>
          <h2 id={s.slug} safe>{`${s.position}. ${s.title}`}</h2>
          {s.summary ? (
            <p class="usa-intro" safe>
              {s.summary}
            </p>
          ) : (
            ''
          )}
          <div class="usa-prose">{safeSectionsHtml[i] as 'safe'}</div>
        </section>
      ))}
      {g.glossary.length ? (
        <section aria-labelledby="glossary">
          <h2 id="glossary">Glossary</h2>
          <dl>
            {g.glossary.map((e) => (
              <>
                <dt class="text-bold" safe>
                  {e.term}
                </dt>
                <dd class="margin-left-0 margin-bottom-2" safe>
                  {e.definition}
                </dd>
              </>
            ))}
          </dl>
        </section>
      ) : (
        ''
      )}
    </Page>,
  );
}

export interface GuideFormValues {
  title: string;
  slug: string;
  deck: string;
  summary: string;
  body: string;
  community: string;
}

/** A new guide (its introduction), a new section, or a section's edit. */
export function GuideFormPage(p: {
  site: Site;
  csrf: string;
  values: GuideFormValues;
  errors?: FieldErrors;
  communities?: Array<{ slug: string; title: string }>;
  guide?: { slug: string; title: string };
  section?: { slug: string; title: string };
}): string {
  const e = p.errors ?? {};
  const v = p.values;
  const kind = !p.guide ? 'guide' : p.section ? 'edit' : 'section';
  const title = kind === 'guide' ? 'Start a guide' : kind === 'section' ? `Add a section to ${p.guide!.title}` : `Edit “${p.section!.title}”`;
  const action =
    kind === 'guide'
      ? '/library/guides/new'
      : kind === 'section'
        ? `/library/guides/${p.guide!.slug}/sections/new`
        : `/library/guides/${p.guide!.slug}/${p.section!.slug}/edit`;
  const crumbs: Crumb[] = p.guide
    ? [HOME, LIBRARY, { href: `/library/guides/${p.guide.slug}`, label: p.guide.title }, { label: title }]
    : [HOME, LIBRARY, { label: title }];
  return toHtml(
    <Page site={p.site} title={title} section="library" breadcrumbs={crumbs}>
      <h1 safe>{title}</h1>
      {kind === 'guide' ? (
        <p>A guide, toolkit or playbook has an introduction and numbered sections. Write the introduction now, then add the sections.</p>
      ) : (
        ''
      )}
      <ErrorSummary errors={e} />
      <form class="usa-form usa-form--large" method="post" action={action} novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="title" label={kind === 'guide' ? 'Title of the guide' : 'Title of the section'} value={v.title} error={e.title} required />
        {kind === 'edit' ? (
          ''
        ) : (
          <TextField
            name="slug"
            label="Short name for the address"
            hint="Lower-case letters, digits and hyphens. Left blank, it is made from the title."
            value={v.slug}
            error={e.slug}
          />
        )}
        {kind === 'guide' ? <TextField name="deck" label="Deck (a line under the title)" value={v.deck} error={e.deck} /> : ''}
        <TextArea
          name="summary"
          label={kind === 'guide' ? 'Summary' : 'Summary box'}
          hint={kind === 'guide' ? 'One or two sentences, shown in lists and search.' : 'Shown in a box at the top of the section: what the reader will learn.'}
          value={v.summary}
          error={e.summary}
          rows={3}
          maxlength={600}
        />
        <TextArea
          name="body"
          label={kind === 'guide' ? 'Introduction (Markdown)' : 'Section text (Markdown)'}
          hint="Use ## for headings. A list under a “### Checklist” heading is the section's checklist."
          value={v.body}
          error={e.body}
          rows={14}
          maxlength={100000}
          required
        />
        {kind === 'guide' && p.communities ? <CommunitySelect communities={p.communities} value={v.community} /> : ''}
        <button class="usa-button" type="submit">
          {kind === 'guide' ? 'Start the guide' : kind === 'section' ? 'Add the section' : 'Save the section'}
        </button>
      </form>
    </Page>,
  );
}
