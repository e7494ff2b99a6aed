/**
 * E-mail addresses as people type them into a join form: parse one plain mailbox (RFC 5321/5322
 * dot-atom `local@domain`) and normalise its domain (lower case, one trailing dot dropped, IDNA
 * to ASCII). Anything fancier that RFC 5322 allows (display names, comments, quoted local parts,
 * IP literals) is refused with a message that tells the person what to type instead. So are
 * invisible characters (Unicode format characters such as U+200B or U+202E): silently dropping
 * them would make two different strings one address, so each is refused and named as a typing
 * problem instead.
 */
import { domainToASCII } from 'node:url';
import punycode from 'punycode.js';

export type AddressProblem =
  | 'empty'
  | 'display-name'
  | 'comment'
  | 'quoted-local'
  | 'multiple-at'
  | 'no-at'
  | 'ip-literal'
  | 'bad-local'
  | 'bad-domain'
  | 'too-long'
  | 'idna'
  | 'invisible';

export type ParsedAddress =
  | {
      ok: true;
      /** As typed: mail systems may treat upper and lower case differently here. */
      local: string;
      /** Lower-case ASCII (punycode for international names), without a trailing dot. */
      domain: string;
      /** `local@domain`: send confirmation mail here, so the check and the proof of control match. */
      address: string;
    }
  | { ok: false; problem: AddressProblem; message: string };

export type ParsedDomain = { ok: true; domain: string } | { ok: false; problem: AddressProblem; message: string };

/** RFC 5321: 64 octets for the local part, 254 for the whole address (the 256-octet path less its < >). */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

/** RFC 5322 `atext`, joined by single dots (dot-atom), ASCII only. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** A DNS host name label: letters, digits and hyphens, not starting or ending with a hyphen. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const NON_ASCII = /[\u0080-\uffff]/;
const EXAMPLE = 'for example name@agency.gov';

const fail = (problem: AddressProblem, message: string) => ({ ok: false, problem, message }) as const;

/** Unicode general category Cf: zero-width spaces and joiners, direction marks and overrides, BOM, soft hyphen. */
const INVISIBLE = /\p{Cf}/u;
const INVISIBLE_MESSAGE =
  'Your address has an invisible character in it (such as a zero-width space or a direction mark), which copying and pasting can bring along. Type the address again by hand.';

/**
 * The one key for an address, whatever way it was written (for rate limits and counting):
 * lower case, Unicode NFKC, domain in ASCII without a trailing dot. Not for sending mail: the
 * local part keeps its case there (RFC 5321).
 */
export function canonicalAddress(parsed: { local: string; domain: string }): string {
  return `${parsed.local}@${parsed.domain}`.normalize('NFKC').toLowerCase();
}

/**
 * Normalise a domain: lower case, strip ONE trailing dot, convert international names to ASCII
 * (punycode) with node's WHATWG `domainToASCII` (UTS #46), then check every label.
 */
export function normaliseDomain(raw: string): ParsedDomain {
  if (INVISIBLE.test(raw)) return fail('invisible', INVISIBLE_MESSAGE);
  if (raw === '') return fail('bad-domain', `The part after @ is missing. Type your whole address, ${EXAMPLE}.`);
  if (raw.startsWith('[') || raw.endsWith(']')) {
    return fail('ip-literal', `Use an address with a domain name after @, not a network (IP) address, ${EXAMPLE}.`);
  }
  if (/\s/.test(raw)) return fail('bad-domain', `The part after @ has a space in it. Remove the space, ${EXAMPLE}.`);
  // domainToASCII is a URL host parser: it would decode %2e, read "1234" as an IPv4 number and
  // accept "_". Only letters, digits, hyphens and dots (plus non-ASCII letters for IDNA) go in.
  const badAscii = /[^A-Za-z0-9.\-\u0080-\uffff]/.exec(raw);
  if (badAscii) {
    return fail('bad-domain', `The part after @ can't contain "${badAscii[0]}". Domain names use only letters, digits, hyphens and dots, ${EXAMPLE}.`);
  }
  const lower = raw.toLowerCase();
  const international = NON_ASCII.test(lower);
  let ascii = domainToASCII(lower);
  if (ascii === '') {
    return international
      ? fail(
          'idna',
          'The part after @ has characters that are not allowed in a domain name. Type your address again using ordinary letters, digits and hyphens.',
        )
      : fail('bad-domain', `The part after @ is not a valid domain name. Check it for typing mistakes, ${EXAMPLE}.`);
  }
  // An ASCII name that comes back changed was read as a number (an IP address), e.g. "0x7f.1".
  if (!international && ascii !== lower) {
    return fail('ip-literal', `Use an address with a domain name after @, not a network (IP) address, ${EXAMPLE}.`);
  }
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  const labels = ascii.split('.');
  if (labels.some((l) => l === '')) {
    return fail('bad-domain', `The part after @ has an extra dot, or dots next to each other. Remove the extra dot, ${EXAMPLE}.`);
  }
  if (labels.length < 2) {
    return fail('bad-domain', `The part after @ must be a full domain name with a dot in it, ${EXAMPLE}.`);
  }
  if (ascii.length > MAX_DOMAIN || labels.some((l) => l.length > MAX_LABEL)) {
    return fail('too-long', 'The part after @ is too long to be a real domain name. Check it for typing mistakes.');
  }
  if (labels.every((l) => /^\d+$/.test(l))) {
    return fail('ip-literal', `Use an address with a domain name after @, not a network (IP) address, ${EXAMPLE}.`);
  }
  // Node 22 and later pass a made-up "xn--" label through unchanged (Node 20 refused it): a
  // punycode label counts only if it decodes to an international name that encodes back to it.
  if (labels.some((l) => l.startsWith('xn--') && !validPunycodeLabel(l))) {
    return fail('bad-domain', `The part after @ is not a valid domain name. Check it for typing mistakes, ${EXAMPLE}.`);
  }
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    return fail('bad-domain', `"${bad}" in the part after @ is not valid: a domain name can't start or end with a hyphen. Check it for typing mistakes.`);
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) {
    return fail('bad-domain', `The part after @ must end in a name such as .gov or .mil, not a number, ${EXAMPLE}.`);
  }
  return { ok: true, domain: ascii };
}

function validPunycodeLabel(label: string): boolean {
  let decoded: string;
  try {
    decoded = punycode.decode(label.slice(4));
  } catch {
    return false;
  }
  return NON_ASCII.test(decoded) && domainToASCII(decoded) === label;
}

/** Parse one address as typed into a form. Surrounding spaces are ignored; nothing else is guessed. */
export function parseAddress(input: string): ParsedAddress {
  // Before trim(), which would quietly drop a U+FEFF at either end.
  if (INVISIBLE.test(input)) return fail('invisible', INVISIBLE_MESSAGE);
  const text = input.trim();
  if (text === '') return fail('empty', `Enter your work email address, ${EXAMPLE}.`);
  if (text.length > MAX_ADDRESS + 1) {
    return fail('too-long', `This address is too long: an email address has at most ${MAX_ADDRESS} characters. Check it for typing mistakes.`);
  }
  if (/[<>]/.test(text)) {
    return fail('display-name', `Enter only the address, ${EXAMPLE}, without a name or the < > brackets around it.`);
  }
  if (/[()]/.test(text)) return fail('comment', `Remove the part in brackets ( ) and enter only the address, ${EXAMPLE}.`);
  if (text.includes('"')) {
    return fail(
      'quoted-local',
      `Enter the address without quotation marks. If your address really has quotes or spaces in it, ask the community's coordinators for help.`,
    );
  }
  if (/^mailto:/i.test(text)) return fail('bad-local', `Remove "mailto:" from the start and enter only the address, ${EXAMPLE}.`);
  const at = text.split('@');
  if (at.length === 1) return fail('no-at', `An email address has an @ in it. Enter your whole address, ${EXAMPLE}.`);
  if (at.length > 2) return fail('multiple-at', `An email address has only one @. Enter one address, ${EXAMPLE}.`);
  const [local, rawDomain] = at as [string, string];
  if (local === '') return fail('bad-local', `The part before @ is missing. Enter your whole address, ${EXAMPLE}.`);
  if (/\s/.test(local)) return fail('bad-local', `An email address has no spaces. Remove the spaces, ${EXAMPLE}.`);
  if (local.length > MAX_LOCAL) {
    return fail('too-long', `The part before @ is too long: it can have at most ${MAX_LOCAL} characters. Check it for typing mistakes.`);
  }
  if (!DOT_ATOM.test(local)) {
    return fail(
      'bad-local',
      NON_ASCII.test(local)
        ? 'The part before @ has letters outside a–z (such as accented letters). Use the address your agency gave you, in ordinary letters.'
        : /^\.|\.$|\.\./.test(local)
          ? "The part before @ can't start or end with a dot, or have two dots in a row. Check it for typing mistakes."
          : `The part before @ has a character that email addresses can't use, such as a comma or a semicolon. Check it for typing mistakes, ${EXAMPLE}.`,
    );
  }
  const domain = normaliseDomain(rawDomain);
  if (!domain.ok) return domain;
  const address = `${local}@${domain.domain}`;
  if (address.length > MAX_ADDRESS) {
    return fail('too-long', `This address is too long: an email address has at most ${MAX_ADDRESS} characters. Check it for typing mistakes.`);
  }
  return { ok: true, local, domain: domain.domain, address };
}
