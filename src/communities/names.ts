/**
 * Communities by name, for other features' choices and links (the library's community filter
 * and feeds): id, slug, the short name and the title, in the directory's order. No member counts:
 * those are the directory's (store.ts), from membership, which loads this feature's entry.
 */
import type { Queryable } from '../platform/db/queryable.ts';

export interface CommunityName {
  id: number;
  slug: string;
  /** The short name when there is one, else the title. */
  name: string;
  title: string;
}

/** Listing order: featured first (highlight or weight 2), then by title. Hidden (weight 0) left out unless asked. */
export async function communityNames(db: Queryable, opts: { includeHidden?: boolean } = {}): Promise<CommunityName[]> {
  const { rows } = await db.query<{ id: string; slug: string; title: string; short_name: string | null }>(
    `select id, slug, title, short_name from communities ${opts.includeHidden ? '' : 'where weight > 0'}
      order by (highlight or weight = 2) desc, weight desc, lower(coalesce(short_name, title))`,
  );
  return rows.map((r) => ({ id: Number(r.id), slug: r.slug, name: r.short_name ?? r.title, title: r.title }));
}
