/** The registry API's reference routes: agencies, platforms, tags, and the export of every published record matching the filters. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../platform/http/context.ts';
import { ApiError } from '../platform/http/schemas.ts';
import { listAgencies } from './agencies.ts';
import { recordsCsv } from './csv.ts';
import { PlatformCache } from './platform-store.ts';
import type { RegistryRecord } from './records.ts';
import { RegistryAgencyList, RegistryPlatformList, RegistryRecordJson, RegistryTagList, SearchQuery } from './schemas.ts';
import { MAX_PAGE_SIZE, publicCountsByAgency, publicTags, searchRecords } from './search.ts';
import { filtersOf, recordJson } from './api-kit.ts';

export function addListApi(app: FastifyInstance, ctx: AppContext, platforms: PlatformCache) {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { tags: ['registry'] };

  api.get(
    '/api/v1/registry/agencies',
    {
      schema: {
        ...common,
        operationId: 'listRegistryAgencies',
        summary: 'Agencies (department › bureau › office)',
        response: { 200: Type.Ref(RegistryAgencyList), 429: Type.Ref(ApiError) },
      },
    },
    async () => {
      const all = await listAgencies(ctx.pool);
      const counts = await publicCountsByAgency(ctx.pool);
      return {
        total: all.length,
        data: all.map((a) => ({
          id: a.id,
          name: a.name,
          slug: a.slug,
          level: a.level,
          parentId: a.parentId,
          path: a.path,
          publishedRecords: counts.get(a.id) ?? 0,
        })),
      };
    },
  );

  api.get(
    '/api/v1/registry/platforms',
    {
      schema: {
        ...common,
        operationId: 'listRegistryPlatforms',
        summary: 'Platforms the registry reads addresses of',
        response: { 200: Type.Ref(RegistryPlatformList), 429: Type.Ref(ApiError) },
      },
    },
    async () => {
      const all = (await platforms.get()).filter((p) => p.active);
      return { total: all.length, data: all.map((p) => ({ key: p.key, name: p.name, hosts: p.hosts, rules: p.rules })) };
    },
  );

  api.get(
    '/api/v1/registry/tags',
    {
      schema: {
        ...common,
        operationId: 'listRegistryTags',
        summary: 'Tags on published records',
        response: { 200: Type.Ref(RegistryTagList), 429: Type.Ref(ApiError) },
      },
    },
    async () => {
      const tags = await publicTags(ctx.pool);
      return { total: tags.length, data: tags };
    },
  );

  api.get(
    '/api/v1/registry/export',
    {
      schema: {
        ...common,
        operationId: 'exportRegistry',
        summary: 'Every published record matching the filters, as CSV or JSON',
        description: 'format=csv (default) or json. Takes the search filters; no paging.',
        querystring: Type.Object({ ...SearchQuery.properties, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])) }),
        response: {
          200: {
            description: 'CSV (text/csv) or a JSON array of records',
            content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: Type.Array(Type.Ref(RegistryRecordJson)) } },
          },
          429: Type.Ref(ApiError),
        },
      },
    },
    async (req, reply) => {
      const f = filtersOf(req.query);
      const all: RegistryRecord[] = [];
      for (let page = 1; ; page++) {
        const p = await searchRecords(ctx.pool, { ...f, page, pageSize: MAX_PAGE_SIZE });
        all.push(...p.records);
        if (all.length >= p.total || !p.records.length) break;
      }
      if (req.query.format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(all.map((r) => recordJson(ctx, req, r))));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="registry.csv"')
        .send(recordsCsv(all, { withContacts: false }));
    },
  );
}
