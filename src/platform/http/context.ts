/** What every feature's routes receive: the database, the site identity, and address helpers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { siteUrl, type Config } from '../config.ts';
import type { Site } from '../../web/layout.tsx';
import type { MailTransport } from '../mail/transport.ts';
import type { Queue } from '../queue.ts';
import { perRequest } from './page-cache.ts';

export { ownPage, perRequest } from './page-cache.ts';

/** The signed-in member, as the feature that keeps sessions (membership) finds them. */
export interface Viewer {
  memberId: number;
  email: string;
  name: string | null;
  siteAdmin: boolean;
  /**
   * What pages may show differently to members besides who they are, as one text: the site-admin
   * flag and every membership's community, status and role. Members with the same standing may be
   * served the same kept page (see memberPageCache in page-cache.ts); none, never kept.
   */
  standing?: string;
}

/**
 * A query a page reads in the same round trip as the session (a route's `config.alongside`): it
 * gives one row or none. Its SQL may use `v.member_id` (the signed-in member, or null) and its
 * own parameters $1…$n. Like the session it is read afresh for every request: nothing is kept.
 */
export interface Alongside {
  /** The prepared statement's name (planned once per connection). */
  name: string;
  sql: string;
  values: unknown[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null. */
    viewer: Viewer | null;
    /** The route's `alongside` row read with the session (null: no row), or undefined when no session was read. */
    alongside: Record<string, unknown> | null | undefined;
  }
  interface FastifyContextConfig {
    /** A query to read in the same round trip as the session, when the request has one (see Alongside). */
    alongside?: (req: FastifyRequest) => Alongside;
    /**
     * This route answers the same whoever asks and never looks at the viewer: the session is not
     * read (no query). The static files' routes are marked so as they are added (ANONYMOUS_PREFIXES
     * in web/layout.tsx, server.ts).
     */
    anonymous?: boolean;
  }
}

/**
 * The Alongside row: the one read with this request's session, else read now on its own, with
 * `v.member_id` the signed-in member or null (one round trip either way).
 */
export async function alongsideRow(ctx: AppContext, req: FastifyRequest, q: Alongside): Promise<Record<string, unknown> | undefined> {
  if (req.alongside !== undefined) return req.alongside ?? undefined;
  const text = `select x.* from (select $${q.values.length + 1}::bigint as member_id) v, lateral (${q.sql}) x`;
  const { rows } = await ctx.pool.query({ name: q.name, text, values: [...q.values, req.viewer?.memberId ?? null] });
  return rows[0] as Record<string, unknown> | undefined;
}

export interface AppContext {
  pool: pg.Pool;
  config: Config;
  site: Site;
  mail: MailTransport;
  /** The job queue: send jobs (pass a transaction client to tie a job to a change). */
  queue: Queue;
  /** The port the web server got (PORT=0 picks one); PORT until it listens. */
  listeningPort(): number;
  /**
   * Data the same for every visitor, at most PAGE_CACHE_SECONDS old and forgotten on any change
   * made through this process (see PageCache.recent). Never for anything that depends on who asks.
   */
  recent<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** The site identity for one request, with the signed-in member. */
export function siteFor(ctx: AppContext, req: FastifyRequest): Site {
  return req.viewer ? { ...ctx.site, viewer: { name: req.viewer.name, email: req.viewer.email } } : ctx.site;
}

/**
 * The site's own address, for links in mail, feeds and the API: PUBLIC_URL, else the address the
 * server listens on. Never the request's Host or X-Forwarded-Host: anyone can send those, and a
 * sign-in link mailed to a member must not lead to the sender's site.
 */
export function baseUrl(ctx: AppContext): string {
  return siteUrl(ctx.config, ctx.listeningPort());
}

/** Thrown by routes that need a signed-in member (sends them to sign in) or a role (403 page). */
export class SignInRequiredError extends Error {
  readonly statusCode = 401;
  readonly code = 'SIGN_IN_REQUIRED';
}
export class ForbiddenError extends Error {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
}

/** An absolute address for a path on this site (see baseUrl). */
export function absoluteUrl(ctx: AppContext, path: string): string {
  return baseUrl(ctx) + path;
}

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(Buffer.from(html));
}

/**
 * The form token (CSRF) for a page's forms: one an answer, however many forms the page has (a
 * per-request value: see perRequest in page-cache.ts, which makes each kind once a request and
 * leaves a hole when the page is kept for members of a standing). Routes call this, never
 * reply.generateCsrf (the lint forbids it).
 */
export function formToken(reply: FastifyReply): string {
  // eslint-disable-next-line no-restricted-syntax -- the one place a token is made
  return perRequest(reply.request, reply, 'csrf', (_req, r) => r.generateCsrf());
}

/** Routes throw this to answer 404 with the site's page (or JSON under /api). */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
}

/** A database id typed in an address or form: a whole number from 1 to 2^53 - 1, else 0 (which matches nothing). */
export function idParam(text: string | undefined): number {
  const n = text && /^\d{1,16}$/.test(text) ? Number(text) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}
