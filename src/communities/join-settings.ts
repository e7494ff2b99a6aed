/**
 * Who may join a community (the levels of government, whether others may ask) and the guidelines
 * applicants accept: read by joining (membership) and the pages that need a community by slug,
 * changed by its coordinators. Kept apart from the store so that other features loading it do
 * not load member counts (membership), which would make the two features load each other.
 */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';

/** Who may join a community, and the guidelines applicants accept. */
export interface JoinSettings {
  id: number;
  slug: string;
  title: string;
  /** Levels of government that are eligible; undefined: every level. */
  eligibleLevels?: string[];
  /** Whether people who do not qualify by address may ask a coordinator. */
  allowExceptions: boolean;
  guidelines: string;
}

export async function joinSettings(db: Queryable, slug: string): Promise<JoinSettings | undefined> {
  const { rows } = await db.query('select id, slug, title, short_name, eligible_levels, allow_exceptions, guidelines from communities where slug = $1', [slug]);
  const r = rows[0];
  if (!r) return undefined;
  const s: JoinSettings = { id: Number(r.id), slug: r.slug, title: r.short_name ?? r.title, allowExceptions: r.allow_exceptions, guidelines: r.guidelines };
  if (r.eligible_levels) s.eligibleLevels = r.eligible_levels;
  return s;
}

/** Change who may join a community and its guidelines (audited). */
export async function saveJoinSettings(
  db: Queryable,
  actor: Actor,
  communityId: number,
  s: { eligibleLevels?: string[] | undefined; allowExceptions: boolean; guidelines: string },
): Promise<void> {
  const before = await db.query('select slug, eligible_levels, allow_exceptions, guidelines from communities where id = $1', [communityId]);
  await db.query('update communities set eligible_levels = $2, allow_exceptions = $3, guidelines = $4, updated_at = now() where id = $1', [
    communityId,
    s.eligibleLevels ?? null,
    s.allowExceptions,
    s.guidelines,
  ]);
  const b = before.rows[0];
  await recordAudit(db, actor, {
    action: 'community.join-settings',
    subjectType: 'community',
    subjectId: b?.slug ?? String(communityId),
    before: b ? { eligibleLevels: b.eligible_levels, allowExceptions: b.allow_exceptions, guidelines: b.guidelines } : undefined,
    after: s,
  });
}
