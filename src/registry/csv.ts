/**
 * CSV export and import of registry records. The import reads the same columns the export
 * writes, checks every row as the web form does, and reports row by row; if any row has a
 * problem nothing is imported, so a file can be fixed and run again without duplicates.
 */
import type pg from 'pg';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Actor } from '../platform/audit.ts';
import { toCsv, undefuse } from '../platform/csv.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import type { FieldErrors } from '../web/forms.tsx';
import type { RegistryViewer } from './access.ts';
import { listAgencies, type Agency } from './agencies.ts';
import { listPlatforms } from './platform-store.ts';
import { checkRecordInput, emptyInput, splitList, type RecordInput } from './record-input.ts';
import { RECORD_KINDS, type AppStoreLink, type AppVersion, type RecordKind, type RecordStatus, type RegistryRecord } from './records.ts';
import { createRecord, type WorkflowDeps } from './workflow.ts';

export const CSV_COLUMNS = [
  'id',
  'kind',
  'status',
  'name',
  'platform',
  'account',
  'url',
  'platform_user_id',
  'domain',
  'app_stores',
  'app_versions',
  'agencies',
  'contacts',
  'language',
  'short_description',
  'long_description',
  'category_tags',
  'geo_tags',
  'published_at',
  'last_reviewed_at',
  'archived_at',
  'updated_at',
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/** Records as CSV. Contacts' addresses are members-only: pass `withContacts` only for reviewers and the CLI. */
export function recordsCsv(records: RegistryRecord[], opts: { withContacts: boolean }): string {
  const rows = records.map((r) => [
    r.id,
    r.kind,
    r.status,
    r.name,
    r.platformKey ?? '',
    r.account ?? '',
    r.url ?? '',
    r.platformUserId ?? '',
    r.domain ?? '',
    r.appStores.map((s) => `${s.store}=${s.url}`).join('; '),
    r.appVersions.map((v) => `${v.platform} ${v.version}${v.released ? ` ${v.released}` : ''}`).join('; '),
    r.agencies.map((a) => a.slug).join('; '),
    opts.withContacts ? r.contacts.map((c) => c.email).join('; ') : '',
    r.language,
    r.shortDescription,
    r.longDescription,
    r.categoryTags.join('; '),
    r.geoTags.join('; '),
    iso(r.publishedAt),
    iso(r.lastReviewedAt),
    iso(r.archivedAt),
    iso(r.updatedAt),
  ]);
  const columns = opts.withContacts ? [...CSV_COLUMNS] : CSV_COLUMNS.filter((c) => c !== 'contacts');
  const body = opts.withContacts ? rows : rows.map((r) => r.filter((_, i) => CSV_COLUMNS[i] !== 'contacts'));
  return toCsv(columns, body);
}

export interface ImportRow {
  line: number;
  name: string;
  outcome: 'new' | 'invalid';
  status: RecordStatus;
  problems: string[];
  input: RecordInput;
}

export class ImportFileError extends Error {
  readonly code = 'IMPORT_FILE_INVALID';
}

const IMPORT_STATUSES: RecordStatus[] = ['draft', 'submitted', 'published'];

function findAgency(all: Agency[], text: string): Agency | Agency[] | undefined {
  const t = text.trim().toLowerCase();
  const bySlugOrPath = all.find((a) => a.slug === t || a.path.toLowerCase() === t.replace(/\s*>\s*/g, ' › ') || String(a.id) === t);
  if (bySlugOrPath) return bySlugOrPath;
  const byName = all.filter((a) => a.name.toLowerCase() === t);
  return byName.length === 1 ? byName[0] : byName.length ? byName : undefined;
}

function parseStores(text: string, problems: string[]): AppStoreLink[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 1) {
        problems.push(`app_stores: "${part}" should be store=address, such as apple=https://apps.apple.com/us/app/id123.`);
        return { store: 'other', url: part };
      }
      return { store: part.slice(0, eq).trim().toLowerCase(), url: part.slice(eq + 1).trim() };
    });
}

function parseVersions(text: string, problems: string[]): AppVersion[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const [platform, version, released] = part.split(/\s+/);
      if (!platform || !version) problems.push(`app_versions: "${part}" should be "platform version [date]", such as "ios 2.4.1 2026-01-15".`);
      return released ? { platform: platform ?? '', version: version ?? '', released } : { platform: platform ?? '', version: version ?? '' };
    });
}

/** Read and check every row; nothing is written. */
export async function planImport(db: Queryable, text: string, opts: { defaultStatus?: RecordStatus } = {}): Promise<ImportRow[]> {
  let records: Array<Record<string, string>>;
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')),
      skip_empty_lines: true,
      relax_column_count: false,
      // Our own export's defused cells (a leading apostrophe before =, +, - or @) read back as typed.
      cast: (value: string) => undefuse(value),
    }) as Array<Record<string, string>>;
  } catch (err) {
    throw new ImportFileError(`The file is not valid CSV: ${(err as Error).message}. Save it as CSV (UTF-8), with the column names on the first line.`);
  }
  if (!records.length)
    throw new ImportFileError(
      `The file has no records. Its first line names the columns (at least name, url and agencies); see "socialgov registry export" for the format.`,
    );
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = Object.keys(records[0]!).filter((c) => !known.has(c));
  if (unknown.length)
    throw new ImportFileError(`Unknown column(s): ${unknown.join(', ')}. Use the columns of "socialgov registry export": ${CSV_COLUMNS.join(', ')}.`);
  const platforms = await listPlatforms(db);
  const agencies = await listAgencies(db);
  const seen = new Map<string, number>();
  const out: ImportRow[] = [];
  for (const [i, r] of records.entries()) {
    const line = i + 2;
    const problems: string[] = [];
    const kind = ((r.kind ?? '').trim().toLowerCase() || 'account') as RecordKind;
    if (!RECORD_KINDS.includes(kind)) problems.push(`kind: "${r.kind}" is not one of ${RECORD_KINDS.join(', ')}.`);
    const status = ((r.status ?? '').trim().toLowerCase() || opts.defaultStatus || 'submitted') as RecordStatus;
    if (!IMPORT_STATUSES.includes(status)) problems.push(`status: "${r.status}" can't be imported; use ${IMPORT_STATUSES.join(', ')} (or leave it empty).`);
    const input: RecordInput = { ...emptyInput(RECORD_KINDS.includes(kind) ? kind : 'account') };
    input.name = r.name ?? '';
    input.address = (kind === 'website' ? r.url || r.domain : r.url) ?? '';
    input.platformUserId = r.platform_user_id ?? '';
    input.language = (r.language ?? '').trim() || 'en';
    input.shortDescription = r.short_description ?? '';
    input.longDescription = r.long_description ?? '';
    input.categoryTags = splitList(r.category_tags ?? '');
    input.geoTags = splitList(r.geo_tags ?? '');
    input.contacts = splitList(r.contacts ?? '');
    input.appStores = parseStores(r.app_stores ?? '', problems);
    input.appVersions = parseVersions(r.app_versions ?? '', problems);
    for (const name of (r.agencies ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const a = findAgency(agencies, name);
      if (!a) problems.push(`agencies: "${name}" is not a known agency. Use its slug from "socialgov registry agencies list", or import the agencies first.`);
      else if (Array.isArray(a))
        problems.push(`agencies: "${name}" is the name of ${a.length} agencies (${a.map((x) => x.slug).join(', ')}); use one of these slugs.`);
      else input.agencyIds.push(a.id);
    }
    if (!problems.length) {
      const checked = await checkRecordInput(db, input, platforms, agencies);
      if (!checked.ok) problems.push(...Object.entries(checked.errors).map(([field, msg]) => `${columnOf(field)}: ${msg}`));
      else {
        const c = checked.record;
        const identity = c.kind === 'account' ? `${c.platformKey}:${c.accountKey}` : c.kind === 'website' ? `web:${c.domain}` : `app:${c.name.toLowerCase()}`;
        const earlier = seen.get(identity);
        if (earlier) problems.push(`this is the same ${c.kind} as line ${earlier}; keep one of the two lines.`);
        else seen.set(identity, line);
        const { rows } =
          c.kind === 'account'
            ? await db.query<{ id: number }>(
                `select id from registry_records where kind = 'account' and status <> 'archived' and platform_key = $1 and account_key = $2`,
                [c.platformKey, c.accountKey],
              )
            : c.kind === 'website'
              ? await db.query<{ id: number }>(`select id from registry_records where kind = 'website' and status <> 'archived' and domain = $1`, [c.domain])
              : { rows: [] };
        if (rows[0]) problems.push(`already in the registry as record ${rows[0].id}; remove this line (imports add new records only).`);
      }
    }
    out.push({ line, name: input.name || input.address, outcome: problems.length ? 'invalid' : 'new', status, problems, input });
  }
  return out;
}

const FIELD_COLUMNS: Record<string, string> = {
  address: 'url',
  platformUserId: 'platform_user_id',
  agencyIds: 'agencies',
  shortDescription: 'short_description',
  longDescription: 'long_description',
  categoryTags: 'category_tags',
  geoTags: 'geo_tags',
  appStores: 'app_stores',
  appVersions: 'app_versions',
};

function columnOf(field: string): string {
  return FIELD_COLUMNS[field] ?? field;
}

/** Store every row of a plan that has no problems. Refuses a plan with problems. */
export async function applyImport(
  pool: pg.Pool,
  deps: WorkflowDeps,
  actor: Actor,
  viewer: RegistryViewer,
  plan: ImportRow[],
  progress?: (done: number, total: number) => void,
): Promise<{ imported: number; ids: number[] }> {
  if (plan.some((r) => r.outcome === 'invalid')) throw new ImportFileError('The file has rows with problems; fix them first (nothing was imported).');
  const ids: number[] = [];
  for (const [i, row] of plan.entries()) {
    const saved = await createRecord(pool, deps, actor, viewer, row.input, { submit: row.status === 'submitted', status: row.status, notify: false });
    if (!saved.ok)
      throw new ImportFileError(
        `Line ${row.line} changed while importing: ${Object.values(saved.errors as FieldErrors).join(' ')} Records before it were imported; run the import again for the rest.`,
      );
    ids.push(saved.record.id);
    progress?.(i + 1, plan.length);
  }
  return { imported: ids.length, ids };
}
