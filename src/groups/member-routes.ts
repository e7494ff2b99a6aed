/** A member in a working group: join, leave, how they get the group's list. Thin: check who asks, validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DeliveryMode } from '../membership/index.ts';
import type { AppContext } from '../platform/http/context.ts';
import { field } from '../web/forms.tsx';
import { GroupError, joinGroup, leaveGroup, setGroupDelivery } from './groups.ts';

import { groupRouteKit } from './route-kit.ts';

export function groupMemberRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, group, viewerOf, page } = groupRouteKit(ctx, app);

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/join', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      try {
        const result = await joinGroup(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId);
        return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=${result}`, 303);
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 409);
        throw err;
      }
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/leave', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      await leaveGroup(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId);
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=left`, 303);
    });

    app.post<{ Params: { slug: string; group: string } }>('/communities/:slug/groups/:group/delivery', csrf, async (req, reply) => {
      const v = viewerOf(req);
      const g = await group(req.params.slug, req.params.group);
      const chosen = field(req.body, 'deliveryMode', 20);
      try {
        await setGroupDelivery(ctx.pool, { name: v.email, source: req.ip }, g, v.memberId, chosen === 'community' ? null : (chosen as DeliveryMode));
      } catch (err) {
        if (err instanceof GroupError) return page(req, reply, g, { error: err.message }, 400);
        throw err;
      }
      return reply.redirect(`/communities/${g.communitySlug}/groups/${g.slug}?done=delivery#group-list`, 303);
    });
  };
}
