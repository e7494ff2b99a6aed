/** Optional API keys for the registry API: a name, a per-minute limit, stored only as a SHA-256 hash. */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { hashToken, newToken } from '../platform/tokens.ts';

export interface ApiKeyInfo {
  id: number;
  name: string;
  perMinute: number;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Create a key; the raw key is returned once and never stored. */
export async function createApiKey(db: Queryable, actor: Actor, p: { name: string; perMinute: number }): Promise<{ id: number; key: string }> {
  const token = newToken();
  const { rows } = await db.query<{ id: number }>(
    'insert into registry_api_keys (name, key_hash, per_minute, created_by) values ($1, $2, $3, $4) returning id',
    [p.name, token.hash, p.perMinute, actor.name],
  );
  const id = Number(rows[0]!.id);
  await recordAudit(db, actor, {
    action: 'registry.api-key.create',
    subjectType: 'registry-api-key',
    subjectId: String(id),
    after: { name: p.name, perMinute: p.perMinute },
  });
  return { id, key: token.raw };
}

export async function revokeApiKey(db: Queryable, actor: Actor, id: number): Promise<boolean> {
  const r = await db.query('update registry_api_keys set revoked_at = now() where id = $1 and revoked_at is null', [id]);
  if (r.rowCount) await recordAudit(db, actor, { action: 'registry.api-key.revoke', subjectType: 'registry-api-key', subjectId: String(id) });
  return Boolean(r.rowCount);
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<{ id: number; name: string; per_minute: number; created_at: Date; revoked_at: Date | null }>(
    'select id, name, per_minute, created_at, revoked_at from registry_api_keys order by id',
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, perMinute: r.per_minute, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Key lookups for the API, kept for a minute per process so a keyed request costs no query; a revoked key stops working within a minute. */
export class ApiKeyCache {
  private readonly entries = new Map<string, { value: { id: number; perMinute: number } | undefined; at: number }>();
  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 60_000,
  ) {}

  async find(raw: string): Promise<{ id: number; perMinute: number } | undefined> {
    if (raw.length > 200) return undefined;
    const hash = hashToken(raw);
    const hit = this.entries.get(hash);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const { rows } = await this.db.query<{ id: number; per_minute: number }>(
      'select id, per_minute from registry_api_keys where key_hash = $1 and revoked_at is null',
      [hash],
    );
    const value = rows[0] ? { id: Number(rows[0].id), perMinute: rows[0].per_minute } : undefined;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(hash, { value, at: Date.now() });
    return value;
  }
}
