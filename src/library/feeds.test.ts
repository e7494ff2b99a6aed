/** Feeds: JSON Feed 1.1 with every author; undated articles are never given a date (such as the import day). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Article } from './articles.ts';
import { buildFeed, type FeedSpec } from './feeds.ts';

const SPEC: FeedSpec = {
  title: 'SocialGov: library',
  description: 'New articles.',
  pageUrl: 'https://sg.example.gov/library',
  feedBase: 'https://sg.example.gov/library/feed',
  siteName: 'SocialGov',
  siteUrl: 'https://sg.example.gov',
};
const TODAY = new Date();

function article(slug: string, over: Partial<Article> = {}): Article {
  return {
    id: 1,
    slug,
    kind: 'resource',
    title: `Title ${slug}`,
    deck: null,
    summary: `Summary ${slug}`,
    body: 'Body text.',
    topics: ['social-media'],
    communityId: null,
    communitySlug: null,
    communityTitle: null,
    sourceName: null,
    sourceUrl: null,
    heroImageUrl: null,
    heroImageAlt: null,
    redirectTo: null,
    status: 'published',
    contentLeadId: null,
    contentLeadName: null,
    contentLeadEmail: null,
    createdById: null,
    publishedAt: null,
    reviewedAt: null,
    createdAt: TODAY,
    updatedAt: TODAY,
    authors: [],
    ...over,
  };
}

const dated = article('dated', {
  publishedAt: new Date('2020-05-01T12:00:00Z'),
  reviewedAt: new Date('2021-01-02T12:00:00Z'),
  authors: [
    { slug: 'jherman', name: 'Justin Herman', agency: 'GSA' },
    { slug: 'lcrow', name: 'Lauren Crow', agency: null },
  ] as Article['authors'],
});
const undated = article('undated');

describe('library feeds', () => {
  test('JSON Feed 1.1: version, authors arrays with every author, dates', () => {
    const json = JSON.parse(buildFeed(SPEC, [dated], 'json'));
    assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
    assert.deepEqual(json.authors, [{ name: 'SocialGov', url: 'https://sg.example.gov' }]);
    assert.equal(json.author, undefined, 'the 1.0 "author" object is gone');
    const [item] = json.items;
    assert.deepEqual(item.authors, [
      { name: 'Justin Herman (GSA)', url: 'https://sg.example.gov/library/authors/jherman' },
      { name: 'Lauren Crow', url: 'https://sg.example.gov/library/authors/lcrow' },
    ]);
    assert.equal(item.author, undefined);
    assert.equal(item.date_published, '2020-05-01T12:00:00.000Z');
    assert.equal(item.date_modified, '2021-01-02T12:00:00.000Z');
    assert.equal(item.title, 'Title dated');
    assert.equal(item.summary, 'Summary dated');
    assert.deepEqual(item.tags, ['social-media']);
  });

  test('an undated article is in no feed, and no feed carries today’s date', () => {
    const today = TODAY.toISOString().slice(0, 10);
    const rfc822Today = TODAY.toUTCString().slice(0, 16);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const text = buildFeed(SPEC, [undated, dated], format);
      assert.doesNotMatch(text, /Title undated/, format);
      assert.match(text, /Title dated/, format);
      assert.ok(!text.includes(today) && !text.includes(rfc822Today), `${format} claims today's date:\n${text}`);
    }
    const empty = buildFeed(SPEC, [undated], 'atom');
    assert.ok(!empty.includes(today), 'a feed of only undated articles does not say it was updated today');
  });
});
