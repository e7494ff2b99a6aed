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
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(url) || /["<>&']/.test(url))
    throw new PersonalLinkError(`The link "${url}" cannot go in a digest; it must be an http(s) address without spaces, quotes or angle brackets.`);
  return url;
}

const qp = (s: string) => encodeQuotedPrintable(Buffer.from(s, 'utf8')).toString('latin1');

/**
 * A composed digest ready for its members: the placeholders are found once, and each member's
 * copy is the bytes between them with that member's links in their place.
 */
export function prepareDigest(message: Buffer): (links: PersonalLinks) => Buffer {
  const slots: Array<{ at: number; end: number; placeholder: string }> = [];
  for (const placeholder of Object.values(PLACEHOLDERS)) {
    const needle = Buffer.from(`\r\n${placeholder}\r\n`, 'latin1');
    for (let at = message.indexOf(needle); at !== -1; at = message.indexOf(needle, at + needle.length)) {
      slots.push({ at: at + 2, end: at + needle.length - 2, placeholder });
    }
  }
  slots.sort((a, b) => a.at - b.at);
  return (links) => {
    const each = checked(links.each);
    const leave = checked(links.leave);
    // Quotes make the HTML attribute values; the URLs were checked to need no escaping.
    const values: Record<string, Buffer> = {
      [PLACEHOLDERS.textEach]: Buffer.from(qp(each), 'latin1'),
      [PLACEHOLDERS.textLeave]: Buffer.from(qp(leave), 'latin1'),
      [PLACEHOLDERS.htmlEach]: Buffer.from(qp(`"${each}"`), 'latin1'),
      [PLACEHOLDERS.htmlLeave]: Buffer.from(qp(`"${leave}"`), 'latin1'),
    };
    const pieces: Buffer[] = [];
    let from = 0;
    for (const slot of slots) {
      pieces.push(message.subarray(from, slot.at), values[slot.placeholder]!);
      from = slot.end;
    }
    pieces.push(message.subarray(from));
    return Buffer.concat(pieces);
  };
}

/** The member's copy of a composed digest. */
export function personalDigest(message: Buffer, links: PersonalLinks): Buffer {
  return prepareDigest(message)(links);
}
