/** A guide's pages: the guide, a section, the print view, and its glossary (which editors add terms to). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, formToken, sendPage, ForbiddenError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { producersOf } from '../groups/index.ts';
import { canEdit } from './articles.ts';
import { saveGlossaryEntry } from './guides.ts';
import { GuideGlossaryPage, GuidePage, GuidePrintPage } from './guide-views.tsx';
import { actorOf, libraryRouteKit } from './route-kit.ts';

export function libraryGuideRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { publicPage, standingPage, csrf, viewerOf, guide } = libraryRouteKit(ctx, app);

    app.get<{ Params: { slug: string } }>('/library/guides/:slug', standingPage, async (req, reply) => {
      // The same for every visitor, a few seconds old at most (ctx.recent); then what is theirs.
      const { g, producedBy } = await ctx.recent(`library-guide:${req.params.slug}`, async () => {
        const found = await guide(req.params.slug);
        return { g: found, producedBy: await producersOf(ctx.pool, { kind: 'guide', id: found.id }) };
      });
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      return sendPage(reply, GuidePage({ site: siteFor(ctx, req), g, section: null, producedBy, editor }));
    });

    app.get<{ Params: { slug: string } }>('/library/guides/:slug/print', standingPage, async (req, reply) => {
      return sendPage(reply, GuidePrintPage({ site: siteFor(ctx, req), g: await guide(req.params.slug) }));
    });

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/library/guides/:slug/glossary', publicPage, async (req, reply) => {
      const g = await guide(req.params.slug);
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      if (!g.glossary.length && !editor) throw new NotFoundError(`${g.title} has no glossary.`);
      return sendPage(
        reply,
        GuideGlossaryPage({
          site: siteFor(ctx, req),
          g,
          csrf: editor ? formToken(reply) : undefined,
          notice: req.query.done === 'term' ? 'The term is saved.' : undefined,
        }),
      );
    });

    app.post<{ Params: { slug: string } }>('/library/guides/:slug/glossary', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await guide(req.params.slug);
      if (!(await canEdit(ctx.pool, v, g.communityId)))
        throw new ForbiddenError('Only library editors (community coordinators) can change a guide’s glossary.');
      const values = { term: field(req.body, 'term', 200), definition: field(req.body, 'definition', 2000) };
      const errors: FieldErrors = {};
      if (!values.term) errors.term = 'Enter the term.';
      if (!values.definition) errors.definition = 'Enter what the term means, in plain language.';
      if (Object.keys(errors).length) return sendPage(reply, GuideGlossaryPage({ site: siteFor(ctx, req), g, csrf: formToken(reply), values, errors }), 400);
      await saveGlossaryEntry(ctx.pool, actorOf(req), g.id, values.term, values.definition);
      return reply.redirect(`/library/guides/${g.slug}/glossary?done=term`, 303);
    });

    app.get<{ Params: { slug: string; section: string } }>('/library/guides/:slug/:section', publicPage, async (req, reply) => {
      const g = await guide(req.params.slug);
      if (!g.sections.some((s) => s.slug === req.params.section)) throw new NotFoundError(`${g.title} has no section “${req.params.section}”.`);
      const editor = req.viewer ? await canEdit(ctx.pool, req.viewer, g.communityId) : false;
      return sendPage(reply, GuidePage({ site: siteFor(ctx, req), g, section: req.params.section, producedBy: [], editor }));
    });
  };
}
