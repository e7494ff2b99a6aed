/**
 * Speakers and experts: members who opted in. Topics, bio and "public profile" live on the member
 * profile (members.expertise, bio, bio_public); formats and availability here. The public
 * directory shows only opted-in active members with a public profile, and never an address.
 */
import { recordAudit, type Actor } from '../platform/audit.ts';
import type { Queryable } from '../platform/db/queryable.ts';
import { FORMATS, isFormat, type SpeakerFormat } from './request-form.ts';

export interface SpeakerProfile {
  memberId: number;
  name: string;
  jobTitle: string | null;
  agency: string | null;
  topics: string[];
  formats: SpeakerFormat[];
  bio: string | null;
  availability: string | null;
  /** Shown in the public directory. */
  public: boolean;
  /** Opted in to the bureau. */
  active: boolean;
}

interface ProfileRow {
  id: string;
  name: string | null;
  email: string;
  job_title: string | null;
  agency: string | null;
  expertise: string[];
  bio: string | null;
  bio_public: boolean;
  formats: string[] | null;
  availability: string | null;
  active: boolean | null;
}

const SELECT = `select m.id, m.name, m.email, m.job_title, m.agency, m.expertise, m.bio, m.bio_public, s.formats, s.availability, s.active
  from members m left join speakers s on s.member_id = m.id`;

function toProfile(r: ProfileRow): SpeakerProfile {
  return {
    memberId: Number(r.id),
    name: r.name ?? 'A member',
    jobTitle: r.job_title,
    agency: r.agency,
    topics: r.expertise ?? [],
    formats: (r.formats ?? []).filter(isFormat),
    bio: r.bio,
    availability: r.availability,
    public: r.bio_public,
    active: r.active ?? false,
  };
}

/** A member's speaker profile (active false when they never opted in). */
export async function speakerProfile(db: Queryable, memberId: number): Promise<SpeakerProfile | undefined> {
  const { rows } = await db.query<ProfileRow>(`${SELECT} where m.id = $1`, [memberId]);
  return rows[0] ? toProfile(rows[0]) : undefined;
}

export interface ProfileChange {
  active: boolean;
  topics: string[];
  formats: SpeakerFormat[];
  bio: string;
  availability: string;
  public: boolean;
}

/** Topics typed as "social media, accessibility": trimmed, lower case, no repeats, at most 30. */
export function parseTopics(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ].slice(0, 30);
}

export function parseFormats(values: unknown): SpeakerFormat[] {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return FORMATS.filter((f) => list.includes(f));
}

export async function saveSpeakerProfile(db: Queryable, actor: Actor, memberId: number, c: ProfileChange): Promise<void> {
  const before = await speakerProfile(db, memberId);
  await db.query(`update members set expertise = $2, bio = nullif($3, ''), bio_public = $4, updated_at = now() where id = $1`, [
    memberId,
    c.topics,
    c.bio,
    c.public,
  ]);
  await db.query(
    `insert into speakers (member_id, formats, availability, active) values ($1, $2, nullif($3, ''), $4)
     on conflict (member_id) do update set formats = excluded.formats, availability = excluded.availability, active = excluded.active, updated_at = now()`,
    [memberId, c.formats, c.availability, c.active],
  );
  await recordAudit(db, actor, {
    action: 'speaker.profile',
    subjectType: 'member',
    subjectId: String(memberId),
    before,
    after: await speakerProfile(db, memberId),
  });
}

export interface DirectoryFilter {
  q?: string;
  topic?: string;
  agency?: string;
  format?: string;
}

/**
 * Opted-in speakers who are active members of the community. `publicOnly` (the public
 * directory) keeps those who turned their public profile on.
 */
export async function speakersOf(db: Queryable, communityId: number, f: DirectoryFilter, opts: { publicOnly: boolean }): Promise<SpeakerProfile[]> {
  const where = [`s.active`, `exists (select 1 from memberships ms where ms.member_id = m.id and ms.community_id = $1 and ms.status = 'active')`];
  const args: unknown[] = [communityId];
  if (opts.publicOnly) where.push('m.bio_public');
  if (f.topic) {
    args.push(f.topic.toLowerCase());
    where.push(`$${args.length} = any (m.expertise)`);
  }
  if (f.agency) {
    args.push(f.agency);
    where.push(`m.agency = $${args.length}`);
  }
  if (f.format && isFormat(f.format)) {
    args.push(f.format);
    where.push(`$${args.length} = any (s.formats)`);
  }
  if (f.q) {
    args.push(`%${f.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    const p = `$${args.length}`;
    where.push(
      `(lower(coalesce(m.name, '')) like ${p} or lower(coalesce(m.bio, '')) like ${p} or lower(coalesce(m.agency, '')) like ${p} or lower(array_to_string(m.expertise, ' ')) like ${p})`,
    );
  }
  const { rows } = await db.query<ProfileRow>(`${SELECT} where ${where.join(' and ')} order by lower(coalesce(m.name, m.email)), m.id`, args);
  return rows.map(toProfile);
}

/** Topics and agencies the public directory can be filtered by. */
export async function directoryChoices(db: Queryable, communityId: number): Promise<{ topics: string[]; agencies: string[] }> {
  const all = await speakersOf(db, communityId, {}, { publicOnly: true });
  return {
    topics: [...new Set(all.flatMap((s) => s.topics))].sort(),
    agencies: [...new Set(all.map((s) => s.agency).filter((a): a is string => !!a))].sort(),
  };
}

/** One speaker as the public sees them, or undefined when not listed publicly in this community. */
export async function publicSpeaker(db: Queryable, communityId: number, memberId: number): Promise<SpeakerProfile | undefined> {
  const all = await db.query<ProfileRow>(
    `${SELECT} where m.id = $2 and s.active and m.bio_public
       and exists (select 1 from memberships ms where ms.member_id = m.id and ms.community_id = $1 and ms.status = 'active')`,
    [communityId, memberId],
  );
  return all.rows[0] ? toProfile(all.rows[0]) : undefined;
}
