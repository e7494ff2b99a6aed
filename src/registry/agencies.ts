/**
 * Agencies that sponsor registry records: department -> bureau -> office. Departments and bureaus
 * come from the .gov registry files (agencies-and-subs.csv, or current-federal.csv read by the
 * membership feature's parser); offices are added by reviewers. A member belongs to the agency
 * their address's .gov domain is registered to (membership's registryView).
 */
import type pg from 'pg';
import { parse as parseCsv } from 'csv-parse/sync';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { compareWords } from '../platform/text.ts';
import { parseAddress, registryCandidates, registryView } from '../membership/index.ts';

export type AgencyLevel = 'department' | 'bureau' | 'office';
export const CHILD_LEVEL: Record<AgencyLevel, AgencyLevel | undefined> = { department: 'bureau', bureau: 'office', office: undefined };

export interface Agency {
  id: number;
  name: string;
  parentId: number | null;
  level: AgencyLevel;
  slug: string;
  /** "Department of Agriculture › Forest Service" */
  path: string;
}

interface AgencyRow {
  id: number;
  name: string;
  parent_id: number | null;
  level: AgencyLevel;
  slug: string;
}

/** Every agency, each with its full path, sorted by path. */
export async function listAgencies(db: Queryable): Promise<Agency[]> {
  const { rows } = await db.query<AgencyRow>('select id, name, parent_id, level, slug from registry_agencies');
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const pathOf = (r: AgencyRow): string => {
    const parts = [r.name];
    let p = r.parent_id === null ? undefined : byId.get(Number(r.parent_id));
    while (p) {
      parts.unshift(p.name);
      p = p.parent_id === null ? undefined : byId.get(Number(p.parent_id));
    }
    return parts.join(' › ');
  };
  return rows
    .map((r) => ({
      id: Number(r.id),
      name: r.name,
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      level: r.level,
      slug: r.slug,
      path: pathOf(r),
    }))
    .sort((a, b) => compareWords(a.path, b.path));
}

/** The agency and everything under it. */
export function withDescendants(all: Agency[], ids: Iterable<number>): Set<number> {
  const out = new Set<number>(ids);
  for (let grew = true; grew;) {
    grew = false;
    for (const a of all) {
      if (a.parentId !== null && out.has(a.parentId) && !out.has(a.id)) {
        out.add(a.id);
        grew = true;
      }
    }
  }
  return out;
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'agency'
  );
}

/** One department and, optionally, one bureau under it, as the .gov files give them. */
export interface AgencyPair {
  line: number;
  department: string;
  bureau?: string;
}

export interface AgencyFileProblem {
  line: number;
  message: string;
}

/**
 * Read agencies-and-subs.csv (header "Agency,Bureau"). current-federal.csv is read with the
 * membership feature's parseRegistryFile and turned into pairs by `pairsFromFederalRows`.
 */
export function parseAgenciesFile(text: string): { ok: true; pairs: AgencyPair[] } | { ok: false; problems: AgencyFileProblem[] } {
  let records: string[][];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { ok: false, problems: [{ line: e.lines ?? 1, message: `the file is not valid CSV: ${e.message}. Save it as CSV (UTF-8) and try again.` }] };
  }
  const [header, ...rows] = records;
  if (!header || header[0]?.trim().toLowerCase() !== 'agency' || header[1]?.trim().toLowerCase() !== 'bureau') {
    return {
      ok: false,
      problems: [{ line: 1, message: 'the first line must be the header "Agency,Bureau", as in agencies-and-subs.csv from cisagov/dotgov-data.' }],
    };
  }
  const problems: AgencyFileProblem[] = [];
  const pairs: AgencyPair[] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const department = (r[0] ?? '').trim();
    const bureau = (r[1] ?? '').trim();
    if (r.length > 2 && r.slice(2).some((v) => v.trim()))
      problems.push({ line, message: `the line has ${r.length} values; expected 2 (Agency, Bureau). Put a name with a comma in double quotes.` });
    else if (!department) problems.push({ line, message: 'the Agency value is empty; every line needs an agency.' });
    else pairs.push(bureau ? { line, department, bureau } : { line, department });
  });
  return problems.length ? { ok: false, problems } : { ok: true, pairs };
}

export function pairsFromFederalRows(rows: Array<{ line: number; organization?: string; suborganization?: string }>): AgencyPair[] {
  return rows
    .filter((r) => r.organization)
    .map((r) => (r.suborganization ? { line: r.line, department: r.organization!, bureau: r.suborganization } : { line: r.line, department: r.organization! }));
}

export interface AgencyImportResult {
  departmentsAdded: number;
  bureausAdded: number;
  unchanged: number;
}

/** Add the departments and bureaus not yet known (matched by name, ignoring case). Never removes: records may point at them. */
export async function importAgencies(
  pool: pg.Pool,
  pairs: AgencyPair[],
  opts: { actor: Actor; dryRun?: boolean; progress?: (done: number, total: number) => void },
): Promise<AgencyImportResult> {
  const work = async (db: Queryable): Promise<AgencyImportResult> => {
    const existing = await listAgencies(db);
    const slugs = new Set(existing.map((a) => a.slug));
    const departments = new Map(existing.filter((a) => a.level === 'department').map((a) => [a.name.toLowerCase(), a.id]));
    const bureaus = new Set(existing.filter((a) => a.level === 'bureau').map((a) => `${a.parentId}:${a.name.toLowerCase()}`));
    const result: AgencyImportResult = { departmentsAdded: 0, bureausAdded: 0, unchanged: 0 };
    const uniqueSlug = (name: string) => {
      const base = slugify(name);
      let s = base;
      for (let n = 2; slugs.has(s); n++) s = `${base}-${n}`;
      slugs.add(s);
      return s;
    };
    let fakeId = -1;
    const added: Array<{ name: string; level: AgencyLevel; parent?: string }> = [];
    for (const [i, pair] of pairs.entries()) {
      let deptId = departments.get(pair.department.toLowerCase());
      if (deptId === undefined) {
        if (opts.dryRun) deptId = fakeId--;
        else {
          const r = await db.query<{ id: number }>(`insert into registry_agencies (name, level, slug) values ($1, 'department', $2) returning id`, [
            pair.department,
            uniqueSlug(pair.department),
          ]);
          deptId = Number(r.rows[0]!.id);
        }
        departments.set(pair.department.toLowerCase(), deptId);
        result.departmentsAdded++;
        added.push({ name: pair.department, level: 'department' });
      } else if (!pair.bureau) result.unchanged++;
      if (pair.bureau && pair.bureau.toLowerCase() !== pair.department.toLowerCase()) {
        const k = `${deptId}:${pair.bureau.toLowerCase()}`;
        if (bureaus.has(k)) result.unchanged++;
        else {
          if (!opts.dryRun) {
            await db.query(`insert into registry_agencies (name, parent_id, level, slug) values ($1, $2, 'bureau', $3)`, [
              pair.bureau,
              deptId,
              uniqueSlug(`${pair.bureau}`),
            ]);
          }
          bureaus.add(k);
          result.bureausAdded++;
          added.push({ name: pair.bureau, level: 'bureau', parent: pair.department });
        }
      }
      if ((i + 1) % 100 === 0 || i + 1 === pairs.length) opts.progress?.(i + 1, pairs.length);
    }
    if (!opts.dryRun && added.length) {
      await recordAudit(db, opts.actor, { action: 'registry.agencies.import', subjectType: 'registry-agencies', subjectId: 'import', after: { added } });
    }
    return result;
  };
  return opts.dryRun ? work(pool) : inTransaction(pool, work);
}

export class AgencyError extends Error {
  readonly code = 'AGENCY_INVALID';
}

/** Add one agency (usually an office under a bureau). */
export async function addAgency(db: Queryable, actor: Actor, p: { name: string; parentId: number | null }): Promise<Agency> {
  const name = p.name.trim();
  if (!name || name.length > 300) throw new AgencyError('Enter the agency’s name (at most 300 characters).');
  const all = await listAgencies(db);
  const parent = p.parentId === null ? undefined : all.find((a) => a.id === p.parentId);
  if (p.parentId !== null && !parent) throw new AgencyError('The parent agency does not exist; choose one from the list.');
  const level: AgencyLevel | undefined = parent ? CHILD_LEVEL[parent.level] : 'department';
  if (!level) throw new AgencyError(`${parent!.name} is an office; an office can’t have agencies under it. Choose its bureau instead.`);
  if (all.some((a) => a.parentId === p.parentId && a.name.toLowerCase() === name.toLowerCase())) {
    throw new AgencyError(`${name} is already listed${parent ? ` under ${parent.name}` : ''}.`);
  }
  const slugs = new Set(all.map((a) => a.slug));
  let slug = slugify(name);
  for (let n = 2; slugs.has(slug); n++) slug = `${slugify(name)}-${n}`;
  const r = await db.query<{ id: number }>('insert into registry_agencies (name, parent_id, level, slug) values ($1, $2, $3, $4) returning id', [
    name,
    p.parentId,
    level,
    slug,
  ]);
  const id = Number(r.rows[0]!.id);
  await recordAudit(db, actor, {
    action: 'registry.agency.add',
    subjectType: 'registry-agency',
    subjectId: String(id),
    after: { name, parentId: p.parentId, level, slug },
  });
  return { id, name, parentId: p.parentId, level, slug, path: parent ? `${parent.path} › ${name}` : name };
}

/**
 * The agency a member's address belongs to: the bureau its .gov domain is registered to when
 * the registry names one, otherwise the department. Undefined when the registry doesn't know.
 */
export async function memberHomeAgency(db: Queryable, email: string, all: Agency[]): Promise<number | undefined> {
  const parsed = parseAddress(email);
  if (!parsed.ok) return undefined;
  const view = await registryView(db, email);
  for (const candidate of registryCandidates(parsed.domain)) {
    const entry = view.find(candidate);
    if (!entry?.agency) continue;
    const dept = all.find((a) => a.level === 'department' && a.name.toLowerCase() === entry.agency!.toLowerCase());
    if (!dept) return undefined;
    const bureau = entry.bureau ? all.find((a) => a.parentId === dept.id && a.name.toLowerCase() === entry.bureau!.toLowerCase()) : undefined;
    return (bureau ?? dept).id;
  }
  return undefined;
}

/** A person of agency `home` counts as a member of `sponsor` when one lies within the other (a bureau's staff belong to its department). */
export function belongsTo(all: Agency[], home: number | undefined, sponsor: number): boolean {
  if (home === undefined) return false;
  return withDescendants(all, [home]).has(sponsor) || withDescendants(all, [sponsor]).has(home);
}
