/**
 * Lines of at most 998 octets (RFC 5322 §2.1.1). A post in 8bit (or 7bit, or binary) with a
 * longer line is valid to some senders but refused by most relays ("500 Line too long"), so
 * every copy would bounce. Such a part is re-encoded before signing: text as quoted-printable
 * (still readable in the raw), anything else as base64. Parts with short lines keep their bytes.
 * Header fields with such a line are folded again (foldLongHeaders); fields with short lines
 * keep their bytes.
 */
import { partEntity, spliceParts, type MimeEntity } from './footer.ts';
import { isSealed, parseContentType, splitMultipart } from './mime.ts';
import { encodeRun } from './encoded-words.ts';
import { decodeHeaderValue, getHeader, joinMessage, makeHeader, setHeader, splitMessage, type HeaderField } from './raw.ts';
import { decodeTransfer, encodeTransfer, isKnownEncoding, transferEncoding } from './transfer.ts';

export const MAX_LINE_OCTETS = 998;

/** Whether some line of these bytes (CRLF not counted) is longer than 998 octets. */
export function hasLongLine(bytes: Buffer): boolean {
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const length = end - start - (end > start && bytes[end - 1] === 0x0d ? 1 : 0);
    if (length > MAX_LINE_OCTETS) return true;
    if (nl === -1) return false;
    start = nl + 1;
  }
}

/** The entity with every over-long line re-encoded away, where that can be done without harm. */
export function shortenLongLines(entity: MimeEntity, depth = 0): MimeEntity {
  if (!hasLongLine(entity.body) || depth > 20) return entity;
  const ct = parseContentType(getHeader(entity.headers, 'content-type'));
  // Signed or encrypted bytes cannot change; such a post goes out as the sender wrote it.
  if (isSealed(ct)) return entity;
  if (ct.type.startsWith('multipart/') && ct.params.boundary) {
    const body = entity.body;
    const edits = splitMultipart(body, ct.params.boundary)
      .parts.filter((range) => hasLongLine(body.subarray(range.start, range.end)))
      .map((range) => {
        const part = shortenLongLines(partEntity(body.subarray(range.start, range.end)), depth + 1);
        return { ...range, bytes: joinMessage(part.headers, part.body) };
      });
    return { headers: entity.headers, body: spliceParts(body, edits) };
  }
  // RFC 2046 §5.2.1: a message/rfc822 part may only be 7bit, 8bit or binary; shorten inside it.
  if (ct.type === 'message/rfc822') {
    const inner = shortenLongLines(splitMessage(entity.body), depth + 1);
    return { headers: entity.headers, body: joinMessage(inner.headers, inner.body) };
  }
  const cte = transferEncoding(getHeader(entity.headers, 'content-transfer-encoding'));
  if (!isKnownEncoding(cte)) return entity;
  const target = ct.type.startsWith('text/') ? 'quoted-printable' : 'base64';
  const body = encodeTransfer(decodeTransfer(entity.body, cte), target);
  let headers = setHeader(entity.headers, 'Content-Transfer-Encoding', target);
  // A new Content-Transfer-Encoding means nothing without MIME-Version (RFC 2045 §4).
  if (depth === 0 && getHeader(headers, 'mime-version') === undefined) headers = [...headers, makeHeader('MIME-Version', '1.0')];
  return { headers, body };
}

/** Fields whose syntax has no place for RFC 2047 encoded-words (RFC 2047 §5): only folded. */
const STRUCTURED = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'date',
  'received',
  'return-path',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'authentication-results',
  'dkim-signature',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
]);
/** Where folding aims: RFC 5322 §2.1.1 asks for 78 characters where the value allows. */
const FOLD_AT = 78;
/** A message identifier longer than this cannot share a line with its field name. */
const MAX_ID = 900;

/** `Name: value` folded before white space, aiming at 78 characters a line; latin1 kept. */
function foldAtSpaces(name: string, value: string): string {
  // Pieces start at a white-space run (a place to fold), except the first.
  const pieces = value.trim().split(/(?<=\S)(?=[ \t])/);
  let out = `${name}:`;
  let line = out.length;
  for (const [i, piece] of pieces.entries()) {
    const text = i === 0 ? ` ${piece}` : piece;
    if (i > 0 && line + text.length > FOLD_AT) {
      out += '\r\n';
      line = 0;
    }
    out += text;
    line += text.length;
  }
  return `${out}\r\n`;
}

const fits = (raw: string) => raw.split('\r\n').every((l) => l.length <= MAX_LINE_OCTETS);

/**
 * The header with every field that has a line over 998 octets folded again at white space. An
 * unstructured field (Subject, X-...) with a word too long for any line is written as RFC 2047
 * encoded-words, which can be folded between them; References and In-Reply-To lose an
 * identifier too long for any line (threading keeps the rest). A structured field that still
 * cannot fit (an address or Message-ID of over 900 octets, invalid anyway) is left as it is.
 */
export function foldLongHeaders(headers: HeaderField[]): HeaderField[] {
  const out: HeaderField[] = [];
  for (const h of headers) {
    if (fits(h.raw)) {
      out.push(h);
      continue;
    }
    const lower = h.name.toLowerCase();
    let raw = foldAtSpaces(h.name, h.value);
    if (!fits(raw) && (lower === 'references' || lower === 'in-reply-to')) {
      const ids = (h.value.match(/<[^<>]*>/g) ?? []).filter((id) => id.length <= MAX_ID);
      if (!ids.length) continue;
      raw = foldAtSpaces(h.name, ids.join(' '));
    } else if (!fits(raw) && !STRUCTURED.has(lower) && !lower.startsWith('list-')) {
      raw = makeHeader(h.name, encodeRun(decodeHeaderValue(h.value))).raw;
    }
    out.push({
      name: h.name,
      value: raw
        .slice(h.name.length + 1)
        .replace(/\r\n(?=[ \t])/g, '')
        .trim(),
      raw,
    });
  }
  return out;
}
