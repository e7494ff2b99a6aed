/**
 * Markup shapes of archive message pages, so Chromium and axe open a few pages that hold every
 * kind of element (and every nesting of two) instead of all of them (coveringPages). A page's shape is the set of element kinds in its `<main>`: tag, our own class
 * names (the sanitizer drops the mail's) and attribute names, e.g. `a[href,rel,title]` or
 * `pre.archive-text[]`; text and attribute values are left out. Every page is still fetched and
 * checked in-process by test/integration/archive-corpus.test.ts; the browser test computes the
 * shapes itself (from the pages the server renders) and opens one page per shape.
 */
import { DomUtils, parseDocument } from 'htmlparser2';

export type HtmlDocument = ReturnType<typeof parseDocument>;
export type HtmlElement = ReturnType<typeof DomUtils.findAll>[number];

export function parsePage(html: string): HtmlDocument {
  return parseDocument(html);
}

/** Every element below `root`, in document order. */
export function elementsIn(root: HtmlDocument | HtmlElement): HtmlElement[] {
  return DomUtils.findAll(() => true, root.children);
}

function kind(e: HtmlElement): string {
  const classes = (e.attribs.class ?? '').split(/\s+/).filter(Boolean).sort();
  return e.name + classes.map((c) => `.${c}`).join('');
}

function elementKind(e: HtmlElement): string {
  return `${kind(e)}[${Object.keys(e.attribs)
    .filter((a) => a !== 'class')
    .sort()
    .join(',')}]`;
}

export interface MarkupShape {
  /** Tells shapes apart: the element kinds, sorted and joined by spaces. */
  key: string;
  /** Each element kind in the main content, once, sorted: `tag.our-class[attribute,names]`. */
  elements: string[];
  /** Each parent>child pair in the main content, once, sorted, e.g. `ul.usa-list>li[]`, `a>span[]`. */
  pairs: string[];
}

/** The shape of a page's main content (the `<main>` element: title, headers, body, attachments, replies). */
export function markupShape(page: string | HtmlDocument): MarkupShape {
  const doc = typeof page === 'string' ? parsePage(page) : page;
  const main = DomUtils.findOne((e) => e.name === 'main', doc.children);
  if (!main) throw new Error('the page has no <main>');
  const inside = elementsIn(main);
  const elements = [...new Set(inside.map(elementKind))].sort();
  const pairs = [...new Set(inside.map((e) => `${kind(e.parent as HtmlElement)}>${elementKind(e)}`))].sort();
  return { key: elements.join(' '), elements, pairs };
}

export interface ShapedPage {
  path: string;
  shape: MarkupShape;
}

export interface Representatives {
  /** One page per shape, the first with it (in the order the pages were given), and how many pages have it. */
  byShape: Array<{ path: string; key: string; pages: number }>;
  /**
   * Pages added because a parent>child pair (a link around an image, a list inside a table cell)
   * appears on none of the pages above: shapes are sets, so they don't see nesting.
   */
  forPairs: string[];
  /** Everything to open, each once: the shapes' pages, the pairs' pages, then `alsoOpen`. */
  paths: string[];
}

/**
 * Which pages to open in a browser: one per shape, then (chosen greedily, the page that adds
 * most first, ties to the earlier page) pages until every parent>child pair has been opened
 * once, then `alsoOpen` (first and last pages, a fixed sample). Deterministic for the same pages.
 */
export function chooseRepresentatives(pages: ShapedPage[], alsoOpen: string[] = []): Representatives {
  const byKey = new Map<string, { path: string; key: string; pages: number }>();
  for (const p of pages) {
    const seen = byKey.get(p.shape.key);
    if (seen) seen.pages++;
    else byKey.set(p.shape.key, { path: p.path, key: p.shape.key, pages: 1 });
  }
  const byShape = [...byKey.values()];
  const chosen = new Set(byShape.map((r) => r.path));
  const pairsOf = new Map(pages.map((p) => [p.path, p.shape.pairs]));
  const missing = new Set(pages.flatMap((p) => p.shape.pairs));
  for (const path of chosen) for (const pair of pairsOf.get(path)!) missing.delete(pair);
  const forPairs: string[] = [];
  while (missing.size) {
    let best: ShapedPage | undefined;
    let bestAdds = 0;
    for (const p of pages) {
      const adds = p.shape.pairs.filter((pair) => missing.has(pair)).length;
      if (adds > bestAdds) {
        best = p;
        bestAdds = adds;
      }
    }
    forPairs.push(best!.path);
    chosen.add(best!.path);
    for (const pair of best!.shape.pairs) missing.delete(pair);
  }
  for (const path of alsoOpen) chosen.add(path);
  return { byShape, forPairs, paths: [...chosen] };
}

export interface Cover {
  /** Pages chosen until every element kind and every parent>child pair on any page is on one of them. */
  covering: string[];
  /** Element kinds and parent>child pairs found over all pages. */
  kinds: number;
  pairs: number;
  /** Everything to open, each once: the covering pages, then `alsoOpen`. */
  paths: string[];
}

/**
 * Fewer pages than one per shape, missing nothing a shape holds: pages chosen greedily (the page
 * that adds the most element kinds and parent>child pairs not yet chosen first, ties to the
 * earlier page) until every kind and every pair that any page has is on a chosen page; then
 * `alsoOpen`. A shape is a set of kinds, so 186 shapes of the real corpus hold 49 kinds: each
 * kind (and each nesting) is seen by Chromium and axe without opening every combination of them.
 * Deterministic for the same pages.
 */
export function coveringPages(pages: ShapedPage[], alsoOpen: string[] = []): Cover {
  const itemsOf = pages.map((p) => [...p.shape.elements.map((e) => `kind ${e}`), ...p.shape.pairs.map((e) => `pair ${e}`)]);
  const missing = new Set(itemsOf.flat());
  const all = { kinds: new Set(pages.flatMap((p) => p.shape.elements)).size, pairs: new Set(pages.flatMap((p) => p.shape.pairs)).size };
  const covering: string[] = [];
  while (missing.size) {
    let best = -1;
    let bestAdds = 0;
    itemsOf.forEach((items, i) => {
      const adds = items.filter((x) => missing.has(x)).length;
      if (adds > bestAdds) {
        best = i;
        bestAdds = adds;
      }
    });
    covering.push(pages[best]!.path);
    for (const x of itemsOf[best]!) missing.delete(x);
  }
  return { covering, ...all, paths: [...new Set([...covering, ...alsoOpen])] };
}

/** `count` items spread evenly from the second to the last but one: a fixed sample. */
export function evenSample<T>(items: T[], count: number): T[] {
  if (items.length <= 2) return [];
  const picked = new Set<T>();
  for (let i = 1; i <= count; i++) picked.add(items[Math.round((i * (items.length - 1)) / (count + 1))]!);
  return [...picked];
}

export interface FetchedPage {
  path: string;
  status: number;
  contentType: string;
  contentDisposition: string | null;
  /** The body as text (empty for responses that are not HTML). */
  html: string;
}

/**
 * GET every path with the member's session, `concurrency` requests at a time; answers come back
 * in the order of `paths`. Bodies that are not HTML are read and dropped.
 */
export async function fetchPages(baseUrl: string, session: string, paths: string[], concurrency = 8): Promise<FetchedPage[]> {
  const out: FetchedPage[] = new Array(paths.length);
  let next = 0;
  async function worker() {
    while (next < paths.length) {
      const i = next++;
      const path = paths[i]!;
      const res = await fetch(baseUrl + path, { headers: { cookie: `sg_session=${session}` }, redirect: 'manual' });
      const contentType = res.headers.get('content-type') ?? '';
      const html = contentType.startsWith('text/html') ? await res.text() : (await res.arrayBuffer(), '');
      out[i] = { path, status: res.status, contentType, contentDisposition: res.headers.get('content-disposition'), html };
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}

/** Fetch every page and compute its shape (for the browser test, which needs no other check). */
export async function shapesOf(baseUrl: string, session: string, paths: string[]): Promise<ShapedPage[]> {
  const pages = await fetchPages(baseUrl, session, paths);
  return pages.map((p) => {
    if (p.status !== 200) throw new Error(`${p.path}: status ${p.status}`);
    return { path: p.path, shape: markupShape(p.html) };
  });
}
