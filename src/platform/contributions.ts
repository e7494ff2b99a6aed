/**
 * What a feature can add to another feature's pages, through its descriptor (platform/feature.ts):
 * a site-search source, a metric source for the dashboard, a panel on the community page, its
 * part of a member's "Download my data", and what leaving a working group's list does. The shapes live here so that the feature offering the
 * place and the features filling it need not import each other.
 */
import type { Queryable } from './db/queryable.ts';

export interface SearchHit {
  /** The source's name, e.g. "articles". */
  source: string;
  title: string;
  /** A local path, e.g. /library/articles/some-slug. */
  url: string;
  /** Plain text around the match; the matched words are wrapped in \u0001 … \u0002 (the page marks them). */
  snippet: string;
  date: Date | null;
  rank: number;
}

export interface SearchQuery {
  /** What the person typed; read with websearch_to_tsquery ("quoted phrases", or, -not). */
  text: string;
  /** Whether the viewer is a signed-in member (members-only sources are skipped otherwise). */
  member: boolean;
  /** Who is searching, for sources that depend on the community (list archives). */
  viewer?: { memberId: number; siteAdmin: boolean } | null;
  limit: number;
}

/** One kind of thing the site search finds (the library's search page asks every source). */
export interface SearchSource {
  name: string;
  /** Plural label for the filter, e.g. "Articles". */
  label: string;
  membersOnly: boolean;
  search(db: Queryable, q: SearchQuery): Promise<SearchHit[]>;
}

/** One UTC day, YYYY-MM-DD. */
export type Day = string;

/** The part of a UTC day a metric source counts. */
export interface DayWindow {
  day: Day;
  start: Date;
  /** Exclusive: the next midnight, or now for today's partial figures. */
  end: Date;
}

export interface DayFigure {
  communityId: number;
  metric: string;
  value: number;
}

export interface MetricDefinition {
  /** Stored name, `<source>.<what>`. */
  metric: string;
  /** Column heading on the dashboard and in CSV files. */
  label: string;
  /**
   * 'sum': add days together for a week or a range. 'last': a level at the end of the day (the
   * member count), where a range shows the value of its last day.
   */
  combine: 'sum' | 'last';
}

/** A named source of daily figures for the metrics dashboard (src/metrics). */
export interface MetricSource {
  name: string;
  /** Heading of its table on the dashboard ("Posts per week"). */
  title: string;
  /** What it counts, in one line, shown under the table. */
  description: string;
  metrics: MetricDefinition[];
  /** The day's figures for every community with any (zeros may be left out). */
  daily(db: Queryable, w: DayWindow): Promise<DayFigure[]>;
}

/**
 * A box on a community's page (src/communities), e.g. its upcoming events. `load` reads what every
 * visitor sees alike (kept a few seconds with the rest of the page); `render` adds what depends on
 * the viewer. Make one with communityPanel(), which keeps the two typed together.
 */
export interface CommunityPanel {
  name: string;
  load(db: Queryable, community: { id: number; slug: string }): Promise<unknown>;
  render(data: unknown, view: { slug: string; coordinator: boolean }): JSX.Element;
}

export function communityPanel<T>(panel: {
  name: string;
  load(db: Queryable, community: { id: number; slug: string }): Promise<T>;
  render(data: T, view: { slug: string; coordinator: boolean }): JSX.Element;
}): CommunityPanel {
  return panel as CommunityPanel;
}

/** A feature's part of "Download my data" (src/membership): the rows it holds about one member. */
export interface MyDataSource {
  /** The key in the downloaded JSON, e.g. "eventRegistrations". */
  key: string;
  collect(db: Queryable, member: { id: number; email: string }): Promise<unknown>;
}

/**
 * Leaving a working group's list is leaving the group: the list is how the group talks. The lists
 * feature calls this when a member leaves a group's list (the list command, the unsubscribe link),
 * in the transaction that audits it; the groups feature provides it, since the group's members are
 * its rows. True when the member was an active member of the group (and now has left it).
 */
export type GroupListLeaving = (db: Queryable, groupId: number, memberId: number) => Promise<boolean>;
