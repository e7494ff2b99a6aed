/**
 * One-click unsubscribe (RFC 8058), and a digest reader's "get each message instead". Every list
 * copy carries a personal link `/u/<token>`; the token is signed (HMAC with the site key) and scoped to one member on one list, so it cannot be forged
 * or reused for anyone else. GET shows a page with one button (link scanners follow GETs, so a
 * GET changes nothing); POST leaves at once, without signing in. The POST is exempt from the CSRF
 * check on purpose: mail programs send it from their own servers, and the signed token in the
 * address is itself the proof that this member asked.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { ConfirmButtonPage, MessagePage } from '../web/pages.tsx';
import { switchToEachMessage } from './digests/each-message.ts';
import { unsubscribe } from './incoming.ts';
import { listById, listHomePath } from './store.ts';
import { readUnsubscribeToken } from './tokens.ts';
import { listRouteKit } from './route-kit.ts';

export function unsubscribeRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { key, hide } = listRouteKit(ctx, app);

    // ---- One-click unsubscribe ---------------------------------------------------------

    // RFC 8058 clients POST "List-Unsubscribe=One-Click" as multipart/form-data or urlencoded:
    // in this scope any body is read as text and only looked at for that marker.
    await app.register(async (scope: FastifyInstance) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, raw, done) => done(null, raw));
      async function scoped(token: string) {
        const t = readUnsubscribeToken(await key(), token);
        if (!t) return undefined;
        const list = await listById(ctx.pool, t.listId);
        const member = await ctx.pool.query<{ email: string }>('select email from members where id = $1', [t.memberId]);
        return list && member.rows[0] ? { list, memberId: t.memberId, email: member.rows[0].email } : undefined;
      }

      const invalid = (req: Parameters<typeof siteFor>[1]) =>
        MessagePage({
          site: siteFor(ctx, req),
          title: 'This link does not work',
          lines: [
            'This unsubscribe link is not valid. It may have been cut off by your mail program: open it from the message again, or sign in and leave from your account page.',
          ],
          links: [{ href: '/account', label: 'Your account' }],
          alert: 'warning',
        });

      scope.get<{ Params: { token: string } }>('/u/:token', hide, async (req, reply) => {
        const s = await scoped(req.params.token);
        if (!s) return sendPage(reply, invalid(req), 404);
        return sendPage(
          reply,
          ConfirmButtonPage({
            site: siteFor(ctx, req),
            title: `Leave ${s.list.name}`,
            lines: [
              s.list.groupId === null
                ? `Press the button to stop getting messages from ${s.list.name} at ${s.email}. You can join again at any time.`
                : `${s.list.name} is a working group’s list: press the button to leave the working group and stop getting its messages at ${s.email}. You stay a member of the community, and can join the group again on its page.`,
            ],
            action: `/u/${req.params.token}`,
            token: req.params.token,
            csrf: formToken(reply),
            button: s.list.groupId === null ? 'Leave the list' : 'Leave the working group',
          }),
        );
      });

      scope.post<{ Params: { token: string } }>('/u/:token', hide, async (req, reply) => {
        const s = await scoped(req.params.token);
        const body = typeof req.body === 'string' ? req.body : '';
        const oneClick = /List-Unsubscribe(=|"\s*\r?\n\r?\n)One-Click/.test(body);
        if (!s) {
          if (oneClick) return reply.code(404).type('text/plain; charset=utf-8').send('This unsubscribe link is not valid.\n');
          return sendPage(reply, invalid(req), 404);
        }
        await unsubscribe(ctx, s.list, s.memberId, oneClick ? 'one-click' : 'web', { name: s.email, source: req.ip });
        if (oneClick) return reply.type('text/plain; charset=utf-8').send(`Unsubscribed ${s.email} from ${s.list.name}.\n`);
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: `You have left ${s.list.name}`,
            lines: [`${s.email} will get no more messages from ${s.list.name}.`],
            links: [{ href: listHomePath(s.list), label: `Back to ${s.list.name}` }],
            alert: 'success',
          }),
        );
      });

      // Digests (src/lists/digests): "get each message instead", linked from each member's digest
      // with the same signed token. GET only shows the button; POST switches. No CSRF check, for
      // the reason above: the signed, member-scoped token in the address is the proof.
      scope.get<{ Params: { token: string } }>('/u/:token/each', hide, async (req, reply) => {
        const s = await scoped(req.params.token);
        if (!s) return sendPage(reply, invalid(req), 404);
        return sendPage(
          reply,
          ConfirmButtonPage({
            site: siteFor(ctx, req),
            title: `Get each message from ${s.list.name}`,
            lines: [
              `Press the button to get every message from ${s.list.name} at ${s.email} as it is sent, instead of a digest. You can go back to digests on your account page.`,
            ],
            action: `/u/${req.params.token}/each`,
            token: req.params.token,
            csrf: formToken(reply),
            button: 'Get each message',
          }),
        );
      });

      scope.post<{ Params: { token: string } }>('/u/:token/each', hide, async (req, reply) => {
        const s = await scoped(req.params.token);
        if (!s) return sendPage(reply, invalid(req), 404);
        const result = await switchToEachMessage(ctx.pool, { communityId: s.list.communityId, memberId: s.memberId, actor: { name: s.email, source: req.ip } });
        const back = [{ href: '/account', label: 'Your account' }];
        if (result === 'not-a-member') {
          return sendPage(
            reply,
            MessagePage({
              site: siteFor(ctx, req),
              title: `You are not a member of ${s.list.name}`,
              lines: [`${s.email} is not a member of ${s.list.name} now, so there is nothing to change. To join again, visit the community's page.`],
              links: [{ href: listHomePath(s.list), label: s.list.name }],
              alert: 'warning',
            }),
            409,
          );
        }
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: `You will get each message from ${s.list.name}`,
            lines: [
              result === 'switched'
                ? `${s.email} will get every new message from ${s.list.name} as it is sent, and no more digests.`
                : `${s.email} already gets each message from ${s.list.name}.`,
            ],
            links: back,
            alert: 'success',
          }),
        );
      });
    });
  };
}
