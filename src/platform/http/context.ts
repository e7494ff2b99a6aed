/** What every feature's routes receive: the database, the site identity, and address helpers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { Site } from '../../web/layout.tsx';

export interface AppContext {
  pool: pg.Pool;
  config: Config;
  site: Site;
}

/** An absolute address for a path: PUBLIC_URL when set, else the address the request came to. */
export function absoluteUrl(ctx: AppContext, req: FastifyRequest, path: string): string {
  const base = ctx.config.publicUrl ?? `${req.protocol}://${req.host}`;
  return base + path;
}

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** Routes throw this to answer 404 with the site's page (or JSON under /api). */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
}
