/** A post's body as safe HTML for an archive page: folded plain text, or sanitized HTML mail. */
import type { ArchivedPost } from './browse.ts';
import { parseMessage } from './message.ts';
import { sanitizeMailHtml } from '../web/mail-html.ts';
import { renderPlainText } from './text.ts';

export interface BodyOptions {
  format: 'text' | 'html';
  remoteImages: boolean;
  hideAddresses: boolean;
  /** The post's address, e.g. /archives/social-media/12 (attachments hang below it). */
  postPath: string;
}

export async function renderBody(post: ArchivedPost, raw: Buffer | undefined, o: BodyOptions): Promise<{ html: string; imagesBlocked: number }> {
  if (o.format === 'html' && post.hasHtml && raw) {
    const parsed = await parseMessage(raw);
    if (parsed.html) {
      const inline = new Map(parsed.attachments.filter((a) => a.contentId).map((a) => [a.contentId!, `${o.postPath}/attachments/${a.index}`]));
      const safe = sanitizeMailHtml(parsed.html, { remoteImages: o.remoteImages, hideAddresses: o.hideAddresses, inlineParts: inline });
      return { html: `<div class="sg-mail-html">${safe.html}</div>`, imagesBlocked: safe.remoteImagesBlocked };
    }
  }
  const text = post.text.trim() ? post.text : '(This message has no text.)';
  return { html: renderPlainText(text, { hideAddresses: o.hideAddresses }), imagesBlocked: 0 };
}
