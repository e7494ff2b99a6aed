/** Writing guides (editors): a new guide, a new section, a section's edit form. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { communityNames } from '../communities/index.ts';
import { NotFoundError, formToken, sendPage, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { canEdit } from './articles.ts';
import { createGuide, GuideError, saveSection, type Guide } from './guides.ts';
import { GuideFormPage, type GuideFormValues } from './guide-views.tsx';
import { actorOf, libraryRouteKit, slugFromTitle, SLUG } from './route-kit.ts';

function guideValues(body: unknown): GuideFormValues {
  return {
    title: field(body, 'title', 300),
    slug: field(body, 'slug', 100),
    deck: field(body, 'deck', 300),
    summary: field(body, 'summary', 600),
    body: field(body, 'body', 100000),
    community: field(body, 'community', 100),
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

export function libraryGuideEditRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, viewerOf, communityChoices, guide } = libraryRouteKit(ctx, app);

    async function guideEditor(req: FastifyRequest, g?: Guide) {
      const v = viewerOf(req);
      if (!(await canEdit(ctx.pool, v, g ? g.communityId : null))) throw new ForbiddenError('Only library editors (community coordinators) can write guides.');
      return v;
    }

    app.get('/library/guides/new', hide, async (req, reply) => {
      await guideEditor(req);
      return sendPage(
        reply,
        GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values: guideValues({}), communities: await communityChoices() }),
      );
    });

    app.post('/library/guides/new', csrf, async (req, reply) => {
      await guideEditor(req);
      const values = guideValues(req.body);
      const { errors, slug } = checkGuide(values, true);
      let communityId: number | null = null;
      if (values.community) {
        const c = (await communityNames(ctx.pool, { includeHidden: true })).find((x) => x.slug === values.community);
        if (!c) errors.community = 'Choose a community from the list.';
        else communityId = c.id;
      }
      const again = async (e: FieldErrors) =>
        sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors: e, communities: await communityChoices() }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createGuide(ctx.pool, actorOf(req), {
          slug,
          title: values.title,
          deck: values.deck || null,
          summary: values.summary || null,
          body: values.body,
          communityId,
        });
      } catch (err) {
        if (err instanceof GuideError) return again({ slug: err.message });
        throw err;
      }
      return reply.redirect(`/library/guides/${slug}`, 303);
    });

    app.get<{ Params: { slug: string } }>('/library/guides/:slug/sections/new', hide, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values: guideValues({}), guide: g }));
    });

    app.post<{ Params: { slug: string } }>('/library/guides/:slug/sections/new', csrf, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      const values = guideValues(req.body);
      const { errors, slug } = checkGuide(values, true);
      const again = (e: FieldErrors) => sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors: e, guide: g }), 400);
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
      return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, guide: g, section: s }));
    });

    app.post<{ Params: { slug: string; section: string } }>('/library/guides/:slug/:section/edit', csrf, async (req, reply) => {
      const g = await guide(req.params.slug);
      await guideEditor(req, g);
      const s = g.sections.find((x) => x.slug === req.params.section);
      if (!s) throw new NotFoundError(`${g.title} has no section “${req.params.section}”.`);
      const values = guideValues(req.body);
      const { errors } = checkGuide(values, false);
      if (Object.keys(errors).length)
        return sendPage(reply, GuideFormPage({ site: siteFor(ctx, req), csrf: formToken(reply), values, errors, guide: g, section: s }), 400);
      await saveSection(ctx.pool, actorOf(req), g, { slug: s.slug, title: values.title, summary: values.summary || null, body: values.body }, s);
      return reply.redirect(`/library/guides/${g.slug}/${s.slug}`, 303);
    });
  };
}
