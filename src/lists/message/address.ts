/**
 * Reading the one mailbox of a From header: its display name and address. Enough for the
 * DMARC rewrite; group syntax and lists of several authors take the first mailbox.
 */
import { decodeHeaderValue } from './raw.ts';

export interface Mailbox {
  /** Decoded display name, "" when there is none. */
  name: string;
  /** "local@domain" as written (no angle brackets). */
  address: string;
}

/** Removes RFC 5322 comments "(…)" outside quoted strings, returning the comment text too. */
function stripComments(v: string): { text: string; comments: string[] } {
  let text = '';
  const comments: string[] = [];
  let depth = 0;
  let quoted = false;
  let comment = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      if (depth) comment += v[i + 1];
      else text += c + v[i + 1];
      i++;
    } else if (!depth && c === '"') {
      quoted = !quoted;
      text += c;
    } else if (!quoted && c === '(') {
      if (depth++ > 0) comment += c;
    } else if (depth && c === ')') {
      if (--depth > 0) comment += c;
      else {
        comments.push(comment.trim());
        comment = '';
      }
    } else if (depth) comment += c;
    else text += c;
  }
  return { text, comments };
}

/** The first mailbox of an address header value, or null when there is no address in it. */
export function parseMailbox(value: string): Mailbox | null {
  const { text, comments } = stripComments(value);
  const angle = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(text);
  if (angle) {
    let name = text.slice(0, angle.index).trim();
    // Group syntax "Team: Pat <p@x>;" — the display name is what follows the colon.
    const colon = name.lastIndexOf(':');
    if (colon !== -1 && !/^".*"$/.test(name)) name = name.slice(colon + 1).trim();
    if (/^".*"$/.test(name)) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
    return { name: decodeHeaderValue(name).trim(), address: angle[1]! };
  }
  const bare = /([^\s,;:<>"]+@[^\s,;:<>"]+)/.exec(text);
  if (!bare) return null;
  return { name: comments[0] ? decodeHeaderValue(comments[0]) : '', address: bare[1]! };
}

/** The domain of an address, lower case, without a trailing dot. */
export function domainOf(address: string): string {
  return address
    .slice(address.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}
