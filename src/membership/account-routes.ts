/** Routes for the member area: profile, delivery choices, leaving, "Download my data". Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { recordAudit } from '../platform/audit.ts';
import { nameProblem } from '../platform/text.ts';
import { changeMembership, DELIVERY_MODES, findMember, membershipIn, membershipsOf, type DeliveryMode } from './members.ts';
import { memberData } from './my-data.ts';
import { AccountPage } from './views.tsx';
import { actorOf, membershipRouteKit, requireViewer } from './route-kit.ts';

export function accountRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, community } = membershipRouteKit(ctx, app);

    async function accountPage(req: FastifyRequest, reply: FastifyReply, extra: { saved?: string; errors?: FieldErrors } = {}, status = 200) {
      const viewer = requireViewer(req);
      const member = (await findMember(ctx.pool, viewer.memberId))!;
      const memberships = await membershipsOf(ctx.pool, viewer.memberId);
      return sendPage(
        reply,
        AccountPage({ site: siteFor(ctx, req), csrf: formToken(reply), member, memberships, siteAdmin: viewer.siteAdmin, ...extra }),
        status,
      );
    }

    app.get<{ Querystring: { saved?: string } }>('/account', hide, async (req, reply) => {
      const saved = { profile: 'Your profile is saved.', delivery: 'Your delivery choice is saved.', left: 'You have left the community.' }[
        req.query.saved ?? ''
      ];
      return accountPage(req, reply, saved ? { saved } : {});
    });

    app.post('/account/profile', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const name = field(req.body, 'name', 200);
      const errors: FieldErrors = {};
      if (!name) errors.name = 'Enter your full name.';
      else if (nameProblem(name)) errors.name = nameProblem(name)!;
      const bio = field(req.body, 'bio', 1000);
      if (Object.keys(errors).length) return accountPage(req, reply, { errors }, 400);
      const expertise = [
        ...new Set(
          field(req.body, 'expertise', 1000)
            .split(',')
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
        ),
      ].slice(0, 30);
      const before = await findMember(ctx.pool, viewer.memberId);
      await ctx.pool.query(
        `update members set name = $2, job_title = nullif($3, ''), agency = nullif($4, ''), expertise = $5, bio = nullif($6, ''), bio_public = $7, updated_at = now() where id = $1`,
        [viewer.memberId, name, field(req.body, 'jobTitle', 200), field(req.body, 'agency', 200), expertise, bio, field(req.body, 'bioPublic') === 'yes'],
      );
      await recordAudit(ctx.pool, actorOf(req), {
        action: 'member.profile',
        subjectType: 'member',
        subjectId: String(viewer.memberId),
        before,
        after: await findMember(ctx.pool, viewer.memberId),
      });
      return reply.redirect('/account?saved=profile', 303);
    });

    app.post<{ Params: { slug: string } }>('/account/memberships/:slug', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const mode = field(req.body, 'deliveryMode') as DeliveryMode;
      if (!DELIVERY_MODES.includes(mode)) return accountPage(req, reply, { errors: { deliveryMode: 'Choose how you want to get messages.' } }, 400);
      const m = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (m?.status !== 'active') throw new NotFoundError(`You are not a member of ${c.title}.`);
      await changeMembership(ctx.pool, actorOf(req), {
        communityId: c.id,
        memberId: viewer.memberId,
        deliveryMode: mode,
        source: 'web',
        action: 'membership.delivery',
      });
      return reply.redirect('/account?saved=delivery', 303);
    });

    app.post<{ Params: { slug: string } }>('/account/memberships/:slug/leave', csrf, async (req, reply) => {
      const viewer = requireViewer(req);
      const c = await community(req.params.slug);
      const m = await membershipIn(ctx.pool, viewer.memberId, c.id);
      if (m?.status === 'active') {
        await changeMembership(ctx.pool, actorOf(req), {
          communityId: c.id,
          memberId: viewer.memberId,
          status: 'left',
          source: 'web',
          action: 'membership.leave',
        });
      }
      return reply.redirect('/account?saved=left', 303);
    });

    app.get('/account/data.json', hide, async (req, reply) => {
      const viewer = requireViewer(req);
      reply.header('content-disposition', 'attachment; filename="my-socialgov-data.json"');
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await memberData(ctx.pool, viewer.memberId), null, 2));
    });
  };
}
