/**
 * Decorating an accepted post, once, before fan-out (Mailman's cleanse + decorate handlers):
 * cleanse the header, prefix the subject, apply the DMARC and Reply-To policy, add the footer
 * and the list's header fields. Per-recipient work (one-click unsubscribe, DKIM) is in
 * personalize.ts.
 */
import { randomBytes } from 'node:crypto';
import { cleanse } from './cleanse.ts';
import { addFooter, type FooterContent } from './footer.ts';
import { listHeaders, type ListUrls } from './list-headers.ts';
import { foldLongHeaders, shortenLongLines } from './long-lines.ts';
import { decodeHeaderValue, getHeader, joinMessage, makeHeader, setHeader, splitMessage } from './raw.ts';
import { applySenderPolicy } from './reply-to.ts';
import { prefixedSubject } from './subject.ts';

export interface DecorateOptions {
  /** The list's posting address, e.g. sm@lists.example.gov. */
  listAddress: string;
  /** The list's name for people, e.g. "Social Media". */
  listName: string;
  /** RFC 2919 list id, e.g. "sm.lists.example.gov". */
  listId: string;
  /** "[Social Media]", or null for none. Not doubled on replies; encoded subjects are handled. */
  subjectPrefix: string | null;
  /** The post's sequence number, written as X-List-Sequence and available to the footer. */
  postNumber: number;
  /**
   * Footer, or null for none. Placeholders {listName}, {listAddress}, {postNumber}, {help},
   * {subscribe}, {archive}, {owner}, {archivedAt} are filled in (HTML-escaped in `html`).
   * Without `html`, HTML bodies get the text footer as escaped HTML with links.
   */
  footer: { text: string; html?: string } | null;
  urls: ListUrls;
  /**
   * The sender's domain publishes DMARC p=reject/quarantine: From becomes
   * "Name via <listName>" <listAddress>, the original From goes to Reply-To (or Cc) per replyTo.
   */
  dmarcMitigation: boolean;
  /** 'poster': replies go to the author (their Reply-To is kept); 'list': to the list. */
  replyTo: 'poster' | 'list';
  /** X-Loop value; mail coming back with it is the list's own. */
  loopTag: string;
  /** Address for commands; default "<local>-request@<domain>" of listAddress. */
  requestAddress?: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The footer's text and HTML with placeholders filled in. */
export function footerContent(o: DecorateOptions): FooterContent | null {
  if (!o.footer) return null;
  const values: Record<string, string> = {
    listName: o.listName,
    listAddress: o.listAddress,
    postNumber: String(o.postNumber),
    help: o.urls.help,
    subscribe: o.urls.subscribe,
    archive: o.urls.archive,
    owner: o.urls.owner,
    archivedAt: o.urls.archivedAt ?? o.urls.archive,
  };
  const fill = (s: string, esc: (v: string) => string) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? esc(values[k]!) : m));
  const text = fill(o.footer.text, (v) => v);
  const html = o.footer.html !== undefined ? fill(o.footer.html, escapeHtml) : textToHtml(text);
  return { text, html };
}

/** A plain footer as HTML: escaped, line breaks kept, web addresses as links. */
function textToHtml(text: string): string {
  const body = escapeHtml(text.replace(/\r?\n+$/, ''))
    .replace(/\b(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g, '<a href="$1">$1</a>')
    .replace(/\r?\n/g, '<br>\n');
  return `<div class="list-footer" style="margin-top:1.5em;border-top:1px solid #aaa;padding-top:.5em;font-size:small;color:#444">${body}</div>`;
}

/** The decorated post: what every recipient gets before personalization. */
export function decoratePost(raw: Buffer, o: DecorateOptions): Buffer {
  const list = { listAddress: o.listAddress, listName: o.listName, listId: o.listId, requestAddress: o.requestAddress };
  // Built first: a bad URL or list id fails before any work is done.
  const ownFields = listHeaders(list, o.urls, { postNumber: o.postNumber, loopTag: o.loopTag });
  const { headers: original, body: originalBody } = splitMessage(raw);

  let headers = cleanse(original);
  if (o.subjectPrefix && o.subjectPrefix.trim()) {
    const subject = decodeHeaderValue(getHeader(headers, 'subject') ?? '');
    headers = setHeader(headers, 'Subject', prefixedSubject(subject, o.subjectPrefix));
  }
  headers = applySenderPolicy(headers, o);

  let body = originalBody;
  const footer = footerContent(o);
  if (footer) ({ headers, body } = addFooter({ headers, body }, footer));
  // After the footer, which re-encodes text in its own transfer encoding: a relay refuses a
  // copy with a line over 998 octets.
  ({ headers, body } = shortenLongLines({ headers, body }));

  // DKIM signs Message-ID and Date, and archives thread by Message-ID: a post needs both.
  if (getHeader(headers, 'message-id') === undefined) {
    const domain = o.listAddress.slice(o.listAddress.lastIndexOf('@') + 1);
    headers.push(makeHeader('Message-ID', `<${o.listId}.${o.postNumber}.${randomBytes(6).toString('hex')}@${domain}>`));
  }
  if (getHeader(headers, 'date') === undefined) headers.push(makeHeader('Date', new Date().toUTCString().replace('GMT', '+0000')));

  // Last, so a field the steps above wrote (the prefixed Subject) is checked too.
  return joinMessage(foldLongHeaders([...headers, ...ownFields]), body);
}
