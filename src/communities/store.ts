/** Communities in the database: save (import or edit), list, find, and read back for export. */
import type pg from 'pg';
import { recordAudit, type Actor } from '../platform/audit.ts';
import { inTransaction, type Queryable } from '../platform/db/queryable.ts';
import { memberCounts } from '../membership/index.ts';
import type { CommunityPage, JoinChannel } from './community-file.ts';

// who may join: in its own file, so that the public entry (index.ts) does not load member counts
export { joinSettings, saveJoinSettings, type JoinSettings } from './join-settings.ts';

export class CommunityExistsError extends Error {
  readonly code = 'COMMUNITY_EXISTS';
  constructor(readonly slug: string) {
    super(`A community with the slug "${slug}" already exists.`);
  }
}

export interface CommunitySummary {
  id: number;
  slug: string;
  /**
   * The community's name, wherever it is named (cards, breadcrumbs, e-mails, library links):
   * its short name (digital.gov's dg_shortname, "Social Media"), else its title. The title is
   * the page's heading, which digital.gov sometimes writes as a phrase ("Join the Social Media").
   * In SQL: coalesce(c.short_name, c.title).
   */
  name: string;
  title: string;
  shortName?: string;
  summary?: string;
  deck?: string;
  weight: 0 | 1 | 2;
  highlight: boolean;
  /** Highlighted (dg_highlight) or weight 2: shown first. */
  featured: boolean;
  memberCount: number;
  redirectTo?: string;
}

/** A hand-typed member figure from an imported page, with the day socialgov recorded it. */
export interface ReportedFigure {
  text: string;
  value?: number;
  recordedOn: string;
}

export interface StoredChannel extends JoinChannel {
  reported?: ReportedFigure;
}

export interface CommunityDetail extends CommunitySummary, Omit<CommunityPage, 'channels' | 'reviewedAt'> {
  channels: StoredChannel[];
  reviewedAt: Date;
  updatedAt: Date;
}

interface CommunityRow {
  id: number;
  slug: string;
  title: string;
  deck: string | null;
  summary: string | null;
  kicker: string | null;
  body_md: string;
  authors: string[];
  topics: string[];
  event_cop: string[];
  weight: 0 | 1 | 2;
  highlight: boolean;
  short_name: string | null;
  acronym: string | null;
  logo: string | null;
  primary_image: string | null;
  redirect_to: string | null;
  published_at: Date | null;
  reviewed_at: Date;
  updated_at: Date;
  extra: Record<string, unknown>;
}

interface ChannelRow {
  community_id: number;
  platform: JoinChannel['platform'];
  audience: JoinChannel['audience'];
  subscribe_email: string | null;
  subscribe_subject: string | null;
  subscribe_body: string | null;
  terms: string | null;
  join_button: string | null;
  reported_members: number | null;
  reported_members_text: string | null;
  reported_on: Date | string | null;
  emails_per_week_text: string | null;
  extra: Record<string, unknown>;
}

function day(d: Date | string): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

function toSummary(r: CommunityRow, count: number): CommunitySummary {
  const s: CommunitySummary = {
    id: Number(r.id),
    slug: r.slug,
    name: r.short_name ?? r.title,
    title: r.title,
    weight: r.weight,
    highlight: r.highlight,
    featured: r.highlight || r.weight === 2,
    memberCount: count,
  };
  if (r.short_name) s.shortName = r.short_name;
  if (r.summary) s.summary = r.summary;
  if (r.deck) s.deck = r.deck;
  if (r.redirect_to) s.redirectTo = r.redirect_to;
  return s;
}

function toChannel(r: ChannelRow): StoredChannel {
  const ch: StoredChannel = { platform: r.platform, audience: r.audience, extra: r.extra ?? {} };
  const put = <K extends keyof StoredChannel>(k: K, v: StoredChannel[K] | null) => {
    if (v !== null && v !== undefined) ch[k] = v;
  };
  put('subscribeEmail', r.subscribe_email);
  put('subscribeSubject', r.subscribe_subject);
  put('subscribeBody', r.subscribe_body);
  put('terms', r.terms);
  put('joinButton', r.join_button);
  put('reportedMembers', r.reported_members);
  put('reportedMembersText', r.reported_members_text);
  put('emailsPerWeekText', r.emails_per_week_text);
  if (r.reported_members_text && r.reported_on) {
    ch.reported = { text: r.reported_members_text, recordedOn: day(r.reported_on) };
    if (r.reported_members !== null) ch.reported.value = r.reported_members;
  }
  return ch;
}

/** Display name for a digital.gov author slug ("laura-larrimore" → "Laura Larrimore"). */
export function leadName(authorSlug: string): string {
  return authorSlug
    .split(/[-_]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

const COLUMNS = `id, slug, title, deck, summary, kicker, body_md, authors, topics, event_cop, weight, highlight,
  short_name, acronym, logo, primary_image, redirect_to, published_at, reviewed_at, updated_at, extra`;

/** Listing order: featured first (highlight or weight 2), then by title. Hidden (weight 0) left out unless asked. */
export async function listCommunities(db: Queryable, opts: { includeHidden?: boolean } = {}): Promise<CommunitySummary[]> {
  const { rows } = await db.query<CommunityRow>(
    `select ${COLUMNS} from communities ${opts.includeHidden ? '' : 'where weight > 0'}
      order by (highlight or weight = 2) desc, weight desc, lower(coalesce(short_name, title))`,
  );
  const counts = await memberCounts(
    db,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((r) => toSummary(r, counts.get(Number(r.id)) ?? 0));
}

export async function findCommunity(db: Queryable, slug: string): Promise<CommunityDetail | undefined> {
  const { rows } = await db.query<CommunityRow>(`select ${COLUMNS} from communities where slug = $1`, [slug]);
  const r = rows[0];
  if (!r) return undefined;
  const channels = await db.query<ChannelRow>('select * from community_channels where community_id = $1 order by position', [r.id]);
  const counts = await memberCounts(db, [Number(r.id)]);
  const detail: CommunityDetail = {
    ...toSummary(r, counts.get(Number(r.id)) ?? 0),
    body: r.body_md,
    authors: r.authors,
    topics: r.topics,
    eventCop: r.event_cop,
    channels: channels.rows.map(toChannel),
    extra: r.extra ?? {},
    reviewedAt: r.reviewed_at,
    updatedAt: r.updated_at,
  };
  const put = <K extends keyof CommunityDetail>(k: K, v: CommunityDetail[K] | null) => {
    if (v !== null && v !== undefined) detail[k] = v;
  };
  put('kicker', r.kicker);
  put('acronym', r.acronym);
  put('logo', r.logo);
  put('primaryImage', r.primary_image);
  put('publishedAt', r.published_at);
  return detail;
}

/** The community as a page in the digital.gov format, for export. */
export function toPage(d: CommunityDetail): CommunityPage {
  const page: CommunityPage = {
    slug: d.slug,
    title: d.title,
    body: d.body,
    authors: d.authors,
    topics: d.topics,
    eventCop: d.eventCop,
    weight: d.weight,
    highlight: d.highlight,
    extra: d.extra,
    reviewedAt: d.reviewedAt,
    channels: d.channels.map(({ reported: _reported, ...ch }) => ch),
  };
  const put = <K extends keyof CommunityPage>(k: K, v: CommunityPage[K] | undefined) => {
    if (v !== undefined) page[k] = v;
  };
  put('deck', d.deck);
  put('summary', d.summary);
  put('kicker', d.kicker);
  put('shortName', d.shortName);
  put('acronym', d.acronym);
  put('logo', d.logo);
  put('primaryImage', d.primaryImage);
  put('redirectTo', d.redirectTo);
  put('publishedAt', d.publishedAt);
  return page;
}

export interface SaveOptions {
  /** Replace an existing community with the same slug; without it, an existing slug is refused. */
  update: boolean;
  actor: Actor;
  /** Audit action name, e.g. "community.import". */
  action: string;
}

/**
 * Create or replace a community from a page, with its join channels, in one transaction, and
 * audit the change. A hand-typed member figure keeps the day it was first recorded while its
 * text is unchanged.
 */
export async function saveCommunity(pool: pg.Pool, page: CommunityPage, opts: SaveOptions): Promise<{ action: 'created' | 'updated'; id: number }> {
  return inTransaction(pool, async (tx) => {
    const before = await findCommunity(tx, page.slug);
    if (before && !opts.update) throw new CommunityExistsError(page.slug);
    const values = [
      page.slug,
      page.title,
      page.deck ?? null,
      page.summary ?? null,
      page.kicker ?? null,
      page.body,
      page.authors,
      page.topics,
      page.eventCop,
      page.weight,
      page.highlight,
      page.shortName ?? null,
      page.acronym ?? null,
      page.logo ?? null,
      page.primaryImage ?? null,
      page.redirectTo ?? null,
      page.publishedAt ?? null,
      page.reviewedAt ?? new Date(),
      JSON.stringify(page.extra),
    ];
    const { rows } = await tx.query<{ id: number }>(
      `insert into communities (slug, title, deck, summary, kicker, body_md, authors, topics, event_cop, weight, highlight,
         short_name, acronym, logo, primary_image, redirect_to, published_at, reviewed_at, extra)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
       on conflict (slug) do update set title = excluded.title, deck = excluded.deck, summary = excluded.summary,
         kicker = excluded.kicker, body_md = excluded.body_md, authors = excluded.authors, topics = excluded.topics,
         event_cop = excluded.event_cop, weight = excluded.weight, highlight = excluded.highlight,
         short_name = excluded.short_name, acronym = excluded.acronym, logo = excluded.logo,
         primary_image = excluded.primary_image, redirect_to = excluded.redirect_to, published_at = excluded.published_at,
         reviewed_at = excluded.reviewed_at, extra = excluded.extra, updated_at = now()
       returning id`,
      values,
    );
    const id = Number(rows[0]!.id);
    const previousFigures = new Map((before?.channels ?? []).map((c) => [c.reported?.text ?? '', c.reported?.recordedOn]));
    await tx.query('delete from community_channels where community_id = $1', [id]);
    for (const [position, ch] of page.channels.entries()) {
      const recordedOn = ch.reportedMembersText ? (previousFigures.get(ch.reportedMembersText) ?? day(new Date())) : null;
      await tx.query(
        `insert into community_channels (community_id, position, platform, audience, subscribe_email, subscribe_subject,
           subscribe_body, terms, join_button, reported_members, reported_members_text, reported_on, emails_per_week_text, extra)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [
          id,
          position,
          ch.platform,
          ch.audience,
          ch.subscribeEmail ?? null,
          ch.subscribeSubject ?? null,
          ch.subscribeBody ?? null,
          ch.terms ?? null,
          ch.joinButton ?? null,
          ch.reportedMembers ?? null,
          ch.reportedMembersText ?? null,
          recordedOn,
          ch.emailsPerWeekText ?? null,
          JSON.stringify(ch.extra),
        ],
      );
    }
    await recordAudit(tx, opts.actor, {
      action: opts.action,
      subjectType: 'community',
      subjectId: page.slug,
      before: before ? toPage(before) : undefined,
      after: page,
    });
    return { action: before ? 'updated' : 'created', id };
  });
}
