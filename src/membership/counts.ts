/** Live member counts, computed from active memberships (never typed in). */
import type { Queryable } from '../platform/db/queryable.ts';

export async function memberCounts(db: Queryable, communityIds: number[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>(communityIds.map((id) => [id, 0]));
  if (!communityIds.length) return counts;
  const { rows } = await db.query<{ community_id: number; n: number }>(
    `select community_id, count(*)::int as n from memberships
      where status = 'active' and community_id = any($1::bigint[]) group by community_id`,
    [communityIds],
  );
  for (const r of rows) counts.set(Number(r.community_id), r.n);
  return counts;
}

/**
 * A membership's level of government, for counting: what the .gov registry says about the
 * member's address now (a registry imported after they joined counts), else what was recorded
 * when they joined (an approved exception, say). SQL over `memberships s join members m`.
 */
export const MEMBERSHIP_LEVEL_SQL = `coalesce(address_government_level(m.email), s.government_level)`;

export interface LevelCount {
  level: string;
  count: number;
}

/** Active members of one community by level of government ("Unknown" where not known). */
export async function memberCountsByLevel(db: Queryable, communityId: number): Promise<LevelCount[]> {
  const { rows } = await db.query<{ level: string; n: number }>(
    `select coalesce(${MEMBERSHIP_LEVEL_SQL}, 'Unknown') as level, count(*)::int as n
       from memberships s join members m on m.id = s.member_id
      where s.status = 'active' and s.community_id = $1 group by 1 order by 2 desc, 1`,
    [communityId],
  );
  return rows.map((r) => ({ level: r.level, count: r.n }));
}

export interface AgencyCount {
  agency: string;
  count: number;
}

/** Active members of one community by agency, largest first ("Not given" where unknown). */
export async function memberCountsByAgency(db: Queryable, communityId: number, limit = 10): Promise<{ top: AgencyCount[]; agencies: number }> {
  const { rows } = await db.query<{ agency: string; n: number }>(
    `select coalesce(nullif(m.agency, ''), 'Not given') as agency, count(*)::int as n
       from memberships s join members m on m.id = s.member_id
      where s.status = 'active' and s.community_id = $1 group by 1 order by 2 desc, 1`,
    [communityId],
  );
  return { top: rows.slice(0, limit).map((r) => ({ agency: r.agency, count: r.n })), agencies: rows.filter((r) => r.agency !== 'Not given').length };
}
