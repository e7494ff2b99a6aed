/** A community's working groups: the list, starting a group, a group's page. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ForbiddenError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { slugFromTitle } from '../library/index.ts';
import { createGroup, GROUP_STATUSES, GroupError, listGroups, type GroupStatus } from './groups.ts';
import { GroupsPage, NewGroupPage, type GroupFormValues } from './views.tsx';

import { groupRouteKit, NOTICES, SLUG } from './route-kit.ts';

export function groupPageRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, publicPage, csrf, community, group, viewerOf, page, mayStart } = groupRouteKit(ctx, app);

    app.get<{ Params: { slug: string } }>('/communities/:slug/groups', publicPage, async (req, reply) => {
      const c = await community(req.params.slug);
      return sendPage(
        reply,
        GroupsPage({ site: siteFor(ctx, req), community: c, groups: await listGroups(ctx.pool, c.slug), canStart: await mayStart(req, c.id) }),
      );
    });

    app.get<{ Params: { slug: string } }>('/communities/:slug/groups/new', hide, async (req, reply) => {
      viewerOf(req);
      const c = await community(req.params.slug);
      if (!(await mayStart(req, c.id))) throw new ForbiddenError(`Members of ${c.title} can start working groups. Join the community first.`);
      const values: GroupFormValues = { name: '', slug: '', charter: '', status: 'forming', joinPolicy: 'open' };
      return sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: c, csrf: formToken(reply), values }));
    });

    app.post<{ Params: { slug: string } }>('/communities/:slug/groups/new', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const c = await community(req.params.slug);
      if (!(await mayStart(req, c.id))) throw new ForbiddenError(`Members of ${c.title} can start working groups. Join the community first.`);
      const values: GroupFormValues = {
        name: field(req.body, 'name', 200),
        slug: field(req.body, 'slug', 100),
        charter: field(req.body, 'charter', 20000),
        status: field(req.body, 'status', 20),
        joinPolicy: field(req.body, 'joinPolicy', 10) === 'closed' ? 'closed' : 'open',
      };
      const errors: FieldErrors = {};
      if (!values.name) errors.name = 'Enter a name for the working group.';
      const slug = values.slug || slugFromTitle(values.name);
      if (values.name && !SLUG.test(slug)) errors.slug = 'Use only lower-case letters, digits and single hyphens, for example public-participation.';
      if (!values.charter) errors.charter = 'Write the charter: why the group exists and what it will produce.';
      if (!(GROUP_STATUSES as readonly string[]).includes(values.status)) errors.status = 'Choose a status from the list.';
      const again = (e: FieldErrors) =>
        sendPage(reply, NewGroupPage({ site: siteFor(ctx, req), community: c, csrf: formToken(reply), values, errors: e }), 400);
      if (Object.keys(errors).length) return again(errors);
      try {
        await createGroup(
          ctx.pool,
          { name: v.email, source: req.ip },
          {
            communityId: c.id,
            slug,
            name: values.name,
            charter: values.charter,
            status: values.status as GroupStatus,
            joinPolicy: values.joinPolicy as 'open' | 'closed',
          },
          [v.memberId],
        );
      } catch (err) {
        if (err instanceof GroupError) return again({ slug: err.message });
        throw err;
      }
      return reply.redirect(`/communities/${c.slug}/groups/${slug}?done=created`, 303);
    });

    app.get<{ Params: { slug: string; group: string }; Querystring: { done?: string } }>('/communities/:slug/groups/:group', publicPage, async (req, reply) =>
      page(req, reply, await group(req.params.slug, req.params.group), { notice: NOTICES[req.query.done ?? ''] }),
    );
  };
}
