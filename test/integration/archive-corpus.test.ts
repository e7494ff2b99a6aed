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
import { startCorpusArchive, type CorpusArchive } from '../archive-helpers.ts';
import { chooseRepresentatives, elementsIn, fetchPages, markupShape, parsePage, type FetchedPage, type HtmlDocument, type HtmlElement, type ShapedPage } from '../archive-shapes.ts';
import { NO_SHARED, ROOT } from '../helpers.ts';

/**
 * What a message body may hold: sanitize.ts's allow-list of tags and attributes, and the
 * wrappers render.ts and text.ts put around it. Written out again on purpose, so that widening
 * the sanitizer means widening this list too.
 */
const BODY_TAGS: Record<string, string[]> = {
  p: [], br: [], hr: [], blockquote: [], pre: ['class'], code: [], em: [], strong: [], b: [], i: [], u: [], s: [], sub: [], sup: [], small: [],
  ul: [], ol: ['start'], li: [], a: ['href', 'rel', 'title'], table: ['role'], thead: [], tbody: [], tfoot: [], tr: [], td: ['colspan', 'rowspan'],
  // (data-sg-image, the sanitizer's marker for an image it left out, must be replaced by "[image]")
  span: [], div: ['class'], img: ['src', 'alt', 'width', 'height'], details: ['class'], summary: [],
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
    if ((e.name === 'ul' || e.name === 'ol') && childElements(e).some((c) => c.name !== 'li')) fail(`<${e.name}> holds ${childElements(e).filter((c) => c.name !== 'li').map((c) => `<${c.name}>`).join(', ')}`);
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

describe('the archive page checks', () => {
  const origin = 'http://127.0.0.1:3000';
  const frame: SiteFrame = { scripts: ['/assets/site.js'] };
  const page = (body: string): PageCheck => {
    const html = `<!doctype html><html lang="en"><head><title>T</title></head><body><a href="#main-content">Skip to main content</a><main id="main-content"><h1>Hello</h1><div class="sg-mail-body"><div class="sg-mail-html">${body}</div></div></main><script src="/assets/site.js"></script></body></html>`;
    return checkPage({ path: '/archives/social-media/1', status: 200, contentType: 'text/html', contentDisposition: null, html }, parsePage(html), origin, frame, { remoteImages: false });
  };

  test('a clean page passes, and what it points at on this site is listed', () => {
    const c = page('<p>See <a href="https://example.gov/" rel="nofollow noopener noreferrer" title="Link to example.gov">this</a> and <img src="/archives/social-media/1/attachments/0" alt="" /></p>');
    assert.deepEqual(c.problems, []);
    assert.deepEqual([...c.links].sort(), ['/archives/social-media/1/attachments/0', '/assets/site.js']);
    assert.deepEqual(c.anchors, [['/archives/social-media/1', 'main-content']]);
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
      assert.ok(found.some((p) => problem.test(p)), `${body}: ${found.join(' | ') || 'nothing found'}`);
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
    }

    // Each address once: threads, months, attachments and inline images, the other format,
    // remote images on request, the site's assets and menus. Archive pages get the same checks.
    const more = await fetchPages(origin, archive.session, [...links].filter((l) => !fetched.has(l)));
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
    writeFileSync(out, JSON.stringify({ pages: shaped.length, shapes: chosen.byShape.map((s) => ({ representative: s.path, pages: s.pages, elements: s.key.split(' ') })), forPairs: chosen.forPairs }, null, 1));
    t.diagnostic(`${chosen.byShape.length} markup shapes over ${shaped.length} message pages (${chosen.forPairs.length} more pages open the remaining parent>child pairs); written to ${path.relative(ROOT, out)}`);
    // Not vacuous: many shapes, yet far fewer than pages (test/archive-shapes.test.ts shows what makes a new one).
    assert.ok(chosen.byShape.length >= 10 && chosen.byShape.length <= shaped.length / 4, `${chosen.byShape.length} shapes`);
  });
});
