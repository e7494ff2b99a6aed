/**
 * The registry's public JSON API: verify, search, one record, agencies, platforms, tags, export.
 * Rate limited per IP address (REGISTRY_RATE_LIMIT a minute) with 429 and Retry-After; an
 * X-Api-Key header with a key from "socialgov registry api-keys create" gets that key's limit.
 * Counters are kept per web process, so the verify path never waits on a database write.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { ApiKeyCache } from './api-keys.ts';
import { PlatformCache } from './platform-store.ts';
import { RegistryApiError } from './api-kit.ts';
import { addListApi } from './api-list-routes.ts';
import { addRecordApi } from './api-record-routes.ts';

export function registryApiRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const platforms = new PlatformCache(ctx.pool);
    const keys = new ApiKeyCache(ctx.pool);
    const perKey = new WeakMap<FastifyRequest, { id: number; perMinute: number }>();

    app.addHook('onRequest', async (req) => {
      const header = req.headers['x-api-key'];
      if (typeof header !== 'string' || !header) return;
      const key = await keys.find(header);
      if (!key)
        throw new RegistryApiError(
          401,
          'API_KEY_INVALID',
          'The X-Api-Key header holds a key this site does not know, or one that was revoked. Check the key, or leave the header out to use the public limit.',
        );
      perKey.set(req, key);
    });
    await app.register(rateLimit, {
      global: true,
      timeWindow: 60_000,
      keyGenerator: (req) => (perKey.get(req) ? `key:${perKey.get(req)!.id}` : `ip:${req.ip}`),
      max: (req) => perKey.get(req)?.perMinute ?? ctx.config.registryRateLimit,
      errorResponseBuilder: (_req, c) =>
        new RegistryApiError(
          429,
          'RATE_LIMITED',
          `Too many requests: the limit is ${c.max} a minute. Try again in ${Math.ceil(c.ttl / 1000)} seconds, or ask the site for an API key.`,
        ),
    });

    // Any of these answers 401 to an unknown X-Api-Key (the hook above): each says so.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { response?: Record<string, unknown> } | undefined;
      if (schema) (schema.response ??= {})[401] ??= Type.Ref(ApiError);
    });

    // One plugin, so the rate limit and the X-Api-Key hook above cover every route: the routes are added from two files.
    addRecordApi(app, ctx, platforms);
    addListApi(app, ctx, platforms);
  };
}
