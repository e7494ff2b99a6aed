/** Library authors: member profiles or guest authors (name and agency), addressed by slug. */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';

export interface AuthorSummary {
  slug: string;
  name: string;
  agency: string | null;
}

export interface Author extends AuthorSummary {
  id: number;
  bio: string;
  memberId: number | null;
}

/** A readable name from a slug when no profile was imported: "laura-larrimore" → "Laura Larrimore". */
export function nameFromSlug(slug: string): string {
  return slug
    .split('-')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
}

export async function findAuthor(db: Queryable, slug: string): Promise<Author | undefined> {
  const { rows } = await db.query('select * from library_authors where slug = $1', [slug]);
  const r = rows[0];
  return r
    ? { id: Number(r.id), slug: r.slug, name: r.name, agency: r.agency, bio: r.bio_md, memberId: r.member_id === null ? null : Number(r.member_id) }
    : undefined;
}

/** The authors with these slugs, in order, creating guest authors for unknown slugs. */
export async function ensureAuthors(db: Queryable, slugs: string[]): Promise<Array<{ id: number; slug: string }>> {
  const out: Array<{ id: number; slug: string }> = [];
  for (const slug of [...new Set(slugs)]) {
    const { rows } = await db.query<{ id: number }>(
      `insert into library_authors (slug, name) values ($1, $2) on conflict (slug) do update set slug = excluded.slug returning id`,
      [slug, nameFromSlug(slug)],
    );
    out.push({ id: Number(rows[0]!.id), slug });
  }
  return out;
}

/** Save an author profile (import): name, agency and bio replace what was there. */
export async function saveAuthor(db: Queryable, actor: Actor, a: { slug: string; name: string; agency?: string; bio: string }): Promise<void> {
  await db.query(
    `insert into library_authors (slug, name, agency, bio_md) values ($1, $2, $3, $4)
     on conflict (slug) do update set name = excluded.name, agency = excluded.agency, bio_md = excluded.bio_md, updated_at = now()`,
    [a.slug, a.name, a.agency ?? null, a.bio],
  );
  await recordAudit(db, actor, { action: 'library.author.save', subjectType: 'author', subjectId: a.slug, after: { name: a.name, agency: a.agency ?? null } });
}

/** The author slug for a member writing on the site: linked to the member, created on first use. */
export async function authorForMember(
  db: Queryable,
  member: { memberId: number; name: string | null; email: string; agency?: string | null },
): Promise<string> {
  const found = await db.query<{ slug: string }>('select slug from library_authors where member_id = $1', [member.memberId]);
  if (found.rows[0]) return found.rows[0].slug;
  const base =
    (member.name ?? member.email.split('@')[0]!)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'member';
  for (let n = 0; ; n++) {
    const slug = n ? `${base}-${n + 1}` : base;
    const r = await db.query(
      `insert into library_authors (slug, name, agency, member_id) values ($1, $2, $3, $4) on conflict (slug) do nothing returning slug`,
      [slug, member.name ?? member.email, member.agency ?? null, member.memberId],
    );
    if (r.rows.length) return slug;
  }
}

/** A guest author (not a member here) named on an article: found by name and agency, or created. */
export async function ensureGuestAuthor(db: Queryable, actor: Actor, name: string, agency: string | null): Promise<string> {
  const found = await db.query<{ slug: string }>(
    "select slug from library_authors where lower(name) = lower($1) and coalesce(lower(agency), '') = coalesce(lower($2), '') and member_id is null",
    [name, agency],
  );
  if (found.rows[0]) return found.rows[0].slug;
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'guest';
  for (let n = 0; ; n++) {
    const slug = n ? `${base}-${n + 1}` : base;
    const r = await db.query('insert into library_authors (slug, name, agency) values ($1, $2, $3) on conflict (slug) do nothing returning slug', [
      slug,
      name,
      agency,
    ]);
    if (r.rows.length) {
      await recordAudit(db, actor, { action: 'library.author.guest', subjectType: 'author', subjectId: slug, after: { name, agency } });
      return slug;
    }
  }
}
