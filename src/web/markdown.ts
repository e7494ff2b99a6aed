/**
 * Markdown to safe HTML for community pages and other user-written text: markdown-it renders,
 * then an allow-list sanitizer removes anything that could run script or load remote content.
 * Headings get ids so sections can be linked; no other id survives (an author's own id could
 * copy the page's, such as "main-content", and take over its skip link or script).
 */
import { randomBytes } from 'node:crypto';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { memoText } from '../platform/memo.ts';

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/&[a-z#0-9]+;/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

/** Marks the ids this renderer makes, so the sanitizer can tell them from ids typed in raw HTML. Never in the output. */
const OWN_ID = `sg${randomBytes(8).toString('hex')}-`;
/** Ids the page frame uses: a heading named "Main content" gets "main-content-1". */
const FRAME_IDS = ['main-content', 'top', 'gov-banner'];

md.core.ruler.push('heading_ids', (state) => {
  const seen = new Map<string, number>(FRAME_IDS.map((id) => [id, 1]));
  const tokens = state.tokens;
  tokens.forEach((tok, i) => {
    if (tok.type !== 'heading_open') return;
    const inline = tokens[i + 1];
    const base = slugify(inline?.content ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    tok.attrSet('id', OWN_ID + (n ? `${base}-${n}` : base));
  });
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
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
    'del',
    'ins',
    'sub',
    'sup',
    'small',
    'mark',
    'abbr',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'a',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'span',
    'div',
    'figure',
    'figcaption',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    abbr: ['title'],
    th: ['scope', 'colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
    '*': ['id', 'lang'],
  },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    // A page has one h1 (its title): demote any h1 in the body.
    h1: 'h2',
    // Keep the heading ids made above (without their mark); drop any other id.
    '*': (tagName, attribs) => {
      const { id, ...rest } = attribs;
      return { tagName, attribs: id?.startsWith(OWN_ID) ? { ...rest, id: id.slice(OWN_ID.length) } : rest };
    },
  },
  disallowedTagsMode: 'discard',
};

/** Render Markdown to HTML that is safe to insert into a page (remembered: the same source gives the same HTML). */
export const renderMarkdown = memoText((source: string): string => sanitizeHtml(md.render(source), SANITIZE));

/**
 * Plain text as HTML that shows the same characters: for fields a reader treats as HTML that
 * hold typed text (feed titles and summaries). Escaping ">" too keeps "]]>" out of CDATA sections.
 */
export function textAsHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
