/**
 * What the archive pages share: who may read (access.ts), the list a page is about, what every
 * reader sees alike (kept a few seconds), the archive home and thread pages (which the post form
 * shows again with what was typed). Every page first archives posts still waiting, so the
 * Archived-At link of a copy just delivered already works.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  alongsideRow,
  ForbiddenError,
  formToken,
  perRequest,
  idParam,
  NotFoundError,
  sendPage,
  SignInRequiredError,
  siteFor,
  type Alongside,
  type AppContext,
} from '../platform/http/context.ts';
import { mayPostFromWeb, newDraftToken, replySubject } from './web-post.ts';
import type { ComposeNotice, ComposeProps } from './web-post-views.tsx';
import type { FieldErrors } from '../web/forms.tsx';
import { listByLocalPartSql, listOfRow, type List } from '../lists/index.ts';
import { archiveAccess, type ArchiveAccess } from './access.ts';
import { archiveListSettled, hasPending } from './archiver.ts';
import { archiveMonths, threadById, threadPosts } from './browse.ts';
import { monthOf } from './months.ts';
import { renderBody } from './render.ts';
import { ArchiveHomePage, ThreadPage, ThreadPosts, type ArchiveView, type PostingView } from './views.tsx';

type Readable_ = { read: true; member: boolean; coordinator: boolean; hideAddresses: boolean };

/** A query string value, at most `max` characters ('' when absent). */
export function q(req: FastifyRequest, name: string, max = 500): string {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

export type ArchiveRouteKit = ReturnType<typeof archiveRouteKit>;

/** The route options and helpers every archive page plugin uses, bound to the platform's context. */
export function archiveRouteKit(ctx: AppContext, app: FastifyInstance) {
  const hide = { schema: { hide: true } };
  // the same for every signed-out visitor: may be kept a few seconds (platform/http/page-cache.ts)
  const publicPage = { ...hide, config: { pageCache: true } };
  const csrf = { preHandler: app.csrfProtection, schema: { hide: true } };

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
      : {
          name: 'archive-list-muted',
          sql: listByLocalPartSql(`${LIST_COLUMNS}, exists (select 1 from thread_mutes tm where tm.thread_id = $2 and tm.member_id = v.member_id) as muted`),
          values: [localPart, thread],
        };
  // A member's archive page depends on their standing in the list's community and the list's row
  // (read with the session): kept for members of the same standing (page-cache.ts). A working
  // group's list is read by the group's members, which no standing says: not kept.
  const forStanding = (req: FastifyRequest) => ((req.alongside as { group_id?: unknown } | null | undefined)?.group_id == null ? '' : undefined);
  const listPage = {
    ...publicPage,
    config: { ...publicPage.config, memberPageCache: forStanding, alongside: (req: FastifyRequest) => listQuery((req.params as { list: string }).list) },
  };
  const threadListPage = {
    ...publicPage,
    config: {
      ...publicPage.config,
      memberPageCache: forStanding,
      alongside: (req: FastifyRequest) => listQuery((req.params as { list: string }).list, idParam((req.params as { id: string }).id)),
    },
  };

  /** The list, and what this viewer may see of it; throws sign-in / 403 / 404. */
  async function open(
    req: FastifyRequest,
    localPart: string,
    thread?: number,
  ): Promise<{ list: List; access: Readable_; view: ArchiveView; settled: boolean; muted: boolean }> {
    const row = await alongsideRow(ctx, req, listQuery(localPart, thread));
    if (!row) throw new NotFoundError(`There is no list called “${localPart}”.`);
    const list = listOfRow(row);
    const extra = row as { waiting: boolean; muted?: boolean };
    const access: ArchiveAccess = await archiveAccess(ctx.pool, list, req.viewer);
    if (!access.read) {
      if (access.why === 'sign-in') throw new SignInRequiredError(`The ${list.name} archive is for members. Sign in to read it.`);
      if (list.groupId !== null)
        throw new ForbiddenError(`The ${list.name} archive is for members of the working group. Join the group on its page to read it.`);
      throw new ForbiddenError(`The ${list.name} archive is for members of the community. Join the community to read it.`);
    }
    // Every post stored before this page was asked for is on it: archive what waits, and wait for
    // what another process is archiving right now (a double click's second answer, the worker).
    let settled = !extra.waiting;
    if (!settled) {
      await archiveListSettled(ctx.pool, list.id);
      settled = !(await hasPending(ctx.pool, list.id));
    }
    return {
      list,
      access,
      settled,
      muted: extra.muted === true,
      view: { site: siteFor(ctx, req), list, hideAddresses: access.hideAddresses, member: access.member },
    };
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
    return sendPage(
      reply,
      ArchiveHomePage({
        ...view,
        ...posting,
        months,
        ...(exportErrors ? { exportErrors, exportValues: { month: q(req, 'month', 20), from: q(req, 'from', 20), to: q(req, 'to', 20) } } : {}),
      }),
      status,
    );
  }

  /** The post form for a member who may post (empty, or `compose` as the route filled it), or why this viewer may not. */
  async function postingFor(
    req: FastifyRequest,
    reply: FastifyReply,
    list: List,
    form: { action: string; replySubject?: string; parent?: number | undefined },
    compose?: ComposeProps,
  ): Promise<PostingView> {
    if (compose) return { compose };
    if (!req.viewer) return {};
    const may = await mayPostFromWeb(ctx.pool, list, req.viewer);
    if (!may.ok) return { refusal: may.why };
    return {
      compose: {
        action: form.action,
        csrf: formToken(reply),
        replySubject: form.replySubject,
        values: { subject: '', text: '', draft: perRequest(req, reply, 'draft', newDraftToken), parent: form.parent },
        errors: {},
        kept: [],
        maxBytes: list.maxBytes,
      },
    };
  }

  /** A thread page; for a member, with the Mute button and the reply form (`compose` overrides the empty form). */
  async function threadPage(
    req: FastifyRequest,
    reply: FastifyReply,
    localPart: string,
    id: string,
    extra: { notice?: ComposeNotice | undefined; compose?: ComposeProps },
    status = 200,
  ) {
    const opened = await open(req, localPart, idParam(id));
    const { list, view, access } = opened;
    const threadId = num(id, 'thread');
    // The same for everyone allowed to read it (who may is checked above).
    const found = await shared(opened, `thread:${threadId}:${list.timeZone}:${view.hideAddresses}`, async () => {
      const thread = await threadById(ctx.pool, list.id, threadId);
      if (!thread) return undefined;
      const posts = await threadPosts(ctx.pool, thread.id);
      const opts = { format: 'text', remoteImages: false, hideAddresses: view.hideAddresses } as const;
      const rendered = await Promise.all(
        posts.map(async (post) => ({
          post,
          bodyHtml: (await renderBody(post, undefined, { ...opts, postPath: `/archives/${list.localPart}/${post.number}` })).html,
        })),
      );
      return { thread, rendered, postsHtml: await ThreadPosts({ ...view, posts: rendered }) };
    });
    if (!found) throw new NotFoundError(`There is no thread ${id} in this archive.`);
    const { thread, rendered, postsHtml } = found;
    const posting = await postingFor(
      req,
      reply,
      list,
      { action: `/archives/${list.localPart}/threads/${thread.id}`, replySubject: replySubject(thread.subject), parent: rendered.at(-1)?.post.number },
      extra.compose,
    );
    // whether they muted it was read with the list (thread.id is threadId, found in this list)
    const mute = req.viewer && access.member ? { csrf: formToken(reply), muted: opened.muted } : undefined;
    return sendPage(
      reply,
      ThreadPage({ ...view, ...posting, thread, posts: rendered, postsHtml, month: monthOf(thread.startedAt, list.timeZone), notice: extra.notice, mute }),
      status,
    );
  }

  return { hide, publicPage, listPage, threadListPage, csrf, shared, open, num, home, postingFor, threadPage };
}
