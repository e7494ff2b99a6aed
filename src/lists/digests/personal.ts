/**
 * Each member's links in their digest: "get each message instead" (/u/<token>/each) and
 * "leave the list" (/u/<token>), in the text and the HTML part.
 *
 * The composed digest carries placeholders, each on a line of its own inside a
 * quoted-printable part; a placeholder line passes through the encoder unchanged, and the
 * member's link, encoded on its own, is a valid quoted-printable line in its place (soft line
 * breaks included). So one digest is composed per period, and a member's copy costs a byte
 * search and replace plus hashing the body once for DKIM (the post path hashes a body once per
 * post; a digest cannot, because its links are personal).
 */
import { encodeQuotedPrintable } from '../message/transfer.ts';

export const PLACEHOLDERS = {
  textEach: '@@SOCIALGOV-DIGEST-TEXT-EACH@@',
  textLeave: '@@SOCIALGOV-DIGEST-TEXT-LEAVE@@',
  htmlEach: '@@SOCIALGOV-DIGEST-HTML-EACH@@',
  htmlLeave: '@@SOCIALGOV-DIGEST-HTML-LEAVE@@',
} as const;

export interface PersonalLinks {
  /** The member's "get each message" page. */
  each: string;
  /** The member's one-click unsubscribe page. */
  leave: string;
}

export class PersonalLinkError extends Error {
  readonly code = 'DIGEST_LINK_INVALID';
}

function checked(url: string): string {
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(url) || /["<>&']/.test(url)) throw new PersonalLinkError(`The link "${url}" cannot go in a digest; it must be an http(s) address without spaces, quotes or angle brackets.`);
  return url;
}

const qp = (s: string) => encodeQuotedPrintable(Buffer.from(s, 'utf8')).toString('latin1');

/** The member's copy of a composed digest. */
export function personalDigest(message: Buffer, links: PersonalLinks): Buffer {
  const each = checked(links.each);
  const leave = checked(links.leave);
  // Quotes make the HTML attribute values; the URLs were checked to need no escaping.
  const values: Record<string, string> = {
    [PLACEHOLDERS.textEach]: qp(each),
    [PLACEHOLDERS.textLeave]: qp(leave),
    [PLACEHOLDERS.htmlEach]: qp(`"${each}"`),
    [PLACEHOLDERS.htmlLeave]: qp(`"${leave}"`),
  };
  const pattern = new RegExp(`\\r\\n(${Object.keys(values).join('|')})\\r\\n`, 'g');
  return Buffer.from(message.toString('latin1').replace(pattern, (_m, ph: string) => `\r\n${values[ph]}\r\n`), 'latin1');
}
