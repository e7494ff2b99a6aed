/**
 * The list's subject prefix. The subject is decoded first (RFC 2047), so an encoded subject
 * that already carries the prefix is recognised. Reply and forward markers in front of or
 * behind the prefix are collapsed into one "Re:", and the prefix is written once, first:
 * "Re: [SM] Re: Re: x" becomes "[SM] Re: x".
 */
import { encodeWords } from './encoded-words.ts';

/** Reply markers in common mail programs' languages: Re, Aw (de), Sv (da/no/sv), Vs (fi), Antw (nl), Ref. */
const REPLY = /^(?:re|aw|sv|vs|antw|ref)(?:\s*\[\d+\]|\^\d+)?\s*:\s*/i;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The decoded subject with the prefix applied, as text (not yet encoded). An empty subject
 * becomes "(no subject)".
 */
export function prefixedSubjectText(decoded: string, prefix: string): string {
  const wanted = prefix.trim();
  const prefixRe = new RegExp(`^${escapeRe(wanted).replace(/\\? /g, '\\s*')}\\s*`, 'i');
  let rest = decoded.replace(/\s+/g, ' ').trim();
  let reply = false;
  for (;;) {
    const m = REPLY.exec(rest) ?? prefixRe.exec(rest);
    if (!m || m[0].length === 0) break;
    if (REPLY.test(rest)) reply = true;
    rest = rest.slice(m[0].length);
  }
  if (!rest) rest = '(no subject)';
  return `${wanted} ${reply ? 'Re: ' : ''}${rest}`;
}

/** The Subject header value (encoded when needed) for a decoded subject. */
export function prefixedSubject(decoded: string, prefix: string): string {
  return encodeWords(prefixedSubjectText(decoded, prefix));
}
