/**
 * Bounce care on the web. Coordinators (and site administrators) see who bounces and can turn
 * delivery back on; a member whose delivery was turned off turns it back on from the link in the
 * notice: GET shows a button (link scanners follow GETs, so a GET changes nothing), POST does it.
 * Both forms carry the CSRF token; the member's link is an HMAC-signed token for one member on
 * one list, so it needs no sign-in.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { joinSettings } from '../communities/index.ts';
import type { Actor } from '../platform/audit.ts';
import { ForbiddenError, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { cookieSecret } from '../platform/secret.ts';
import { canCoordinate } from '../membership/index.ts';
import { ConfirmButtonPage, MessagePage } from '../web/pages.tsx';
import { bounceEntries, bouncePolicyOf, readReenableToken, reenableDelivery } from './bounce-care.ts';
import { BouncesPage } from './bounce-care-views.tsx';
import { listById, listHomePath, listsOfCommunity } from './store.ts';

function actorOf(req: FastifyRequest): Actor {
  return { name: req.viewer?.email ?? 'anonymous', source: req.ip };
}

export function bounceRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };
    const hide = { schema: { hide: true } };
    let secret: Promise<string> | undefined;
    const key = () => (secret ??= cookieSecret(ctx.pool, ctx.config.secret));

    async function coordinatorList(req: FastifyRequest, slug: string) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to see this page.');
      const c = await joinSettings(ctx.pool, slug);
      if (!c) throw new NotFoundError(`There is no community called “${slug}”.`);
      if (!(await canCoordinate(ctx.pool, req.viewer, c.id))) throw new ForbiddenError(`Only the coordinators of ${c.title} can use this page.`);
      const list = (await listsOfCommunity(ctx.pool, c.id))[0];
      if (!list) throw new NotFoundError(`${c.title} has no email list.`);
      return { c, list };
    }

    app.get<{ Params: { slug: string }; Querystring: { done?: string } }>('/communities/:slug/admin/bounces', hide, async (req, reply) => {
      const { c, list } = await coordinatorList(req, req.params.slug);
      const notice = {
        enabled: 'Delivery is back on and the bounce score is cleared.',
        nothing: 'There was nothing to change: that member has no bounce score.',
      }[req.query.done ?? ''];
      return sendPage(
        reply,
        BouncesPage({
          site: siteFor(ctx, req),
          c,
          listName: list.name,
          csrf: formToken(reply),
          entries: await bounceEntries(ctx.pool, list.id),
          policy: bouncePolicyOf(ctx.config),
          ...(notice ? { notice } : {}),
        }),
      );
    });

    app.post<{ Params: { slug: string; memberId: string } }>('/communities/:slug/admin/bounces/:memberId', csrf, async (req, reply) => {
      const { c, list } = await coordinatorList(req, req.params.slug);
      const memberId = Number(req.params.memberId);
      if (!Number.isSafeInteger(memberId) || memberId < 1) throw new NotFoundError('That member does not exist.');
      const changed = await reenableDelivery(ctx.pool, actorOf(req), { listId: list.id, memberId, by: 'coordinator' });
      return reply.redirect(`/communities/${c.slug}/admin/bounces?done=${changed ? 'enabled' : 'nothing'}`, 303);
    });

    async function scoped(token: string) {
      const t = readReenableToken(await key(), token);
      if (!t) return undefined;
      const list = await listById(ctx.pool, t.listId);
      const { rows } = await ctx.pool.query<{ email: string; status: string | null; disabled: boolean }>(
        `select m.email, ms.status, coalesce(s.delivery_disabled_at is not null, false) as disabled from members m
           left join memberships ms on ms.member_id = m.id and ms.community_id = $2
           left join list_subscriptions s on s.list_id = community_list_id($2) and s.member_id = m.id where m.id = $1`,
        [t.memberId, list?.communityId ?? 0],
      );
      return list && rows[0] ? { list, memberId: t.memberId, ...rows[0] } : undefined;
    }

    const invalid = (req: FastifyRequest) =>
      MessagePage({
        site: siteFor(ctx, req),
        title: 'This link does not work',
        lines: ['This link is not valid. It may have been cut off by your mail program: copy the whole link from the message into your browser.'],
        links: [{ href: '/account', label: 'Your account' }],
        alert: 'warning',
      });
    const notMember = (req: FastifyRequest, s: NonNullable<Awaited<ReturnType<typeof scoped>>>) =>
      MessagePage({
        site: siteFor(ctx, req),
        title: `You are not on ${s.list.name}`,
        alert: 'info',
        lines: [`${s.email} is no longer a member of ${s.list.name}, so there is no delivery to turn back on. You can join again from the community page.`],
        links: [{ href: listHomePath(s.list), label: `${s.list.name}` }],
      });

    app.get<{ Params: { token: string } }>('/bounces/reenable/:token', hide, async (req, reply) => {
      const s = await scoped(req.params.token);
      if (!s) return sendPage(reply, invalid(req), 404);
      if (s.status !== 'active') return sendPage(reply, notMember(req, s));
      if (!s.disabled) {
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: `You are getting ${s.list.name}`,
            lines: [`Delivery of ${s.list.name} messages to ${s.email} is on. There is nothing to do.`],
            links: [{ href: listHomePath(s.list), label: s.list.name }],
            alert: 'info',
          }),
        );
      }
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: `Get ${s.list.name} messages again`,
          lines: [
            `We stopped sending ${s.list.name} messages to ${s.email} because mail to this address was returned to us as undeliverable.`,
            'If you can read mail at this address again, press the button. If messages keep bouncing, delivery will be turned off again.',
          ],
          action: `/bounces/reenable/${req.params.token}`,
          token: req.params.token,
          csrf: formToken(reply),
          button: 'Turn delivery back on',
        }),
      );
    });

    app.post<{ Params: { token: string } }>('/bounces/reenable/:token', csrf, async (req, reply) => {
      const s = await scoped(req.params.token);
      if (!s) return sendPage(reply, invalid(req), 404);
      if (s.status !== 'active') return sendPage(reply, notMember(req, s));
      await reenableDelivery(ctx.pool, { name: s.email, source: req.ip }, { listId: s.list.id, memberId: s.memberId, by: 'member' });
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'Delivery is back on',
          alert: 'success',
          lines: [`${s.email} will get ${s.list.name} messages again.`],
          links: [{ href: listHomePath(s.list), label: `Back to ${s.list.name}` }],
        }),
      );
    });
  };
}
