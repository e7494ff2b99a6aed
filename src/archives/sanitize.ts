/**
 * HTML mail made safe to show inside an archive page: an allow-list of tags and attributes, no
 * script, event handlers, forms, frames or author CSS (the page's Content Security Policy would
 * refuse inline styles anyway), and no remote images until the reader asks — a remote image
 * tells the sender who read the mail and when. Headings are flattened (the page has its own),
 * tables become layout tables, and every link gets a name screen readers can announce.
 */
import sanitizeHtml from 'sanitize-html';
import { obfuscateAddresses } from './text.ts';

export interface MailHtmlOptions {
  /** Load remote (http/https) images: only when the reader asked. */
  remoteImages: boolean;
  /** Hide addresses (readers who are not members). */
  hideAddresses: boolean;
  /** Inline parts: Content-ID → the address of the attachment on this site. */
  inlineParts: Map<string, string>;
}

export interface SafeMailHtml {
  html: string;
  /** Remote images left out (0 when shown). */
  remoteImagesBlocked: number;
}

function hostOf(href: string): string {
  try {
    return new URL(href).host || href;
  } catch {
    return href;
  }
}

const PLACEHOLDER = 'data-sg-image';

export function sanitizeMailHtml(html: string, opts: MailHtmlOptions): SafeMailHtml {
  let blocked = 0;
  const hide = (s: string) => (opts.hideAddresses ? obfuscateAddresses(s) : s);
  const out = sanitizeHtml(html, {
    allowedTags: [
      'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small',
      'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'span', 'div', 'img',
    ],
    allowedAttributes: {
      a: ['href', 'rel', 'title'],
      img: ['src', 'alt', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      table: ['role'],
      ol: ['start'],
      span: [PLACEHOLDER],
    },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: ['https', 'http'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'select', 'button', 'iframe', 'object', 'template', 'svg', 'math'],
    disallowedTagsMode: 'discard',
    transformTags: {
      h1: 'p', h2: 'p', h3: 'p', h4: 'p', h5: 'p', h6: 'p', th: 'td', font: 'span', center: 'div', dl: 'div', dt: 'p', dd: 'div',
      caption: 'p', figure: 'div', figcaption: 'p', section: 'div', article: 'div', header: 'div', footer: 'div', main: 'div', nav: 'div',
      table: () => ({ tagName: 'table', attribs: { role: 'presentation' } }),
      a: (_tag, attribs): sanitizeHtml.Tag => {
        const href = attribs.href ?? '';
        if ((opts.hideAddresses && /^mailto:/i.test(href)) || !/^(https?:|mailto:)/i.test(href)) return { tagName: 'span', attribs: {} };
        return { tagName: 'a', attribs: { href, rel: 'nofollow noopener noreferrer', title: `Link to ${hide(hostOf(href))}` } };
      },
      img: (_tag, attribs): sanitizeHtml.Tag => {
        const src = (attribs.src ?? '').trim();
        const alt = hide((attribs.alt ?? '').trim());
        const size = { ...(attribs.width && /^\d+$/.test(attribs.width) ? { width: attribs.width } : {}), ...(attribs.height && /^\d+$/.test(attribs.height) ? { height: attribs.height } : {}) };
        if (/^cid:/i.test(src)) {
          const local = opts.inlineParts.get(src.slice(4).replace(/^<|>$/g, ''));
          if (local) return { tagName: 'img', attribs: { src: local, alt, ...size } };
          return { tagName: 'span', attribs: { [PLACEHOLDER]: alt } };
        }
        if (/^https?:\/\//i.test(src)) {
          if (opts.remoteImages) return { tagName: 'img', attribs: { src, alt, ...size } };
          blocked++;
        }
        return { tagName: 'span', attribs: { [PLACEHOLDER]: alt } };
      },
    },
    textFilter: (text) => hide(text),
  });
  // An image left out becomes "[image: its alt text]" (the attribute value is already escaped).
  const html2 = out.replace(/<span data-sg-image(?:="([^"]*)")?><\/span>/g, (_m, alt: string | undefined) => `<span>[image${alt ? `: ${alt}` : ''}]</span>`);
  return { html: fixLists(html2), remoteImagesBlocked: blocked };
}

const VOID = new Set(['br', 'hr', 'img']);
const ORPHAN = -2;

/**
 * Mail programs often put paragraphs or text straight inside <ul>/<ol>; screen readers then
 * announce a broken list (axe: "list"). Such a list becomes plain <div>s. The sanitizer's
 * output has balanced tags with quoted attributes, so a tag scan is enough here.
 */
export function fixLists(html: string): string {
  const TAG = /<(\/?)([a-z0-9]+)\b[^>]*>/g;
  interface Open { name: string; id: number }
  const stack: Open[] = [];
  const bad = new Set<number>();
  const owner: Array<{ start: number; end: number; name: string; closing: boolean; list: number; parentList: number }> = [];
  let nextId = 0;
  let last = 0;
  for (const m of html.matchAll(TAG)) {
    const top = stack[stack.length - 1];
    const between = html.slice(last, m.index);
    if (top && (top.name === 'ul' || top.name === 'ol') && between.trim()) bad.add(top.id);
    last = m.index + m[0].length;
    const closing = m[1] === '/';
    const name = m[2]!;
    if (closing) {
      const open = stack.pop();
      owner.push({ start: m.index, end: last, name, closing, list: open && (open.name === 'ul' || open.name === 'ol') ? open.id : -1, parentList: -1 });
      if (open && open.name === 'li') {
        const parent = stack[stack.length - 1];
        owner[owner.length - 1]!.parentList = parent && (parent.name === 'ul' || parent.name === 'ol') ? parent.id : ORPHAN;
      }
      continue;
    }
    if (top && (top.name === 'ul' || top.name === 'ol') && name !== 'li') bad.add(top.id);
    const id = nextId++;
    // an <li> outside any list (axe: "listitem") is renamed like the items of a broken list
    const inList = !!top && (top.name === 'ul' || top.name === 'ol');
    owner.push({ start: m.index, end: last, name, closing, list: name === 'ul' || name === 'ol' ? id : -1, parentList: name === 'li' ? (inList ? top.id : ORPHAN) : -1 });
    if (!VOID.has(name)) stack.push({ name, id });
  }
  bad.add(ORPHAN);
  if (bad.size === 1 && !owner.some((t) => t.name === 'li' && t.parentList === ORPHAN)) return html;
  let out = '';
  let at = 0;
  for (const t of owner) {
    const rename = (t.list >= 0 && bad.has(t.list)) || (t.name === 'li' && bad.has(t.parentList));
    if (!rename) continue;
    out += html.slice(at, t.start) + (t.closing ? '</div>' : '<div>');
    at = t.end;
  }
  return out + html.slice(at);
}
