/**
 * The platform rows: the built-in ones are inserted once when missing (an operator's later edits
 * stand), reviewers add or change others without a deploy. Web processes keep the list for a
 * few seconds, so a change reaches every process within PLATFORM_CACHE_MS.
 */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { BUILTIN_PLATFORMS } from './builtin-platforms.ts';
import { checkPlatform, type Platform, type PlatformProblem, type PlatformRule } from './platforms.ts';

export const PLATFORM_CACHE_MS = 10_000;

interface PlatformRow {
  key: string;
  name: string;
  hosts: string[];
  rules: PlatformRule[];
  active: boolean;
  builtin: boolean;
  sort: number;
}

export async function ensureBuiltinPlatforms(db: Queryable): Promise<void> {
  const params: unknown[] = [];
  const tuples = BUILTIN_PLATFORMS.map((p) => {
    params.push(p.key, p.name, p.hosts, JSON.stringify(p.rules), p.sort);
    const k = params.length;
    return `($${k - 4}, $${k - 3}, $${k - 2}, $${k - 1}::jsonb, true, true, $${k})`;
  });
  await db.query(
    `insert into registry_platforms (key, name, hosts, rules, active, builtin, sort) values ${tuples.join(', ')} on conflict (key) do nothing`,
    params,
  );
}

/** Databases (pools) whose built-in platforms were checked by this process: once is enough. */
const ensured = new WeakMap<object, Promise<void>>();

export async function listPlatforms(db: Queryable): Promise<Platform[]> {
  let done = ensured.get(db);
  if (!done) {
    done = ensureBuiltinPlatforms(db);
    ensured.set(db, done);
    done.catch(() => ensured.delete(db));
  }
  await done;
  const { rows } = await db.query<PlatformRow>('select key, name, hosts, rules, active, builtin, sort from registry_platforms order by sort, key');
  return rows.map((r) => ({ key: r.key, name: r.name, hosts: r.hosts, rules: r.rules, active: r.active, builtin: r.builtin, sort: r.sort }));
}

/** The platform list for hot paths (verify), refreshed every PLATFORM_CACHE_MS. */
export class PlatformCache {
  private value: Platform[] | undefined;
  private loadedAt = 0;
  private loading: Promise<Platform[]> | undefined;
  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = PLATFORM_CACHE_MS,
  ) {}

  async get(): Promise<Platform[]> {
    if (this.value && Date.now() - this.loadedAt < this.ttlMs) return this.value;
    this.loading ??= listPlatforms(this.db)
      .then((v) => {
        this.value = v;
        this.loadedAt = Date.now();
        return v;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  invalidate(): void {
    this.value = undefined;
  }
}

export type SavePlatformResult = { ok: true; platform: Platform } | { ok: false; problems: PlatformProblem[] };

/** Add a platform, or change one (all fields but the key). */
export async function savePlatform(db: Queryable, actor: Actor, p: Omit<Platform, 'builtin'>): Promise<SavePlatformResult> {
  const problems = checkPlatform(p);
  if (problems.length) return { ok: false, problems };
  const before = (await listPlatforms(db)).find((x) => x.key === p.key);
  await db.query(
    `insert into registry_platforms (key, name, hosts, rules, active, sort) values ($1, $2, $3, $4::jsonb, $5, $6)
     on conflict (key) do update set name = excluded.name, hosts = excluded.hosts, rules = excluded.rules, active = excluded.active, sort = excluded.sort, updated_at = now()`,
    [p.key, p.name.trim(), p.hosts, JSON.stringify(p.rules), p.active, p.sort],
  );
  await recordAudit(db, actor, {
    action: before ? 'registry.platform.change' : 'registry.platform.add',
    subjectType: 'registry-platform',
    subjectId: p.key,
    before,
    after: p,
  });
  return { ok: true, platform: { ...p, builtin: before?.builtin ?? false } };
}
