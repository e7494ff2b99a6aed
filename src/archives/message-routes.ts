/** One archived message (as text or its HTML, its remote images on request) and its attachments, always downloads. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { NotFoundError, sendPage, type AppContext } from '../platform/http/context.ts';
import { postByNumber, rawPost, repliesTo, threadById } from './browse.ts';
import { attachmentContent, isSignature, servedType } from './message.ts';
import { monthOf } from './months.ts';
import { renderBody } from './render.ts';
import { MessagePage } from './views.tsx';
import { archiveRouteKit, q } from './route-kit.ts';

export function archiveMessageRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { hide, listPage, open, shared, num } = archiveRouteKit(ctx, app);

    app.get<{ Params: { list: string; n: string } }>('/archives/:list/:n', listPage, async (req, reply) => {
      const opened = await open(req, req.params.list);
      const { list, view } = opened;
      const n = num(req.params.n, 'message');
      // The same for everyone allowed to read it (who may is checked above).
      const found = await shared(opened, `message:${n}`, async () => {
        const post = await postByNumber(ctx.pool, list.id, n);
        if (!post) return undefined;
        const [thread, replies] = await Promise.all([threadById(ctx.pool, list.id, post.threadId), repliesTo(ctx.pool, post.postId)]);
        return { post, thread: thread!, replies };
      });
      if (!found) throw new NotFoundError(`There is no message ${req.params.n} in this archive.`);
      const { post, thread, replies } = found;
      const requested = q(req, 'format', 10);
      const format = requested === 'text' || !post.hasHtml ? 'text' : 'html';
      const remoteImages = format === 'html' && q(req, 'images', 10) === 'show';
      // The body is the same for everyone allowed to read it (checked above): kept a few seconds.
      const body = await shared(opened, `body:${post.postId}:${format}:${remoteImages}:${view.hideAddresses}`, async () => {
        const raw = format === 'html' ? await rawPost(ctx.pool, post.postId) : undefined;
        return renderBody(post, raw, { format, remoteImages, hideAddresses: view.hideAddresses, postPath: `/archives/${list.localPart}/${post.number}` });
      });
      // The reader asked for the images: let this one page load images from other sites.
      if (remoteImages)
        reply.header(
          'content-security-policy',
          "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        );
      return sendPage(
        reply,
        MessagePage({
          ...view,
          rendered: { post, bodyHtml: body.html },
          month: monthOf(post.sentAt, list.timeZone),
          thread,
          replies,
          format,
          hasHtml: post.hasHtml,
          imagesShown: remoteImages,
          imagesBlocked: body.imagesBlocked,
        }),
      );
    });

    app.get<{ Params: { list: string; n: string; i: string } }>('/archives/:list/:n/attachments/:i', hide, async (req, reply) => {
      const { list, view } = await open(req, req.params.list);
      const post = await postByNumber(ctx.pool, list.id, num(req.params.n, 'message'));
      const raw = post ? await rawPost(ctx.pool, post.postId) : undefined;
      const part = raw ? await attachmentContent(raw, num(req.params.i, 'attachment')) : undefined;
      // Signatures name the signer: where addresses are hidden (a public archive's visitors), so are they.
      if (!part || (view.hideAddresses && isSignature(part.info))) throw new NotFoundError(`Message ${req.params.n} has no attachment ${req.params.i}.`);
      const ascii = part.info.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return (
        reply
          .header('content-type', servedType(part.info.contentType))
          // Never shown in the page's origin: always a download, and sandboxed if opened anyway.
          .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(part.info.filename)}`)
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=3600')
          .send(part.content)
      );
    });
  };
}
