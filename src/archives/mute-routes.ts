/** Muting a thread: the thread page's button, and the link in every copy's footer (GET shows one button; only the POST changes anything). */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, formToken, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { ConfirmButtonPage } from '../membership/index.ts';
import { isMuted, muteThread, unmuteThread } from './mutes.ts';
import { field } from '../web/forms.tsx';
import { postByNumber, threadById } from './browse.ts';
import { cleanSubject } from './subjects.ts';
import { archiveRouteKit } from './route-kit.ts';

export function archiveMuteRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, csrf, open, num } = archiveRouteKit(ctx, app);

    /** The thread a member may mute: a member of the list's archive (signed in). */
    async function mutable(req: FastifyRequest, localPart: string, threadOf: { thread: string } | { post: string }) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to mute a thread.');
      const { list, access, view } = await open(req, localPart);
      if (!access.member) throw new ForbiddenError(`Only members of ${list.name} can mute its threads.`);
      let threadId: number | undefined;
      if ('thread' in threadOf) threadId = num(threadOf.thread, 'thread');
      else threadId = (await postByNumber(ctx.pool, list.id, num(threadOf.post, 'message')))?.threadId;
      const thread = threadId !== undefined ? await threadById(ctx.pool, list.id, threadId) : undefined;
      if (!thread) throw new NotFoundError('There is no such thread in this archive.');
      return { list, view, thread, viewer: req.viewer };
    }

    // The link in every copy's footer: GET shows what would be muted and one button; only the POST changes anything.
    app.get<{ Params: { list: string; n: string } }>('/archives/:list/:n/mute', hide, async (req, reply) => {
      const { list, thread, viewer } = await mutable(req, req.params.list, { post: req.params.n });
      const muted = await isMuted(ctx.pool, thread.id, viewer.memberId);
      const subject = cleanSubject(thread.subject);
      return sendPage(
        reply,
        ConfirmButtonPage({
          site: siteFor(ctx, req),
          title: muted ? 'This thread is muted' : 'Mute this thread',
          lines: muted
            ? [`You muted “${subject}” on ${list.name}: you get none of its messages. Press the button to get them again.`]
            : [
                `Press the button to get no more messages of the thread “${subject}” from ${list.name}, by email or in digests. The rest of the list keeps coming. You can unmute it on the thread’s page.`,
              ],
          action: `/archives/${list.localPart}/threads/${thread.id}/mute`,
          token: muted ? 'unmute' : 'mute',
          csrf: formToken(reply),
          button: muted ? 'Unmute this thread' : 'Mute this thread',
          back: { href: `/archives/${list.localPart}/threads/${thread.id}`, label: 'Back to the thread' },
        }),
      );
    });

    app.post<{ Params: { list: string; id: string } }>('/archives/:list/threads/:id/mute', csrf, async (req, reply) => {
      const { list, thread, viewer } = await mutable(req, req.params.list, { thread: req.params.id });
      // The thread page's button sends "action"; the footer link's page sends its choice as "token".
      const unmute = field(req.body, 'action', 10) === 'unmute' || field(req.body, 'token', 10) === 'unmute';
      if (unmute) await unmuteThread(ctx.pool, { threadId: thread.id, memberId: viewer.memberId });
      else await muteThread(ctx.pool, { listId: list.id, threadId: thread.id, memberId: viewer.memberId });
      return reply.redirect(`/archives/${list.localPart}/threads/${thread.id}?muted=${unmute ? 0 : 1}`, 303);
    });
  };
}
