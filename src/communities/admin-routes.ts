/** Coordinators' routes for a community: the admin hub and the page editor. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { awaitingApproval, canCoordinate } from '../membership/index.ts';
import { ForbiddenError, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { formFromBody, formFromCommunity, LEVELS, pageFromForm } from './admin-form.ts';
import { AdminHubPage, EditPage } from './admin-views.tsx';
import { isReviewer } from '../registry/index.ts';
import { joinSettings, saveJoinSettings } from './join-settings.ts';
import { findCommunity, saveCommunity } from './store.ts';

export function communityAdminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const hide = { schema: { hide: true } };

    async function coordinated(req: FastifyRequest, slug: string) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to manage a community.');
      const settings = await joinSettings(ctx.pool, slug);
      if (!settings) throw new NotFoundError(`There is no community called “${slug}”.`);
      if (!(await canCoordinate(ctx.pool, req.viewer, settings.id))) throw new ForbiddenError(`Only the coordinators of ${settings.title} can manage it.`);
      return settings;
    }

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin', hide, async (req, reply) => {
      const c = await coordinated(req, req.params.slug);
      const registryReviewer = await isReviewer(ctx.pool, { memberId: req.viewer!.memberId, siteAdmin: req.viewer!.siteAdmin });
      return sendPage(reply, AdminHubPage({ site: siteFor(ctx, req), c, waiting: (await awaitingApproval(ctx.pool, c.id)).length, registryReviewer }));
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/admin/page', hide, async (req, reply) => {
      const settings = await coordinated(req, req.params.slug);
      const c = (await findCommunity(ctx.pool, settings.slug))!;
      return sendPage(reply, EditPage({ site: siteFor(ctx, req), c: settings, csrf: formToken(reply), form: formFromCommunity(c, settings) }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/admin/page', { preHandler: app.csrfProtection, ...hide }, async (req, reply) => {
      const settings = await coordinated(req, req.params.slug);
      const current = (await findCommunity(ctx.pool, settings.slug))!;
      const form = formFromBody(req.body, Number(field(req.body, 'channelRows', 3)) || 1);
      const result = pageFromForm(form, current);
      const again = (status: number, errors = {}, preview = false) =>
        sendPage(reply, EditPage({ site: siteFor(ctx, req), c: settings, csrf: formToken(reply), form, errors, preview }), status);
      if (!result.ok) return again(400, result.errors);
      if (field(req.body, 'intent') === 'preview') return again(200, {}, true);
      const actor = { name: req.viewer!.email, source: req.ip };
      await saveCommunity(ctx.pool, result.page, { update: true, actor, action: 'community.edit' });
      await saveJoinSettings(ctx.pool, actor, settings.id, {
        eligibleLevels: form.eligibleLevels.length === LEVELS.length ? undefined : form.eligibleLevels,
        allowExceptions: form.allowExceptions,
        guidelines: form.guidelines,
      });
      return reply.redirect(`/communities/${settings.slug}?saved=1`, 303);
    });
  };
}
