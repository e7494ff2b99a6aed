/** The registry API's record routes: verify an account's address, search published records, one record. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { absoluteUrl, NotFoundError, type AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { PlatformCache } from './platform-store.ts';
import { getRecord } from './records.ts';
import { IdParams, RegistryRecordJson, RegistryRecordList, SearchQuery, VerifyJson, VerifyQuery } from './schemas.ts';
import { MAX_PAGE_SIZE, PUBLIC_STATUSES, searchRecords } from './search.ts';
import { verifyAccount } from './verify.ts';
import { filtersOf, recordJson, RegistryApiError, URL_REQUIRED } from './api-kit.ts';

export function addRecordApi(app: FastifyInstance, ctx: AppContext, platforms: PlatformCache) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['registry'] };

  api.get(
    '/api/v1/registry/verify',
    {
      // Answers are about 1 KB: compressing them costs more CPU than it saves on the wire.
      compress: false,
      schema: {
        ...common,
        operationId: 'verifyAccount',
        summary: 'Is this an official government account?',
        description:
          'Reads the platform and account from the address (any scheme, www./m./mobile., case, trailing slash, tracking query, twitter.com or x.com) and answers verified: true only when a published record matches. An archived account answers verified: false with status archived and the archive date.',
        querystring: VerifyQuery,
        response: { 200: Type.Ref(VerifyJson), 400: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
      // A missing or empty url gets the same plain answer as one of only spaces, below.
      schemaErrorFormatter: (errors, dataVar) =>
        errors.some((e) => (e.instancePath === '/url' && e.keyword === 'minLength') || (e.params as { missingProperty?: string }).missingProperty === 'url')
          ? new RegistryApiError(400, 'URL_REQUIRED', URL_REQUIRED)
          : new Error(`${dataVar}${errors[0]?.instancePath ?? ''} ${errors[0]?.message ?? 'is not valid'}`),
    },
    async (req) => {
      const url = req.query.url?.trim();
      if (!url) throw new RegistryApiError(400, 'URL_REQUIRED', URL_REQUIRED);
      const result = await verifyAccount(ctx.pool, await platforms.get(), url, { platformUserId: req.query.user_id });
      if (!result.ok) throw new RegistryApiError(400, result.code, result.message);
      const a = result.answer;
      return {
        verified: a.verified,
        reason: a.reason,
        message: a.message,
        url,
        platform: a.platform,
        kind: a.kind,
        account: a.account,
        canonicalUrl: a.canonicalUrl,
        ...(a.status ? { status: a.status } : {}),
        ...(a.archivedAt ? { archivedAt: a.archivedAt.toISOString() } : {}),
        ...(a.record ? { record: recordJson(ctx, req, a.record) } : {}),
      };
    },
  );

  api.get(
    '/api/v1/registry/records',
    {
      schema: {
        ...common,
        operationId: 'searchRegistry',
        summary: 'Search published records',
        description: `Published accounts, apps and websites, a page at a time (page_size at most ${MAX_PAGE_SIZE}), with links to the next and previous pages.`,
        querystring: SearchQuery,
        response: { 200: Type.Ref(RegistryRecordList), 400: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
    },
    async (req) => {
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
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
        links: { self: link(page.page), next: page.page < last ? link(page.page + 1) : null, prev: page.page > 1 ? link(Math.min(page.page - 1, last)) : null },
        data: page.records.map((r) => recordJson(ctx, req, r)),
      };
    },
  );

  api.get(
    '/api/v1/registry/records/:id',
    {
      schema: {
        ...common,
        operationId: 'getRegistryRecord',
        summary: 'One published record',
        description: 'Only published records (and those waiting to be archived) are answered; any other id is 404.',
        params: IdParams,
        response: { 200: Type.Ref(RegistryRecordJson), 404: Type.Ref(ApiError), 429: Type.Ref(ApiError) },
      },
    },
    async (req) => {
      const r = await getRecord(ctx.pool, req.params.id);
      if (!r || !PUBLIC_STATUSES.includes(r.status))
        throw new NotFoundError(`There is no published registry record ${req.params.id}. Search with /api/v1/registry/records.`);
      return recordJson(ctx, req, r);
    },
  );
}
