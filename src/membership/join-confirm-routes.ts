/** The link in the joining mail: confirm the address, then join (or wait for a coordinator). Thin: validate, call, present. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { baseUrl, formToken, sendPage, siteFor, type AppContext } from '../platform/http/context.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { confirmJoin, lookupJoinLink } from './join.ts';
import { ConfirmButtonPage, MessagePage } from './views.tsx';
import { membershipRouteKit } from './route-kit.ts';

export function joinConfirmRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { csrf, hide, signIn, badLink } = membershipRouteKit(ctx, app);

    app.get<{ Querystring: { token?: string } }>('/join/confirm', hide, async (req, reply) => {
      const token = cleanToken(req.query.token);
      const found = token ? await lookupJoinLink(ctx.pool, token) : { state: 'invalid' as const };
      if (found.state !== 'valid') return sendPage(reply, badLink(req, found.state, 'join'), found.state === 'invalid' ? 404 : 410);
      const r = found.request;
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: `Confirm your request to join ${r.communityTitle}`,
          lines: [
            `This confirms that ${r.email} belongs to you, ${r.name}.`,
            r.needsApproval ? 'A coordinator will then review your request.' : 'You will then be a member.',
          ],
          action: '/join/confirm',
          token: token!,
          csrf: formToken(reply),
          button: 'Confirm',
        }),
      );
    });

    app.post('/join/confirm', csrf, async (req, reply) => {
      const token = cleanToken(field(req.body, 'token'));
      const result = token
        ? await confirmJoin(ctx.pool, token, { baseUrl: baseUrl(ctx), queue: ctx.queue, operator: ctx.config })
        : { kind: 'invalid' as const };
      if (result.kind === 'ineligible') {
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: `You can’t join ${result.communityTitle}`,
            alert: 'warning',
            lines: [`Your email address is confirmed, but ${result.communityTitle} can’t take it now.`, result.message],
            links: [{ href: `/communities/${result.communitySlug}`, label: `Back to ${result.communityTitle}` }],
          }),
          400,
        );
      }
      if (!('memberId' in result)) {
        return sendPage(reply, badLink(req, result.kind, 'join'), result.kind === 'invalid' ? 404 : 410);
      }
      // The mailbox is proven: sign the person in.
      await signIn(reply, req, result.memberId);
      if (result.kind === 'joined') {
        return sendPage(
          reply,
          MessagePage({
            site: siteFor(ctx, req),
            title: `Welcome to ${result.communityTitle}`,
            alert: 'success',
            lines: [`You are now a member of ${result.communityTitle}.`],
            links: [
              { href: `/communities/${result.communitySlug}`, label: `Go to ${result.communityTitle}` },
              { href: '/account', label: 'Your account: choose how you get messages' },
            ],
          }),
        );
      }
      return sendPage(
        reply,
        MessagePage({
          site: siteFor(ctx, req),
          title: 'Thank you: your request is with a coordinator',
          alert: 'info',
          lines: [`Your email address is confirmed. A coordinator of ${result.communityTitle} will review your request, and we will email you their answer.`],
          links: [{ href: `/communities/${result.communitySlug}`, label: `Back to ${result.communityTitle}` }],
        }),
      );
    });
  };
}
