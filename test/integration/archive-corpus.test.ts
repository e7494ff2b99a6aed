/**
 * Every message of the real corpus (1,500 messages of usrp-users, ../shared) read over HTTP from
 * the real server and checked in-process: one h1; no script but the site's own; no event
 * handler, style, frame, object or SVG; no javascript: or data: address; no image from another
 * site; every link in a message body an http, https or mailto address with a name; lists, ids and
 * tables as axe wants them; and every address on this site that a message page points at
 * (threads, months, attachments, inline images, the other format, page anchors) answers.
 * Chromium and axe then open one page per markup shape (test/browser/archives.test.ts); the
 * shapes found here are written to test-results/archive-shapes.json for people to read.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DomUtils } from 'htmlparser2';
import { archivePending } from '../../src/archives/archiver.ts';
import { searchArchiveRaw } from '../../src/archives/search.ts';
import { freshText } from '../../src/archives/text.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { startCorpusArchive, type CorpusArchive } from '../archive-helpers.ts';
import {
  chooseRepresentatives,
  elementsIn,
  fetchPages,
  markupShape,
  parsePage,
  type FetchedPage,
  type HtmlDocument,
  type HtmlElement,
  type ShapedPage,
} from '../archive-shapes.ts';
import { NO_SHARED, ROOT } from '../helpers.ts';

/**
 * What a message body may hold: src/web/mail-html.ts's allow-list of tags and attributes, and the
 * wrappers render.ts and text.ts put around it. Written out again on purpose, so that widening
 * the sanitizer means widening this list too.
 */
const BODY_TAGS: Record<string, string[]> = {
  p: [],
  br: [],
  hr: [],
  blockquote: [],
  pre: ['class'],
  code: [],
  em: [],
  strong: [],
  b: [],
  i: [],
  u: [],
  s: [],
  sub: [],
  sup: [],
  small: [],
  ul: [],
  ol: ['start'],
  li: [],
  a: ['href', 'rel', 'title'],
  table: ['role'],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  td: ['colspan', 'rowspan'],
  // (data-sg-image, the sanitizer's marker for an image it left out, must be replaced by "[image]")
  span: [],
  div: ['class'],
  img: ['src', 'alt', 'width', 'height'],
  details: ['class'],
  summary: [],
};
const BODY_CLASSES = new Set(['archive-text', 'archive-quote', 'sg-mail-html']);
/** Never on an archive page, wherever they come from (forms: only the site's, as the body check below says). */
const NEVER = new Set(['style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'svg', 'math', 'template', 'portal']);
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'poster', 'background', 'cite', 'data', 'longdesc', 'ping', 'xlink:href'];
const SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const INLINE_IMAGE = /^\/archives\/social-media\/\d+\/attachments\/\d+$/;

/** The page frame every archive page shares, read from a known page: its scripts. */
interface SiteFrame {
  scripts: string[];
}

interface PageCheck {
  problems: string[];
  /** Addresses on this site the page points at (without the #fragment), to fetch once each. */
  links: Set<string>;
  /** Links to an anchor on another page: [that page's path, the anchor's id]. */
  anchors: Array<[string, string]>;
  ids: Set<string>;
}

const hasClass = (e: HtmlElement, c: string) => (e.attribs.class ?? '').split(/\s+/).includes(c);
const childElements = (e: HtmlElement) => e.children.filter((c): c is HtmlElement => DomUtils.isTag(c));

/** Tag names counted from the bytes: if the parser saw fewer (or more), a browser might see what the checks did not. */
function rawTagCounts(html: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])/g)) counts.set(m[1]!.toLowerCase(), (counts.get(m[1]!.toLowerCase()) ?? 0) + 1);
  return counts;
}

function accessibleName(a: HtmlElement): string {
  const images = DomUtils.findAll((e) => e.name === 'img', a.children).map((i) => i.attribs.alt ?? '');
  return [DomUtils.textContent(a), a.attribs.title ?? '', a.attribs['aria-label'] ?? '', ...images].join('').trim();
}

/** The checks every archive page gets. `remoteImages`: the page the reader asked to show remote images on. */
function checkPage(page: FetchedPage, doc: HtmlDocument, origin: string, frame: SiteFrame, opts: { remoteImages: boolean }): PageCheck {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`${page.path}: ${what}`);
  const here = new URL(page.path, origin);
  const links = new Set<string>();
  const anchors: Array<[string, string]> = [];
  const ids = new Set<string>();
  const all = elementsIn(doc);

  const parsed = new Map<string, number>();
  for (const e of all) parsed.set(e.name, (parsed.get(e.name) ?? 0) + 1);
  const raw = rawTagCounts(page.html);
  const disagree = [...new Set([...raw.keys(), ...parsed.keys()])].filter((t) => raw.get(t) !== parsed.get(t));
  if (disagree.length) fail(`the parser and the bytes disagree on ${disagree.map((t) => `<${t}> (${raw.get(t) ?? 0} vs ${parsed.get(t) ?? 0})`).join(', ')}`);

  const h1 = all.filter((e) => e.name === 'h1').length;
  if (h1 !== 1) fail(`${h1} h1 elements`);
  const scripts = all.filter((e) => e.name === 'script');
  if (scripts.some((s) => !s.attribs.src || DomUtils.textContent(s).trim())) fail('an inline script');
  const srcs = scripts.map((s) => s.attribs.src ?? '');
  if (srcs.join(' ') !== frame.scripts.join(' ')) fail(`scripts ${srcs.join(', ')} instead of the site's ${frame.scripts.join(', ')}`);

  const body = DomUtils.findOne((e) => e.name === 'body', doc.children);
  for (const e of body ? elementsIn(body) : []) {
    if (e.name === 'link' || (e.name === 'meta' && e.attribs['http-equiv'])) fail(`<${e.name}> in the body`);
  }
  for (const e of all) {
    if (NEVER.has(e.name)) fail(`a <${e.name}> element`);
    for (const [name, value] of Object.entries(e.attribs)) {
      if (/^on/i.test(name)) fail(`an event handler: <${e.name} ${name}>`);
      if (name === 'style') fail(`a style attribute on <${e.name}>${/url\s*\(/i.test(value) ? ' with url()' : ''}`);
      if (name === 'srcset' || name === 'srcdoc') fail(`<${e.name} ${name}>`);
      if (name === 'id') {
        if (ids.has(value)) fail(`id "${value}" twice`);
        ids.add(value);
      }
    }
    for (const name of URL_ATTRIBUTES) {
      const value = e.attribs[name];
      if (value === undefined) continue;
      let url: URL;
      try {
        url = new URL(value, here);
      } catch {
        fail(`<${e.name} ${name}="${value}"> is not an address`);
        continue;
      }
      if (!SCHEMES.has(url.protocol)) {
        fail(`<${e.name} ${name}="${value.slice(0, 60)}">: ${url.protocol} address`);
        continue;
      }
      if (url.origin !== origin) {
        if (name === 'src' && !(opts.remoteImages && e.name === 'img')) fail(`<${e.name} src="${value}"> from another site`);
        continue;
      }
      const target = url.pathname + url.search;
      if (url.hash && target === here.pathname + here.search) anchors.push([page.path, decodeURIComponent(url.hash.slice(1))]);
      else {
        links.add(target);
        if (url.hash) anchors.push([target, decodeURIComponent(url.hash.slice(1))]);
      }
    }
    // what axe's list, listitem, definition-list, image-alt and link-name rules ask, on every page
    if ((e.name === 'ul' || e.name === 'ol') && childElements(e).some((c) => c.name !== 'li'))
      fail(
        `<${e.name}> holds ${childElements(e)
          .filter((c) => c.name !== 'li')
          .map((c) => `<${c.name}>`)
          .join(', ')}`,
      );
    if (e.name === 'li' && !['ul', 'ol', 'menu'].includes((e.parent as HtmlElement | null)?.name ?? '')) fail(`<li> outside a list`);
    if (e.name === 'dl' && childElements(e).some((c) => !['dt', 'dd', 'div'].includes(c.name))) fail('<dl> holds something other than dt, dd');
    if (e.name === 'img' && e.attribs.alt === undefined) fail(`<img src="${e.attribs.src}"> without alt`);
    if (e.name === 'a' && e.attribs.href !== undefined && !accessibleName(e)) fail(`a link with no name: ${e.attribs.href}`);
  }

  for (const region of all.filter((e) => hasClass(e, 'sg-mail-body'))) {
    for (const e of elementsIn(region)) {
      const allowed = BODY_TAGS[e.name];
      if (!allowed) {
        fail(`<${e.name}> in a message body`);
        continue;
      }
      for (const name of Object.keys(e.attribs)) if (!allowed.includes(name)) fail(`<${e.name} ${name}> in a message body`);
      for (const c of (e.attribs.class ?? '').split(/\s+/).filter(Boolean)) if (!BODY_CLASSES.has(c)) fail(`class "${c}" in a message body`);
      if (e.name === 'a') {
        const href = e.attribs.href ?? '';
        // absolute: a relative link in mail means nothing on this site
        if (!URL.canParse(href) || !SCHEMES.has(new URL(href).protocol)) fail(`a link in a message to "${href.slice(0, 80)}"`);
        const rel = (e.attribs.rel ?? '').split(/\s+/);
        if (!['nofollow', 'noopener', 'noreferrer'].every((r) => rel.includes(r))) fail(`a link in a message with rel="${e.attribs.rel ?? ''}"`);
      }
      if (e.name === 'table' && e.attribs.role !== 'presentation') fail('a table in a message that is not a layout table');
      if (e.name === 'img') {
        const src = new URL(e.attribs.src ?? '', here);
        if (src.origin === origin && !INLINE_IMAGE.test(src.pathname)) fail(`an image in a message from ${src.pathname}`);
      }
    }
  }
  return { problems, links, anchors, ids };
}

/** How deep blockquotes may nest in what a message page shows before the reader opens a fold. */
const MAX_UNFOLDED_QUOTE_DEPTH = 1;

/** The deepest nesting of <blockquote> in message bodies, outside folded quotes (details.archive-quote). */
function unfoldedQuoteDepth(doc: HtmlDocument): number {
  let deepest = 0;
  const walk = (e: HtmlElement, depth: number) => {
    if (e.name === 'details' && hasClass(e, 'archive-quote')) return;
    const d = e.name === 'blockquote' ? depth + 1 : depth;
    deepest = Math.max(deepest, d);
    for (const c of childElements(e)) walk(c, d);
  };
  for (const body of DomUtils.findAll((e) => hasClass(e, 'sg-mail-body'), doc.children)) walk(body, 0);
  return deepest;
}

/** The text a message page shows in its body before any fold is opened. */
function unfoldedText(doc: HtmlDocument): string {
  const parts: string[] = [];
  const walk = (n: HtmlElement['children'][number]) => {
    if (DomUtils.isText(n)) parts.push(n.data);
    else if (DomUtils.isTag(n) && !(n.name === 'details' && hasClass(n, 'archive-quote'))) n.children.forEach(walk);
  };
  for (const body of DomUtils.findAll((e) => hasClass(e, 'sg-mail-body'), doc.children)) body.children.forEach(walk);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

describe('the archive page checks', () => {
  const origin = 'http://127.0.0.1:3000';
  const frame: SiteFrame = { scripts: ['/assets/site.js'] };
  const page = (body: string): PageCheck => {
    const html = `<!doctype html><html lang="en"><head><title>T</title></head><body><a href="#main-content">Skip to main content</a><main id="main-content"><h1>Hello</h1><div class="sg-mail-body"><div class="sg-mail-html">${body}</div></div></main><script src="/assets/site.js"></script></body></html>`;
    return checkPage(
      { path: '/archives/social-media/1', status: 200, contentType: 'text/html', contentDisposition: null, html },
      parsePage(html),
      origin,
      frame,
      { remoteImages: false },
    );
  };

  test('a clean page passes, and what it points at on this site is listed', () => {
    const c = page(
      '<p>See <a href="https://example.gov/" rel="nofollow noopener noreferrer" title="Link to example.gov">this</a> and <img src="/archives/social-media/1/attachments/0" alt="" /></p>',
    );
    assert.deepEqual(c.problems, []);
    assert.deepEqual([...c.links].sort(), ['/archives/social-media/1/attachments/0', '/assets/site.js']);
    assert.deepEqual(c.anchors, [['/archives/social-media/1', 'main-content']]);
  });

  test('quoted history outside a fold is measured; inside one it is not', () => {
    const doc = (body: string) => parsePage(`<main><div class="sg-mail-body">${body}</div></main>`);
    assert.equal(unfoldedQuoteDepth(doc('<p>Hi</p><blockquote>a<blockquote>b<blockquote>c</blockquote></blockquote></blockquote>')), 3);
    const folded = doc('<p>Hi</p><details class="archive-quote"><summary>Quoted text</summary><blockquote>a<blockquote>b</blockquote></blockquote></details>');
    assert.equal(unfoldedQuoteDepth(folded), 0);
    assert.equal(unfoldedText(folded), 'Hi');
  });

  test('each thing a page must not have is found', () => {
    const cases: Array<[string, RegExp]> = [
      ['<p onclick="x()">Hi</p>', /event handler: <p onclick>/],
      ['<p style="background:url(https://t.example/p)">Hi</p>', /style attribute on <p> with url\(\)/],
      ['<style>p{}</style>', /a <style> element/],
      ['<script>window.__xss=1</script>', /an inline script/],
      ['<a href="javascript:alert(1)" rel="nofollow noopener noreferrer">x</a>', /javascript: address/],
      ['<a href=" java\tscript:alert(1)" rel="nofollow noopener noreferrer">x</a>', /javascript: address/],
      ['<img src="data:image/png;base64,AAAA" alt="">', /data: address/],
      ['<img src="https://tracker.example/p.gif" alt="">', /from another site/],
      ['<img src="//tracker.example/p.gif" alt="">', /from another site/],
      ['<a href="/archives/social-media/2" rel="nofollow noopener noreferrer">x</a>', /a link in a message to "\/archives/],
      ['<a href="https://example.gov/">x</a>', /rel=""/],
      ['<a href="https://example.gov/" rel="nofollow noopener noreferrer"></a>', /a link with no name/],
      ['<table><tr><td>x</td></tr></table>', /not a layout table/],
      ['<ul><p>x</p></ul>', /<ul> holds <p>/],
      ['<li>x</li>', /<li> outside a list/],
      ['<img src="/x.png">', /without alt/],
      ['<p id="a">1</p><p id="a">2</p>', /id "a" twice/],
      ['<form action="/x"><input name="q"></form>', /<form> in a message body/],
      ['<iframe src="/x"></iframe>', /a <iframe> element/],
      ['<span class="usa-alert">x</span>', /class "usa-alert"/],
      ['<h1>Another</h1>', /2 h1 elements/],
      // a tag the parser did not see as one: the page is not what the checks think it is
      ['<!-- <script>window.__xss=1</script> -->', /disagree on <script> \(2 vs 1\)/],
    ];
    for (const [body, problem] of cases) {
      const found = page(body).problems;
      assert.ok(
        found.some((p) => problem.test(p)),
        `${body}: ${found.join(' | ') || 'nothing found'}`,
      );
    }
  });
});

describe('every message of the real corpus, over HTTP', { skip: NO_SHARED, timeout: 10 * 60_000 }, () => {
  let archive: CorpusArchive;

  before(async () => {
    if (NO_SHARED) return;
    archive = await startCorpusArchive();
  });
  after(async () => {
    await archive?.close();
  });

  test('every message page, and every address on this site it points at', async (t) => {
    const origin = archive.platform.url;
    const problems: string[] = [];
    // The archive's home page has no mail on it: its scripts are the site's own, and it passes
    // the same checks (so the site itself uses no data: or javascript: address, no inline style).
    const [home] = await fetchPages(origin, archive.session, ['/archives/social-media']);
    assert.equal(home!.status, 200);
    const homeDoc = parsePage(home!.html);
    const frame: SiteFrame = { scripts: DomUtils.findAll((e) => e.name === 'script', homeDoc.children).map((s) => s.attribs.src ?? '') };
    assert.ok(frame.scripts.length >= 1 && frame.scripts.every((s) => s.startsWith('/assets/')), `the site's scripts: ${frame.scripts.join(', ')}`);
    assert.deepEqual(checkPage(home!, homeDoc, origin, frame, { remoteImages: false }).problems, [], 'the home page itself passes');

    const started = Date.now();
    const messages = await fetchPages(origin, archive.session, archive.messagePaths);
    const fetched = new Map<string, FetchedPage>(messages.map((p) => [p.path, p]));
    const ids = new Map<string, Set<string>>();
    const links = new Set<string>();
    const anchors: Array<[string, string]> = [];
    const shaped: ShapedPage[] = [];
    const check = (page: FetchedPage, remoteImages: boolean): { doc: HtmlDocument; links: Set<string> } => {
      const doc = parsePage(page.html);
      const c = checkPage(page, doc, origin, frame, { remoteImages });
      problems.push(...c.problems);
      ids.set(page.path, c.ids);
      anchors.push(...c.anchors);
      return { doc, links: c.links };
    };
    for (const page of messages) {
      if (page.status !== 200 || !page.contentType.startsWith('text/html')) {
        problems.push(`${page.path}: status ${page.status}, ${page.contentType}`);
        continue;
      }
      const { doc, links: pointed } = check(page, false);
      for (const l of pointed) links.add(l);
      shaped.push({ path: page.path, shape: markupShape(doc) });
      const depth = unfoldedQuoteDepth(doc);
      if (depth > MAX_UNFOLDED_QUOTE_DEPTH) problems.push(`${page.path}: quoted history ${depth} levels deep outside a fold`);
    }

    // Each address once: threads, months, attachments and inline images, the other format,
    // remote images on request, the site's assets and menus. Archive pages get the same checks.
    const more = await fetchPages(
      origin,
      archive.session,
      [...links].filter((l) => !fetched.has(l)),
    );
    for (const page of more) {
      fetched.set(page.path, page);
      if (page.status !== 200) {
        problems.push(`${page.path}: status ${page.status} (linked from a message page)`);
        continue;
      }
      if (page.path.includes('/attachments/')) {
        if (!page.contentDisposition?.startsWith('attachment')) problems.push(`${page.path}: served as ${page.contentDisposition ?? 'inline'}`);
      } else if (page.path.startsWith('/archives/') && page.contentType.startsWith('text/html')) {
        check(page, /[?&]images=show\b/.test(page.path));
      }
    }
    for (const [target, id] of anchors) {
      const there = ids.get(target);
      if (there && !there.has(id)) problems.push(`${target}#${id}: no such anchor`);
      else if (!there && !fetched.has(target)) problems.push(`${target}#${id}: not fetched`);
    }
    const kinds = (re: RegExp) => more.filter((p) => re.test(p.path)).length;
    t.diagnostic(
      `${messages.length} message pages and ${more.length} linked addresses (${kinds(/\/threads\//)} threads, ${kinds(/\/months\//)} months, ${kinds(/\/attachments\//)} attachments, ${kinds(/format=text/)} plain-text views, ${kinds(/images=show/)} with remote images) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (problems.length) t.diagnostic(problems.slice(0, 40).join('\n'));
    assert.equal(problems.length, 0, `${problems.length} problems; the first: ${problems.slice(0, 10).join(' | ')}`);

    const chosen = chooseRepresentatives(shaped);
    const out = path.join(ROOT, 'test-results', 'archive-shapes.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      JSON.stringify(
        {
          pages: shaped.length,
          shapes: chosen.byShape.map((s) => ({ representative: s.path, pages: s.pages, elements: s.key.split(' ') })),
          forPairs: chosen.forPairs,
        },
        null,
        1,
      ),
    );
    t.diagnostic(
      `${chosen.byShape.length} markup shapes over ${shaped.length} message pages (${chosen.forPairs.length} more pages open the remaining parent>child pairs); written to ${path.relative(ROOT, out)}`,
    );
    // Not vacuous: many shapes, yet far fewer than pages (test/archive-shapes.test.ts shows what makes a new one).
    assert.ok(chosen.byShape.length >= 10 && chosen.byShape.length <= shaped.length / 4, `${chosen.byShape.length} shapes`);
  });

  const numberOf = async (messageId: string): Promise<number> =>
    Number((await archive.platform.db.pool.query('select number from posts where message_id = $1', [messageId])).rows[0]!.number);

  test('the deepest quoted histories (15 to 19 levels) open folded: the reply shows first, the history is one click away', async () => {
    // Gmail and Apple Mail replies to "Need a little help with running legacy prebuilt UHD versions" and "Sequence Errors N200"
    for (const id of [
      '<CA+JMMq9gbq_-YgRCFfy3iOZ0Mygc2fd7uOeUgNREMi1-S2atLA@mail.gmail.com>',
      '<365E5ED3-897E-402B-B5BA-D8F9A217B3EF@k5so.com>',
      '<CAOExtcTX1O0UT2fB_WN7CnJEK9_HN+7evxBw6nzL4Y7zLurzDw@mail.gmail.com>',
    ]) {
      const [page] = await fetchPages(archive.platform.url, archive.session, [`/archives/social-media/${await numberOf(id)}`]);
      const doc = parsePage(page!.html);
      const body = DomUtils.findOne((e) => hasClass(e, 'sg-mail-body'), doc.children)!;
      assert.ok(DomUtils.findAll((e) => e.name === 'blockquote', body.children).length >= 15, `${id}: the history is all there`);
      const folds = DomUtils.findAll((e) => e.name === 'details' && hasClass(e, 'archive-quote'), body.children);
      assert.ok(folds.length >= 1 && folds.every((f) => f.attribs.open === undefined), `${id}: folded, closed`);
      assert.equal(unfoldedQuoteDepth(doc), 0, id);
      const shown = unfoldedText(doc);
      assert.ok(shown.length > 0 && shown.length < 1500, `${id}: ${shown.length} characters shown before the fold: ${shown.slice(0, 200)}`);
    }
  });

  test('"has attachments" on real mail: a file the sender attached, never only a signature or an inline image', async () => {
    const pool = archive.platform.db.pool;
    const flag = async (id: string) =>
      (await pool.query<{ has_attachment: boolean }>('select has_attachment from archive_entries where message_id = $1', [id])).rows[0]!.has_attachment;
    // S/MIME and OpenPGP signed, nothing attached
    for (const id of [
      '<6d6a2cd54454423ab2581b4b35c0bdef@ll.mit.edu>',
      '<011f01d54871$5dd45b00$197d1100$@aau.at>',
      '<6377ea27-7921-8d88-c40e-d9f202d39b05@novagrid.com>',
    ])
      assert.equal(await flag(id), false, id);
    // files whose parts have a Content-ID (Gmail: logs and scripts; Apple Mail: an XML file)
    for (const id of [
      '<CANQ3h3-nEyp_b0aas9fdbHsz+OBMpNWJA0JZd7ABbfjsGmULQw@mail.gmail.com>',
      '<255EAC65-3DFA-4CBC-AADD-3CD78FAEB801@ll.mit.edu>',
      '<CA+JMMq_PWfCwHKYbuVNUBSkLStLJsHr2TuV7aEEatFO1Mp3mPQ@mail.gmail.com>',
    ])
      assert.equal(await flag(id), true, id);
    // the flag and the parts agree everywhere, and each kind of part is there
    const { rows } = await pool.query<{ has_attachment: boolean; kinds: string[] }>(
      `select has_attachment, array(select a->>'kind' from jsonb_array_elements(attachments) a) as kinds from archive_entries where jsonb_array_length(attachments) > 0`,
    );
    for (const r of rows) assert.equal(r.has_attachment, r.kinds.includes('file'), r.kinds.join(','));
    const flagged = rows.filter((r) => r.has_attachment).length;
    assert.ok(flagged >= 30, `${flagged} messages with attachments`);
    assert.ok(
      rows.some((r) => !r.has_attachment && r.kinds.every((k) => k === 'inline')),
      'a message with only inline images is not flagged',
    );
    assert.ok(
      rows.some((r) => !r.has_attachment && r.kinds.every((k) => k === 'signature')),
      'a signed message is not flagged',
    );
  });

  test('search finds words inside the paths, addresses and slash-joined words of real mail', async () => {
    const pool = archive.platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    const { rows } = await pool.query<{ post_id: number; sent_at: Date; from_address: string; body_text: string }>(
      `select post_id, sent_at, from_address, body_text from archive_entries where list_id = $1 and body_text ~ '[A-Za-z]/[A-Za-z]' order by post_id`,
      [list.id],
    );
    // one word of five or more letters (not one too common to be indexed, like "where") from inside
    // a joined chunk of the author's own text, per message
    // (a word of its own between the joins: "Instagram" in "Facebook/Instagram", not "Mbyte" in "100Mbyte/s")
    const words = (r: (typeof rows)[number]) =>
      freshText(r.body_text)
        .split(/\s+/)
        .filter((c) => c.includes('/'))
        .flatMap((c) => c.split(/[^\p{L}\p{N}_-]+/u).filter((w) => /^[A-Za-z]{5,}$/.test(w)));
    const { rows: indexed } = await pool.query<{ w: string }>("select w from unnest($1::text[]) w where numnode(plainto_tsquery('english', w)) > 0", [
      [...new Set(rows.flatMap(words))],
    ]);
    const known = new Set(indexed.map((r) => r.w));
    const cases: Array<{ postId: number; word: string; day: Date; from: string }> = [];
    for (const r of rows) {
      const word = words(r).find((w) => known.has(w));
      if (word) cases.push({ postId: Number(r.post_id), word, day: r.sent_at, from: r.from_address });
    }
    assert.ok(cases.length >= 100, `${cases.length} messages with joined words`);
    const missed: string[] = [];
    for (const c of cases) {
      const since = new Date(c.day.getTime() - 1000);
      const until = new Date(c.day.getTime() + 1000);
      const r = await searchArchiveRaw(pool, { listIds: [list.id], words: c.word, from: c.from, since, until, limit: 100 });
      if (!r.hits.some((h) => h.postId === c.postId)) missed.push(`${c.word} (post ${c.postId})`);
    }
    assert.deepEqual(missed, [], `${missed.length} of ${cases.length} missed`);
  });

  test('the same real mail arriving by mail-in shows the same posters as the import (one rule for "X via USRP-users")', async () => {
    const pool = archive.platform.db.pool;
    await pool.query("insert into communities (slug, title) values ('usrp', 'USRP')");
    const list = (await listByLocalPart(pool, 'usrp'))!;
    // stored as the listserv stores a post: the From header as sent (the list's address, "X via USRP-users")
    await pool.query(
      `insert into posts (list_id, number, message_id, in_reply_to, refs, subject, from_address, from_name, sent_at, raw, decorated, size)
       select $1, row_number() over (order by p.number), p.message_id, p.in_reply_to, p.refs, p.subject, 'usrp-users@lists.ettus.com', coalesce(p.from_name, 'Someone') || ' via USRP-users', p.sent_at, p.raw, p.raw, p.size
       from posts p join lists l on l.id = p.list_id where l.local_part = 'social-media' and p.number <= 300`,
      [list.id],
    );
    await archivePending(pool, list.id);
    const { rows } = await pool.query<{ message_id: string; mail_in: string; imported: string; mail_in_name: string | null; imported_name: string | null }>(
      `select a.message_id, a.from_address as mail_in, b.from_address as imported, a.from_name as mail_in_name, b.from_name as imported_name
       from archive_entries a join archive_entries b on b.message_id = a.message_id and b.list_id <> a.list_id where a.list_id = $1`,
      [list.id],
    );
    assert.ok(rows.length >= 290, `${rows.length} posts`);
    const differ = rows.filter((r) => r.mail_in !== r.imported || r.mail_in_name !== r.imported_name);
    assert.deepEqual(differ.slice(0, 5), [], `${differ.length} of ${rows.length} show another poster`);
    assert.ok(rows.every((r) => r.mail_in !== 'usrp-users@lists.ettus.com'));
  });
});
