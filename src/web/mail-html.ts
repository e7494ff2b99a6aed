/**
 * HTML mail made safe to show inside a page (an archived post; a held post in the moderation
 * queue): an allow-list of tags and attributes, no script, event handlers, forms, frames or author
 * CSS (the page's Content Security Policy would refuse inline styles anyway), and no remote images until the reader asks — a remote image
 * tells the sender who read the mail and when. Headings are flattened (the page has its own),
 * tables become layout tables, and every link gets a name screen readers can announce.
 */
import { randomBytes } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import { FOLD_END, FOLD_START, obfuscateAddresses, ORIGINAL_MESSAGE } from './mail-text.ts';

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
/** Marks where quoted history starts (foldQuotes); its value carries a per-call nonce, so mail cannot set it. */
const QUOTE_MARK = 'data-sg-quote';

/** Gmail, Yahoo and Proton wrap the earlier message (with its "On … wrote:" line) in one element. */
const QUOTE_CLASSES = /(^|\s)(x_)?(gmail_quote|yahoo_quoted|protonmail_quote)(\s|$)/i;
/** Outlook: the earlier message's header block; everything after it (to the end of its container) is history. */
const HISTORY_IDS = /^(x_)?(divRplyFwdMsg|appendonsend)$/i;
const OUTLOOK_HEADER_STYLE = /border-top:\s*solid\s+#(E1E1E1|B5C4DF)/i;

/**
 * Where quoted history starts: 'block' (this element is the quote: <blockquote>, Gmail's
 * gmail_quote) or 'rest' (from this element to the end of its container: Outlook's reply header).
 */
export function quoteKind(tag: string, attribs: Record<string, string>): 'block' | 'rest' | null {
  if (tag === 'blockquote') return 'block';
  if (tag === 'div' && QUOTE_CLASSES.test(attribs.class ?? '')) return 'block';
  if (tag === 'div' && (HISTORY_IDS.test(attribs.id ?? '') || OUTLOOK_HEADER_STYLE.test(attribs.style ?? ''))) return 'rest';
  // Outlook on the web draws a line right before its reply header
  if (tag === 'hr' && attribs.tabindex === '-1') return 'rest';
  return null;
}

export function sanitizeMailHtml(html: string, opts: MailHtmlOptions): SafeMailHtml {
  let blocked = 0;
  const nonce = randomBytes(8).toString('hex');
  const marked =
    (tag: string) =>
    (_tag: string, attribs: Record<string, string>): sanitizeHtml.Tag => {
      const kind = quoteKind(tag, attribs);
      return { tagName: tag, attribs: kind ? { [QUOTE_MARK]: `${nonce}-${kind}` } : {} };
    };
  const hide = (s: string) => (opts.hideAddresses ? obfuscateAddresses(s) : s);
  const out = sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'hr',
      'blockquote',
      'pre',
      'code',
      'em',
      'strong',
      'b',
      'i',
      'u',
      's',
      'sub',
      'sup',
      'small',
      'ul',
      'ol',
      'li',
      'a',
      'table',
      'thead',
      'tbody',
      'tfoot',
      'tr',
      'td',
      'span',
      'div',
      'img',
    ],
    allowedAttributes: {
      a: ['href', 'rel', 'title'],
      img: ['src', 'alt', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      table: ['role'],
      ol: ['start'],
      span: [PLACEHOLDER],
      blockquote: [QUOTE_MARK],
      div: [QUOTE_MARK],
      hr: [QUOTE_MARK],
    },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: ['https', 'http'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'select', 'button', 'iframe', 'object', 'template', 'svg', 'math'],
    disallowedTagsMode: 'discard',
    transformTags: {
      h1: 'p',
      h2: 'p',
      h3: 'p',
      h4: 'p',
      h5: 'p',
      h6: 'p',
      th: 'td',
      font: 'span',
      center: 'div',
      dl: 'div',
      dt: 'p',
      dd: 'div',
      caption: 'p',
      figure: 'div',
      figcaption: 'p',
      section: 'div',
      article: 'div',
      header: 'div',
      footer: 'div',
      main: 'div',
      nav: 'div',
      table: () => ({ tagName: 'table', attribs: { role: 'presentation' } }),
      blockquote: marked('blockquote'),
      div: marked('div'),
      hr: marked('hr'),
      a: (_tag, attribs): sanitizeHtml.Tag => {
        const href = attribs.href ?? '';
        if ((opts.hideAddresses && /^mailto:/i.test(href)) || !/^(https?:|mailto:)/i.test(href)) return { tagName: 'span', attribs: {} };
        return { tagName: 'a', attribs: { href, rel: 'nofollow noopener noreferrer', title: `Link to ${hide(hostOf(href))}` } };
      },
      img: (_tag, attribs): sanitizeHtml.Tag => {
        const src = (attribs.src ?? '').trim();
        const alt = hide((attribs.alt ?? '').trim());
        const size = {
          ...(attribs.width && /^\d+$/.test(attribs.width) ? { width: attribs.width } : {}),
          ...(attribs.height && /^\d+$/.test(attribs.height) ? { height: attribs.height } : {}),
        };
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
  return { html: fixLists(foldQuotes(html2, nonce)), remoteImagesBlocked: blocked };
}

/** Outlook's reply header as text: "From: …" then, a few lines on, "Sent:" or "Date:" (as plain text is read). */
function outlookHeaderAhead(html: string, at: number): boolean {
  const ahead = html
    .slice(at, at + 600)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|\u00a0/g, ' ');
  // 发件人 (From) and 发送时间 (Sent) in Chinese mail programs
  return /^\s*\**(From|\u53d1\u4ef6\u4eba):\**\s+\S[\s\S]{0,300}?\s\**(Sent|Date|\u53d1\u9001\u65f6\u95f4):\**\s/.test(ahead);
}

/**
 * Fold quoted history in sanitized mail HTML, as plain text is folded: each outermost quote in
 * a closed <details>, so a reply shows its own words first however long the history below it.
 * Only marks carrying this call's nonce count; every mark is removed. The sanitizer's output
 * has balanced tags with quoted, escaped attributes, so a tag scan is enough here.
 */
export function foldQuotes(html: string, nonce: string): string {
  const TAG = /<(\/?)([a-z0-9]+)\b([^>]*)>/g;
  const MARK = new RegExp(` ${QUOTE_MARK}="([^"]*)"`);
  /** Open elements: where each starts in `out`, whether anything was in it yet, how its fold ends. */
  const stack: Array<{ start: number; hasContent: boolean; endFoldBefore: boolean; endFoldAfter: boolean }> = [];
  let folding = false;
  let foldToEnd = false;
  let out = '';
  let at = 0;
  /** Has the reader seen any words yet? (history with nothing above it is the message itself: left open) */
  const wordsSoFar = () => out.replace(/<[^>]*>/g, '').trim() !== '';
  /**
   * History starts at the element stack[from] (or, for from = stack.length, the tag about to be
   * written). Outlook wraps its reply header in empty <div>s: the fold starts before the
   * outermost wrapper that holds nothing else yet, and ends with that wrapper's container.
   */
  const foldRest = (from: number) => {
    let k = from;
    while (k > 0 && !stack[k - 1]!.hasContent) k--;
    const start = k < stack.length ? stack[k]!.start : out.length;
    out = out.slice(0, start) + FOLD_START('Quoted text') + out.slice(start);
    if (k > 0) stack[k - 1]!.endFoldBefore = true;
    else foldToEnd = true;
    folding = true;
  };
  for (const m of html.matchAll(TAG)) {
    const text = html.slice(at, m.index);
    // "----- Original message -----" as a line of its own, as plain text has it
    if (!folding && stack.length && !stack[stack.length - 1]!.hasContent && ORIGINAL_MESSAGE.test(text) && wordsSoFar()) foldRest(stack.length - 1);
    if (text.trim() && stack.length) stack[stack.length - 1]!.hasContent = true;
    out += text;
    at = m.index + m[0].length;
    const [, closing, name] = m as unknown as [string, string, string];
    if (closing) {
      const open = stack.pop();
      if (open?.endFoldBefore) {
        out += FOLD_END;
        folding = false;
      }
      out += m[0];
      if (open?.endFoldAfter) {
        out += FOLD_END;
        folding = false;
      }
      continue;
    }
    const mark = MARK.exec(m[0]);
    const tag = mark ? m[0].replace(mark[0], '') : m[0];
    const kind = mark?.[1] === `${nonce}-block` ? 'block' : mark?.[1] === `${nonce}-rest` ? 'rest' : null;
    const isVoid = VOID.has(name) || m[3]!.endsWith('/');
    const entry = { start: out.length, hasContent: false, endFoldBefore: false, endFoldAfter: false };
    if (kind === 'block' && !folding) {
      out += FOLD_START('Quoted text') + tag;
      if (isVoid) out += FOLD_END;
      else {
        folding = true;
        entry.endFoldAfter = true;
      }
    } else if (!folding && (kind === 'rest' || ((name === 'p' || name === 'div') && outlookHeaderAhead(html, at))) && wordsSoFar()) {
      foldRest(stack.length);
      out += tag;
    } else out += tag;
    if (stack.length && name !== 'br') stack[stack.length - 1]!.hasContent = true;
    if (!isVoid) stack.push(entry);
  }
  out += html.slice(at);
  return folding || foldToEnd ? out + FOLD_END : out;
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
  interface Open {
    name: string;
    id: number;
  }
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
    owner.push({
      start: m.index,
      end: last,
      name,
      closing,
      list: name === 'ul' || name === 'ol' ? id : -1,
      parentList: name === 'li' ? (inList ? top.id : ORPHAN) : -1,
    });
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
