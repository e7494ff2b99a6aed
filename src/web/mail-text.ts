/**
 * Small pieces for showing mail on a page, shared by the archive (src/archives) and the HTML mail
 * sanitizer (mail-html.ts): escaping, hiding addresses, the "Original Message" line and the fold
 * around quoted history.
 */

/** Outlook-style forwarded or replied-to text: everything after it is the earlier message. */
export const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(Original Message|Forwarded message|Urspr\u00fcngliche Nachricht)\s*-{2,}\s*$/i;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const ADDRESS = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

/** "jo.smith@agency.gov" → "j…@agency.gov": enough to tell agencies apart, not enough to mail. */
export function obfuscateAddresses(s: string): string {
  return s.replace(ADDRESS, (a) => {
    const at = a.lastIndexOf('@');
    return `${a[0]}…@${a.slice(at + 1)}`;
  });
}

/** Quoted history folded: closed until the reader opens it, with or without JavaScript. */
export const FOLD_START = (label: string) => `<details class="archive-quote"><summary>${escapeHtml(label)}</summary>`;
export const FOLD_END = '</details>';
