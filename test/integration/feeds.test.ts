/**
 * Every feed the site serves (library RSS, Atom and JSON Feed for the library, a community, a
 * topic and an author; a member's Atom feed of archive threads) carries titles, summaries and
 * names people typed as text: in no feed does `<script>` or `<img onerror>` arrive as markup.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { planImport } from '../../src/library/import-files.ts';
import { applyImport } from '../../src/library/import.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { createFeedToken } from '../../src/archives/feed.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { mboxOf } from '../archive-helpers.ts';
import { writeLibraryFixture } from '../library-fixture.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';

const ATTACK = '<script>alert(1)</script><img src=x onerror=alert(1)>';
/** Markup an HTML-reading feed reader would run or load. */
const MARKUP = /<script|<img[^>]*onerror/i;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false });
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const text = (x: unknown): string => (typeof x === 'object' && x !== null ? String((x as Record<string, unknown>)['#text'] ?? '') : String(x ?? ''));

/** The fields of an RSS or Atom document a reader treats as HTML, as the reader gets them (XML decoded). */
function htmlFields(xml: string): Array<[string, string]> {
  const doc = parser.parse(xml) as Record<string, Record<string, unknown>>;
  const out: Array<[string, string]> = [];
  if (doc.rss) {
    const channel = doc.rss.channel as Record<string, unknown>;
    out.push(['channel description', text(channel.description)]);
    for (const item of list(channel.item as Array<Record<string, unknown>>)) {
      for (const k of ['title', 'description', 'content:encoded']) out.push([`item ${k}`, text(item[k])]);
    }
  }
  if (doc.feed) {
    const entries = list(doc.feed.entry as Array<Record<string, unknown>>);
    for (const [where, el] of [
      ['feed title', doc.feed.title],
      ['feed subtitle', doc.feed.subtitle],
      ...entries.flatMap(
        (e) =>
          [
            ['entry title', e.title],
            ['entry summary', e.summary],
            ['entry content', e.content],
          ] as const,
      ),
    ] as const) {
      const type = typeof el === 'object' && el !== null ? (el as Record<string, unknown>)['@type'] : undefined;
      if (type === 'html' || type === 'xhtml') out.push([where, text(el)]);
    }
  }
  return out;
}

describe('feeds carry typed text as text', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let archiveFeed: string;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir('sg-feeds-');
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const pool = platform.db.pool;
    const files = writeLibraryFixture(dir);
    const hostile = path.join(dir, 'content/news/2024/02/2024-02-01-hostile.md');
    mkdirSync(path.dirname(hostile), { recursive: true });
    writeFileSync(
      hostile,
      `---\nslug: hostile\ndate: 2024-02-01 09:00:00 -0500\ntitle: ${JSON.stringify(`Tips ${ATTACK}`)}\nsummary: ${JSON.stringify(`Summary ${ATTACK}`)}\nauthors:\n  - jherman\ntopics:\n  - social-media\n---\n\nBody ${ATTACK}\n`,
    );
    const community = (await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`)).rows[0]!.id;
    await applyImport(pool, SYSTEM, planImport(files), { communityId: Number(community) });
    assert.equal((await pool.query(`select count(*)::int as n from library_articles where slug = 'hostile' and status = 'published'`)).rows[0].n, 1);

    const lst = (await listByLocalPart(pool, 'social-media'))!;
    await importMbox(
      pool,
      lst,
      mboxOf([
        { id: 'h@x', from: `"${ATTACK.replaceAll('"', '')}" <mallory@agency.gov>`, subject: `Hello ${ATTACK}`, date: '2024-03-04T15:00:00Z', text: 'Hi.' },
      ]),
      SYSTEM,
    );
    const m = await pool.query<{ id: string }>(`insert into members (email, name) values ('reader@agency.gov', 'Reader') returning id`);
    await pool.query(`insert into memberships (community_id, member_id, status) values ($1, $2, 'active')`, [community, m.rows[0]!.id]);
    archiveFeed = `/archives/social-media/feed/${await createFeedToken(pool, SYSTEM, lst.id, Number(m.rows[0]!.id))}`;
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  for (const base of ['/library/feed', '/communities/social-media/library/feed', '/topics/social-media/feed', '/library/authors/jherman/feed']) {
    test(`${base}: RSS and Atom hold the title and summary as escaped text; JSON Feed's HTML is sanitized`, async () => {
      for (const ext of ['rss', 'atom']) {
        const res = await fetch(`${platform.url}${base}.${ext}`);
        assert.equal(res.status, 200);
        const fields = htmlFields(await res.text());
        const title = fields.find(([k, v]) => /title/.test(k) && v.includes('Tips'));
        assert.ok(title, `${ext}: the article is in the feed`);
        // A reader decodes the escaped text once and shows the characters, not markup.
        assert.equal(title[1], 'Tips &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;', ext);
        assert.ok(
          fields.some(([k, v]) => /description|summary/.test(k) && v.startsWith('Summary &lt;script&gt;')),
          `${ext}: the summary is escaped`,
        );
        for (const [where, v] of fields) assert.doesNotMatch(v, MARKUP, `${base}.${ext} ${where}`);
      }
      const json = (await (await fetch(`${platform.url}${base}.json`)).json()) as { items: Array<{ title: string; summary: string; content_html: string }> };
      const item = json.items.find((i) => i.title.startsWith('Tips'))!;
      assert.equal(item.title, `Tips ${ATTACK}`, 'JSON Feed titles are plain text by its specification');
      assert.doesNotMatch(item.content_html, MARKUP);
    });
  }

  test('a member’s Atom feed of threads: subject and sender name as escaped text', async () => {
    const res = await fetch(platform.url + archiveFeed);
    assert.equal(res.status, 200);
    const fields = htmlFields(await res.text());
    assert.ok(
      fields.some(([k, v]) => k === 'entry title' && v.startsWith('Hello &lt;script&gt;')),
      JSON.stringify(fields),
    );
    assert.ok(
      fields.some(([k, v]) => k === 'entry summary' && v.includes('&lt;img src=x onerror=alert(1)&gt;')),
      JSON.stringify(fields),
    );
    for (const [where, v] of fields) assert.doesNotMatch(v, MARKUP, where);
  });
});
