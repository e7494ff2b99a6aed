/**
 * Posting from the web (web-post.ts): the post form on an archive's home page (a new thread) and
 * on a thread page (a reply). A post goes through the same path as one sent by mail.
 */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { baseUrl, ForbiddenError, formToken, NotFoundError, SignInRequiredError, type AppContext } from '../platform/http/context.ts';
import { listDomainOf } from '../platform/config.ts';
import { cookieSecret } from '../platform/secret.ts';
import { rateLimit, retryText } from '../platform/rate-limit.ts';
import { dnsResolver } from '../lists/index.ts';
import type { ListContext } from '../lists/index.ts';
import {
  composeWebPost,
  DRAFT_TOKEN,
  dropUploads,
  keepUploads,
  keptUploads,
  MAX_TEXT,
  mayPostFromWeb,
  newDraftToken,
  replySubject,
  submitWebPost,
  WEB_POSTS_PER_MEMBER,
  type ReplyTarget,
  type WebAttachment,
} from './web-post.ts';
import type { ComposeNotice, ComposeProps, ComposeValues } from './web-post-views.tsx';
import { renderPlainText } from './text.ts';
import { formatSize } from './format.ts';
import { field, type FieldErrors } from '../web/forms.tsx';
import type { List } from '../lists/index.ts';
import { archiveListSettled } from './archiver.ts';
import { postByNumber, threadById } from './browse.ts';
import { archiveRouteKit, type ArchiveRouteKit } from './route-kit.ts';

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

/** What a post form's fields may take besides its files: the text (up to four bytes a character) and a few small fields. */
const FORM_FIELDS_BYTES = MAX_TEXT * 4 + 64 * 1024;

/** A post form larger than any post could be: refused before it is read. */
class PostTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'POST_TOO_LARGE';
}

/** A web post form as typed: text kept exactly (only the size is capped), subject on one line. */
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

/** What processIncoming needs, from the web process (it signs nothing: delivery does). */
function webListContext(ctx: AppContext) {
  let secret: Promise<string> | undefined;
  const resolve = dnsResolver(ctx.config);
  return async function listContext(req: FastifyRequest): Promise<ListContext> {
    return {
      pool: ctx.pool,
      config: ctx.config,
      queue: ctx.queue,
      mail: ctx.mail,
      resolve,
      secret: await (secret ??= cookieSecret(ctx.pool, ctx.config.secret)),
      baseUrl: baseUrl(ctx),
      domain: listDomainOf(ctx.config),
      dkim: [],
      log: (msg, extra) => req.log.info(extra ?? {}, msg),
    };
  };
}

/** The signed-in member who may post to this list, or a sign-in / 403 error. */
async function poster(ctx: AppContext, req: FastifyRequest, list: List) {
  if (!req.viewer) throw new SignInRequiredError(`Sign in to post to ${list.name}.`);
  const may = await mayPostFromWeb(ctx.pool, list, req.viewer);
  if (!may.ok) throw new ForbiddenError(may.why);
  return req.viewer;
}

/** The post form's handler, bound to the platform's context and the archive pages. */
function webPostForm(ctx: AppContext, { open, num, threadPage, home }: ArchiveRouteKit) {
  const listContext = webListContext(ctx);

  /**
   * One post form sent: check it, keep its files, then preview it or send it through the mail
   * path. Whatever happens, the page shows the form again with what was typed, unless the
   * post went out or waits for a moderator.
   */
  async function sendForm(req: FastifyRequest, reply: FastifyReply, localPart: string, threadId: string | undefined) {
    const { list } = await open(req, localPart);
    const viewer = await poster(ctx, req, list);
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
    if (tooLarge.length)
      errors.attachments = `${tooLarge.map((f) => f.filename).join(', ')} ${tooLarge.length === 1 ? 'is' : 'are'} too large: ${list.name} takes posts of up to ${formatSize(list.maxBytes)} in all. Choose a smaller file.`;
    const earlier = await keptUploads(ctx.pool, viewer.memberId, list.id, typed.keep);
    const fresh = await keepUploads(
      ctx.pool,
      viewer.memberId,
      list.id,
      files.filter((f): f is WebAttachment => !('tooLarge' in f)),
      { keep: earlier.map((k) => k.id), capBytes: 2 * ctx.config.mailInMaxBytes },
    );
    const kept = [...earlier.map(({ content: _content, ...k }) => k), ...fresh];
    const attachments: WebAttachment[] = [...earlier, ...files.filter((f): f is WebAttachment => !('tooLarge' in f))];

    const posterInfo = { memberId: viewer.memberId, email: viewer.email, name: viewer.name };
    const composed = await composeWebPost({
      list,
      domain: listDomainOf(ctx.config),
      poster: posterInfo,
      subject: subject || '(no subject)',
      text: typed.text,
      draft: typed.draft,
      replyTo: target,
      attachments,
    });
    if (!errors.attachments && composed.raw.length > list.maxBytes) {
      errors.attachments = `Your post with its files is ${formatSize(composed.raw.length)}; ${list.name} takes posts of up to ${formatSize(list.maxBytes)}. Untick a file or choose a smaller one. Your text is kept below.`;
    }

    const again = (extra: Partial<ComposeProps>, status: number) => {
      const compose: ComposeProps = {
        action,
        csrf: formToken(reply),
        replySubject: target ? subject : undefined,
        values: { subject: typed.subject, text: typed.text, draft: typed.draft, parent: typed.parent },
        errors,
        kept,
        maxBytes: list.maxBytes,
        ...extra,
      };
      return threadId !== undefined
        ? threadPage(req, reply, localPart, threadId, { compose }, status)
        : home(req, reply, localPart, undefined, status, compose);
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
      await dropUploads(
        ctx.pool,
        viewer.memberId,
        kept.map((k) => k.id),
      );
      // Waits for the post if another request (the same draft sent twice) is archiving it.
      await archiveListSettled(ctx.pool, list.id);
      const post = await postByNumber(ctx.pool, list.id, outcome.number);
      return reply.redirect(
        post
          ? `/archives/${list.localPart}/threads/${post.threadId}?sent=${outcome.number}#m${outcome.number}`
          : `/archives/${list.localPart}/${outcome.number}`,
        303,
      );
    }
    if (outcome.kind === 'held' || outcome.kind === 'queued') {
      await dropUploads(
        ctx.pool,
        viewer.memberId,
        kept.map((k) => k.id),
      );
      const notice: ComposeNotice =
        outcome.kind === 'held'
          ? {
              kind: 'info',
              heading: 'Your message is held for a moderator',
              lines: [...outcome.reasons, 'A moderator of the list will approve it or tell you why not. You do not need to send it again.'],
            }
          : { kind: 'info', heading: 'Your message is saved', lines: ['It goes to the list in a moment. You do not need to send it again.'] };
      return again({ ...emptyForm, notice }, 202);
    }
    // Refused: the form again, with what was typed and why (a new draft, so it can be sent again).
    errors.text = `The list did not take your message: ${outcome.reason}`;
    return again({ values: { ...typed, draft: newDraftToken() } }, 409);
  }

  return sendForm;
}

export function archivePostRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const sendForm = webPostForm(ctx, archiveRouteKit(ctx, app));

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
          throw new PostTooLargeError(
            `This post with its files is ${formatSize(length)}; a post may be up to ${formatSize(filesBudget)} in all. Go back and choose smaller files. Your text is still in the form you came from.`,
          );
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

      const csrfPost = { preHandler: scope.csrfProtection, schema: { hide: true } };
      scope.post<{ Params: { list: string } }>('/archives/:list', csrfPost, async (req, reply) => sendForm(req, reply, req.params.list, undefined));
      scope.post<{ Params: { list: string; id: string } }>('/archives/:list/threads/:id', csrfPost, async (req, reply) =>
        sendForm(req, reply, req.params.list, req.params.id),
      );
    });
  };
}
