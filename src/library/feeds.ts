/** RSS 2.0, Atom 1.0 and JSON Feed 1.1 of published articles, for a community, a topic, an author or the whole library. */
import { Feed } from 'feed';
import type { Article } from './articles.ts';
import { textAsHtml } from '../web/markdown.ts';
import { plainText, renderLibraryMarkdown } from './render.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedSpec {
  title: string;
  description: string;
  /** Absolute address of the HTML page the feed follows. */
  pageUrl: string;
  /** Absolute address of the feeds without the extension: `${base}.rss`, `.atom`, `.json`. */
  feedBase: string;
  siteName: string;
  siteUrl: string;
}

/**
 * A feed of the dated articles among `articles`. An article with no publication date (many
 * imported digital.gov resources have none) is left out: a feed entry says when it appeared, and
 * socialgov will not claim a date (such as the day of the import) the article never had.
 */
export function buildFeed(spec: FeedSpec, all: Article[], format: FeedFormat): string {
  const articles = all.filter((a): a is Article & { publishedAt: Date } => a.publishedAt !== null);
  if (format === 'json') return jsonFeed(spec, articles);
  // RSS descriptions and the feed package's RSS item titles and Atom titles and summaries (type
  // "html") are read as HTML: typed text goes in escaped.
  const asHtml = textAsHtml;
  const newest = newestDate(articles);
  const feed = new Feed({
    id: spec.pageUrl,
    title: spec.title,
    description: format === 'rss' ? asHtml(spec.description) : spec.description,
    link: spec.pageUrl,
    language: 'en',
    updated: newest ?? new Date(0),
    generator: 'socialgov',
    copyright: `${spec.siteName}. U.S. government works are in the public domain.`,
    feedLinks: { rss: `${spec.feedBase}.rss`, atom: `${spec.feedBase}.atom`, json: `${spec.feedBase}.json` },
    author: { name: spec.siteName, link: spec.siteUrl },
  });
  for (const a of articles) {
    const link = `${spec.siteUrl}/library/articles/${a.slug}`;
    feed.addItem({
      id: link,
      guid: link,
      title: asHtml(a.title),
      link,
      date: a.reviewedAt ?? a.publishedAt,
      published: a.publishedAt,
      description: asHtml(a.summary ?? plainText(a.body)),
      content: renderLibraryMarkdown(a.body),
      // The feed package's JSON Feed writer fails on an empty author list: leave the field out instead.
      ...(a.authors.length ? { author: a.authors.map((au) => ({ name: authorName(au), link: `${spec.siteUrl}/library/authors/${au.slug}` })) } : {}),
      category: a.topics.map((t) => ({ name: t, term: t, domain: `${spec.siteUrl}/topics/${t}` })),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}

function newestDate(articles: Array<Article & { publishedAt: Date }>): Date | undefined {
  return articles.reduce<Date | undefined>((d, a) => {
    const t = a.reviewedAt ?? a.publishedAt;
    return !d || t > d ? t : d;
  }, undefined);
}

const authorName = (au: Article['authors'][number]) => (au.agency ? `${au.name} (${au.agency})` : au.name);

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): `authors` lists every author (the feed
 * package writes version 1, with the first author only). Titles and summaries are plain text.
 */
function jsonFeed(spec: FeedSpec, articles: Array<Article & { publishedAt: Date }>): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: spec.title,
    home_page_url: spec.pageUrl,
    feed_url: `${spec.feedBase}.json`,
    description: spec.description,
    language: 'en',
    authors: [{ name: spec.siteName, url: spec.siteUrl }],
    items: articles.map((a) => {
      const url = `${spec.siteUrl}/library/articles/${a.slug}`;
      const modified = a.reviewedAt ?? a.publishedAt;
      return {
        id: url,
        url,
        title: a.title,
        content_html: renderLibraryMarkdown(a.body),
        summary: a.summary ?? plainText(a.body),
        date_published: a.publishedAt.toISOString(),
        ...(modified.getTime() !== a.publishedAt.getTime() ? { date_modified: modified.toISOString() } : {}),
        ...(a.authors.length ? { authors: a.authors.map((au) => ({ name: authorName(au), url: `${spec.siteUrl}/library/authors/${au.slug}` })) } : {}),
        ...(a.topics.length ? { tags: a.topics } : {}),
      };
    }),
  };
  return JSON.stringify(feed, null, 2);
}
