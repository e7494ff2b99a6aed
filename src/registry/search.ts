/**
 * Searching the registry: by words, agency (with the agencies under it), platform, tag and
 * language, a page at a time. The public site and API see published records only; reviewers'
 * queues use `statuses`.
 */
import type { Queryable } from '../platform/db/queryable.ts';
import { listAgencies, withDescendants } from './agencies.ts';
import { recordSelect, toRecord, type RecordKind, type RecordRow, type RecordStatus, type RegistryRecord } from './records.ts';

export const PUBLIC_STATUSES: RecordStatus[] = ['published', 'archive-requested'];
export const MAX_PAGE_SIZE = 500;

export interface RecordFilters {
  q?: string;
  /** Agency ids or slugs; records of the agencies under them count too. */
  agencies?: string[];
  platforms?: string[];
  tags?: string[];
  language?: string;
  kinds?: RecordKind[];
  statuses?: RecordStatus[];
  /** Only records whose review is due. */
  reviewDue?: boolean;
  /** Only records sponsored by one of these agency ids (a member's own). */
  sponsoredBy?: number[];
  page?: number;
  pageSize?: number;
}

export interface RecordPage {
  total: number;
  page: number;
  pageSize: number;
  records: RegistryRecord[];
}

function likeEscape(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchRecords(db: Queryable, f: RecordFilters): Promise<RecordPage> {
  const page = Math.max(1, Math.floor(f.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(f.pageSize ?? 50)));
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  where.push(`r.status = any(${param(f.statuses ?? PUBLIC_STATUSES)}::text[])`);
  if (f.kinds?.length) where.push(`r.kind = any(${param(f.kinds)}::text[])`);
  for (const word of (f.q ?? '').split(/\s+/).filter(Boolean).slice(0, 10)) {
    const w = param(`%${likeEscape(word)}%`);
    where.push(`(r.name || ' ' || coalesce(r.account, '') || ' ' || coalesce(r.url, '') || ' ' || coalesce(r.domain, '') || ' ' || r.short_description || ' ' || r.long_description
      || ' ' || array_to_string(r.category_tags || r.geo_tags, ' ')
      || ' ' || coalesce((select string_agg(a.name, ' ') from registry_record_agencies ra join registry_agencies a on a.id = ra.agency_id where ra.record_id = r.id), '')) ilike ${w}`);
  }
  if (f.agencies?.length) {
    const all = await listAgencies(db);
    const wanted = all.filter((a) => f.agencies!.some((x) => x === String(a.id) || x.toLowerCase() === a.slug));
    const ids = [
      ...withDescendants(
        all,
        wanted.map((a) => a.id),
      ),
    ];
    where.push(`exists (select 1 from registry_record_agencies ra where ra.record_id = r.id and ra.agency_id = any(${param(ids)}::bigint[]))`);
  }
  if (f.sponsoredBy)
    where.push(`exists (select 1 from registry_record_agencies ra where ra.record_id = r.id and ra.agency_id = any(${param(f.sponsoredBy)}::bigint[]))`);
  if (f.platforms?.length) where.push(`r.platform_key = any(${param(f.platforms.map((p) => p.toLowerCase()))}::text[])`);
  if (f.tags?.length)
    where.push(`exists (select 1 from unnest(r.category_tags || r.geo_tags) t where lower(t) = any(${param(f.tags.map((t) => t.toLowerCase()))}::text[]))`);
  if (f.language)
    where.push(`(lower(r.language) = ${param(f.language.toLowerCase())} or lower(r.language) like ${param(`${likeEscape(f.language.toLowerCase())}-%`)})`);
  if (f.reviewDue) where.push('r.review_due_at is not null');
  const limit = param(pageSize);
  const offset = param((page - 1) * pageSize);
  // Page first, then read whole records for that page only.
  const { rows } = await db.query<RecordRow & { total: number }>(
    `with matched as (
       select r.id, count(*) over () as total from registry_records r where ${where.join(' and ')}
       order by lower(r.name), r.id limit ${limit} offset ${offset})
     ${recordSelect('m.total')} join matched m on m.id = r.id order by lower(r.name), r.id`,
    params,
  );
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (!rows.length && page > 1) {
    const count = await db.query<{ n: number }>(`select count(*)::int as n from registry_records r where ${where.join(' and ')}`, params.slice(0, -2));
    total = count.rows[0]!.n;
  }
  return { total, page, pageSize, records: rows.map(toRecord) };
}

export interface TagCount {
  tag: string;
  kind: 'category' | 'geographic';
  count: number;
}

export async function publicTags(db: Queryable): Promise<TagCount[]> {
  const { rows } = await db.query<{ tag: string; kind: 'category' | 'geographic'; count: number }>(
    `select min(t) as tag, kind, count(distinct id)::int as count from (
       select r.id, unnest(r.category_tags) as t, 'category' as kind from registry_records r where r.status = any($1::text[])
       union all
       select r.id, unnest(r.geo_tags) as t, 'geographic' as kind from registry_records r where r.status = any($1::text[])
     ) x group by lower(t), kind order by kind, lower(min(t))`,
    [PUBLIC_STATUSES],
  );
  return rows;
}

/** Published records per agency id (directly sponsored). */
export async function publicCountsByAgency(db: Queryable): Promise<Map<number, number>> {
  const { rows } = await db.query<{ agency_id: number; n: number }>(
    `select ra.agency_id, count(*)::int as n from registry_record_agencies ra join registry_records r on r.id = ra.record_id
      where r.status = any($1::text[]) group by ra.agency_id`,
    [PUBLIC_STATUSES],
  );
  return new Map(rows.map((r) => [Number(r.agency_id), r.n]));
}
