/** What a working group's leads do: edit the group, name leads, decide join requests, add deliverables. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, idParam, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { addDeliverable, canLead, decideRequest, GROUP_STATUSES, GroupError, makeLead, updateGroup, type GroupStatus } from './groups.ts';
import { NewGroupPage, type GroupFormValues } from './views.tsx';

import { groupRouteKit } from './route-kit.ts';

export function groupLeadRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, group, viewerOf, page, ledBy } = groupRouteKit(ctx, app);

    app.get<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/edit', hide, async (req, reply) => {
      const { g } = await ledBy(req, req.params.slug, req.params.group);
      const values: GroupFormValues = { name: g.name, slug: g.slug, charter: g.charter, status: g.status, joinPolicy: g.joinPolicy };
      return sendPage(
        reply,
        NewGroupPage({
          site: siteFor(ctx, req),
          community: { slug: g.communitySlug, title: g.communityTitle },
          csrf: formToken(reply),
          values,
          editing: g.slug,
        }),
      );
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/edit', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      const values: GroupFormValues = {
        name: field(req.body, 'name', 200),
        slug: g.slug,
        charter: field(req.body, 'charter', 20000),
        status: field(req.body, 'status', 20),
        joinPolicy: field(req.body, 'joinPolicy', 10) === 'closed' ? 'closed' : 'open',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter a name for the working group.';
      if (!values.charter) errors.charter = 'Write the charter: why the group exists and what it will produce.';
      if (!(GROUP_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      if (Object.keys(errors).length) {
        return sendPage(
          reply,
          NewGroupPage({
            site: siteFor(ctx, req),
            community: { slug: g.communitySlug, title: g.communityTitle },
            csrf: formToken(reply),
            values,
            errors,
            editing: g.slug,
          }),
          400,
        );
      }
      await updateGroup(ctx.pool, { name: v.email, source: req.ip }, g, {
        name: values.name,
        charter: values.charter,
        status: values.status as GroupStatus,
        joinPolicy: values.joinPolicy as 'open' | 'closed',
      });
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=saved`, 303);
    });

    app.post<{ Params: { slug: string; group: string; member: string } }>('/communities/:slug/groups/:group/leads/:member', csrf, async (req, reply) => {
      const { v, g } = await ledBy(req, req.params.slug, req.params.group);
      try {
        await makeLead(ctx.pool, { name: v.email, source: req.ip }, g, idParam(req.params.member));
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=lead`, 303);
    });

    app.post<{ Params: { slug: string; group: string; member: string } }>('/communities/:slug/groups/:group/requests/:member', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can decide requests.');
      const approve = field(req.body, 'decision', 10) === 'approve';
      try {
        await decideRequest(ctx.pool, { name: v.email, source: req.ip }, g, idParam(req.params.member), approve);
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, await group(req.params.slug, req.params.group), { error: err.message }, 409);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=${approve ? 'approved' : 'declined'}`, 303);
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/deliverables', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      if (!(await canLead(ctx.pool, v, g))) throw new ForbiddenError('Only the group’s leads and the community’s coordinators can add deliverables.');
      const item = field(req.body, 'item', 300);
      const m = /(?:^|\/library\/)(guides|articles)\/([a-z0-9-]+)\/?$/.exec(item.replace(/^https?:\/\/[^/]+/, ''));
      if (!m)
        return page(
          req,
          reply,
          g,
          {
            deliverableValue: item,
            deliverableErrors: { item: 'Enter a library address such as /library/guides/public-participation or /library/articles/some-article.' },
          },
          400,
        );
      try {
        await addDeliverable(ctx.pool, { name: v.email, source: req.ip }, g, { kind: m[1] === 'guides' ? 'guide' : 'article', slug: m[2]! });
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { deliverableValue: item, deliverableErrors: { item: err.message } }, 400);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=deliverable`, 303);
    });
  };
}
