/**
 * Adding the list footer to a post without harming it.
 *
 * - text/plain: decoded, the footer appended, re-encoded in the same transfer encoding. The
 *   charset is kept whenever the footer fits in it (an ASCII footer fits every ASCII-based
 *   charset, byte for byte); otherwise the text is converted to UTF-8. format=flowed footers
 *   are space-stuffed and have no trailing spaces, after a blank line that ends any flowed
 *   paragraph.
 * - text/html: the footer goes before </body> (or </html>, or at the end), written in ASCII
 *   with character references so it fits any ASCII-based charset.
 * - multipart/alternative: the footer goes into every text alternative (and into the root of a
 *   multipart/related one). Wrapping instead would make many clients (Outlook, Gmail) show the
 *   footer as an attachment, or show only the footer part's alternative; putting it in each
 *   alternative renders the same everywhere.
 * - multipart/mixed (and other multiparts): a footer part is appended before the close.
 * - multipart/signed, encrypted, and anything else that cannot be changed inline: the whole
 *   original body becomes the first part of a new multipart/mixed, the footer the second, so
 *   signatures over the original bytes still verify.
 * No other part is touched: every other byte range stays as received.
 */
import { decodeCharset } from './encoded-words.ts';
import { isSealed, newBoundary, parseContentType, setContentTypeParam, splitMultipart, type ContentType } from './mime.ts';
import { getHeader, joinMessage, makeHeader, setHeader, splitMessage, withoutHeaders, type HeaderField } from './raw.ts';
import { decodeTransfer, encodeTransfer, isKnownEncoding, transferEncoding } from './transfer.ts';

export interface FooterContent {
  /** Plain-text footer, lines separated by "\n". */
  text: string;
  /** HTML fragment for HTML bodies. */
  html: string;
}

export interface MimeEntity {
  headers: HeaderField[];
  body: Buffer;
}

/** Charsets in which ASCII bytes do not mean ASCII characters. */
const NOT_ASCII_BASED = /^(utf-?16|utf-?32|ucs-?2|ucs-?4|utf-?7|unicode)/i;
const isAscii = (s: string) => !/[\u0080-\uffff]/.test(s);

/** Returns the entity with the footer added, as described above. */
export function addFooter(entity: MimeEntity, footer: FooterContent): MimeEntity {
  const ct = parseContentType(getHeader(entity.headers, 'content-type'));
  const inline = isSealed(ct) ? null : addInline(entity, ct, footer, 0);
  const result = inline ?? wrapInMixed(entity, footer);
  // New or changed MIME fields mean nothing without MIME-Version (RFC 2045 §4).
  const changed = (name: string) => getHeader(result.headers, name) !== getHeader(entity.headers, name);
  if (getHeader(result.headers, 'mime-version') === undefined && (changed('content-type') || changed('content-transfer-encoding'))) {
    return { headers: [...result.headers, makeHeader('MIME-Version', '1.0')], body: result.body };
  }
  return result;
}

/** The entity with the footer inside it, or null when it cannot be done without harm. */
function addInline(entity: MimeEntity, ct: ContentType, footer: FooterContent, depth: number): MimeEntity | null {
  if (depth > 20) return null;
  // A text file sent as an attachment is the sender's file: it must arrive unchanged.
  if (/^\s*attachment\b/i.test(getHeader(entity.headers, 'content-disposition') ?? '')) return null;
  if (ct.type === 'text/plain') return addToText(entity, ct, footerForPlain(footer.text, ct), 'plain');
  if (ct.type === 'text/html') return addToText(entity, ct, asciiHtml(footer.html), 'html');
  if (!ct.type.startsWith('multipart/') || !ct.params.boundary) return null;
  if (ct.type === 'multipart/alternative') return eachAlternative(entity, ct.params.boundary, footer, depth);
  if (ct.type === 'multipart/related') return relatedRoot(entity, ct, footer, depth);
  // A report's parts have fixed meanings (RFC 6522); a signed or encrypted one is sealed.
  if (ct.type === 'multipart/report' || isSealed(ct)) return null;
  return appendPart(entity, ct.params.boundary, footer);
}

/** Parses one part's bytes. */
export function partEntity(bytes: Buffer): MimeEntity {
  // A part that starts with its blank line has no header fields (all defaults).
  if (bytes[0] === 0x0d && bytes[1] === 0x0a) return { headers: [], body: bytes.subarray(2) };
  return splitMessage(bytes);
}

/** Replaces byte ranges of a multipart body (ranges in order, not overlapping). */
export function spliceParts(body: Buffer, edits: Array<{ start: number; end: number; bytes: Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    chunks.push(body.subarray(at, e.start), e.bytes);
    at = e.end;
  }
  chunks.push(body.subarray(at));
  return Buffer.concat(chunks);
}

function eachAlternative(entity: MimeEntity, boundary: string, footer: FooterContent, depth: number): MimeEntity | null {
  const layout = splitMultipart(entity.body, boundary);
  const edits: Array<{ start: number; end: number; bytes: Buffer }> = [];
  for (const range of layout.parts) {
    const part = partEntity(entity.body.subarray(range.start, range.end));
    const ct = parseContentType(getHeader(part.headers, 'content-type'));
    if (!(ct.type === 'text/plain' || ct.type === 'text/html' || ct.type === 'multipart/related' || ct.type === 'multipart/alternative')) continue;
    const changed = addInline(part, ct, footer, depth + 1);
    if (!changed) return null; // one alternative without the footer would be inconsistent: wrap
    edits.push({ ...range, bytes: joinMessage(changed.headers, changed.body) });
  }
  if (!edits.length) return null;
  return { headers: entity.headers, body: spliceParts(entity.body, edits) };
}

function relatedRoot(entity: MimeEntity, ct: ContentType, footer: FooterContent, depth: number): MimeEntity | null {
  const layout = splitMultipart(entity.body, ct.params.boundary!);
  const parts = layout.parts.map((r) => ({ range: r, part: partEntity(entity.body.subarray(r.start, r.end)) }));
  const start = ct.params.start?.trim();
  const root = (start && parts.find((p) => getHeader(p.part.headers, 'content-id')?.trim() === start)) || parts[0];
  if (!root) return null;
  const rootType = parseContentType(getHeader(root.part.headers, 'content-type'));
  const changed = addInline(root.part, rootType, footer, depth + 1);
  if (!changed) return null;
  return { headers: entity.headers, body: spliceParts(entity.body, [{ ...root.range, bytes: joinMessage(changed.headers, changed.body) }]) };
}

function appendPart(entity: MimeEntity, boundary: string, footer: FooterContent): MimeEntity {
  const part = footerPart(footer);
  const layout = splitMultipart(entity.body, boundary);
  const insert = Buffer.concat([Buffer.from(`\r\n--${boundary}\r\n`, 'latin1'), part]);
  if (layout.closeAt === -1) {
    // No closing delimiter (truncated): end the body properly after the new part.
    const body = Buffer.concat([entity.body.subarray(0, trimCrlfEnd(entity.body)), insert, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1')]);
    return { headers: entity.headers, body };
  }
  return { headers: entity.headers, body: spliceParts(entity.body, [{ start: layout.closeAt, end: layout.closeAt, bytes: insert }]) };
}

function trimCrlfEnd(b: Buffer): number {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return end;
}

/**
 * The original body as the first part of a new multipart/mixed, with its Content-* fields,
 * and the footer as the second part.
 */
export function wrapInMixed(entity: MimeEntity, footer: FooterContent): MimeEntity {
  const contentFields = entity.headers.filter((f) => f.name.toLowerCase().startsWith('content-'));
  const original = joinMessage(contentFields, entity.body);
  const part = footerPart(footer);
  const boundary = newBoundary(original, part);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\n`, 'latin1'),
    original,
    Buffer.from(`\r\n--${boundary}\r\n`, 'latin1'),
    part,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
  const headers = [
    ...withoutHeaders(entity.headers, (n) => n.startsWith('content-')),
    makeHeader('Content-Type', setContentTypeParam('multipart/mixed', 'boundary', boundary)),
  ];
  return { headers, body };
}

/** A self-contained MIME part holding the footer: text and HTML alternatives, shown inline. */
export function footerPart(footer: FooterContent): Buffer {
  const text = textPart('text/plain', `${footer.text.replace(/\r?\n/g, '\r\n')}\r\n`);
  const html = textPart('text/html', `${footer.html}\r\n`);
  const boundary = newBoundary(text, html);
  return Buffer.concat([
    Buffer.from(`Content-Type: multipart/alternative; boundary="${boundary}"\r\nContent-Disposition: inline\r\n\r\n--${boundary}\r\n`, 'latin1'),
    text,
    Buffer.from(`\r\n--${boundary}\r\n`, 'latin1'),
    html,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
  ]);
}

function textPart(type: string, content: string): Buffer {
  const data = Buffer.from(content, 'utf8');
  const cte = isAscii(content) ? '7bit' : 'quoted-printable';
  return Buffer.concat([
    Buffer.from(`Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${cte}\r\nContent-Disposition: inline\r\n\r\n`, 'latin1'),
    encodeTransfer(data, cte),
  ]);
}

/** HTML with every non-ASCII character as a character reference: it fits any ASCII-based charset. */
export function asciiHtml(html: string): string {
  return html.replace(/[\u0080-\u{10ffff}]/gu, (ch) => `&#x${ch.codePointAt(0)!.toString(16)};`);
}

/** The plain footer as it must be written in this part (format=flowed rules, RFC 3676 §4). */
function footerForPlain(text: string, ct: ContentType): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  if (ct.params.format?.toLowerCase() !== 'flowed') return lines.join('\n');
  return lines
    .map((l) => (l === '-- ' ? l : l.replace(/[ \t]+$/, '')))
    .map((l) => (/^( |>|From )/.test(l) ? ` ${l}` : l))
    .join('\n');
}

/**
 * Adds the footer to a text part. Returns null when the part's transfer encoding or charset
 * is unknown (the caller then wraps instead of guessing).
 */
function addToText(entity: MimeEntity, ct: ContentType, footer: string, kind: 'plain' | 'html'): MimeEntity | null {
  const cte = transferEncoding(getHeader(entity.headers, 'content-transfer-encoding'));
  if (!isKnownEncoding(cte)) return null;
  const decoded = decodeTransfer(entity.body, cte);
  const declared = ct.params.charset?.trim().toLowerCase();
  let charset = declared ?? (kind === 'plain' ? 'us-ascii' : undefined);
  const fits = isAscii(footer) && !(charset && NOT_ASCII_BASED.test(charset));

  const flowed = kind === 'plain' && ct.params.format?.toLowerCase() === 'flowed';
  let content: Buffer;
  let newCharset: string | null = null;
  if (fits || charset === 'utf-8' || charset === 'utf8') {
    content = insertBytes(flowed ? endFlowed(decoded) : decoded, Buffer.from(footer, 'utf8'), kind);
  } else if ((!charset || charset === 'us-ascii') && isAscii(decoded.toString('latin1'))) {
    content = insertBytes(flowed ? endFlowed(decoded) : decoded, Buffer.from(footer, 'utf8'), kind);
    newCharset = 'utf-8';
  } else {
    // The footer does not fit the part's charset: carry the text over to UTF-8.
    const text = decodeCharset(decoded, charset ?? 'windows-1252');
    if (text === null) return null;
    charset = 'utf-8';
    const utf8 = Buffer.from(text, 'utf8');
    content = insertBytes(flowed ? endFlowed(utf8) : utf8, Buffer.from(footer, 'utf8'), kind);
    newCharset = 'utf-8';
  }

  let headers = entity.headers;
  if (newCharset) {
    const ctValue = getHeader(headers, 'content-type') ?? `text/${kind}`;
    headers = setHeader(headers, 'Content-Type', setContentTypeParam(ctValue, 'charset', newCharset));
  }
  let outCte = cte;
  if (cte === '7bit' && !isAscii(content.toString('latin1'))) {
    outCte = 'quoted-printable';
    headers = setHeader(headers, 'Content-Transfer-Encoding', outCte);
  }
  return { headers, body: encodeTransfer(content, outCte) };
}

/**
 * A format=flowed text whose last line no longer ends in a space. That space means "continued
 * on the next line", and the next line would now be the footer's; at the very end it means
 * nothing, so the text reads the same. (A blank line would also end the paragraph by RFC 3676,
 * but simple decoders, mailparser's among them, join across it.)
 */
function endFlowed(text: Buffer): Buffer {
  let end = text.length;
  while (end > 0 && (text[end - 1] === 0x0a || text[end - 1] === 0x0d)) end--;
  let cut = end;
  while (cut > 0 && (text[cut - 1] === 0x20 || text[cut - 1] === 0x09)) cut--;
  if (cut === end) return text;
  return Buffer.concat([text.subarray(0, cut), text.subarray(end)]);
}

/** Inserts footer bytes into decoded text: appended to plain text, before </body> in HTML. */
function insertBytes(decoded: Buffer, footer: Buffer, kind: 'plain' | 'html'): Buffer {
  const asText = decoded.toString('latin1');
  const eol = asText.includes('\r\n') || !asText.includes('\n') ? '\r\n' : '\n';
  const footerLines = Buffer.from(footer.toString('latin1').replace(/\r?\n/g, eol), 'latin1');
  if (kind === 'html') {
    const lower = asText.toLowerCase();
    let at = lower.lastIndexOf('</body');
    if (at === -1) at = lower.lastIndexOf('</html');
    if (at === -1) at = decoded.length;
    return Buffer.concat([decoded.subarray(0, at), footerLines, Buffer.from(eol, 'latin1'), decoded.subarray(at)]);
  }
  const parts: Buffer[] = [decoded];
  if (decoded.length) {
    // End the last line, then a blank line (which also ends a format=flowed paragraph).
    if (!asText.endsWith('\n')) parts.push(Buffer.from(eol, 'latin1'));
    parts.push(Buffer.from(eol, 'latin1'));
  }
  parts.push(footerLines, Buffer.from(eol, 'latin1'));
  return Buffer.concat(parts);
}
