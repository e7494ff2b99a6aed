/**
 * The web role: one Fastify instance with the site's plugins, each installed feature's routes
 * (its descriptor's `routes`, in feature order), the JSON API and its OpenAPI document, health
 * checks, and error pages.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { apiDocsRoutes } from '../../web/api-docs.tsx';
import { BadFormPage, ErrorPage, NotFoundPage } from '../../web/error-pages.tsx';
import { ANONYMOUS_PREFIXES, SITE_ASSETS, USWDS, type Site } from '../../web/layout.tsx';
import { healthRoutes } from './health.ts';
import { redactUrl } from './log-redaction.ts';
import { installPageCache } from './page-cache.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { installInputGuard, NulInFormError } from './input-guard.ts';
import { ApiError } from './schemas.ts';
import { ForbiddenError, NotFoundError, sendPage, SignInRequiredError, siteFor, type AppContext } from './context.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { Queue } from '../queue.ts';
import { cookieSecret } from '../secret.ts';
import { installedFeatures } from '../feature.ts';
import { TREE } from '../tree.ts';

const require = createRequire(import.meta.url);
/** The cookie holding the CSRF secret (signed, httpOnly). */
const CSRF_COOKIE = 'sg_csrf';

export interface ServerOptions {
  config: Config;
  pool: pg.Pool;
  mail: MailTransport;
  queue: Queue;
  /** Where logs go; tests pass a quiet level. */
  logLevel?: Config['logLevel'];
  /** Write the log here instead of standard output (tests read it). */
  logStream?: { write(line: string): void };
}

/** The site as every page shows it: its name, and the identifier in the footer. */
export function siteOf(config: Config): Site {
  const domain = config.publicUrl ? new URL(config.publicUrl).hostname : undefined;
  return {
    name: config.siteName,
    identifier: {
      ...(domain ? { domain } : {}),
      ...(config.agencyName ? { agency: { name: config.agencyName, ...(config.agencyUrl ? { url: config.agencyUrl } : {}) } } : {}),
      links: { about: config.aboutUrl, accessibility: config.accessibilityUrl, foia: config.foiaUrl, noFear: config.noFearUrl, privacy: config.privacyUrl },
    },
  };
}

/** The log levels at which each answered request is logged (at `info`). */
const LOGS_REQUESTS = new Set(['trace', 'debug', 'info']);

function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url === '/healthz' || req.url === '/readyz';
}

function apiError(reply: FastifyReply, req: FastifyRequest, status: number, code: string, message: string) {
  return reply.code(status).type('application/json; charset=utf-8').send({ statusCode: status, code, message, requestId: req.id });
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { config, pool } = opts;
  const features = installedFeatures();
  const app = Fastify({
    logger: {
      level: opts.logLevel ?? config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      // Links in mail carry tokens in their address: a request logged anywhere logs it without them.
      serializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url, req.routeOptions?.url), remoteAddress: req.ip }),
      },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Path parameters up to 200 characters: digital.gov's longest article slugs have about 120.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // The router's own refusals (a path parameter over 200 characters: 414; an address that
    // cannot be decoded: 400) answer like every other error, not with Fastify's bare JSON.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode === 414 ? 414 : 400;
      const message =
        status === 414
          ? 'The address is too long: a part of it has more than 200 characters. Check the link.'
          : 'The address is not valid: part of it cannot be read as text (a “%” that does not start an encoded character). Check the link.';
      if (isApi(req)) return apiError(reply, req, status, status === 414 ? 'URI_TOO_LONG' : 'BAD_URL', message);
      return sendPage(reply, ErrorPage({ site: siteOf(config), status, message, requestId: req.id }), status);
    },
  });

  const ctx: AppContext = {
    pool,
    config,
    site: siteOf(config),
    mail: opts.mail,
    queue: opts.queue,
    // the page cache is installed below, before any route can ask
    recent: (key, load) => app.pageCache.recent(key, load),
    listeningPort: () => {
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : config.port;
    },
  };

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    // at LOG_LEVEL=warn and above nothing is logged here: the address is not worked out for nothing
    if (!LOGS_REQUESTS.has(req.log.level)) return;
    req.log.info({ method: req.method, url: redactUrl(req.url, req.routeOptions.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(compress, { global: true });
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(cookie, { secret: await cookieSecret(pool, config.secret) });
  // The CSRF secret lives in a signed, httpOnly cookie; every form carries the matching token.
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' },
  });
  // After helmet (a kept page gets its headers on each answer) and the cookie plugin (its hook
  // writes the Set-Cookie header the cache looks for); compression runs after, per route.
  // The CSRF cookie alone changes nothing on a page that may be kept (such a page has no form).
  installPageCache(app, {
    seconds: config.pageCacheSeconds,
    neutralCookies: [CSRF_COOKIE],
    sessionCookies: features.flatMap((f) => (f.sessionCookie ? [f.sessionCookie] : [])),
  });
  app.decorateRequest('viewer', null);
  app.decorateRequest('alongside', undefined);
  // Before the viewer is read (an address with a NUL byte never reaches the session query, whose
  // page query takes the address's parts); its form check runs before any route's own checks.
  installInputGuard(app);
  // Who is signed in: the first feature that knows (membership, from its session cookie), with
  // the query the route reads alongside the session, if any (one round trip for both). Known on
  // request, before any body is read, so a route can refuse a large upload from a stranger
  // without taking it in (the cookie plugin's own onRequest hook, registered above, runs first;
  // the route and its params are known by then).
  const identifiers = features.flatMap((f) => (f.identify ? [f.identify] : []));
  // A signed-in browser sends its cookie with every stylesheet, script, font and image, and
  // monitors poll /healthz: none of them needs to know who asks, so none costs a session query.
  // One rule: a route marked `config: { anonymous: true }`. The static files' routes, added by
  // @fastify/static (which takes no route config), are marked here as they are added.
  app.addHook('onRoute', (route) => {
    if (ANONYMOUS_PREFIXES.some((prefix) => route.url.startsWith(`${prefix}/`))) route.config = { ...route.config, anonymous: true };
  });
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.anonymous === true) return;
    const alongside = req.routeOptions.config.alongside?.(req);
    for (const identify of identifiers) {
      req.viewer = await identify(ctx, req, alongside);
      if (req.viewer) break;
    }
  });
  await app.register(fastifyStatic, {
    root: path.resolve(path.dirname(require.resolve('@uswds/uswds')), '..'),
    prefix: `${USWDS}/`,
    maxAge: '1d',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: path.join(TREE, 'web/assets'),
    prefix: `${SITE_ASSETS}/`,
    maxAge: '1h',
    decorateReply: false,
    index: false,
  });

  for (const schema of [ApiError, ...features.flatMap((f) => f.api?.schemas ?? [])]) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'socialgov API',
        version: '1',
        description: 'Read communities of practice and their membership figures. All responses are JSON; errors share one shape.',
      },
      ...(config.publicUrl ? { servers: [{ url: config.publicUrl }] } : {}),
      tags: [...features.flatMap((f) => f.api?.tags ?? []), { name: 'health', description: 'Process and database health' }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  // Every API operation can answer 400 (the input guard, schema validation) in the shared error
  // shape, and one with path parameters 414 (a parameter over 200 characters): say so in each.
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
    if (!schema || schema.hide || !(route.url.startsWith('/api/') || route.url === '/healthz' || route.url === '/readyz')) return;
    schema.response ??= {};
    schema.response[400] ??= Type.Ref(ApiError);
    if (route.url.includes(':')) schema.response[414] ??= Type.Ref(ApiError);
  });

  app.setNotFoundHandler((req, reply) => {
    if (isApi(req)) return apiError(reply, req, 404, 'NOT_FOUND', `Nothing is at ${req.method} ${req.url.split('?')[0]}. See /api/docs for the API.`);
    return sendPage(reply, NotFoundPage({ site: siteFor(ctx, req), message: 'We can’t find the page you’re looking for.' }), 404);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof NotFoundError) {
      if (isApi(req)) return apiError(reply, req, 404, err.code, err.message);
      return sendPage(reply, NotFoundPage({ site: siteFor(ctx, req), message: err.message }), 404);
    }
    if (err instanceof SignInRequiredError && !isApi(req) && req.method === 'GET') {
      return reply.redirect(`/signin?next=${encodeURIComponent(req.url)}`, 303);
    }
    if (err instanceof ForbiddenError && !isApi(req)) {
      return sendPage(reply, ErrorPage({ site: siteFor(ctx, req), status: 403, message: err.message, requestId: req.id }), 403);
    }
    if (err instanceof NulInFormError) {
      if (isApi(req)) return apiError(reply, req, 400, err.code, err.message);
      // Back to this site's own path: never a "//host" a browser would read as another site.
      const action = '/' + req.url.replace(/^[/\\]+/, '');
      return sendPage(
        reply,
        BadFormPage({
          site: siteFor(ctx, req),
          action,
          message: err.message,
          fields: err.fields,
          affected: err.affected,
          upload: err.upload,
          requestId: req.id,
        }),
        400,
      );
    }
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      const message = 'This form has expired, or it was sent from another website. Go back, reload the page, and try again.';
      if (isApi(req)) return apiError(reply, req, 403, 'CSRF', message);
      return sendPage(reply, ErrorPage({ site: siteFor(ctx, req), status: 403, message, requestId: req.id }), 403);
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const message =
      status >= 500
        ? 'The server could not finish this request. Try again in a minute.'
        : err.validation
          ? `The request is not valid: ${err.message}.`
          : err.message;
    if (isApi(req)) return apiError(reply, req, status, status >= 500 ? 'INTERNAL' : (err.code ?? 'BAD_REQUEST'), message);
    return sendPage(reply, ErrorPage({ site: siteFor(ctx, req), status, message, requestId: req.id }), status);
  });

  await app.register(healthRoutes(ctx));
  for (const feature of features) for (const routes of feature.routes?.(ctx) ?? []) await app.register(routes);
  await app.register(apiDocsRoutes(ctx));

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
