/**
 * Archive pages. Thin: check who may read (access.ts), read (browse.ts, search.ts), present
 * (views.tsx). Every page first archives posts still waiting, so the Archived-At link of a copy
 * just delivered already works.
 */
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { absoluteUrl, alongsideRow, baseUrl, ForbiddenError, idParam, type Alongside, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from '../platform/http/context.ts';
import { listDomainOf } from '../platform/config.ts';
import { cookieSecret } from '../platform/secret.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { dnsResolver } from '../lists/index.ts';
import type { ListContext } from '../lists/index.ts';
import { ConfirmButtonPage } from '../membership/index.ts';
import { isMuted, muteThread, unmuteThread } from './mutes.ts';
import {
  composeWebPost, DRAFT_TOKEN, dropUploads, keepUploads, keptUploads, MAX_TEXT, mayPostFromWeb, newDraftToken, replySubject, submitWebPost, WEB_POSTS_PER_MEMBER,
  type ReplyTarget, type WebAttachment,
} from './web-post.ts';
import type { ComposeNotice, ComposeProps, ComposeValues } from './web-post-views.tsx';
import { renderPlainText } from './text.ts';
import { formatSize } from './format.ts';
import { cleanToken } from '../platform/tokens.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import { listByLocalPart, listByLocalPartSql, listOfRow, listsOfCommunity, type List } from '../lists/index.ts';
import { archiveAccess, type ArchiveAccess } from './access.ts';
import { archivePending, hasPending } from './archiver.ts';
import { archiveMonths, newestThreads, postByNumber, rawPost, repliesTo, threadById, threadPosts, threadsBetween, threadsContinuedBetween } from './browse.ts';
import { countPosts, mboxrdChunks } from './export.ts';
import { createFeedToken, feedReader, hasFeedToken, revokeFeedTokens, threadsAtom } from './feed.ts';
import { attachmentContent, isSignature, servedType } from './message.ts';
import { dayRange, DateRangeError, monthOf, monthRange, type DateRange } from './months.ts';
import { renderBody } from './render.ts';
import { cleanSubject } from './subjects.ts';
import { searchArchive, SearchQueryError, type SearchResult } from './search.ts';
import { ArchiveHomePage, FeedPage, MessagePage, MonthContent, MonthPage, SearchPage, ThreadPage, ThreadPosts, type ArchiveView, type PostingView, type SearchFormValues } from './views.tsx';

type Readable_ = { read: true; member: boolean; coordinator: boolean; hideAddresses: boolean };

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a web post form (multipart), as read by the archive routes' onFile. */
    postFiles?: Array<WebAttachment | { tooLarge: true; filename: string }>;
  }
}

/** Numbers sent as one or several fields of the same name (checkboxes). */
function numbers(body: unknown, name: string): number[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(all.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number))].slice(0, 20);
}

/** A web post form as typed: text kept exactly (only the size is capped), subject on one line. */
/** What a post form's fields may take besides its files: the text (up to four bytes a character) and a few small fields. */
const FORM_FIELDS_BYTES = MAX_TEXT * 4 + 64 * 1024;

/** A post form larger than any post could be: refused before it is read. */
class PostTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'POST_TOO_LARGE';
}

function typedPost(body: unknown): ComposeValues & { action: string; keep: number[] } {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).text : undefined;
  const draft = field(body, 'draft', 40);
  const parent = field(body, 'parent', 12);
  return {
    subject: field(body, 'subject', 300).replace(/[\r\n]+/g, ' '),
    text: typeof raw === 'string' ? raw.slice(0, MAX_TEXT) : '',
    draft: DRAFT_TOKEN.test(draft) ? draft : newDraftToken(),
    parent: /^\d{1,9}$/.test(parent) ? Number(parent) : undefined,
    action: field(body, 'action', 20),
    keep: numbers(body, 'keep'),
  };
}

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
    // One token per answer: on a first visit each generateCsrf would set a new secret cookie, and
    // only the last one stays, so a page with two forms (Mute, Reply) must share one token.
    const tokens = new WeakMap<FastifyReply, string>();
    const csrfFor = (reply: FastifyReply): string => {
      if (!tokens.has(reply)) tokens.set(reply, reply.generateCsrf());
      return tokens.get(reply)!;
    };

    /**
     * What every reader allowed to see the archive sees alike (threads, posts, counts, rendered
     * bodies), kept a few seconds (ctx.recent) under the list's last post number: a new post makes
     * a new key, so it shows on the next page. `settled` is false while posts wait to be archived
     * by another process: then it is read afresh. Call only after `open`'s access check.
     */
    function shared<T>(opened: { list: List; settled: boolean }, key: string, load: () => Promise<T>): Promise<T> {
      return opened.settled ? ctx.recent(`archive:${opened.list.id}:${opened.list.postCount}:${key}`, load) : load();
    }

    /**
     * The list and whether posts wait to be archived (after the list, nothing waiting means every
     * post up to list.postCount is in the archive), and on a thread page whether the viewer muted
     * it: one query, read with the session when there is one (the page routes' `alongside`).
     */
    const LIST_COLUMNS = 'exists (select 1 from archive_pending p where p.list_id = l.id) as waiting';
    const listQuery = (localPart: string, thread?: number): Alongside =>
      thread === undefined
        ? { name: 'archive-list', sql: listByLocalPartSql(LIST_COLUMNS), values: [localPart] }
        : { name: 'archive-list-muted', sql: listByLocalPartSql(`${LIST_COLUMNS}, exists (select 1 from thread_mutes tm where tm.thread_id = $2 and tm.member_id = v.member_id) as muted`), values: [localPart, thread] };
    const listPage = { ...publicPage, config: { ...publicPage.config, alongside: (req: FastifyRequest) => listQuery((req.params as { list: string }).list) } };
    const threadListPage = { ...publicPage, config: { ...publicPage.config, alongside: (req: FastifyRequest) => listQuery((req.params as { list: string }).list, idParam((req.params as { id: string }).id)) } };

    /** The list, and what this viewer may see of it; throws sign-in / 403 / 404. */
    async function open(req: FastifyRequest, localPart: string, thread?: number): Promise<{ list: List; access: Readable_; view: ArchiveView; settled: boolean; muted: boolean }> {
      const row = await alongsideRow(ctx, req, listQuery(localPart, thread));
      if (!row) throw new NotFoundError(`There is no list called “${localPart}”.`);
      const list = listOfRow(row);
      const extra = row as { waiting: boolean; muted?: boolean };
      const access: ArchiveAccess = await archiveAccess(ctx.pool, list, req.viewer);
      if (!access.read) {
        if (access.why === 'sign-in') throw new SignInRequiredError(`The ${list.name} archive is for members. Sign in to read it.`);
        if (list.groupId !== null) throw new ForbiddenError(`The ${list.name} archive is for members of the working group. Join the group on its page to read it.`);
        throw new ForbiddenError(`The ${list.name} archive is for members of the community. Join the community to read it.`);
      }
      let settled = !extra.waiting;
      if (!settled) {
        await archivePending(ctx.pool, list.id);
        settled = !(await hasPending(ctx.pool, list.id));
      }
      return { list, access, settled, muted: extra.muted === true, view: { site: siteFor(ctx, req), list, hideAddresses: access.hideAddresses, member: access.member } };
    }

    function num(value: string, what: string): number {
      if (!/^\d{1,9}$/.test(value)) throw new NotFoundError(`There is no ${what} “${value}” in this archive.`);
      return Number(value);
    }

    async function home(req: FastifyRequest, reply: FastifyReply, localPart: string, exportErrors?: FieldErrors, status = 200, compose?: ComposeProps) {
      const opened = await open(req, localPart);
      const { list, view } = opened;
      const months = await shared(opened, `months:${list.timeZone}`, () => archiveMonths(ctx.pool, list.id, list.timeZone));
      const posting = await postingFor(req, reply, list, { action: `/archives/${list.localPart}` }, compose);
      return sendPage(reply, ArchiveHomePage({ ...view, ...posting, months, ...(exportErrors ? { exportErrors, exportValues: { month: q(req, 'month', 20), from: q(req, 'from', 20), to: q(req, 'to', 20) } } : {}) }), status);
    }

    /** The post form for a member who may post (empty, or `compose` as the route filled it), or why this viewer may not. */
    async function postingFor(req: FastifyRequest, reply: FastifyReply, list: List, form: { action: string; replySubject?: string; parent?: number | undefined }, compose?: ComposeProps): Promise<PostingView> {
      if (compose) return { compose };
      if (!req.viewer) return {};
      const may = await mayPostFromWeb(ctx.pool, list, req.viewer);
      if (!may.ok) return { refusal: may.why };
      return {
        compose: {
          action: form.action, csrf: csrfFor(reply), replySubject: form.replySubject, values: { subject: '', text: '', draft: newDraftToken(), parent: form.parent },
          errors: {}, kept: [], maxBytes: list.maxBytes,
        },
      };
    }

    app.get<{ Params: { list: string } }>('/archives/:list', listPage, async (req, reply) => home(req, reply, req.params.list));

    app.get<{ Params: { list: string; month: string } }>('/archives/:list/months/:month', listPage, async (req, reply) => {
      const opened = await open(req, req.params.list);
      const { list, view } = opened;
      let range: DateRange;
      try {
        range = monthRange(req.params.month, list.timeZone);
      } catch {
        throw new NotFoundError(`“${req.params.month}” is not a month of this archive. Months look like 2019-04.`);
      }
      const month = req.params.month;
      // The month's content is the same for every reader allowed (checked above) who sees addresses alike: made once, kept.
      const made = await shared(opened, `month:${month}:${list.timeZone}:${view.hideAddresses}`, async () => {
        const [threads, continued, months] = await Promise.all([
          threadsBetween(ctx.pool, list.id, range.from, range.to),
          threadsContinuedBetween(ctx.pool, list.id, range.from, range.to),
          archiveMonths(ctx.pool, list.id, list.timeZone),
        ]);
        if (!months.some((m) => m.month === month) && !threads.length && !continued.length) return undefined;
        const older = months.filter((m) => m.month < month)[0]?.month;
        const newer = months.filter((m) => m.month > month).pop()?.month;
        const values = { month, threads, continued, previous: older, next: newer };
        return { values, content: await MonthContent({ ...view, ...values }) };
      });
      if (!made) throw new NotFoundError(`Nothing was posted to ${list.name} in ${month}.`);
      return sendPage(reply, MonthPage({ ...view, ...made.values, content: made.content }));
    });

    app.get<{ Params: { list: string; id: string }; Querystring: { sent?: string; muted?: string } }>('/archives/:list/threads/:id', threadListPage, async (req, reply) => {
      const sent = /^\d{1,9}$/.test(req.query.sent ?? '') ? Number(req.query.sent) : undefined;
      const notice: ComposeNotice | undefined =
        sent !== undefined ? { kind: 'success', heading: 'Your message is on its way', lines: [`It went to the list as message ${sent}, and every member gets a copy by email.`] }
        : req.query.muted === '1' ? { kind: 'success', heading: 'Thread muted', lines: ['You will get no more messages of this thread, by email or in digests. The rest of the list keeps coming.'] }
        : req.query.muted === '0' ? { kind: 'success', heading: 'Thread unmuted', lines: ['You will get this thread’s new messages again.'] }
        : undefined;
      return threadPage(req, reply, req.params.list, req.params.id, { notice });
    });

    /** A thread page; for a member, with the Mute button and the reply form (`compose` overrides the empty form). */
    async function threadPage(req: FastifyRequest, reply: FastifyReply, localPart: string, id: string, extra: { notice?: ComposeNotice | undefined; compose?: ComposeProps }, status = 200) {
      const opened = await open(req, localPart, idParam(id));
      const { list, view, access } = opened;
      const threadId = num(id, 'thread');
      // The same for everyone allowed to read it (who may is checked above).
      const found = await shared(opened, `thread:${threadId}:${list.timeZone}:${view.hideAddresses}`, async () => {
        const thread = await threadById(ctx.pool, list.id, threadId);
        if (!thread) return undefined;
        const posts = await threadPosts(ctx.pool, thread.id);
        const opts = { format: 'text', remoteImages: false, hideAddresses: view.hideAddresses } as const;
        const rendered = await Promise.all(posts.map(async (post) => ({ post, bodyHtml: (await renderBody(post, undefined, { ...opts, postPath: `/archives/${list.localPart}/${post.number}` })).html })));
        return { thread, rendered, postsHtml: await ThreadPosts({ ...view, posts: rendered }) };
      });
      if (!found) throw new NotFoundError(`There is no thread ${id} in this archive.`);
      const { thread, rendered, postsHtml } = found;
      const posting = await postingFor(req, reply, list, { action: `/archives/${list.localPart}/threads/${thread.id}`, replySubject: replySubject(thread.subject), parent: rendered.at(-1)?.post.number }, extra.compose);
      // whether they muted it was read with the list (thread.id is threadId, found in this list)
      const mute = req.viewer && access.member ? { csrf: csrfFor(reply), muted: opened.muted } : undefined;
      return sendPage(reply, ThreadPage({ ...view, ...posting, thread, posts: rendered, postsHtml, month: monthOf(thread.startedAt, list.timeZone), notice: extra.notice, mute }), status);
    }

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
      if (remoteImages) reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: https: http:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
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


    // ---- Posting from the web (web-post.ts) and muting threads (mutes.ts) ---------------------

    let secret: Promise<string> | undefined;
    const resolve = dnsResolver(ctx.config);
    /** What processIncoming needs, from the web process (it signs nothing: delivery does). */
    async function listContext(req: FastifyRequest): Promise<ListContext> {
      return {
        pool: ctx.pool, config: ctx.config, queue: ctx.queue, mail: ctx.mail, resolve, secret: await (secret ??= cookieSecret(ctx.pool, ctx.config.secret)), baseUrl: baseUrl(ctx),
        domain: listDomainOf(ctx.config), dkim: [], log: (msg, extra) => req.log.info(extra ?? {}, msg),
      };
    }

    /** The signed-in member who may post to this list, or a sign-in / 403 error. */
    async function poster(req: FastifyRequest, list: List) {
      if (!req.viewer) throw new SignInRequiredError(`Sign in to post to ${list.name}.`);
      const may = await mayPostFromWeb(ctx.pool, list, req.viewer);
      if (!may.ok) throw new ForbiddenError(may.why);
      return req.viewer;
    }

    await app.register(async (scope: FastifyInstance) => {
      // Multipart only here: the post forms, whose files a list takes up to MAIL_IN_MAX_BYTES.
      // Before any of the body is read: only a signed-in member may send one, and none far larger
      // than a post can be. A stranger's 100 MB is refused unread, not taken into memory. (Up to
      // twice a post's size is read, so files a little too large get the form back with the
      // draft and a note next to the field; onFile takes in no more than that.)
      const filesBudget = ctx.config.mailInMaxBytes;
      scope.addHook('onRequest', async (req) => {
        if (req.method !== 'POST') return;
        if (!req.viewer) throw new SignInRequiredError('Sign in to post to this list.');
        const length = Number(req.headers['content-length']);
        if (Number.isFinite(length) && length > 2 * filesBudget + FORM_FIELDS_BYTES) {
          throw new PostTooLargeError(`This post with its files is ${formatSize(length)}; a post may be up to ${formatSize(filesBudget)} in all. Go back and choose smaller files. Your text is still in the form you came from.`);
        }
      });
      await scope.register(multipart, {
        attachFieldsToBody: 'keyValues',
        limits: { fileSize: filesBudget, files: 10, fields: 24, fieldSize: MAX_TEXT * 4 },
        async onFile(this: FastifyRequest, part: MultipartFile) {
          this.postFiles ??= [];
          if (!part.filename) {
            part.file.resume();
            return;
          }
          // All files together, not each: once the budget is spent, the rest are drained unread.
          const used = this.postFiles.reduce((n, f) => n + ('content' in f ? f.content.length : 0), 0);
          if (used >= filesBudget) {
            part.file.resume();
            this.postFiles.push({ tooLarge: true, filename: part.filename });
            return;
          }
          try {
            this.postFiles.push({ filename: part.filename, contentType: part.mimetype || 'application/octet-stream', content: await part.toBuffer() });
          } catch {
            // Too large: keep the rest of the form, and say so next to the field.
            part.file.resume();
            this.postFiles.push({ tooLarge: true, filename: part.filename });
          }
        },
      });

      /**
       * One post form sent: check it, keep its files, then preview it or send it through the mail
       * path. Whatever happens, the page shows the form again with what was typed, unless the
       * post went out or waits for a moderator.
       */
      async function sendForm(req: FastifyRequest, reply: FastifyReply, localPart: string, threadId: string | undefined) {
        const { list } = await open(req, localPart);
        const viewer = await poster(req, list);
        const typed = typedPost(req.body);
        const errors: FieldErrors = {};
        let target: ReplyTarget | undefined;
        let subject = typed.subject.trim();
        let action = `/archives/${list.localPart}`;
        if (threadId !== undefined) {
          const thread = await threadById(ctx.pool, list.id, num(threadId, 'thread'));
          if (!thread) throw new NotFoundError(`There is no thread ${threadId} in this archive.`);
          action = `/archives/${list.localPart}/threads/${thread.id}`;
          // The post answered: the one named by the form if it is in this thread, else the latest.
          const { rows } = await ctx.pool.query<{ number: number; message_id: string; refs: string[]; subject: string }>(
            `select p.number, p.message_id, p.refs, p.subject from archive_entries e join posts p on p.id = e.post_id
              where e.thread_id = $1 order by (p.number = $2) desc, e.sent_at desc, p.number desc limit 1`,
            [thread.id, typed.parent ?? 0],
          );
          const parent = rows[0];
          if (!parent) throw new NotFoundError(`There is no thread ${threadId} in this archive.`);
          typed.parent = parent.number;
          target = { messageId: parent.message_id, references: parent.refs, subject: thread.subject };
          subject = replySubject(thread.subject);
        } else if (!subject) errors.subject = 'Enter a subject: a few words that say what the thread is about.';
        if (!typed.text.trim()) errors.text = 'Enter your message.';

        // Files: those kept from a preview (still ticked) and those chosen now.
        const files = req.postFiles ?? [];
        const tooLarge = files.filter((f): f is { tooLarge: true; filename: string } => 'tooLarge' in f);
        if (tooLarge.length) errors.attachments = `${tooLarge.map((f) => f.filename).join(', ')} ${tooLarge.length === 1 ? 'is' : 'are'} too large: ${list.name} takes posts of up to ${formatSize(list.maxBytes)} in all. Choose a smaller file.`;
        const earlier = await keptUploads(ctx.pool, viewer.memberId, list.id, typed.keep);
        const fresh = await keepUploads(ctx.pool, viewer.memberId, list.id, files.filter((f): f is WebAttachment => !('tooLarge' in f)), { keep: earlier.map((k) => k.id), capBytes: 2 * filesBudget });
        const kept = [...earlier.map(({ content: _content, ...k }) => k), ...fresh];
        const attachments: WebAttachment[] = [...earlier, ...(files.filter((f): f is WebAttachment => !('tooLarge' in f)))];

        const posterInfo = { memberId: viewer.memberId, email: viewer.email, name: viewer.name };
        const composed = await composeWebPost({ list, domain: listDomainOf(ctx.config), poster: posterInfo, subject: subject || '(no subject)', text: typed.text, draft: typed.draft, replyTo: target, attachments });
        if (!errors.attachments && composed.raw.length > list.maxBytes) {
          errors.attachments = `Your post with its files is ${formatSize(composed.raw.length)}; ${list.name} takes posts of up to ${formatSize(list.maxBytes)}. Untick a file or choose a smaller one. Your text is kept below.`;
        }

        const again = (extra: Partial<ComposeProps>, status: number) => {
          const compose: ComposeProps = {
            action, csrf: csrfFor(reply), replySubject: target ? subject : undefined, values: { subject: typed.subject, text: typed.text, draft: typed.draft, parent: typed.parent },
            errors, kept, maxBytes: list.maxBytes, ...extra,
          };
          return threadId !== undefined ? threadPage(req, reply, localPart, threadId, { compose }, status) : home(req, reply, localPart, undefined, status, compose);
        };
        if (Object.keys(errors).length) return again({}, 400);
        if (typed.action !== 'send') {
          return again({ preview: { subject, bodyHtml: renderPlainText(typed.text.replace(/\r\n?/g, '\n'), { hideAddresses: false }) } }, 200);
        }
        const limit = await rateLimit(ctx.pool, `web-post:member:${viewer.memberId}`, WEB_POSTS_PER_MEMBER.max, WEB_POSTS_PER_MEMBER.windowSeconds);
        if (!limit.allowed) {
          reply.header('retry-after', String(limit.retryAfterSeconds));
          errors.text = `You have sent ${WEB_POSTS_PER_MEMBER.max} posts from the web in the last hour, the most we take. ${retryText(limit.retryAfterSeconds)} Your message is kept below.`;
          return again({}, 429);
        }
        const outcome = await submitWebPost(await listContext(req), { list, poster: posterInfo, raw: composed.raw, messageId: composed.messageId, ip: req.ip });
        const emptyForm = { values: { subject: '', text: '', draft: newDraftToken(), parent: typed.parent }, kept: [] };
        if (outcome.kind === 'accepted') {
          await dropUploads(ctx.pool, viewer.memberId, kept.map((k) => k.id));
          await archivePending(ctx.pool, list.id);
          const post = await postByNumber(ctx.pool, list.id, outcome.number);
          return reply.redirect(post ? `/archives/${list.localPart}/threads/${post.threadId}?sent=${outcome.number}#m${outcome.number}` : `/archives/${list.localPart}/${outcome.number}`, 303);
        }
        if (outcome.kind === 'held' || outcome.kind === 'queued') {
          await dropUploads(ctx.pool, viewer.memberId, kept.map((k) => k.id));
          const notice: ComposeNotice =
            outcome.kind === 'held'
              ? { kind: 'info', heading: 'Your message is held for a moderator', lines: [...outcome.reasons, 'A moderator of the list will approve it or tell you why not. You do not need to send it again.'] }
              : { kind: 'info', heading: 'Your message is saved', lines: ['It goes to the list in a moment. You do not need to send it again.'] };
          return again({ ...emptyForm, notice }, 202);
        }
        // Refused: the form again, with what was typed and why (a new draft, so it can be sent again).
        errors.text = `The list did not take your message: ${outcome.reason}`;
        return again({ values: { ...typed, draft: newDraftToken() } }, 409);
      }

      const csrfPost = { preHandler: scope.csrfProtection, schema: { hide: true } };
      scope.post<{ Params: { list: string } }>('/archives/:list', csrfPost, async (req, reply) => sendForm(req, reply, req.params.list, undefined));
      scope.post<{ Params: { list: string; id: string } }>('/archives/:list/threads/:id', csrfPost, async (req, reply) => sendForm(req, reply, req.params.list, req.params.id));
    });

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
            : [`Press the button to get no more messages of the thread “${subject}” from ${list.name}, by email or in digests. The rest of the list keeps coming. You can unmute it on the thread’s page.`],
          action: `/archives/${list.localPart}/threads/${thread.id}/mute`,
          token: muted ? 'unmute' : 'mute',
          csrf: reply.generateCsrf(),
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
