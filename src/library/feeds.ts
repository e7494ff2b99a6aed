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

export function buildFeed(spec: FeedSpec, articles: Article[], format: FeedFormat): string {
  // RSS descriptions and the feed package's RSS item titles and Atom titles and summaries (type
  // "html") are read as HTML: typed text goes in escaped. JSON Feed's title and summary are plain text.
  const asHtml = format === 'json' ? (s: string) => s : textAsHtml;
  const newest = articles.reduce<Date | undefined>((d, a) => {
    const t = a.reviewedAt ?? a.publishedAt ?? a.updatedAt;
    return !d || t > d ? t : d;
  }, undefined);
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
      date: a.reviewedAt ?? a.publishedAt ?? a.updatedAt,
      published: a.publishedAt ?? a.createdAt,
      description: asHtml(a.summary ?? plainText(a.body)),
      content: renderLibraryMarkdown(a.body),
      // The feed package's JSON Feed writer fails on an empty author list: leave the field out instead.
      ...(a.authors.length ? { author: a.authors.map((au) => ({ name: au.agency ? `${au.name} (${au.agency})` : au.name, link: `${spec.siteUrl}/library/authors/${au.slug}` })) } : {}),
      category: a.topics.map((t) => ({ name: t, term: t, domain: `${spec.siteUrl}/topics/${t}` })),
    });
  }
  return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1();
}
