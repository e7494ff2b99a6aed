/**
 * The registry's public JSON API: verify, search, one record, agencies, platforms, tags, export.
 * Rate limited per IP address (REGISTRY_RATE_LIMIT a minute) with 429 and Retry-After; an
 * X-Api-Key header with a key from "socialgov registry api-keys create" gets that key's limit.
 * Counters are kept per web process, so the verify path never waits on a database write.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import { absoluteUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { ApiKeyCache } from './api-keys.ts';
import { listAgencies } from './agencies.ts';
import { recordsCsv } from './csv.ts';
import { PlatformCache } from './platform-store.ts';
import { getRecord, type RegistryRecord } from './records.ts';
import { IdParams, RegistryAgencyList, RegistryPlatformList, RegistryRecordJson, RegistryRecordList, RegistryTagList, SearchQuery, VerifyJson, VerifyQuery, type RegistryRecordJson as RecordJson } from './schemas.ts';
import { MAX_PAGE_SIZE, PUBLIC_STATUSES, publicCountsByAgency, publicTags, searchRecords, type RecordFilters } from './search.ts';
import { verifyAccount } from './verify.ts';

const URL_REQUIRED = 'Give the address to check in the url parameter, such as /api/v1/registry/verify?url=https://x.com/USAGov';

export class RegistryApiError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

export function recordJson(ctx: AppContext, req: FastifyRequest, r: RegistryRecord): RecordJson {
  return {
    id: r.id, kind: r.kind, status: r.status === 'archived' ? 'archived' : r.status === 'archive-requested' ? 'archive-requested' : 'published', name: r.name,
    platform: r.platformKey ? { key: r.platformKey, name: r.platformName ?? r.platformKey } : null, account: r.account, platformUserId: r.platformUserId,
    url: r.url, domain: r.domain, appStores: r.appStores, appVersions: r.appVersions, agencies: r.agencies, language: r.language,
    shortDescription: r.shortDescription, longDescription: r.longDescription, categoryTags: r.categoryTags, geoTags: r.geoTags,
    publishedAt: r.publishedAt?.toISOString() ?? null, lastReviewedAt: r.lastReviewedAt?.toISOString() ?? null, archivedAt: r.archivedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
    links: { self: absoluteUrl(ctx, `/api/v1/registry/records/${r.id}`), page: absoluteUrl(ctx, `/registry/records/${r.id}`) },
  };
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function filtersOf(q: SearchQuery): RecordFilters {
  const f: RecordFilters = { page: q.page ?? 1, pageSize: Math.min(q.page_size ?? 50, MAX_PAGE_SIZE) };
  if (q.q) f.q = q.q;
  if (q.agencies) f.agencies = list(q.agencies);
  if (q.platforms) f.platforms = list(q.platforms);
  if (q.tags) f.tags = list(q.tags);
  if (q.language) f.language = q.language.trim();
  if (q.kind) f.kinds = [q.kind];
  return f;
}

export function registryApiRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const platforms = new PlatformCache(ctx.pool);
    const keys = new ApiKeyCache(ctx.pool);
    const perKey = new WeakMap<FastifyRequest, { id: number; perMinute: number }>();

    app.addHook('onRequest', async (req) => {
      const header = req.headers['x-api-key'];
      if (typeof header !== 'string' || !header) return;
      const key = await keys.find(header);
      if (!key) throw new RegistryApiError(401, 'API_KEY_INVALID', 'The X-Api-Key header holds a key this site does not know, or one that was revoked. Check the key, or leave the header out to use the public limit.');
      perKey.set(req, key);
    });
    await app.register(rateLimit, {
      global: true,
      timeWindow: 60_000,
      keyGenerator: (req) => (perKey.get(req) ? `key:${perKey.get(req)!.id}` : `ip:${req.ip}`),
      max: (req) => perKey.get(req)?.perMinute ?? ctx.config.registryRateLimit,
      errorResponseBuilder: (_req, c) =>
        new RegistryApiError(429, 'RATE_LIMITED', `Too many requests: the limit is ${c.max} a minute. Try again in ${Math.ceil(c.ttl / 1000)} seconds, or ask the site for an API key.`),
    });

    // Any of these answers 401 to an unknown X-Api-Key (the hook above): each says so.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { response?: Record<string, unknown> } | undefined;
      if (schema) (schema.response ??= {})[401] ??= Type.Ref(ApiError);
    });

    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    const common = { tags: ['registry'] };

    api.get('/api/v1/registry/verify', {
      // Answers are about 1 KB: compressing them costs more CPU than it saves on the wire.
      compress: false,
      schema: {
        ...common, operationId: 'verifyAccount', summary: 'Is this an official government account?',
        description: 'Reads the platform and account from the address (any scheme, www./m./mobile., case, trailing slash, tracking query, twitter.com or x.com) and answers verified: true only when a published record matches. An archived account answers verified: false with status archived and the archive date.',
        querystring: VerifyQuery,
        response: { 200: Type.Ref(VerifyJson), 400: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
      // A missing or empty url gets the same plain answer as one of only spaces, below.
      schemaErrorFormatter: (errors, dataVar) =>
        errors.some((e) => (e.instancePath === '/url' && e.keyword === 'minLength') || (e.params as { missingProperty?: string }).missingProperty === 'url')
          ? new RegistryApiError(400, 'URL_REQUIRED', URL_REQUIRED)
          : new Error(`${dataVar}${errors[0]?.instancePath ?? ''} ${errors[0]?.message ?? 'is not valid'}`),
    }, async (req) => {
      const url = req.query.url?.trim();
      if (!url) throw new RegistryApiError(400, 'URL_REQUIRED', URL_REQUIRED);
      const result = await verifyAccount(ctx.pool, await platforms.get(), url, { platformUserId: req.query.user_id });
      if (!result.ok) throw new RegistryApiError(400, result.code, result.message);
      const a = result.answer;
      return {
        verified: a.verified, reason: a.reason, message: a.message, url, platform: a.platform, kind: a.kind, account: a.account, canonicalUrl: a.canonicalUrl,
        ...(a.status ? { status: a.status } : {}), ...(a.archivedAt ? { archivedAt: a.archivedAt.toISOString() } : {}),
        ...(a.record ? { record: recordJson(ctx, req, a.record) } : {}),
      };
    });

    api.get('/api/v1/registry/records', {
      schema: {
        ...common, operationId: 'searchRegistry', summary: 'Search published records',
        description: `Published accounts, apps and websites, a page at a time (page_size at most ${MAX_PAGE_SIZE}), with links to the next and previous pages.`,
        querystring: SearchQuery,
        response: { 200: Type.Ref(RegistryRecordList), 400: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const f = filtersOf(req.query);
      const page = await searchRecords(ctx.pool, f);
      const link = (n: number) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(req.query)) if (v !== undefined && k !== 'page') params.set(k, String(v));
        params.set('page', String(n));
        return absoluteUrl(ctx, `/api/v1/registry/records?${params.toString()}`);
      };
      const last = Math.max(1, Math.ceil(page.total / page.pageSize));
      return {
        total: page.total, page: page.page, pageSize: page.pageSize,
        links: { self: link(page.page), next: page.page < last ? link(page.page + 1) : null, prev: page.page > 1 ? link(Math.min(page.page - 1, last)) : null },
        data: page.records.map((r) => recordJson(ctx, req, r)),
      };
    });

    api.get('/api/v1/registry/records/:id', {
      schema: {
        ...common, operationId: 'getRegistryRecord', summary: 'One published record',
        description: 'Only published records (and those waiting to be archived) are answered; any other id is 404.',
        params: IdParams,
        response: { 200: Type.Ref(RegistryRecordJson), 404: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
    }, async (req) => {
      const r = await getRecord(ctx.pool, req.params.id);
      if (!r || !PUBLIC_STATUSES.includes(r.status)) throw new NotFoundError(`There is no published registry record ${req.params.id}. Search with /api/v1/registry/records.`);
      return recordJson(ctx, req, r);
    });

    api.get('/api/v1/registry/agencies', {
      schema: { ...common, operationId: 'listRegistryAgencies', summary: 'Agencies (department › bureau › office)', response: { 200: Type.Ref(RegistryAgencyList), 429: Type.Ref(ApiError) } },
    }, async () => {
      const all = await listAgencies(ctx.pool);
      const counts = await publicCountsByAgency(ctx.pool);
      return { total: all.length, data: all.map((a) => ({ id: a.id, name: a.name, slug: a.slug, level: a.level, parentId: a.parentId, path: a.path, publishedRecords: counts.get(a.id) ?? 0 })) };
    });

    api.get('/api/v1/registry/platforms', {
      schema: { ...common, operationId: 'listRegistryPlatforms', summary: 'Platforms the registry reads addresses of', response: { 200: Type.Ref(RegistryPlatformList), 429: Type.Ref(ApiError) } },
    }, async () => {
      const all = (await platforms.get()).filter((p) => p.active);
      return { total: all.length, data: all.map((p) => ({ key: p.key, name: p.name, hosts: p.hosts, rules: p.rules })) };
    });

    api.get('/api/v1/registry/tags', {
      schema: { ...common, operationId: 'listRegistryTags', summary: 'Tags on published records', response: { 200: Type.Ref(RegistryTagList), 429: Type.Ref(ApiError) } },
    }, async () => {
      const tags = await publicTags(ctx.pool);
      return { total: tags.length, data: tags };
    });

    api.get('/api/v1/registry/export', {
      schema: {
        ...common, operationId: 'exportRegistry', summary: 'Every published record matching the filters, as CSV or JSON',
        description: 'format=csv (default) or json. Takes the search filters; no paging.',
        querystring: Type.Object({ ...SearchQuery.properties, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])) }),
        response: {
          200: { description: 'CSV (text/csv) or a JSON array of records', content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: Type.Array(Type.Ref(RegistryRecordJson)) } } },
          429: Type.Ref(ApiError),
        },
      },
    }, async (req, reply) => {
      const f = filtersOf(req.query);
      const all: RegistryRecord[] = [];
      for (let page = 1; ; page++) {
        const p = await searchRecords(ctx.pool, { ...f, page, pageSize: MAX_PAGE_SIZE });
        all.push(...p.records);
        if (all.length >= p.total || !p.records.length) break;
      }
      if (req.query.format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(all.map((r) => recordJson(ctx, req, r))));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="registry.csv"').send(recordsCsv(all, { withContacts: false }));
    });
  };
}
