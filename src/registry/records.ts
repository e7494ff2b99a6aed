/** Registry records (accounts, mobile apps, websites) as the rest of the feature reads them. */
import type { Queryable } from '../platform/db/queryable.ts';

export type RecordKind = 'account' | 'app' | 'website';
export const RECORD_KINDS: RecordKind[] = ['account', 'app', 'website'];
export type RecordStatus = 'draft' | 'submitted' | 'published' | 'archive-requested' | 'archived';
export const RECORD_STATUSES: RecordStatus[] = ['draft', 'submitted', 'published', 'archive-requested', 'archived'];

export const KIND_WORDS: Record<RecordKind, string> = { account: 'social-media account', app: 'mobile app', website: 'website' };
export const STATUS_WORDS: Record<RecordStatus, string> = {
  draft: 'Draft',
  submitted: 'Waiting for review',
  published: 'Published',
  'archive-requested': 'Archive requested',
  archived: 'Archived',
};

export interface AppStoreLink {
  /** apple, google, amazon, microsoft, other */
  store: string;
  url: string;
}

export interface AppVersion {
  platform: string;
  version: string;
  released?: string;
}

export interface RecordAgency {
  id: number;
  name: string;
  slug: string;
}

export interface RecordContact {
  memberId: number;
  email: string;
  name: string | null;
}

export interface RegistryRecord {
  id: number;
  kind: RecordKind;
  status: RecordStatus;
  name: string;
  platformKey: string | null;
  platformName: string | null;
  account: string | null;
  accountKey: string | null;
  platformUserId: string | null;
  url: string | null;
  domain: string | null;
  appStores: AppStoreLink[];
  appVersions: AppVersion[];
  language: string;
  shortDescription: string;
  longDescription: string;
  categoryTags: string[];
  geoTags: string[];
  agencies: RecordAgency[];
  contacts: RecordContact[];
  rejectionReason: string | null;
  archiveReason: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  publishedAt: Date | null;
  archivedAt: Date | null;
  lastReviewedAt: Date | null;
  reviewDueAt: Date | null;
}

export interface RecordRow {
  id: number;
  kind: RecordKind;
  status: RecordStatus;
  name: string;
  platform_key: string | null;
  platform_name: string | null;
  account: string | null;
  account_key: string | null;
  platform_user_id: string | null;
  url: string | null;
  domain: string | null;
  app_stores: AppStoreLink[];
  app_versions: AppVersion[];
  language: string;
  short_description: string;
  long_description: string;
  category_tags: string[];
  geo_tags: string[];
  agencies: RecordAgency[] | null;
  contacts: RecordContact[] | null;
  rejection_reason: string | null;
  archive_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  published_at: Date | null;
  archived_at: Date | null;
  last_reviewed_at: Date | null;
  review_due_at: Date | null;
}

/** A select that reads whole records (with agencies and contacts) from `registry_records r`; `extra` adds columns. */
export function recordSelect(extra = ''): string {
  return `
  select r.*,${extra ? ` ${extra},` : ''} p.name as platform_name,
    (select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'slug', a.slug) order by a.name), '[]')
       from registry_record_agencies ra join registry_agencies a on a.id = ra.agency_id where ra.record_id = r.id) as agencies,
    (select coalesce(json_agg(json_build_object('memberId', m.id, 'email', m.email, 'name', m.name) order by m.email), '[]')
       from registry_record_contacts rc join members m on m.id = rc.member_id where rc.record_id = r.id) as contacts
  from registry_records r left join registry_platforms p on p.key = r.platform_key`;
}

export const RECORD_SELECT = recordSelect();

export function toRecord(r: RecordRow): RegistryRecord {
  return {
    id: Number(r.id),
    kind: r.kind,
    status: r.status,
    name: r.name,
    platformKey: r.platform_key,
    platformName: r.platform_name,
    account: r.account,
    accountKey: r.account_key,
    platformUserId: r.platform_user_id,
    url: r.url,
    domain: r.domain,
    appStores: r.app_stores,
    appVersions: r.app_versions,
    language: r.language,
    shortDescription: r.short_description,
    longDescription: r.long_description,
    categoryTags: r.category_tags,
    geoTags: r.geo_tags,
    agencies: (r.agencies ?? []).map((a) => ({ ...a, id: Number(a.id) })),
    contacts: (r.contacts ?? []).map((c) => ({ ...c, memberId: Number(c.memberId) })),
    rejectionReason: r.rejection_reason,
    archiveReason: r.archive_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    publishedAt: r.published_at,
    archivedAt: r.archived_at,
    lastReviewedAt: r.last_reviewed_at,
    reviewDueAt: r.review_due_at,
  };
}

export async function getRecord(db: Queryable, id: number): Promise<RegistryRecord | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const { rows } = await db.query<RecordRow>(`${RECORD_SELECT} where r.id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The change history of one record, oldest first, from the audit log. */
export interface HistoryEntry {
  at: Date;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}

export async function recordHistory(db: Queryable, id: number): Promise<HistoryEntry[]> {
  const { rows } = await db.query<HistoryEntry>(
    `select at, actor, action, before, after from audit_log where subject_type = 'registry-record' and subject_id = $1 order by at, id`,
    [String(id)],
  );
  return rows;
}
