/** Writing an article: the new-article form and the edit form, checked field by field. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { communityNames } from '../communities/index.ts';
import { findMember, findMemberByEmail, parseAddress } from '../membership/index.ts';
import { nameProblem } from '../platform/text.ts';
import { formToken, sendPage, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import type { Actor } from '../platform/audit.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import {
  ARTICLE_KINDS,
  canChange,
  canWrite,
  createDraft,
  SlugTakenError,
  updateArticle,
  type Article,
  type ArticleInput,
  type ArticleKind,
} from './articles.ts';
import { authorForMember, ensureGuestAuthor } from './authors.ts';
import { ArticleFormPage, type ArticleFormValues } from './article-views.tsx';
import { actorOf, libraryRouteKit, slugFromTitle, SLUG, splitList } from './route-kit.ts';

function formValues(body: unknown): ArticleFormValues {
  return {
    title: field(body, 'title', 300),
    slug: field(body, 'slug', 100),
    kind: field(body, 'kind', 30),
    deck: field(body, 'deck', 300),
    summary: field(body, 'summary', 600),
    body: field(body, 'body', 100000),
    topics: field(body, 'topics', 500),
    authors: field(body, 'authors', 500),
    community: field(body, 'community', 100),
    sourceName: field(body, 'sourceName', 200),
    sourceUrl: field(body, 'sourceUrl', 500),
    heroImageUrl: field(body, 'heroImageUrl', 500),
    heroImageAlt: field(body, 'heroImageAlt', 300),
    contentLead: field(body, 'contentLead', 320),
    guestName: field(body, 'guestName', 200),
    guestAgency: field(body, 'guestAgency', 200),
  };
}

function valuesOf(a: Article): ArticleFormValues {
  return {
    title: a.title,
    slug: a.slug,
    kind: a.kind,
    deck: a.deck ?? '',
    summary: a.summary ?? '',
    body: a.body,
    topics: a.topics.join(', '),
    authors: a.authors.map((x) => x.slug).join(', '),
    community: a.communitySlug ?? '',
    sourceName: a.sourceName ?? '',
    sourceUrl: a.sourceUrl ?? '',
    heroImageUrl: a.heroImageUrl ?? '',
    heroImageAlt: a.heroImageAlt ?? '',
    contentLead: a.contentLeadEmail ?? '',
    guestName: '',
    guestAgency: '',
  };
}

/** Check the form; returns field errors, or the article input. */
async function checkForm(
  ctx: AppContext,
  v: ArticleFormValues,
  creating: boolean,
  viewer: NonNullable<FastifyRequest['viewer']>,
  actor: Actor,
): Promise<{ errors: FieldErrors; input?: ArticleInput }> {
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
  if (v.heroImageUrl && !/^\/(?!\/)\S+$/.test(v.heroImageUrl))
    errors.heroImageUrl = 'Enter the address of an image on this site, starting with /, or leave it blank.';
  if (v.heroImageUrl && !v.heroImageAlt) errors.heroImageAlt = 'Describe what the hero image shows, for people who cannot see it.';
  let communityId: number | null = null;
  if (v.community) {
    const c = (await communityNames(ctx.pool, { includeHidden: true })).find((x) => x.slug === v.community);
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
      slug,
      kind: v.kind as ArticleKind,
      title: v.title,
      deck: v.deck || null,
      summary: v.summary || null,
      body: v.body,
      topics,
      authors,
      communityId,
      sourceName: v.sourceName || null,
      sourceUrl: v.sourceUrl || null,
      heroImageUrl: v.heroImageUrl || null,
      heroImageAlt: v.heroImageAlt || null,
      contentLeadId,
    },
  };
}

export function libraryArticleEditRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, viewerOf, visibleArticle, communityChoices } = libraryRouteKit(ctx, app);

    app.get('/library/articles/new', hide, async (req, reply) => {
      const v = viewerOf(req);
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can write articles. Join a community first.');
      const values = formValues({ kind: 'best-practice' });
      values.kind = 'best-practice';
      return sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, communities: await communityChoices() }));
    });

    app.post('/library/articles/new', csrf, async (req, reply) => {
      const v = viewerOf(req);
      if (!(await canWrite(ctx.pool, v))) throw new ForbiddenError('Members of a community can write articles. Join a community first.');
      const values = formValues(req.body);
      const again = async (errors: FieldErrors) =>
        sendPage(reply, ArticleFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors, communities: await communityChoices() }), 400);
      const { errors, input } = await checkForm(ctx, values, true, v, actorOf(req));
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
      return sendPage(
        reply,
        ArticleFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values: valuesOf(a), communities: await communityChoices(), editing: a.slug }),
      );
    });

    app.post<{ Params: { slug: string } }>('/library/articles/:slug/edit', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const a = await visibleArticle(req, req.params.slug);
      if (!(await canChange(ctx.pool, v, a))) throw new ForbiddenError('Only an editor can change this article now. Writers can change their own drafts.');
      const values = { ...formValues(req.body), slug: a.slug };
      const { errors, input } = await checkForm(ctx, values, false, v, actorOf(req));
      if (!input)
        return sendPage(
          reply,
          ArticleFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors, communities: await communityChoices(), editing: a.slug }),
          400,
        );
      await updateArticle(ctx.pool, actorOf(req), a, input);
      return reply.redirect(`/library/articles/${a.slug}?done=saved`, 303);
    });
  };
}
