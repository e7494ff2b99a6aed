/**
 * The .gov registry, as CISA publishes it (github.com/cisagov/dotgov-data): read its CSV files,
 * import them (replacing the previous import), and look up a domain and its parents for the
 * eligibility engine. Reading reports every problem with its line and column and changes nothing.
 */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { normaliseDomain, parseAddress } from './address.ts';
import { KNOWN_DOMAIN_TYPES, levelOf, registryCandidates, type RegistryEntry, type RegistryView } from './eligibility.ts';

/** The header of current-full.csv and current-federal.csv. */
export const REGISTRY_COLUMNS = ['Domain name', 'Domain type', 'Organization name', 'Suborganization name', 'City', 'State', 'Security contact email'] as const;

/**
 * full: current-full.csv, every registered domain. federal: current-federal.csv, the federal
 * ones only (told apart by content, so renamed copies work: a file whose every domain type is
 * federal is the federal file).
 */
export type RegistryFileKind = 'full' | 'federal';

export interface RegistryRow {
  line: number;
  domain: string;
  domainType: string;
  organization?: string;
  suborganization?: string;
  city?: string;
  state?: string;
}

export interface RegistryProblem {
  line: number;
  /** 1-based column number, when the problem is in one value. */
  column?: number;
  message: string;
}

export type RegistryFileResult =
  | { ok: true; kind: RegistryFileKind; rows: RegistryRow[]; warnings: RegistryProblem[] }
  | { ok: false; errors: RegistryProblem[]; warnings: RegistryProblem[] };

/** "file:12: error: column 1 (Domain name): ..." */
export function formatRegistryProblems(file: string, problems: RegistryProblem[], kind: 'error' | 'warning'): string[] {
  return problems.map((p) => {
    const column = p.column ? ` column ${p.column}${REGISTRY_COLUMNS[p.column - 1] ? ` (${REGISTRY_COLUMNS[p.column - 1]})` : ''}:` : '';
    return `${file}:${p.line}: ${kind}:${column} ${p.message}`;
  });
}

interface CsvRecord {
  line: number;
  values: string[];
}

/**
 * RFC 4180 CSV: comma-separated; double-quoted values may hold commas and "". Records end in
 * CRLF or LF; blank lines are skipped. A line break inside quotes is refused: the registry has
 * none, and so a missing closing quote is reported on its own line instead of many lines later.
 * Stops at the first malformed quote, because after one the rest can't be read reliably.
 */
function readCsv(text: string, problems: RegistryProblem[]): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const values: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n || text[i] === '\n' || text[i] === '\r') {
            problems.push({
              line,
              column: values.length + 1,
              message: 'a value starts with a double quote (") that is not closed on the same line. Close it, or remove it.',
            });
            return records;
          }
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          value += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          problems.push({
            line,
            column: values.length + 1,
            message: 'there is text after the closing double quote ("). Put the whole value inside the quotes.',
          });
          return records;
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') {
            problems.push({
              line,
              column: values.length + 1,
              message: 'a double quote (") in the middle of a value. Put the whole value in double quotes and write the quote as "".',
            });
            return records;
          }
          value += text[i];
          i++;
        }
      }
      values.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (!(values.length === 1 && values[0] === '')) records.push({ line: line - 1, values });
  }
  return records;
}

/** UTF-8 text, or the line and column of the first byte that is not UTF-8. */
function decode(input: string | Uint8Array, problems: RegistryProblem[]): string | undefined {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input).replace(/^\uFEFF/, '');
  } catch {
    const text = new TextDecoder('utf-8').decode(input);
    const at = text.indexOf('\uFFFD');
    const before = text.slice(0, at).split('\n');
    problems.push({
      line: before.length,
      message: `character ${before[before.length - 1]!.length + 1} is not UTF-8 text. Save the file as UTF-8 (CSV UTF-8) and try again.`,
    });
    return undefined;
  }
}

function optional(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && v !== '(blank)' ? v : undefined;
}

/** Read one registry CSV file (current-full.csv or current-federal.csv). */
export function parseRegistryFile(input: string | Uint8Array): RegistryFileResult {
  const errors: RegistryProblem[] = [];
  const warnings: RegistryProblem[] = [];
  const text = decode(input, errors);
  if (text === undefined) return { ok: false, errors, warnings };
  const records = readCsv(text, errors);
  const [header, ...data] = records;
  if (!header) {
    errors.push({ line: 1, message: `the file is empty. Expected the header line: ${REGISTRY_COLUMNS.join(',')}` });
    return { ok: false, errors, warnings };
  }
  const expected = REGISTRY_COLUMNS.join(',');
  if (header.values.map((v) => v.trim()).join(',') !== expected) {
    const at = REGISTRY_COLUMNS.findIndex((name, i) => header.values[i]?.trim() !== name);
    const found = at === -1 ? `more than ${REGISTRY_COLUMNS.length} columns` : `"${header.values[at]?.trim() ?? ''}" where "${REGISTRY_COLUMNS[at]}" should be`;
    errors.push({
      line: header.line,
      column: (at === -1 ? REGISTRY_COLUMNS.length : at) + 1,
      message: `the header has ${found}. This does not look like a .gov registry file (current-full.csv or current-federal.csv from cisagov/dotgov-data); its first line must be: ${expected}`,
    });
    return { ok: false, errors, warnings };
  }
  if (!data.length && !errors.length) errors.push({ line: header.line + 1, message: 'the file has no domains after the header line.' });
  const rows: RegistryRow[] = [];
  const seen = new Map<string, number>();
  const unknownTypes = new Set<string>();
  for (const r of data) {
    if (r.values.length !== REGISTRY_COLUMNS.length) {
      errors.push({
        line: r.line,
        column: Math.min(r.values.length, REGISTRY_COLUMNS.length + 1),
        message: `the line has ${r.values.length} values; expected ${REGISTRY_COLUMNS.length}. A value with a comma in it must be in double quotes.`,
      });
      continue;
    }
    const [rawDomain, rawType, organization, suborganization, city, state] = r.values as [string, string, string, string, string, string];
    const domain = normaliseDomain(rawDomain.trim());
    if (!domain.ok) {
      errors.push({ line: r.line, column: 1, message: `"${rawDomain}" is not a domain name: ${domain.message}` });
      continue;
    }
    if (!domain.domain.endsWith('.gov')) {
      errors.push({ line: r.line, column: 1, message: `"${rawDomain}" is not a .gov domain; the registry lists only .gov domains.` });
      continue;
    }
    const earlier = seen.get(domain.domain);
    if (earlier) {
      errors.push({ line: r.line, column: 1, message: `${domain.domain} is listed twice (also on line ${earlier}). Keep one of the two lines.` });
      continue;
    }
    seen.set(domain.domain, r.line);
    const domainType = rawType.trim().replace(/\s+/g, ' ');
    if (!domainType) {
      errors.push({
        line: r.line,
        column: 2,
        message: `the domain type for ${domain.domain} is empty; it must be one such as "Federal - Executive", "City" or "County".`,
      });
      continue;
    }
    if (!KNOWN_DOMAIN_TYPES.some((t) => t.toLowerCase() === domainType.toLowerCase()) && !unknownTypes.has(domainType)) {
      unknownTypes.add(domainType);
      warnings.push({
        line: r.line,
        column: 2,
        message: `"${domainType}" is a domain type socialgov doesn't know; its domains count as level "${levelOf(domainType)}".`,
      });
    }
    const row: RegistryRow = { line: r.line, domain: domain.domain, domainType };
    const put = <K extends keyof RegistryRow>(k: K, v: RegistryRow[K] | undefined) => {
      if (v !== undefined) row[k] = v;
    };
    put('organization', optional(organization));
    put('suborganization', optional(suborganization));
    put('city', optional(city));
    put('state', optional(state)?.toUpperCase());
    rows.push(row);
  }
  if (errors.length) return { ok: false, errors, warnings };
  const kind: RegistryFileKind = rows.every((r) => levelOf(r.domainType) === 'federal') ? 'federal' : 'full';
  return { ok: true, kind, rows, warnings };
}

/** One domain as stored: the registry entry plus where it is. */
export interface RegistryRecord extends RegistryEntry {
  city?: string;
}

export interface RegistryImport {
  /** Every domain to store, by domain. */
  records: Map<string, RegistryRecord>;
  /** The import includes the full registry: domains not in it are removed, and missing .gov domains count as unregistered. */
  full: boolean;
  files: Array<{ file: string; kind: RegistryFileKind; domains: number }>;
}

/**
 * Combine the files of one import. The full file gives every domain and its type; the federal
 * file's Organization name is the agency and its Suborganization name the bureau.
 */
export function combineRegistryFiles(files: Array<{ file: string; kind: RegistryFileKind; rows: RegistryRow[] }>): RegistryImport {
  const records = new Map<string, RegistryRecord>();
  const ordered = [...files.filter((f) => f.kind === 'full'), ...files.filter((f) => f.kind === 'federal')];
  for (const f of ordered) {
    for (const r of f.rows) {
      const before = records.get(r.domain);
      const record: RegistryRecord = { domain: r.domain, domainType: before?.domainType ?? r.domainType };
      const put = <K extends keyof RegistryRecord>(k: K, v: RegistryRecord[K] | undefined) => {
        if (v !== undefined) record[k] = v;
      };
      put('agency', r.organization);
      put('bureau', r.suborganization);
      put('city', r.city ?? before?.city);
      put('state', r.state ?? before?.state);
      records.set(r.domain, record);
    }
  }
  return { records, full: files.some((f) => f.kind === 'full'), files: files.map((f) => ({ file: f.file, kind: f.kind, domains: f.rows.length })) };
}

export interface RegistryImportResult {
  /** Domains stored after the import. */
  total: number;
  added: number;
  changed: number;
  unchanged: number;
  removed: number;
  removedDomains: string[];
  /** Absent on a dry run. */
  importId?: number;
}

export interface ImportOptions {
  actor: Actor;
  /** Work out and report the changes without making them. */
  dryRun?: boolean;
  /** Called after each batch is written: rows written so far, and rows to write. */
  progress?: (written: number, toWrite: number) => void;
  /** Rows per INSERT (default 1000); 6 parameters each, well under PostgreSQL's limit of 65,535. */
  batchSize?: number;
}

interface DomainRow {
  domain: string;
  domain_type: string;
  agency: string | null;
  bureau: string | null;
  city: string | null;
  state: string | null;
}

function toRow(r: RegistryRecord): DomainRow {
  return { domain: r.domain, domain_type: r.domainType, agency: r.agency ?? null, bureau: r.bureau ?? null, city: r.city ?? null, state: r.state ?? null };
}

const FIELDS = ['domain_type', 'agency', 'bureau', 'city', 'state'] as const;

interface Plan {
  write: DomainRow[];
  remove: string[];
  /** Domains already stored whose details change. */
  changed: string[];
  added: number;
  unchanged: number;
  total: number;
}

/** Compare the import with what is stored. A federal-only import replaces only federal domains. */
function plan(existing: DomainRow[], incoming: RegistryImport): Plan {
  const current = new Map(existing.map((r) => [r.domain, r]));
  const write: DomainRow[] = [];
  const changed: string[] = [];
  let added = 0;
  let unchanged = 0;
  for (const record of incoming.records.values()) {
    const row = toRow(record);
    const before = current.get(row.domain);
    if (!before) added++;
    else if (FIELDS.every((f) => before[f] === row[f])) {
      unchanged++;
      continue;
    } else changed.push(row.domain);
    write.push(row);
  }
  const remove = existing
    .filter((r) => !incoming.records.has(r.domain) && (incoming.full || levelOf(r.domain_type) === 'federal'))
    .map((r) => r.domain)
    .sort();
  return { write, remove, changed, added, unchanged, total: existing.length + added - remove.length };
}

/**
 * Import the registry in one transaction: add new domains, update changed ones, remove the ones
 * the new files no longer list, record the import and audit it. On any error nothing changes.
 */
export async function importRegistry(pool: pg.Pool, incoming: RegistryImport, opts: ImportOptions): Promise<RegistryImportResult> {
  const result = (p: Plan, importId?: number): RegistryImportResult => ({
    total: p.total,
    added: p.added,
    changed: p.changed.length,
    unchanged: p.unchanged,
    removed: p.remove.length,
    removedDomains: p.remove,
    ...(importId === undefined ? {} : { importId }),
  });
  if (opts.dryRun) {
    const { rows } = await pool.query<DomainRow>('select domain, domain_type, agency, bureau, city, state from gov_domains');
    return result(plan(rows, incoming));
  }
  return inTransaction(pool, async (tx) => {
    // One import at a time; lookups (plain reads) carry on meanwhile and see the old registry until commit.
    await tx.query('lock table gov_domains in share row exclusive mode');
    const { rows } = await tx.query<DomainRow>('select domain, domain_type, agency, bureau, city, state from gov_domains');
    const p = plan(rows, incoming);
    const imported = await tx.query<{ id: number }>(
      `insert into gov_registry_imports (actor, includes_full, files, total, added, changed, removed)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [opts.actor.name, incoming.full, JSON.stringify(incoming.files), p.total, p.added, p.changed.length, p.remove.length],
    );
    const importId = Number(imported.rows[0]!.id);
    const size = opts.batchSize ?? 1000;
    for (let start = 0; start < p.write.length; start += size) {
      const batch = p.write.slice(start, start + size);
      const params: unknown[] = [];
      const tuples = batch.map((r) => {
        params.push(r.domain, r.domain_type, r.agency, r.bureau, r.city, r.state);
        const k = params.length;
        return `($${k - 5}, $${k - 4}, $${k - 3}, $${k - 2}, $${k - 1}, $${k}, $${batch.length * 6 + 1})`;
      });
      params.push(importId);
      await tx.query(
        `insert into gov_domains (domain, domain_type, agency, bureau, city, state, import_id)
         values ${tuples.join(', ')}
         on conflict (domain) do update set domain_type = excluded.domain_type, agency = excluded.agency, bureau = excluded.bureau,
           city = excluded.city, state = excluded.state, import_id = excluded.import_id, updated_at = now()`,
        params,
      );
      opts.progress?.(start + batch.length, p.write.length);
    }
    if (p.remove.length) await tx.query('delete from gov_domains where domain = any($1::text[])', [p.remove]);
    const r = result(p, importId);
    await recordAudit(tx, opts.actor, {
      action: 'gov-registry.import',
      subjectType: 'gov-registry',
      subjectId: String(importId),
      after: {
        files: incoming.files,
        full: incoming.full,
        total: r.total,
        added: r.added,
        changed: r.changed,
        unchanged: r.unchanged,
        removedDomains: r.removedDomains,
        changedDomains: p.changed,
      },
    });
    return r;
  });
}

/**
 * The registry as the engine needs it for one domain (or address): its own row and its parents'
 * are fetched up front, so the engine stays synchronous. Asking it about another domain is a bug.
 */
export async function registryView(db: Queryable, domain: string): Promise<RegistryView> {
  let name: string | undefined;
  if (domain.includes('@')) {
    const parsed = parseAddress(domain);
    name = parsed.ok ? parsed.domain : undefined;
  } else {
    const parsed = normaliseDomain(domain.trim());
    name = parsed.ok ? parsed.domain : undefined;
  }
  const candidates = name ? registryCandidates(name) : [];
  const loaded = await db.query<{ loaded: boolean }>('select exists (select 1 from gov_registry_imports where includes_full) as loaded');
  const found = new Map<string, RegistryEntry>();
  if (candidates.length) {
    const { rows } = await db.query<DomainRow>('select domain, domain_type, agency, bureau, city, state from gov_domains where domain = any($1::text[])', [
      candidates,
    ]);
    for (const r of rows) {
      const entry: RegistryEntry = { domain: r.domain, domainType: r.domain_type };
      if (r.agency) entry.agency = r.agency;
      if (r.bureau) entry.bureau = r.bureau;
      if (r.state) entry.state = r.state;
      found.set(r.domain, entry);
    }
  }
  return {
    loaded: loaded.rows[0]!.loaded,
    find(d: string) {
      if (!candidates.includes(d)) throw new Error(`registryView was fetched for ${name ?? domain}; it can't answer for ${d}.`);
      return found.get(d);
    },
  };
}

/** What the registry says about a domain, for filling in a person's agency (the join form's lookup). */
export interface DomainAgency {
  /** The domain asked about, normalized. */
  domain: string;
  /** The registered domain that answered: the domain itself or the nearest parent in the registry. */
  registered: string;
  domainType: string;
  agency: string | null;
  bureau: string | null;
}

/**
 * The registry's answer for a domain or its nearest registered parent (fs.usda.gov, then
 * usda.gov), or undefined when it is not a .gov domain the registry knows.
 */
export async function agencyOfDomain(db: Queryable, domain: string): Promise<DomainAgency | undefined> {
  const parsed = normaliseDomain(domain.trim());
  if (!parsed.ok) return undefined;
  const candidates = registryCandidates(parsed.domain);
  if (!candidates.length) return undefined;
  const { rows } = await db.query<DomainRow>('select domain, domain_type, agency, bureau, city, state from gov_domains where domain = any($1::text[])', [
    candidates,
  ]);
  const nearest = candidates.map((c) => rows.find((r) => r.domain === c)).find(Boolean);
  if (!nearest) return undefined;
  return { domain: parsed.domain, registered: nearest.domain, domainType: nearest.domain_type, agency: nearest.agency ?? null, bureau: nearest.bureau ?? null };
}
