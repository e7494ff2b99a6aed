/**
 * The whole digital.gov snapshot imported as an operator would (communities over the seeded one,
 * then the library and the events), then read as people read it: every imported page, search and
 * every feed show no Hugo shortcode and no character reference (`&#8211;` as text); the Social
 * Media community keeps its name and the seed page's history and sections; undated resources are
 * not dated today in any feed.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeHTMLStrict } from 'entities';
import { XMLParser } from 'fast-xml-parser';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { HAS_SHARED, NO_SERVER, NO_SHARED, runCli, SHARED, testConfig, testDatabaseEnv } from '../helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { addMember, signIn } from '../library-fixture.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

const DG = path.join(SHARED, 'data/digitalgov');
/** A character reference left as text, once the page is read (decoded once, as a browser does). */
const REFERENCE = /&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,7});/i;
const SHORTCODE = /\{\{[<%]|[>%]\}\}/;

/** What a reader sees of a page: the text, with the markup and scripts gone and references decoded once. */
function visible(html: string): string {
  return decodeHTMLStrict(html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '));
}

/** The problems of a page, each with the text around it. */
function problems(where: string, html: string): string[] {
  const found: string[] = [];
  const text = visible(html);
  for (const [name, re] of [
    ['shortcode', SHORTCODE],
    ['character reference', REFERENCE],
  ] as const) {
    const m = re.exec(text);
    if (m) found.push(`${where}: a ${name} shows: …${text.slice(Math.max(0, m.index - 60), m.index + 60).replace(/\s+/g, ' ')}…`);
  }
  if (/&amp;(#\d+|[a-z]+);/i.test(html)) found.push(`${where}: escaped twice`);
  return found;
}

function assertClean(where: string, html: string): void {
  assert.deepEqual(problems(where, html), []);
}

describe('the digital.gov snapshot, imported and read', { skip: NO_SERVER || NO_SHARED }, () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;

  before(async () => {
    if (!HAS_SHARED) return;
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    env = { SMTP_URL: sink.url, ...database.env };
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...env, SPEAKER_REQUEST_MIN_SECONDS: '1' }));
    const content = (p: string) => path.join(DG, 'content', p);
    const pages = readdirSync(content('communities'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(content('communities'), f));
    const communities = await runCli(['communities', 'import', '--update', ...pages], env);
    assert.equal(communities.code, 0, communities.stderr);
    assert.match(
      communities.stderr,
      /social-media\.md: kept from the current page \(the file does not have them\): 1 introduction paragraph\(s\); section\(s\) "What We Do", "Who We Are", "Who Can Join", "Related Resources"/,
    );
    const library = await runCli(
      [
        'library',
        'import',
        '--skip-invalid',
        '--community',
        'social-media',
        ...['news', 'resources', 'guides', 'topics', 'authors'].map(content),
        path.join(DG, 'data/termsofservice.yml'),
        path.join(DG, 'data/termsofservicepoc.yml'),
      ],
      env,
    );
    assert.equal(library.code, 0, library.stderr);
    const events = await runCli(['events', 'import', '--skip-invalid', content('events')], env);
    assert.equal(events.code, 0, events.stderr);
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const pool = () => platform.db.pool;
  const get = async (p: string) => {
    const res = await fetch(platform.url + p);
    assert.equal(res.status, 200, p);
    return res.text();
  };

  test('every imported page: no shortcode, no character reference as text', async () => {
    const paths: string[] = [];
    const q = async (sql: string) => (await pool().query<{ p: string }>(sql)).rows.map((r) => r.p);
    paths.push(...(await q(`select '/communities/' || slug as p from communities where redirect_to is null`)));
    paths.push(...(await q(`select '/library/articles/' || slug as p from library_articles where status = 'published' and redirect_to is null`)));
    paths.push(...(await q(`select '/library/guides/' || slug as p from library_guides`)));
    paths.push(
      ...(await q(`select '/library/guides/' || g.slug || '/' || s.slug as p from library_guide_sections s join library_guides g on g.id = s.guide_id`)),
    );
    paths.push(...(await q(`select '/topics/' || slug as p from library_topics`)));
    paths.push(...(await q(`select '/library/authors/' || slug as p from library_authors`)));
    paths.push(...(await q(`select '/events/' || slug as p from events where status = 'published'`)));
    paths.push('/library', '/library/tools', '/events/past', '/communities', '/topics');
    assert.ok(paths.length > 900, `${paths.length} pages`);
    // One page is about character references: the Spanish style guide's table of how to write "á" (&#225;, &aacute;) in HTML.
    const aboutReferences = '/library/articles/spanish-language-style-guide-and-glossaries-spanish-language-style-guide-and-glossaries-grammar';
    const found: string[] = [];
    for (const p of paths) if (p !== aboutReferences) found.push(...problems(p, await get(p)));
    assert.deepEqual(found, [], `${found.length} of ${paths.length} pages`);
  });

  test('search results and every feed: titles and summaries are text, decoded once', async () => {
    for (const words of ['social media', 'plain language', 'accessibility', 'customer experience', 'open data', 'summit']) {
      assertClean(`search ${words}`, await get(`/search?q=${encodeURIComponent(words)}`));
    }
    const parser = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false, cdataPropName: false });
    const today = new Date().toISOString().slice(0, 10);
    const todayRfc = new Date().toUTCString().slice(0, 16);
    for (const base of [
      '/library/feed',
      '/topics/social-media/feed',
      '/topics/accessibility/feed',
      '/topics/plain-language/feed',
      '/communities/social-media/library/feed',
    ]) {
      const rss = await get(`${base}.rss`);
      const atom = await get(`${base}.atom`);
      const json = JSON.parse(await get(`${base}.json`)) as {
        version: string;
        items: Array<{ title: string; summary?: string; date_published: string; authors?: unknown[] }>;
      };
      assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
      for (const item of json.items) {
        for (const v of [item.title, item.summary ?? '']) assert.doesNotMatch(v, REFERENCE, `${base}.json: ${v}`);
        assert.ok(item.date_published, `${base}.json: ${item.title} has a date`);
      }
      const channel = (parser.parse(rss) as { rss: { channel: { item?: Array<Record<string, string>> } } }).rss.channel;
      for (const item of [channel.item ?? []].flat()) {
        // RSS titles and descriptions are HTML: decoded once more, a reader shows them.
        for (const k of ['title', 'description']) assert.doesNotMatch(decodeHTMLStrict(String(item[k] ?? '')), REFERENCE, `${base}.rss ${k}: ${item[k]}`);
      }
      const entries = [(parser.parse(atom) as { feed: { entry?: unknown } }).feed.entry ?? []].flat() as Array<Record<string, unknown>>;
      for (const e of entries) {
        for (const k of ['title', 'summary']) {
          const v = e[k] as string | { '#text': string } | undefined;
          assert.doesNotMatch(decodeHTMLStrict(typeof v === 'object' ? v['#text'] : String(v ?? '')), REFERENCE, `${base}.atom ${k}`);
        }
      }
      for (const [f, body] of [
        ['rss', rss],
        ['atom', atom],
        ['json', JSON.stringify(json)],
      ] as const) {
        assert.ok(!body.includes(today) && !body.includes(todayRfc), `${base}.${f} claims today's date`);
      }
    }
    const undated = await pool().query(`select count(*)::int as n from library_articles where status = 'published' and published_at is null`);
    assert.ok(undated.rows[0].n > 0, 'the snapshot has undated resources');
  });

  test('the Social Media community keeps its name and the seed page’s history and sections', async () => {
    const page = await get('/communities/social-media');
    assert.match(page, /launched in June 2012/);
    for (const h of ['What We Do', 'Who We Are', 'Related Resources']) assert.match(page, new RegExp(`<h2[^>]*>${h}</h2>`));
    assert.match(page, /<a href="https:\/\/digital\.gov\/topics\/social-media\/">social media<\/a>/, 'the featured topic is a link');
    const named = ['/communities', '/communities/social-media/speakers', '/communities/social-media/speakers/request', '/library', '/topics/social-media'];
    for (const p of named) assert.doesNotMatch(await get(p), /Join the Social Media(?! Community)/, p);
    const article = (
      await pool().query<{ slug: string }>(
        `select a.slug from library_articles a join communities c on c.id = a.community_id where c.slug = 'social-media' and a.status = 'published' limit 1`,
      )
    ).rows[0]!;
    const articlePage = await get(`/library/articles/${article.slug}`);
    assert.match(articlePage, /From the community <a href="\/communities\/social-media">Social Media<\/a>/);
    const feed = JSON.parse(await get('/communities/social-media/library/feed.json')) as { title: string };
    assert.equal(feed.title, 'Social Media: library');

    // A member's account page and the speaker request e-mail name it too.
    await addMember(pool(), 'social-media', { email: 'robin.park@gsa.gov', name: 'Robin Park' });
    const robin = await signIn(platform.url, sink, 'robin.park@gsa.gov');
    const account = await robin.get('/account');
    assert.match(account.text, /Social Media/);
    assert.doesNotMatch(account.text, /Join the Social Media/);
    const visitor = new WebClient(platform.url);
    const form = await visitor.get('/communities/social-media/speakers/request');
    await new Promise((r) => setTimeout(r, 1100));
    const sent = await visitor.request('POST', '/communities/social-media/speakers/request', {
      _csrf: csrfToken(form.text),
      formStamp: hidden(form.text, 'formStamp'),
      website: '',
      requesterName: 'Jordan Rivera',
      organization: 'State Communicators Association',
      email: 'jordan.rivera@statecomms.example.org',
      eventName: 'Summit 2027',
      date: '2027-04-15',
      startTime: '14:00',
      endTime: '15:00',
      timeZone: 'America/Chicago',
      where: 'online',
      location: '',
      audience: 'Communicators',
      audienceSize: '100',
      topic: 'Social media',
      format: 'keynote',
      press: 'no',
      notes: '',
    });
    assert.equal(sent.status, 200, (sent.text.match(/(usa-error-message|usa-alert__text)[^>]*>[^<]*/g) ?? []).join('\n'));
    const ack = await sink.next('jordan.rivera@statecomms.example.org');
    assert.match(ack.text, /the Social Media speakers bureau/);
    assert.doesNotMatch(ack.text, /Join the Social Media/);
  });
});
