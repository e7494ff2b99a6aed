/**
 * Each recipient's copy of a decorated post: a personal one-click unsubscribe (RFC 2369 +
 * RFC 8058), optionally a personal To, and a DKIM signature per key (RSA and/or Ed25519).
 *
 * Runs once per recipient, so everything that does not depend on the recipient is done once in
 * `preparePersonalizer`: splitting the message, the body hash, the canonical form of every
 * signed header that stays the same, and the output bytes around the personal fields. Per
 * recipient: three or four small header fields, their canonical form, and one signature per key.
 */
import type { KeyObject } from 'node:crypto';
import { bodyHash, foldBase64, privateKeyOf, relaxedHeader, signHeaderData, type DkimKey } from './dkim.ts';
import { makeHeader, splitMessage, withoutHeaders, type HeaderField } from './raw.ts';

export interface PersonalizeParams {
  /** The recipient's one-click unsubscribe link (https). */
  unsubscribeUrl: string;
  /** The recipient's unsubscribe mail address, as a mailto: URL. */
  unsubscribeMailto: string;
  /** A To value for this recipient (replaces the post's To), already encoded. */
  to?: string;
}

export interface Personalizer {
  forRecipient(p: PersonalizeParams): Buffer;
  /**
   * The same message as pieces, in order: some of them are `shared` (the very same buffers in
   * every copy), so a copy need not be copied whole (a signing thread sends back only the rest).
   */
  piecesForRecipient(p: PersonalizeParams): Buffer[];
  /** The pieces every copy shares (header fields around the personal ones, and the body); the same for any keys. */
  shared: Buffer[];
}

/** A recipient value that cannot be written into the message. */
export class PersonalizeError extends Error {
  readonly code = 'PERSONALIZE_INVALID';
}

/**
 * Header fields signed when present, besides the ones always signed. Signing a field that is
 * absent (listing its name once) stops anyone adding it later without breaking the signature.
 */
const ALWAYS_SIGNED = ['from', 'cc', 'subject', 'date', 'message-id', 'reply-to', 'list-id', 'mime-version', 'content-type'];
const SIGNED_IF_PRESENT = [
  'sender',
  'in-reply-to',
  'references',
  'content-transfer-encoding',
  'list-help',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
  'archived-at',
];
/** Listed once more than they occur ("oversigned"): nobody can add a second one. */
const OVERSIGNED = new Set(['from', 'list-unsubscribe', 'list-unsubscribe-post']);
/** Replaced in every copy. */
const PERSONAL = new Set(['list-unsubscribe', 'list-unsubscribe-post', 'dkim-signature']);

/**
 * Canonical form of the fields named in `names`, in the order a verifier picks them: for each
 * listed name the next instance from the bottom of the header (RFC 6376 §5.4.2), nothing when
 * none is left.
 */
function canonicalFor(names: string[], headers: HeaderField[]): string {
  const used = new Set<number>();
  let out = '';
  for (const name of names) {
    for (let i = headers.length - 1; i >= 0; i--) {
      if (!used.has(i) && headers[i]!.name.toLowerCase() === name) {
        used.add(i);
        out += relaxedHeader(headers[i]!.raw);
        break;
      }
    }
  }
  return out;
}

/** Each name as often as it occurs (once when absent), once more when oversigned. */
function signedNames(candidates: string[], headers: HeaderField[], always: boolean): string[] {
  const names: string[] = [];
  for (const name of candidates) {
    const n = headers.filter((h) => h.name.toLowerCase() === name).length;
    if (!n && !always) continue;
    const times = Math.max(n, 1) + (OVERSIGNED.has(name) ? 1 : 0);
    for (let i = 0; i < times; i++) names.push(name);
  }
  return names;
}

/** h= value folded after colons, so no line gets long. */
function foldNames(names: string[]): string {
  let out = '';
  let line = 4; // "\th="
  for (const [i, name] of names.entries()) {
    const piece = (i ? ':' : '') + name;
    if (line + piece.length > 76 && i) {
      out += ':\r\n\t' + name;
      line = 1 + name.length;
    } else {
      out += piece;
      line += piece.length;
    }
  }
  return out;
}

function checkUrl(what: string, url: string, scheme: RegExp): string {
  if (!scheme.test(url) || /[\s<>",]/.test(url) || /[^\x21-\x7e]/.test(url)) {
    throw new PersonalizeError(
      `The ${what} "${url}" cannot go in List-Unsubscribe; it must be ${what.includes('mail') ? 'a mailto:' : 'an http(s)'} URL without spaces, commas or angle brackets.`,
    );
  }
  return url;
}

interface Signer {
  key: DkimKey;
  privateKey: KeyObject;
  /** Static start of the DKIM-Signature field, up to "t=". */
  head: string;
}

/**
 * Prepares a decorated post for fan-out: returns `forRecipient`, which gives one recipient's
 * complete message. With no keys the copies are personalized but unsigned.
 */
export function preparePersonalizer(decorated: Buffer, keys: DkimKey[]): Personalizer {
  const { headers: all, body } = splitMessage(decorated);
  const headers = withoutHeaders(all, (n) => PERSONAL.has(n));
  const bh = bodyHash(body);

  const staticNames = [...signedNames(ALWAYS_SIGNED, headers, true), ...signedNames(SIGNED_IF_PRESENT, headers, false)];
  const staticCanon = canonicalFor(staticNames, headers);
  const toFields = headers.filter((h) => h.name.toLowerCase() === 'to');
  const ownToNames = signedNames(['to'], headers, true);
  const ownToCanon = canonicalFor(ownToNames, headers);
  const personalNames = ['list-unsubscribe', 'list-unsubscribe', 'list-unsubscribe-post', 'list-unsubscribe-post'];

  // Output bytes around the To field(s), so a personal To keeps its place.
  const firstTo = headers.findIndex((h) => h.name.toLowerCase() === 'to');
  const split = firstTo === -1 ? headers.length : firstTo;
  const rawOf = (list: HeaderField[]) => Buffer.from(list.map((h) => h.raw).join(''), 'latin1');
  const before = rawOf(headers.slice(0, split));
  const ownTo = rawOf(toFields);
  const after = rawOf(headers.slice(split).filter((h) => h.name.toLowerCase() !== 'to'));
  const tail = Buffer.concat([Buffer.from('\r\n', 'latin1'), body]);

  const signers: Signer[] = keys.map((key) => ({
    key,
    privateKey: privateKeyOf(key),
    head: `DKIM-Signature: v=1; a=${key.algorithm}; c=relaxed/relaxed; d=${key.domain};\r\n\ts=${key.selector}; t=`,
  }));
  const hOwnTo = foldNames([...staticNames, ...ownToNames, ...personalNames]);
  const hPersonalTo = foldNames([...staticNames, 'to', ...personalNames]);

  const pieces = (p: PersonalizeParams): Buffer[] => {
    const https = checkUrl('unsubscribe link', p.unsubscribeUrl, /^https?:\/\/[^/]/i);
    // RFC 8058 one-click needs https; an http site (a trial install) gets a plain RFC 2369 link.
    const oneClick = /^https:/i.test(https);
    const mailto = checkUrl('unsubscribe mail address', p.unsubscribeMailto, /^mailto:[^@]+@/i);
    const unsub = makeHeader('List-Unsubscribe', `<${https}>, <${mailto}>`);
    const unsubPost = makeHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
    let toBytes = ownTo;
    let toCanon = ownToCanon;
    let hList = hOwnTo;
    if (p.to !== undefined) {
      if (/[^\x20-\x7e]/.test(p.to) || !p.to.trim()) {
        throw new PersonalizeError('The To value must be printable ASCII on one line; encode display names (RFC 2047) first.');
      }
      const to = makeHeader('To', p.to);
      toBytes = Buffer.from(to.raw, 'latin1');
      toCanon = relaxedHeader(to.raw);
      hList = hPersonalTo;
    }
    const personal = unsub.raw + (oneClick ? unsubPost.raw : '');
    const headerCanon = staticCanon + toCanon + relaxedHeader(unsub.raw) + (oneClick ? relaxedHeader(unsubPost.raw) : '');
    const t = Math.floor(Date.now() / 1000);

    const signatures: Buffer[] = [];
    for (const s of signers) {
      const unsigned = `${s.head}${t};\r\n\th=${hList};\r\n\tbh=${bh};\r\n\tb=`;
      // The signature field is signed too, with an empty b= and without its CRLF (§3.7).
      const data = Buffer.from(headerCanon + relaxedHeader(unsigned).slice(0, -2), 'latin1');
      const b = signHeaderData(s.key.algorithm, s.privateKey, data);
      signatures.push(Buffer.from(`${unsigned}${foldBase64(b)}\r\n`, 'latin1'));
    }
    return [...signatures, before, toBytes, after, Buffer.from(personal, 'latin1'), tail];
  };
  return {
    forRecipient: (p) => Buffer.concat(pieces(p)),
    piecesForRecipient: pieces,
    shared: [before, ownTo, after, tail],
  };
}
