/**
 * Archive pages. Thin: check who may read (access.ts), read (browse.ts, search.ts), present
 * (views.tsx). Every page first archives posts still waiting, so the Archived-At link of a copy
 * just delivered already works.
 */
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { absoluteUrl, ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { listByLocalPart, listsOfCommunity, type List } from '../lists/store.ts';
import { archiveAccess, type ArchiveAccess } from './access.ts';
import { archivePending, hasPending } from './archiver.ts';
import { archiveMonths, newestThreads, postByNumber, rawPost, repliesTo, threadById, threadPosts, threadsBetween, threadsContinuedBetween } from './browse.ts';
import { countPosts, mboxrdChunks } from './export.ts';
import { createFeedToken, feedReader, hasFeedToken, revokeFeedTokens, threadsAtom } from './feed.ts';
import { attachmentContent, isSignature, servedType } from './message.ts';
import { dayRange, DateRangeError, monthOf, monthRange, type DateRange } from './months.ts';
import { renderBody } from './render.ts';
import { searchArchive, SearchQueryError, type SearchResult } from './search.ts';
import { ArchiveHomePage, FeedPage, MessagePage, MonthPage, SearchPage, ThreadPage, type ArchiveView, type SearchFormValues } from './views.tsx';

type Readable_ = { read: true; member: boolean; coordinator: boolean; hideAddresses: boolean };

function q(req: FastifyRequest, name: string, max = 500): string {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

export function archiveRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const hide = { schema: { hide: true } };
    // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
    const publicPage = { ...hide, config: { pageCache: true } };
    const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

    /** The list, and what this viewer may see of it; throws sign-in / 403 / 404. */
    async function open(req: FastifyRequest, localPart: string): Promise<{ list: List; access: Readable_; view: ArchiveView }> {
      const list = await listByLocalPart(ctx.pool, localPart);
      if (!list) throw new NotFoundError(`There is no list called “${localPart}”.`);
      const access: ArchiveAccess = await archiveAccess(ctx.pool, list, req.viewer);
      if (!access.read) {
        if (access.why === 'sign-in') throw new SignInRequiredError(`The ${list.name} archive is for members. Sign in to read it.`);
        if (list.groupId !== null) throw new ForbiddenError(`The ${list.name} archive is for members of the working group. Join the group on its page to read it.`);
        throw new ForbiddenError(`The ${list.name} archive is for members of the community. Join the community to read it.`);
      }
      if (await hasPending(ctx.pool, list.id)) await archivePending(ctx.pool, list.id);
      return { list, access, view: { site: siteFor(ctx, req), list, hideAddresses: access.hideAddresses, member: access.member } };
    }

    function num(value: string, what: string): number {
      if (!/^\d{1,9}$/.test(value)) throw new NotFoundError(`There is no ${what} “${value}” in this archive.`);
      return Number(value);
    }

    async function home(req: FastifyRequest, reply: FastifyReply, localPart: string, exportErrors?: FieldErrors, status = 200) {
      const { list, view } = await open(req, localPart);
      const months = await archiveMonths(ctx.pool, list.id, list.timeZone);
      return sendPage(reply, ArchiveHomePage({ ...view, months, ...(exportErrors ? { exportErrors, exportValues: { month: q(req, 'month', 20), from: q(req, 'from', 20), to: q(req, 'to', 20) } } : {}) }), status);
    }

    app.get<{ Params: { list: string } }>('/archives/:list', publicPage, async (req, reply) => home(req, reply, req.params.list));

    app.get<{ Params: { list: string; month: string } }>('/archives/:list/months/:month', publicPage, async (req, reply) => {
      const { list, view } = await open(req, req.params.list);
      let range: DateRange;
      try {
        range = monthRange(req.params.month, list.timeZone);
      } catch {
        throw new NotFoundError(`“${req.params.month}” is not a month of this archive. Months look like 2019-04.`);
      }
      const [threads, continued, months] = await Promise.all([
        threadsBetween(ctx.pool, list.id, range.from, range.to),
        threadsContinuedBetween(ctx.pool, list.id, range.from, range.to),
        archiveMonths(ctx.pool, list.id, list.timeZone),
      ]);
      const i = months.findIndex((m) => m.month === req.params.month);
      const older = months.filter((m) => m.month < req.params.month)[0]?.month;
      const newer = months.filter((m) => m.month > req.params.month).pop()?.month;
      if (i < 0 && !threads.length && !continued.length) throw new NotFoundError(`Nothing was posted to ${list.name} in ${req.params.month}.`);
      return sendPage(reply, MonthPage({ ...view, month: req.params.month, threads, continued, previous: older, next: newer }));
    });

    app.get<{ Params: { list: string; id: string } }>('/archives/:list/threads/:id', publicPage, async (req, reply) => {
      const { list, view } = await open(req, req.params.list);
      const thread = await threadById(ctx.pool, list.id, num(req.params.id, 'thread'));
      if (!thread) throw new NotFoundError(`There is no thread ${req.params.id} in this archive.`);
      // The same for everyone allowed to read it (who may is checked above): kept a few seconds.
      const rendered = await ctx.recent(`archive-thread:${thread.id}:${view.hideAddresses}`, async () =>
        Promise.all(
          (await threadPosts(ctx.pool, thread.id)).map(async (post) => ({ post, bodyHtml: (await renderBody(post, undefined, { format: 'text', remoteImages: false, hideAddresses: view.hideAddresses, postPath: `/archives/${list.localPart}/${post.number}` })).html })),
        ),
      );
      return sendPage(reply, ThreadPage({ ...view, thread, posts: rendered, month: monthOf(thread.startedAt, list.timeZone) }));
    });

    app.get<{ Params: { list: string; n: string } }>('/archives/:list/:n', publicPage, async (req, reply) => {
      const { list, view } = await open(req, req.params.list);
      const post = await postByNumber(ctx.pool, list.id, num(req.params.n, 'message'));
      if (!post) throw new NotFoundError(`There is no message ${req.params.n} in this archive.`);
      const thread = (await threadById(ctx.pool, list.id, post.threadId))!;
      const requested = q(req, 'format', 10);
      const format = requested === 'text' || !post.hasHtml ? 'text' : 'html';
      const remoteImages = format === 'html' && q(req, 'images', 10) === 'show';
      // The body is the same for everyone allowed to read it (checked above): kept a few seconds.
      const body = await ctx.recent(`archive-body:${post.postId}:${format}:${remoteImages}:${view.hideAddresses}`, async () => {
        const raw = format === 'html' ? await rawPost(ctx.pool, post.postId) : undefined;
        return renderBody(post, raw, { format, remoteImages, hideAddresses: view.hideAddresses, postPath: `/archives/${list.localPart}/${post.number}` });
      });
      // The reader asked for the images: let this one page load images from other sites.
      if (remoteImages) reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
      return sendPage(
        reply,
        MessagePage({
          ...view,
          rendered: { post, bodyHtml: body.html },
          month: monthOf(post.sentAt, list.timeZone),
          thread,
          replies: await repliesTo(ctx.pool, post.postId),
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
      return reply
        .header('content-type', servedType(part.info.contentType))
        // Never shown in the page's origin: always a download, and sandboxed if opened anyway.
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(part.info.filename)}`)
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(part.content);
    });

    app.get<{ Params: { list: string } }>('/archives/:list/search', publicPage, async (req, reply) => {
      const { list, view, access } = await open(req, req.params.list);
      const values: SearchFormValues = {
        q: q(req, 'q', 300),
        from: q(req, 'from', 200),
        since: q(req, 'since', 20),
        until: q(req, 'until', 20),
        attachment: q(req, 'attachment', 5) === '1',
        scope: q(req, 'scope', 20) === 'community' ? 'community' : 'list',
      };
      const page = Math.max(1, Math.min(500, Number(q(req, 'page', 4)) || 1));
      const pageSize = 20;
      const errors: FieldErrors = {};
      let range: Partial<DateRange> = {};
      try {
        range = dayRange(values.since, undefined, list.timeZone);
      } catch (err) {
        if (err instanceof DateRangeError) errors.since = err.message;
        else throw err;
      }
      try {
        range = { ...range, ...dayRange(undefined, values.until, list.timeZone) };
        if (range.from && range.to && range.to <= range.from) errors.until = 'The end day is before the start day. Swap them, or change one of them.';
      } catch (err) {
        if (err instanceof DateRangeError) errors.until = err.message;
        else throw err;
      }
      const asked = [values.q, values.from, values.since, values.until].some((x) => x.trim()) || values.attachment;
      // Lists of the community this viewer may read, for a community-wide search.
      const lists = values.scope === 'community' ? await listsOfCommunity(ctx.pool, list.communityId) : [list];
      const readable: List[] = [];
      for (const l of lists) if ((await archiveAccess(ctx.pool, l, req.viewer)).read) readable.push(l);
      let result: SearchResult | undefined;
      if (asked && !Object.keys(errors).length) {
        try {
          result = await searchArchive(
            ctx.pool,
            { listIds: readable.map((l) => l.id), words: values.q, from: values.from, ...(range.from ? { since: range.from } : {}), ...(range.to ? { until: range.to } : {}), hasAttachment: values.attachment, offset: (page - 1) * pageSize, limit: pageSize },
            { hideAddresses: access.hideAddresses },
          );
        } catch (err) {
          if (err instanceof SearchQueryError) errors[err.field] = err.message;
          else throw err;
        }
      }
      const status = Object.keys(errors).length ? 400 : 200;
      return sendPage(
        reply,
        SearchPage({ ...view, values, errors, ...(result ? { result } : {}), page, pageSize, listNames: new Map(readable.map((l) => [l.id, l.name])), listParts: new Map(readable.map((l) => [l.id, l.localPart])) }),
        status,
      );
    });

    app.get<{ Params: { list: string } }>('/archives/:list/export', hide, async (req, reply) => {
      const { list, access } = await open(req, req.params.list);
      if (!access.member) throw new ForbiddenError('Only members can download the archive.');
      const month = q(req, 'month', 20).trim();
      const from = q(req, 'from', 20).trim();
      const to = q(req, 'to', 20).trim();
      const errors: FieldErrors = {};
      let range: Partial<DateRange> = {};
      if (month && (from || to)) errors.month = 'Choose a month, or a range of days, but not both.';
      else if (month) {
        try {
          range = monthRange(month, list.timeZone);
        } catch (err) {
          if (!(err instanceof DateRangeError)) throw err;
          errors.month = err.message;
        }
      } else if (from || to) {
        try {
          range = dayRange(from, to, list.timeZone);
        } catch (err) {
          if (!(err instanceof DateRangeError)) throw err;
          errors[err.field] = err.message;
        }
      } else errors.month = 'Choose a month (for example 2019-04) or a range of days to download.';
      if (!Object.keys(errors).length && (await countPosts(ctx.pool, { listId: list.id, ...range })) === 0) {
        errors[month ? 'month' : 'from'] = 'Nothing was posted in that time. Choose another month or range.';
      }
      if (Object.keys(errors).length) return home(req, reply, req.params.list, errors, 400);
      const name = `${list.localPart}-${month || `${from || 'start'}_${to || 'now'}`}.mbox.gz`;
      reply.header('content-type', 'application/gzip').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store');
      return reply.send(Readable.from(mboxrdChunks(ctx.pool, { listId: list.id, ...range })).pipe(createGzip()));
    });

    // ---- Private Atom feed ------------------------------------------------------------------

    async function memberOf(req: FastifyRequest, localPart: string) {
      if (!req.viewer) throw new SignInRequiredError('Sign in to get your feed address.');
      const opened = await open(req, localPart);
      if (!opened.access.member) throw new ForbiddenError('Feeds are for members of the community.');
      return { ...opened, viewer: req.viewer };
    }

    app.get<{ Params: { list: string } }>('/archives/:list/feed', hide, async (req, reply) => {
      const { list, view, viewer } = await memberOf(req, req.params.list);
      const since = await hasFeedToken(ctx.pool, list.id, viewer.memberId);
      return sendPage(reply, FeedPage({ ...view, csrf: reply.generateCsrf(), since }));
    });

    app.post<{ Params: { list: string } }>('/archives/:list/feed', csrf, async (req, reply) => {
      const { list, view, viewer } = await memberOf(req, req.params.list);
      const action = field(req.body, 'action', 20);
      const actor = { name: viewer.email, source: req.ip };
      if (action === 'revoke') {
        await revokeFeedTokens(ctx.pool, actor, list.id, viewer.memberId);
        return sendPage(reply, FeedPage({ ...view, csrf: reply.generateCsrf(), notice: 'Your feed address no longer works.' }));
      }
      if (action !== 'create') throw new NotFoundError('Unknown feed action.');
      const raw = await createFeedToken(ctx.pool, actor, list.id, viewer.memberId);
      return sendPage(reply, FeedPage({ ...view, csrf: reply.generateCsrf(), newUrl: absoluteUrl(ctx, `/archives/${list.localPart}/feed/${raw}`), notice: 'Your new feed address is ready.' }));
    });

    app.get<{ Params: { list: string; token: string } }>('/archives/:list/feed/:token', hide, async (req, reply) => {
      const list = await listByLocalPart(ctx.pool, req.params.list);
      const token = cleanToken(req.params.token);
      const reader = list && token ? await feedReader(ctx.pool, list.id, token) : undefined;
      if (!list || !reader) return reply.code(404).type('text/plain; charset=utf-8').send('This feed address does not work (it was replaced, revoked, or its member left). Make a new one on the archive\'s feed page.\n');
      if (await hasPending(ctx.pool, list.id)) await archivePending(ctx.pool, list.id);
      const threads = await newestThreads(ctx.pool, list.id, 50);
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'private, max-age=300').send(threadsAtom(list, absoluteUrl(ctx, ''), threads));
    });
  };
}
