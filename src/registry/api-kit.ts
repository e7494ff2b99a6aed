/** What the registry API's routes share: its error, a record as JSON, the search filters of a query. */
import type { FastifyRequest } from 'fastify';
import { absoluteUrl, type AppContext } from '../platform/http/context.ts';
import type { RegistryRecord } from './records.ts';
import { SearchQuery, type RegistryRecordJson as RecordJson } from './schemas.ts';
import { MAX_PAGE_SIZE, type RecordFilters } from './search.ts';

export const URL_REQUIRED = 'Give the address to check in the url parameter, such as /api/v1/registry/verify?url=https://x.com/USAGov';

export class RegistryApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function recordJson(ctx: AppContext, req: FastifyRequest, r: RegistryRecord): RecordJson {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status === 'archived' ? 'archived' : r.status === 'archive-requested' ? 'archive-requested' : 'published',
    name: r.name,
    platform: r.platformKey ? { key: r.platformKey, name: r.platformName ?? r.platformKey } : null,
    account: r.account,
    platformUserId: r.platformUserId,
    url: r.url,
    domain: r.domain,
    appStores: r.appStores,
    appVersions: r.appVersions,
    agencies: r.agencies,
    language: r.language,
    shortDescription: r.shortDescription,
    longDescription: r.longDescription,
    categoryTags: r.categoryTags,
    geoTags: r.geoTags,
    publishedAt: r.publishedAt?.toISOString() ?? null,
    lastReviewedAt: r.lastReviewedAt?.toISOString() ?? null,
    archivedAt: r.archivedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
    links: { self: absoluteUrl(ctx, `/api/v1/registry/records/${r.id}`), page: absoluteUrl(ctx, `/registry/records/${r.id}`) },
  };
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

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
