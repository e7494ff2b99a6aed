/**
 * Library Markdown: the site's sanitized renderer (headings get ids), plus what articles need —
 * accessible tables (header cells get scope, a caption-less table sits in a labelled,
 * keyboard-scrollable region) and images. Images from this site show inline with their alt text;
 * images elsewhere become a link (the site's content policy loads no remote images), and an
 * image without alt text is shown as a link named "Image".
 */
import { randomBytes } from 'node:crypto';
import { decodeHTMLStrict } from 'entities';
import { memoText } from '../platform/memo.ts';
import { renderMarkdown } from '../web/markdown.ts';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Turn Markdown images into links or local images before the sanitizer (which removes <img>)
 * runs. A local image is held by a placeholder word with a random part, which no author can type.
 */
function images(source: string): { source: string; local: Map<string, { src: string; alt: string }>; mark: string } {
  const local = new Map<string, { src: string; alt: string }>();
  const mark = `sgimage${randomBytes(8).toString('hex')}n`;
  let n = 0;
  const out = source.replace(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, (_m, alt: string, src: string) => {
    const text = alt.trim();
    if (src.startsWith('/') && !src.startsWith('//') && text) {
      const key = `${mark}${n++}`;
      local.set(key, { src, alt: text });
      return `\n\n${key}\n\n`;
    }
    return `[${text ? `Image: ${text}` : 'Image'}](${src})`;
  });
  return { source: out, local, mark };
}

/** Library Markdown as safe HTML, with images as figures and tables that scroll (remembered, as renderMarkdown). */
export const renderLibraryMarkdown = memoText((source: string): string => {
  const { source: prepared, local, mark } = images(source);
  let html = renderMarkdown(prepared);
  html = html.replace(new RegExp(`(?:<p>)?(${mark}\\d+)(?:</p>)?`, 'g'), (_m, key: string) => {
    const img = local.get(key);
    return img ? `<figure class="sg-figure"><img src="${escapeAttr(img.src)}" alt="${escapeAttr(img.alt)}" loading="lazy" /></figure>` : '';
  });
  let t = 0;
  html = html
    .replace(/<table>/g, () => `<div class="sg-table-scroll" role="region" aria-label="Table ${++t}" tabindex="0"><table class="usa-table">`)
    .replace(/<\/table>/g, '</table></div>');
  html = html.replace(/<th>/g, '<th scope="col">');
  return html;
});

/** Markdown to plain text, for summaries in feeds and search (character references such as &#8217; become the characters). */
export function plainText(source: string, max = 300): string {
  const t = decodeHTMLStrict(
    source
      .replace(/<[^>]+>/g, ' ')
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[#*_`>|-]+/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? t.slice(0, max - 1).replace(/\s\S*$/, '') + '…' : t;
}
