/** A member's private Atom feed of the archive: the page that makes or revokes its address, and the feed itself. */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { absoluteUrl, ForbiddenError, NotFoundError, formToken, sendPage, SignInRequiredError, type AppContext } from '../platform/http/context.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field } from '../web/forms.tsx';
import { listByLocalPart } from '../lists/index.ts';
import { archiveListSettled, hasPending } from './archiver.ts';
import { newestThreads } from './browse.ts';
import { createFeedToken, feedReader, hasFeedToken, revokeFeedTokens, threadsAtom } from './feed.ts';
import { FeedPage } from './search-views.tsx';
import { archiveRouteKit } from './route-kit.ts';

export function archiveFeedRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, open } = archiveRouteKit(ctx, app);

    async function memberOf(req: FastifyRequest, localPart: string) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to get your feed address.');
      const opened = await open(req, localPart);
      if (!opened.access.member) throw new ForbiddenError('Feeds are for members of the community.');
      return { ...opened, viewer: req.viewer };
    }

    app.get<{ Params: { list: string } }>('/archives/:list/feed', hide, async (req, reply) => {
      const { list, view, viewer } = await memberOf(req, req.params.list);
      const since = await hasFeedToken(ctx.pool, list.id, viewer.memberId);
      return sendPage(reply, FeedPage({ ...view, csrf: formToken(reply), since }));
    });

    app.post<{ Params: { list: string } }>('/archives/:list/feed', csrf, async (req, reply) => {
      const { list, view, viewer } = await memberOf(req, req.params.list);
      const action = field(req.body, 'action', 20);
      const actor = { name: viewer.email, source: req.ip };
      if (action === 'revoke') {
        await revokeFeedTokens(ctx.pool, actor, list.id, viewer.memberId);
        return sendPage(reply, FeedPage({ ...view, csrf: formToken(reply), notice: 'Your feed address no longer works.' }));
      }
      if (action !== 'create') throw new NotFoundError('Unknown feed action.');
      const raw = await createFeedToken(ctx.pool, actor, list.id, viewer.memberId);
      return sendPage(
        reply,
        FeedPage({
          ...view,
          csrf: formToken(reply),
          newUrl: absoluteUrl(ctx, `/archives/${list.localPart}/feed/${raw}`),
          notice: 'Your new feed address is ready.',
        }),
      );
    });

    app.get<{ Params: { list: string; token: string } }>('/archives/:list/feed/:token', hide, async (req, reply) => {
      const list = await listByLocalPart(ctx.pool, req.params.list);
      const token = cleanToken(req.params.token);
      const reader = list && token ? await feedReader(ctx.pool, list.id, token) : undefined;
      if (!list || !reader)
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send("This feed address does not work (it was replaced, revoked, or its member left). Make a new one on the archive's feed page.\n");
      if (await hasPending(ctx.pool, list.id)) await archiveListSettled(ctx.pool, list.id);
      const threads = await newestThreads(ctx.pool, list.id, 50);
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(threadsAtom(list, absoluteUrl(ctx, ''), threads));
    });
  };
}
