/** Library routes: pages, the article workflow, feeds and search. Thin: check input, call the service, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { listCommunities } from '../communities/index.ts';
import { findMember, findMemberByEmail, parseAddress } from '../membership/index.ts';
import { nameProblem } from '../platform/text.ts';
import { absoluteUrl, NotFoundError, sendPage, SignInRequiredError, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import type { Actor } from '../platform/audit.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { producersOf } from '../groups/index.ts';
import {
  allowedTransitions, ARTICLE_KINDS, articleSteps, canChange, canEdit, canWrite, createDraft, findArticle, listArticles, moveArticle, SlugTakenError,
  updateArticle, WorkflowError, type Article, type ArticleInput, type ArticleKind, type Transition,
} from './articles.ts';
import { authorForMember, ensureGuestAuthor, findAuthor } from './authors.ts';
import { buildFeed, FEED_TYPES, type FeedFormat } from './feeds.ts';
import { createGuide, findGuide, GuideError, listGuides, saveGlossaryEntry, saveSection, type Guide } from './guides.ts';
import { siteSearch } from './search.ts';
import { findTopic, listTopics } from './topics.ts';
import { ArticleFormPage, ArticlePage, AuthorPage, DraftsPage, LibraryIndexPage, SearchPage, TopicPage, TopicsPage, type ArticleFormValues } from './views.tsx';
import { GuideFormPage, GuideGlossaryPage, GuidePage, GuidePrintPage, type GuideFormValues } from './guide-views.tsx';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TRANSITIONS: Transition[] = ['submit', 'return', 'publish', 'archive', 'restore', 'reviewed'];
const NOTICES: Record<string, string> = {
  saved: 'The draft is saved.',
  submit: 'Sent for review. An editor will publish it or send it back.',
  return: 'Returned to the writer as a draft.',
  publish: 'Published. It is now in the library, its feeds and search.',
  archive: 'Archived.',
  restore: 'Published again.',
  reviewed: 'Marked as reviewed today.',
};

export function slugFromTitle(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

function feedFormat(ext: string): FeedFormat {
  if (ext === 'rss' || ext === 'atom' || ext === 'json') return ext;
  throw new NotFoundError('Feeds end in .rss, .atom or .json.');
}

const splitList = (s: string) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);

export function libraryRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

    function viewerOf(req: FastifyRequest) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to write or edit library articles.');
      return req.viewer;
    }

    /** An article the viewer may see: published or archived for everyone, drafts and reviews for writers and editors. */
    async function visibleArticle(req: FastifyRequest, slug: string): Promise<Article> {
      const a = await findArticle(ctx.pool, slug);
      if (!a) throw new NotFoundError(`There is no article at “${slug}”.`);
      if (a.status === 'published' || a.status === 'archived') return a;
      if (req.viewer && (await canChange(ctx.pool, req.viewer, a) || a.createdById === req.viewer.memberId || (await canEdit(ctx.pool, req.viewer, a.communityId)))) return a;
      throw new NotFoundError(`There is no article at “${slug}”.`);
    }

    async function articlePage(req: FastifyRequest, reply: FastifyReply, a: Article, extra: { notice?: string; error?: string; producedBy?: Awaited<ReturnType<typeof producersOf>> } = {}, status = 200) {
      const v = req.viewer;
      const moves = v ? await allowedTransitions(ctx.pool, v, a) : [];
      const change = v ? await canChange(ctx.pool, v, a) : false;
      const steps = v && (moves.length || change) ? await articleSteps(ctx.pool, a.id) : [];
      return sendPage(reply, ArticlePage({
        site: siteFor(ctx, req), a, moves, canChange: change, steps, producedBy: extra.producedBy ?? await producersOf(ctx.pool, { kind: 'article', id: a.id }),
        csrf: v ? reply.generateCsrf() : undefined, ...extra,
      }), status);
    }

    app.get('/library', publicPage, async (req, reply) => {
      const v = req.viewer;
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const shared = await ctx.recent('library-index', async () => ({
        articles: await listArticles(ctx.pool, { limit: 20 }), guides: await listGuides(ctx.pool), topics: await listTopics(ctx.pool),
        communities: (await listCommunities(ctx.pool)).map((c) => ({ slug: c.slug, title: c.name })),
      }));
      return sendPage(reply, LibraryIndexPage({
        site: siteFor(ctx, req), ...shared,
        canWrite: v ? await canWrite(ctx.pool, v) : false, canEdit: v ? await canEdit(ctx.pool, v, null) : false,
      }));
    });

    // ---- Articles and the workflow --------------------------------------------------------

    async function communityChoices() {
      return (await listCommunities(ctx.pool, { includeHidden: true })).map((c) => ({ slug: c.slug, title: c.name }));
    }

    function formValues(body: unknown): ArticleFormValues {
      return {
        title: field(body, 'title', 300), slug: field(body, 'slug', 100), kind: field(body, 'kind', 30), deck: field(body, 'deck', 300), summary: field(body, 'summary', 600),
        body: field(body, 'body', 100000), topics: field(body, 'topics', 500), authors: field(body, 'authors', 500), community: field(body, 'community', 100),
        sourceName: field(body, 'sourceName', 200), sourceUrl: field(body, 'sourceUrl', 500), heroImageUrl: field(body, 'heroImageUrl', 500), heroImageAlt: field(body, 'heroImageAlt', 300),
        contentLead: field(body, 'contentLead', 320), guestName: field(body, 'guestName', 200), guestAgency: field(body, 'guestAgency', 200),
      };
    }

    function valuesOf(a: Article): ArticleFormValues {
      return {
        title: a.title, slug: a.slug, kind: a.kind, deck: a.deck ?? '', summary: a.summary ?? '', body: a.body, topics: a.topics.join(', '),
        authors: a.authors.map((x) => x.slug).join(', '), community: a.communitySlug ?? '', sourceName: a.sourceName ?? '', sourceUrl: a.sourceUrl ?? '',
        heroImageUrl: a.heroImageUrl ?? '', heroImageAlt: a.heroImageAlt ?? '', contentLead: a.contentLeadEmail ?? '', guestName: '', guestAgency: '',
      };
    }

    /** Check the form; returns field errors, or the article input. */
    async function checkForm(v: ArticleFormValues, creating: boolean, viewer: NonNullable<FastifyRequest['viewer']>, actor: Actor): Promise<{ errors: FieldErrors; input?: ArticleInput }> {
      const errors: FieldErrors = {};
      if (!v.title) errors.title = 'Enter a title.';
      const slug = v.slug || slugFromTitle(v.title);
      if (creating && v.title && !SLUG.test(slug)) errors.slug = 'Use only lower-case letters, digits and single hyphens, for example crisis-tips.';
      if (!(ARTICLE_KINDS as readonly string[]).includes(v.kind)) errors.kind = 'Choose the kind of article.';
      if (!v.body) errors.body = 'Write the article text.';
      const topics = splitList(v.topics);
      if (topics.some((t) => !SLUG.test(t))) errors.topics = 'Topic short names use lower-case letters, digits and hyphens, separated by commas.';
      let authors = splitList(v.authors);
      if (authors.some((t) => !SLUG.test(t))) errors.authors = 'Author short names use lower-case letters, digits and hyphens, separated by commas.';
      if (v.sourceUrl && !/^https?:\/\/\S+$/.test(v.sourceUrl)) errors.sourceUrl = 'Enter the source address starting with https://, or leave it blank.';
      if (v.heroImageUrl && !/^\/(?!\/)\S+$/.test(v.heroImageUrl)) errors.heroImageUrl = 'Enter the address of an image on this site, starting with /, or leave it blank.';
      if (v.heroImageUrl && !v.heroImageAlt) errors.heroImageAlt = 'Describe what the hero image shows, for people who cannot see it.';
      let communityId: number | null = null;
      if (v.community) {
        const c = (await listCommunities(ctx.pool, { includeHidden: true })).find((x) => x.slug === v.community);
        if (!c) errors.community = 'Choose a community from the list.';
        else communityId = c.id;
      }
      let contentLeadId: number | null = creating ? viewer.memberId : null;
      if (v.contentLead) {
        const parsed = parseAddress(v.contentLead);
        const lead = parsed.ok ? await findMemberByEmail(ctx.pool, parsed.address) : undefined;
        if (!lead) errors.contentLead = 'There is no member with that address. Enter a member’s work email address, or leave it blank.';
        else contentLeadId = lead.id;
      }
      if (v.guestAgency && !v.guestName) errors.guestName = 'Enter the guest author’s name, or clear the agency.';
      else if (nameProblem(v.guestName, 'The guest author’s name')) errors.guestName = nameProblem(v.guestName, 'The guest author’s name')!;
      if (Object.keys(errors).length) return { errors };
      if (v.guestName) authors.push(await ensureGuestAuthor(ctx.pool, actor, v.guestName, v.guestAgency || null));
      if (!authors.length) {
        const me = await findMember(ctx.pool, viewer.memberId);
        authors = [await authorForMember(ctx.pool, { memberId: viewer.memberId, name: viewer.name, email: viewer.email, agency: me?.agency ?? null })];
      }
      return {
        errors,
        input: {
          slug, kind: v.kind as ArticleKind, title: v.title, deck: v.deck || null, summary: v.summary || null, body: v.body, topics, authors, communityId,
          sourceName: v.sourceName || null, sourceUrl: v.sourceUrl || null, heroImageUrl: v.heroImageUrl || null, heroImageAlt: v.heroImageAlt || null, contentLeadId,
        },
      };
    }

    app.get('/library/articles/new', hide, async (req, reply) => {
      const v = viewerOf(req);
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can write articles. Join a community first.');
      const values = formValues({ kind: 'best-practice' });
      values.kind = 'best-practice';
      return sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, communities: await communityChoices() }));
    });

    app.post('/library/articles/new', csrf, async (req, reply) => {
      const v = viewerOf(req);
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can write articles. Join a community first.');
      const values = formValues(req.body);
      const again = async (errors: FieldErrors) =>
        sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors, communities: await communityChoices() }), 400);
      const { errors, input } = await checkForm(values, true, v, actorOf(req));
      if (!input) return again(errors);
      try {
        const a = await createDraft(ctx.pool, actorOf(req), v.memberId, input);
        return reply.redirect(`/library/articles/${a.slug}?done=saved`, 303);
      } catch (err) {
        if (err instanceof SlugTakenError) return again({ slug: err.message });
        throw err;
      }
    });

    app.get<{ Params: { slug: string } }>('/library/articles/:slug/edit', hide, async (req, reply) => {
      const v = viewerOf(req);
      const a = await visibleArticle(req, req.params.slug);
      if (!(await canChange(ctx.pool, v, a))) throw new ForbiddenError('Only an editor can change this article now. Writers can change their own drafts.');
      return sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values: valuesOf(a), communities: await communityChoices(), editing: a.slug }));
    });

    app.post<{ Params: { slug: string } }>('/library/articles/:slug/edit', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const a = await visibleArticle(req, req.params.slug);
      if (!(await canChange(ctx.pool, v, a))) throw new ForbiddenError('Only an editor can change this article now. Writers can change their own drafts.');
      const values = { ...formValues(req.body), slug: a.slug };
      const { errors, input } = await checkForm(values, false, v, actorOf(req));
      if (!input) return sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors, communities: await communityChoices(), editing: a.slug }), 400);
      await updateArticle(ctx.pool, actorOf(req), a, input);
      return reply.redirect(`/library/articles/${a.slug}?done=saved`, 303);
    });

    app.post<{ Params: { slug: string } }>('/library/articles/:slug/move', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const t = field(req.body, 'transition', 20) as Transition;
      const a = await visibleArticle(req, req.params.slug);
      if (!TRANSITIONS.includes(t)) return articlePage(req, reply, a, { error: 'Choose one of the buttons on the page.' }, 400);
      try {
        await moveArticle(ctx.pool, actorOf(req), v, a.slug, t, field(req.body, 'note', 500) || undefined);
      } catch (err) {
        if (err instanceof WorkflowError) return articlePage(req, reply, a, { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/library/articles/${a.slug}?done=${t}`, 303);
    });

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/articles/:slug', publicPage, async (req, reply) => {
      const notice = req.viewer ? NOTICES[req.query.done ?? ''] : undefined;
      // A published article is the same for every visitor, a few seconds old at most (ctx.recent);
      // a draft is read afresh, and only for those who may see it.
      const published = await ctx.recent(`library-article:${req.params.slug}`, async () => {
        const a = await findArticle(ctx.pool, req.params.slug);
        return a && (a.status === 'published' || a.status === 'archived') ? { a, producedBy: await producersOf(ctx.pool, { kind: 'article', id: a.id }) } : undefined;
      });
      if (published) return articlePage(req, reply, published.a, { notice, producedBy: published.producedBy });
      return articlePage(req, reply, await visibleArticle(req, req.params.slug), { notice });
    });

    app.get('/library/drafts', hide, async (req, reply) => {
      const v = viewerOf(req);
      const editor = await canEdit(ctx.pool, v, null);
      const all = await listArticles(ctx.pool, { status: 'any', limit: 500 });
      const mine = all.filter((a) => a.createdById === v.memberId || a.contentLeadId === v.memberId);
      const queue: Article[] = [];
      for (const a of all) if (a.status === 'in-review' && (await canEdit(ctx.pool, v, a.communityId))) queue.push(a);
      return sendPage(reply, DraftsPage({ site: siteFor(ctx, req), mine, queue, editor }));
    });

    // ---- Guides ----------------------------------------------------------------------------

    async function guide(slug: string) {
      const g = await findGuide(ctx.pool, slug);
      if (!g) throw new NotFoundError(`There is no guide at “${slug}”.`);
      return g;
    }

    // ---- Writing guides (editors) -----------------------------------------------------------

    function guideValues(body: unknown): GuideFormValues {
      return {
        title: field(body, 'title', 300), slug: field(body, 'slug', 100), deck: field(body, 'deck', 300), summary: field(body, 'summary', 600),
        body: field(body, 'body', 100000), community: field(body, 'community', 100),
      };
    }

    function checkGuide(v: GuideFormValues, needSlug: boolean): { errors: FieldErrors; slug: string } {
      const errors: FieldErrors = {};
      if (!v.title) errors.title = 'Enter a title.';
      const slug = v.slug || slugFromTitle(v.title);
      if (needSlug && v.title && !SLUG.test(slug)) errors.slug = 'Use only lower-case letters, digits and single hyphens, for example establish-goals.';
      if (!v.body) errors.body = 'Write the text.';
      return { errors, slug };
    }

    async function guideEditor(req: FastifyRequest, g?: Guide) {
      const v = viewerOf(req);
      if (!(await canEdit(ctx.pool, v, g ? g.communityId : null))) throw new ForbiddenError('Only library editors (community coordinators) can write guides.');
      return v;
    }

    app.get('/library/guides/new', hide, async (req, reply) => {
      await guideEditor(req);
      return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values: guideValues({}), communities: await communityChoices() }));
    });

    app.post('/library/guides/new', csrf, async (req, reply) => {
      await guideEditor(req);
      const values = guideValues(req.body);
      const { errors, slug } = checkGuide(values, true);
      let communityId: number | null = null;
      if (values.community) {
        const c = (await listCommunities(ctx.pool, { includeHidden: true })).find((x) => x.slug === values.community);
        if (!c) errors.community = 'Choose a community from the list.';
        else communityId = c.id;
      }
      const again = async (e: FieldErrors) => sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors: e, communities: await communityChoices() }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createGuide(ctx.pool, actorOf(req), { slug, title: values.title, deck: values.deck || null, summary: values.summary || null, body: values.body, communityId });
      } catch (err) {
        if (err instanceof GuideError) return again({ slug: err.message });
        throw err;
      }
      return reply.redirect(`/library/guides/${slug}`, 303);
    });

    app.get<{ Params: { slug: string } }>('/library/guides/:slug/sections/new', hide, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values: guideValues({}), guide: g }));
    });

    app.post<{ Params: { slug: string } }>('/library/guides/:slug/sections/new', csrf, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      const values = guideValues(req.body);
      const { errors, slug } = checkGuide(values, true);
      const again = (e: FieldErrors) => sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors: e, guide: g }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await saveSection(ctx.pool, actorOf(req), g, { slug, title: values.title, summary: values.summary || null, body: values.body });
      } catch (err) {
        if (err instanceof GuideError) return again({ slug: err.message });
        throw err;
      }
      return reply.redirect(`/library/guides/${g.slug}/${slug}`, 303);
    });

    app.get<{ Params: { slug: string; section: string } }>('/library/guides/:slug/:section/edit', hide, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      const s = g.sections.find((x) => x.slug === req.params.section);
      if (!s) throw new NotFoundError(`${g.title} has no section “${req.params.section}”.`);
      const values = { ...guideValues({}), title: s.title, summary: s.summary ?? '', body: s.body };
      return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, guide: g, section: s }));
    });

    app.post<{ Params: { slug: string; section: string } }>('/library/guides/:slug/:section/edit', csrf, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      const s = g.sections.find((x) => x.slug === req.params.section);
      if (!s) throw new NotFoundError(`${g.title} has no section “${req.params.section}”.`);
      const values = guideValues(req.body);
      const { errors } = checkGuide(values, false);
      if (Object.keys(errors).length) return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: reply.generateCsrf(), values, errors, guide: g, section: s }), 400);
      await saveSection(ctx.pool, actorOf(req), g, { slug: s.slug, title: values.title, summary: values.summary || null, body: values.body }, s);
      return reply.redirect(`/library/guides/${g.slug}/${s.slug}`, 303);
    });

    app.get<{ Params: { slug: string } }>('/library/guides/:slug', publicPage, async (req, reply) => {
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const { g, producedBy } = await ctx.recent(`library-guide:${req.params.slug}`, async () => {
        const found = await guide(req.params.slug);
        return { g: found, producedBy: await producersOf(ctx.pool, { kind: 'guide', id: found.id }) };
      });
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      return sendPage(reply, GuidePage({ site: siteFor(ctx, req), g, section: null, producedBy, editor }));
    });

    app.get<{ Params: { slug: string } }>('/library/guides/:slug/print', publicPage, async (req, reply) => {
      return sendPage(reply, GuidePrintPage({ site: siteFor(ctx, req), g: await guide(req.params.slug) }));
    });

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/guides/:slug/glossary', publicPage, async (req, reply) => {
      const g = await guide(req.params.slug);
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      if (!g.glossary.length && !editor) throw new NotFoundError(`${g.title} has no glossary.`);
      return sendPage(reply, GuideGlossaryPage({ site: siteFor(ctx, req), g, csrf: editor ? reply.generateCsrf() : undefined, notice: req.query.done === 'term' ? 'The term is saved.' : undefined }));
    });

    app.post<{ Params: { slug: string } }>('/library/guides/:slug/glossary', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await guide(req.params.slug);
      if (!(await canEdit(ctx.pool, v, g.communityId))) throw new ForbiddenError('Only library editors (community coordinators) can change a guide’s glossary.');
      const values = { term: field(req.body, 'term', 200), definition: field(req.body, 'definition', 2000) };
      const errors: FieldErrors = {};
      if (!values.term) errors.term = 'Enter the term.';
      if (!values.definition) errors.definition = 'Enter what the term means, in plain language.';
      if (Object.keys(errors).length) return sendPage(reply, GuideGlossaryPage({ site: siteFor(ctx, req), g, csrf: reply.generateCsrf(), values, errors }), 400);
      await saveGlossaryEntry(ctx.pool, actorOf(req), g.id, values.term, values.definition);
      return reply.redirect(`/library/guides/${g.slug}/glossary?done=term`, 303);
    });

    app.get<{ Params: { slug: string; section: string } }>('/library/guides/:slug/:section', publicPage, async (req, reply) => {
      const g = await guide(req.params.slug);
      if (!g.sections.some((s) => s.slug === req.params.section)) throw new NotFoundError(`${g.title} has no section “${req.params.section}”.`);
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      return sendPage(reply, GuidePage({ site: siteFor(ctx, req), g, section: req.params.section, producedBy: [], editor }));
    });

    // ---- Topics and authors ----------------------------------------------------------------

    app.get('/topics', publicPage, async (req, reply) => sendPage(reply, TopicsPage({ site: siteFor(ctx, req), topics: await listTopics(ctx.pool) })));

    app.get<{ Params: { slug: string } }>('/topics/:slug', publicPage, async (req, reply) => {
      const t = await findTopic(ctx.pool, req.params.slug);
      if (!t) throw new NotFoundError(`There is no topic “${req.params.slug}”.`);
      const all = await listCommunities(ctx.pool, { includeHidden: false });
      const featured = t.featuredCommunities.flatMap((s) => all.filter((c) => c.slug === s).map((c) => ({ slug: c.slug, title: c.name })));
      const more = all.filter((c) => !t.featuredCommunities.includes(c.slug)).map((c) => ({ slug: c.slug, title: c.name }));
      const { rows } = await ctx.pool.query<{ slug: string }>('select slug from communities where $1 = any(topics)', [t.slug]);
      const tagged = more.filter((c) => rows.some((r) => r.slug === c.slug));
      return sendPage(reply, TopicPage({
        site: siteFor(ctx, req), t, articles: await listArticles(ctx.pool, { topic: t.slug, limit: 30 }), guides: await listGuides(ctx.pool, { topic: t.slug }),
        communities: [...featured, ...tagged],
      }));
    });

    app.get<{ Params: { slug: string } }>('/library/authors/:slug', publicPage, async (req, reply) => {
      const author = await findAuthor(ctx.pool, req.params.slug);
      if (!author) throw new NotFoundError(`There is no author “${req.params.slug}”.`);
      return sendPage(reply, AuthorPage({ site: siteFor(ctx, req), author, articles: await listArticles(ctx.pool, { authorSlug: author.slug, limit: 50 }) }));
    });

    // ---- Feeds -----------------------------------------------------------------------------

    function sendFeed(req: FastifyRequest, reply: FastifyReply, ext: string, spec: { title: string; description: string; page: string; base: string }, articles: Article[]) {
      const format = feedFormat(ext);
      const site = absoluteUrl(ctx, '');
      const body = buildFeed({ title: spec.title, description: spec.description, pageUrl: site + spec.page, feedBase: site + spec.base, siteName: ctx.config.siteName, siteUrl: site }, articles, format);
      return reply.type(FEED_TYPES[format]).header('cache-control', 'public, max-age=300').send(body);
    }

    app.get<{ Params: { ext: string } }>('/library/feed.:ext', hide, async (req, reply) =>
      sendFeed(req, reply, req.params.ext, { title: `${ctx.config.siteName}: library`, description: 'New articles in the library.', page: '/library', base: '/library/feed' }, await listArticles(ctx.pool, { limit: 30 })),
    );

    app.get<{ Params: { slug: string; ext: string } }>('/topics/:slug/feed.:ext', hide, async (req, reply) => {
      const t = await findTopic(ctx.pool, req.params.slug);
      if (!t) throw new NotFoundError(`There is no topic “${req.params.slug}”.`);
      return sendFeed(req, reply, req.params.ext, { title: `${ctx.config.siteName}: ${t.title}`, description: t.summary ?? `Articles about ${t.title}.`, page: `/topics/${t.slug}`, base: `/topics/${t.slug}/feed` },
        await listArticles(ctx.pool, { topic: t.slug, limit: 30 }));
    });

    app.get<{ Params: { slug: string; ext: string } }>('/library/authors/:slug/feed.:ext', hide, async (req, reply) => {
      const au = await findAuthor(ctx.pool, req.params.slug);
      if (!au) throw new NotFoundError(`There is no author “${req.params.slug}”.`);
      return sendFeed(req, reply, req.params.ext, { title: `${ctx.config.siteName}: articles by ${au.name}`, description: `Articles by ${au.name}.`, page: `/library/authors/${au.slug}`, base: `/library/authors/${au.slug}/feed` },
        await listArticles(ctx.pool, { authorSlug: au.slug, limit: 30 }));
    });

    app.get<{ Params: { slug: string; ext: string } }>('/communities/:slug/library/feed.:ext', hide, async (req, reply) => {
      const c = (await listCommunities(ctx.pool, { includeHidden: true })).find((x) => x.slug === req.params.slug);
      if (!c) throw new NotFoundError(`There is no community called “${req.params.slug}”.`);
      return sendFeed(req, reply, req.params.ext, { title: `${c.name}: library`, description: `Articles from ${c.name}.`, page: `/communities/${c.slug}`, base: `/communities/${c.slug}/library/feed` },
        await listArticles(ctx.pool, { communitySlug: c.slug, limit: 30 }));
    });

    // ---- Search ----------------------------------------------------------------------------

    app.get<{ Querystring: { q?: string; source?: string } }>('/search', publicPage, async (req, reply) => {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
      const only = typeof req.query.source === 'string' && req.query.source ? req.query.source : undefined;
      const error = typeof req.query.q === 'string' && !q ? 'Enter a word or phrase to search for.' : undefined;
      const result = await siteSearch(ctx.pool, { text: q, member: !!req.viewer, viewer: req.viewer, limit: 50 }, only);
      return sendPage(reply, SearchPage({ site: siteFor(ctx, req), q, only, result, error }), error ? 400 : 200);
    });
  };
}
