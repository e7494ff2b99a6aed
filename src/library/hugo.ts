/**
 * Reading digital.gov's Hugo files: YAML front matter between `---` lines, the free-text dates
 * its editors typed, and the Hugo shortcodes in bodies (turned into plain Markdown).
 */
import { decodeHTMLStrict } from 'entities';
import { DateTime } from '../platform/luxon.ts';
import YAML from 'yaml';

export interface Problem {
  line: number;
  message: string;
}

export interface FrontMatterFile {
  data: Record<string, unknown>;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
}

/** Split a Hugo file into front matter and body. Errors carry the file line. */
export function splitFrontMatter(text: string): { ok: true; file: FrontMatterFile; warnings: Problem[] } | { ok: false; problem: Problem } {
  const warnings: Problem[] = [];
  let src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  // Blank lines before the opening "---" (Hugo tolerates them): skip, counting lines for messages.
  const lead = /^(\s*\n)+/.exec(src)?.[0] ?? '';
  const offset = lead.split('\n').length - 1;
  if (offset) {
    src = src.slice(lead.length);
    warnings.push({ line: 1, message: `${offset} blank line(s) before the opening "---" were ignored` });
  }
  if (!src.startsWith('---\n'))
    return {
      ok: false,
      problem: { line: offset + 1, message: 'the file does not start with a "---" line; a Hugo page starts with YAML front matter between two "---" lines' },
    };
  const end = src.indexOf('\n---', 3);
  if (end < 0)
    return { ok: false, problem: { line: offset + 1, message: 'the front matter has no closing "---" line; add one after the last front matter field' } };
  const yamlText = src.slice(4, end + 1);
  // Repeated fields are common in hand-edited pages; like Hugo, the last one wins (with a warning).
  const doc = YAML.parseDocument(yamlText, { uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = (e.linePos?.[0]?.line ?? 1) + 1 + offset;
    return {
      ok: false,
      problem: { line, message: `the front matter is not valid YAML (${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}); fix the line` },
    };
  }
  const seen = new Map<string, number>();
  yamlText.split('\n').forEach((l, i) => {
    const key = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:/.exec(l)?.[1];
    if (!key) return;
    if (seen.has(key))
      warnings.push({ line: i + 2 + offset, message: `the field "${key}" appears twice (first on line ${seen.get(key)}); the last one is used` });
    else seen.set(key, i + 2 + offset);
  });
  const value = yamlValue(doc, yamlText, 'the front matter');
  if (!value.ok) return { ok: false, problem: { line: value.line + 1 + offset, message: value.message } };
  const data = value.value;
  if (data !== null && (typeof data !== 'object' || Array.isArray(data)))
    return { ok: false, problem: { line: offset + 2, message: 'the front matter must be a list of "name: value" fields' } };
  const afterClose = src.indexOf('\n', end + 4);
  const body = afterClose < 0 ? '' : src.slice(afterClose + 1);
  const bodyLine = src.slice(0, afterClose + 1).split('\n').length + offset;
  return { ok: true, file: { data: (data ?? {}) as Record<string, unknown>, body, bodyLine }, warnings };
}

/** Aliases (*name) a file may resolve: plenty to repeat a value, far too few for a "billion laughs" bomb. */
export const MAX_ALIASES = 100;

/**
 * A parsed document's value. One that resolves more than MAX_ALIASES aliases (yaml throws a
 * ReferenceError) is a problem at the line of its first alias in `text`, not a crash.
 */
export function yamlValue(doc: YAML.Document, text: string, what: string): { ok: true; value: unknown } | { ok: false; line: number; message: string } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let line = 1;
    YAML.visit(doc, {
      Alias(_key, node) {
        if (!node.range) return undefined;
        line = text.slice(0, node.range[0]).split('\n').length;
        return YAML.visit.BREAK;
      },
    });
    return {
      ok: false,
      line,
      message: `${what} uses its aliases (*name) too often to read safely (more than ${MAX_ALIASES} times); write the values out instead`,
    };
  }
}

/** The 1-based line of a front matter field, for messages. */
export function fieldLine(text: string, name: string): number {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l, n) => n > 0 && l.startsWith(`${name}:`));
  return i < 0 ? 1 : i + 1;
}

export type ParsedDate = { kind: 'instant'; at: Date } | { kind: 'month'; at: Date; text: string } | { kind: 'none' } | { kind: 'invalid'; text: string };

/**
 * A date as digital.gov editors typed it: `2014-06-09 2:32:35 -0400`, `2020-09-08`,
 * `2013-10-18`, `05-23-2018` (month-day-year), `07-2014` (a month only). Month-only dates become
 * the first of the month, and the caller keeps the original text with a warning.
 */
export function parseLooseDate(value: unknown): ParsedDate {
  if (value === null || value === undefined || value === '') return { kind: 'none' };
  if (value instanceof Date) return { kind: 'instant', at: value };
  const text = String(value).trim();
  if (!text) return { kind: 'none' };
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, zone] = m;
    const offset = zone ? (zone === 'Z' ? 'UTC' : `UTC${zone.slice(0, 3)}:${zone.slice(-2)}`) : 'UTC';
    const dt = DateTime.fromObject(
      { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0) },
      { zone: offset },
    );
    return dt.isValid ? { kind: 'instant', at: dt.toJSDate() } : { kind: 'invalid', text };
  }
  m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(text);
  if (m) {
    const dt = DateTime.fromObject({ year: Number(m[3]), month: Number(m[1]), day: Number(m[2]) }, { zone: 'UTC' });
    return dt.isValid ? { kind: 'instant', at: dt.toJSDate() } : { kind: 'invalid', text };
  }
  m = /^(\d{1,2})[-/](\d{4})$/.exec(text);
  if (m) {
    const dt = DateTime.fromObject({ year: Number(m[2]), month: Number(m[1]), day: 1 }, { zone: 'UTC' });
    return dt.isValid ? { kind: 'month', at: dt.toJSDate(), text } : { kind: 'invalid', text };
  }
  return { kind: 'invalid', text };
}

function attr(inner: string, name: string): string | undefined {
  const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|(\\S+))`).exec(inner);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Where an image from digital.gov's legacy uploads lives. */
const DIGITALGOV_UPLOADS = 'https://s3.amazonaws.com/digitalgov/';

/** Where digital.gov's `asset-static` files (slides, transcripts) live. */
const DIGITALGOV_STATIC = 'https://s3.amazonaws.com/digitalgov/static/';

/** A digital.gov page address from a Hugo path ("topics/social-media", "/event/2019/11/04/x.md"). */
function digitalGovUrl(target: string): string {
  const clean = target
    .trim()
    .replace(/\.md$/, '')
    .replace(/\/_index$/, '')
    .replace(/^\/+|\/+$/g, '');
  return `https://digital.gov/${clean}${clean ? '/' : ''}`;
}

/** Text for a link label: no brackets that would end the Markdown link early. */
const label = (s: string) => s.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();

/**
 * Every shortcode the digital.gov content uses, as `{{< name ... >}}` or `{{% name ... %}}`, and
 * what it becomes (a survey of the 2025 snapshot: ref, legacy-img, asset-static, note, youtube,
 * button, accordion, link, img, box, ... featured-resource, quote-block, fb-video, card-policy).
 */
const SHORTCODE = /\{\{[<%]\s*(\/?)([a-z][a-z0-9-]*)([^}]*?)\s*[>%]\}\}/g;
/** Anything still shaped like a shortcode after the conversion (an unusual spelling): removed. */
const LEFTOVER = /\{\{[<%][^}]*?[>%]\}\}|\{\{[<%]/g;

/**
 * Replace Hugo shortcodes with Markdown, so no page ever shows one raw: `ref` and `link` become a
 * digital.gov address; images become Markdown images (keeping their alt text); `button`,
 * `asset-static`, `card-policy`, `featured-resource`, `youtube`, `tweet` and `fb-video` become
 * links; `quote-block` a block quote; `accordion` and `ring` titles a heading or bold line;
 * wrappers such as `box` and `note` keep only their text. Anything else is removed with a warning.
 */
export function convertShortcodes(source: string, firstLine = 1): { body: string; warnings: Problem[] } {
  const warnings: Problem[] = [];
  // Hugo renders a shortcode's inner text itself, so the indentation of a line that starts with one
  // means nothing there; left in, it would make the line an indented code block here.
  const body = source.replace(/^[ \t]+(?=\{\{[<%])/gm, '');
  const lineOf = (index: number) => firstLine + body.slice(0, index).split('\n').length - 1;
  const converted = body.replace(SHORTCODE, (whole, closing: string, name: string, inner: string, index: number) => {
    if (closing) return '';
    switch (name) {
      case 'ref':
      case 'relref':
      case 'link':
        return digitalGovUrl(/"([^"]+)"|'([^']+)'/.exec(inner)?.slice(1).find(Boolean) ?? '');
      case 'legacy-img':
      case 'legacy-img-right':
      case 'img-right':
      case 'img': {
        const src = attr(inner, 'src');
        const alt = (attr(inner, 'alt') ?? '').replace(/[[\]]/g, '');
        if (!src) return '';
        const url = /^https?:\/\//.test(src) ? src : `${DIGITALGOV_UPLOADS}${src}`;
        if (!alt)
          warnings.push({
            line: lineOf(index),
            message: `image ${src} has no alt text; it is kept as a link with the text "Image" — add alt text when you edit the article`,
          });
        return `![${alt}](${url})`;
      }
      case 'youtube': {
        const id = attr(inner, 'id') ?? /"([^"]+)"|(\S+)/.exec(inner.trim())?.slice(1).find(Boolean);
        return id ? `[Watch the video on YouTube](https://www.youtube.com/watch?v=${id})` : '';
      }
      case 'fb-video': {
        const url = attr(inner, 'href') ?? /"([^"]+)"|(\S+)/.exec(inner.trim())?.slice(1).find(Boolean);
        return url && /^https?:\/\//.test(url) ? `[Watch the video on Facebook](${url})` : '';
      }
      case 'tweet': {
        const id = attr(inner, 'id') ?? /(\d{5,})/.exec(inner)?.[1];
        const user = attr(inner, 'user');
        return id ? `[Read the post on X (Twitter)](https://twitter.com/${user ?? 'i/web'}/status/${id})` : '';
      }
      case 'button': {
        const href = attr(inner, 'href')?.replace(/"+$/, '');
        const text = attr(inner, 'text') ?? href;
        return href ? `[${label(text!)}](${href})` : '';
      }
      case 'asset-static': {
        const file = attr(inner, 'file');
        return file ? `[${label(attr(inner, 'label') ?? file)}](${/^https?:\/\//.test(file) ? file : DIGITALGOV_STATIC + file.replace(/^\/+/, '')})` : '';
      }
      case 'card-policy': {
        const src = attr(inner, 'src');
        const title = attr(inner, 'title') ?? src;
        const kicker = attr(inner, 'kicker');
        return src ? `\n\n[${label(kicker ? `${kicker}: ${title}` : title!)}](${src})\n\n` : '';
      }
      case 'featured-resource': {
        const link = attr(inner, 'link');
        if (!link) return '';
        const kicker = attr(inner, 'kicker') ?? 'Featured';
        const name = link.replace(/\/+$/, '').split('/').pop()!.replace(/-/g, ' ');
        return `\n\n**${label(kicker)}:** [${label(name)}](${/^https?:\/\//.test(link) ? link : digitalGovUrl(link)})\n\n`;
      }
      case 'quote-block': {
        const text = attr(inner, 'text');
        const cite = attr(inner, 'cite');
        return text ? `\n\n> ${text}${cite ? `\n>\n> — ${cite}` : ''}\n\n` : '';
      }
      case 'accordion': {
        const title = attr(inner, 'title');
        return title ? `\n\n### ${title}\n\n` : '';
      }
      case 'ring': {
        const title = attr(inner, 'title');
        return title ? `\n\n**${title}**\n\n` : '';
      }
      case 'do-dont-table': {
        const caption = attr(inner, 'caption');
        return caption ? `\n\n**${caption}**\n\n` : '';
      }
      case 'termsofservice-compatible':
      case 'termsofservice-inactive':
      case 'termsofservice-poc-cabinet':
      case 'termsofservice-poc-noncabinet':
        // digital.gov fills these from data/termsofservice*.yml, which socialgov imports as its tools list.
        return '\n\n[See the agreements and points of contact on the shared tools page](/library/tools)\n\n';
      case 'box':
      case 'note':
      case 'tmp':
      case 'highlight':
      case 'do-row':
      case 'dont-row':
      case 'row':
      case 'checklist':
      case 'checklist-sublist':
      case 'checkbox-sublist-item':
      case 'search-resources':
        return '';
      case 'checkbox':
        return '- ';
      default:
        warnings.push({ line: lineOf(index), message: `Hugo shortcode "${name}" is not supported and was removed: ${whole.slice(0, 80)}` });
        return '';
    }
  });
  const out = converted.replace(LEFTOVER, (whole: string, index: number) => {
    warnings.push({ line: lineOf(Math.min(index, body.length)), message: `text that looks like a Hugo shortcode was removed: ${whole.slice(0, 80)}` });
    return '';
  });
  return { body: legacyHtmlTidy(out.replace(/\n{3,}/g, '\n\n')), warnings };
}

/** Character references that are markup in Markdown or HTML: never decoded in a body. */
const MARKUP_REFERENCE = /^&(lt|gt|amp|quot|apos|#0*(60|62|38|34|39)|#x0*(3c|3e|26|22|27));$/i;

/**
 * Pages carried over from digital.gov's WordPress years hold indented HTML tables, and prose
 * indented by four spaces after a blank line, which Markdown reads as code blocks (where
 * `&#8217;` shows as those six characters). Lines inside an HTML table lose their indentation
 * (HTML does not need it), and the typographic references (quotes, dashes) left on indented lines
 * are decoded; `&lt;`, `&amp;` and the like stay, since they are markup.
 */
function legacyHtmlTidy(body: string): string {
  let fence = false;
  let table = 0;
  return body
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      if (fence) return line;
      const opens = (line.match(/<table\b/gi) ?? []).length;
      const closes = (line.match(/<\/table>/gi) ?? []).length;
      const inTable = table > 0 || opens > 0;
      table = Math.max(0, table + opens - closes);
      let out = inTable ? line.replace(/^[ \t]+/, '') : line;
      if (/^( {4}|\t)/.test(out) && out.includes('&'))
        out = out.replace(/&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,7});/gi, (ref) => (MARKUP_REFERENCE.test(ref) ? ref : decodeEntities(ref)));
      return out;
    })
    .join('\n');
}

/** A page's slug: its `slug` field, else its file name without a leading date. */
export function slugFrom(data: Record<string, unknown>, fileName: string): string {
  const raw = typeof data.slug === 'string' && data.slug.trim() ? data.slug : fileName.replace(/\.(md|markdown)$/i, '').replace(/^\d{4}-\d{2}-\d{2}-/, '');
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * digital.gov's front matter holds HTML character references in plain-text fields (titles such as
 * "Plain language &#8211; tips", summaries with &rsquo;). They are decoded once, here at import,
 * so the database holds the characters and every page, search result and feed escapes them once.
 * Only complete references (with their ";") are read, so "AT&T" and "?a=1&para=2" stay as typed.
 */
export function decodeEntities(s: string): string {
  return s.includes('&') ? decodeHTMLStrict(s) : s;
}

/** A front matter value as plain text, character references decoded; undefined when blank. */
export function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = decodeEntities(String(v)).trim();
  return s ? s : undefined;
}

export function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string' && v.trim()) return [v.trim()];
  return [];
}
