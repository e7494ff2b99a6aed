/**
 * Header handling on raw RFC 5322 bytes. A list post is changed only in its header (and, for the
 * footer, in the one text part that gets it), so everything here works on the original bytes and
 * never re-encodes the body.
 *
 * Header strings are "binary" strings: one character per byte (latin1), so a header with 8-bit
 * bytes (RFC 6532 UTF-8, or a sender's raw Latin-1) goes back out byte for byte. Use
 * `decodeHeaderValue` to get readable text.
 */
import { decodeEncodedWords } from './encoded-words.ts';

export interface HeaderField {
  /** Field name as written (case kept). */
  name: string;
  /** Unfolded value, not decoded: line breaks of folding removed, outer white space trimmed. */
  value: string;
  /** Exact original lines including the CRLF line ends (LF-only input is given CRLF). */
  raw: string;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Gives every bare LF a CR, so LF-only input (files, some MTAs' LMTP hand-off) goes out as
 * proper CRLF mail. Returns the same buffer when it is already CRLF.
 */
export function toCrlf(buf: Buffer): Buffer {
  let bare = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i === 0 || buf[i - 1] !== CR) bare++;
  }
  if (bare === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let w = 0;
  let start = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i === 0 || buf[i - 1] !== CR) {
      w += buf.copy(out, w, start, i);
      out[w++] = CR;
      start = i;
    }
  }
  w += buf.copy(out, w, start);
  return out.subarray(0, w);
}

/** One header field from its raw lines (which must end in CRLF). */
function fieldFromRaw(raw: string): HeaderField | null {
  const colon = raw.indexOf(':');
  if (colon <= 0) return null;
  const name = raw.slice(0, colon).trim();
  // RFC 5322 field names are printable ASCII without colon or space.
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) return null;
  return { name, value: unfold(raw.slice(colon + 1)), raw };
}

/** Removes folding line breaks and trims; inner white space is kept as written. */
export function unfold(v: string): string {
  return v
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n$/, '')
    .trim();
}

/**
 * Splits a message into its header fields and body. Input may use LF or CRLF line ends; the
 * result uses CRLF. A leading mbox "From " line and lines that are not header fields are
 * dropped (they cannot be sent on); a message with no blank line is all header, empty body.
 */
export function splitMessage(raw: Buffer): { headers: HeaderField[]; body: Buffer } {
  const msg = toCrlf(raw);
  const headers: HeaderField[] = [];
  let pos = 0;
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const f = fieldFromRaw(current);
    if (f) headers.push(f);
    current = null;
  };
  let bodyStart = msg.length;
  while (pos < msg.length) {
    const nl = msg.indexOf(LF, pos);
    const end = nl === -1 ? msg.length : nl + 1;
    if (end - pos === 2 && msg[pos] === CR) {
      bodyStart = end;
      break;
    }
    let line = msg.toString('latin1', pos, end);
    if (nl === -1) line += '\r\n';
    if (line[0] === ' ' || line[0] === '\t') {
      if (current !== null) current += line;
    } else {
      flush();
      if (!(pos === 0 && line.startsWith('From '))) current = line;
    }
    pos = end;
  }
  flush();
  return { headers, body: msg.subarray(bodyStart) };
}

/** Puts header fields and body back together (CRLF, one blank line between). */
export function joinMessage(headers: HeaderField[], body: Buffer): Buffer {
  let head = '';
  for (const h of headers) head += h.raw.endsWith('\r\n') ? h.raw : `${h.raw}\r\n`;
  head += '\r\n';
  const headBuf = Buffer.from(head, 'latin1');
  return Buffer.concat([headBuf, body], headBuf.length + body.length);
}

/** The first field with this name (case-insensitive), unfolded and not decoded. */
export function getHeader(h: HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return h.find((f) => f.name.toLowerCase() === lower)?.value;
}

/** All fields with this name (case-insensitive), in order. */
export function getHeaders(h: HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return h.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}

/** The fields without those for which `drop(lowercased name)` is true. */
export function withoutHeaders(h: HeaderField[], drop: (lowerName: string) => boolean): HeaderField[] {
  return h.filter((f) => !drop(f.name.toLowerCase()));
}

/**
 * A new header field, folded at white space so lines stay within 78 characters where the value
 * allows it. Refuses CR and LF in the value: a line break there would inject a header.
 */
export function makeHeader(name: string, value: string): HeaderField {
  if (/[\r\n]/.test(value) || /[\r\n:\s]/.test(name)) {
    throw new HeaderValueError(`The ${name} header cannot contain a line break; remove it from the value.`);
  }
  if (/[\u0100-\uffff]/.test(value)) {
    throw new HeaderValueError(`The ${name} header value has characters that need encoding first (use encodeWords).`);
  }
  return { name, value: value.trim(), raw: `${name}: ${fold(value.trim(), name.length + 2)}\r\n` };
}

/** Folds at spaces: the first line has `used` characters already (the name and ": "). */
function fold(value: string, used: number): string {
  if (used + value.length <= 78) return value;
  const words = value.split(' ');
  let out = '';
  let lineLen = used;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (i === 0) {
      out = word;
      lineLen += word.length;
    } else if (lineLen + 1 + word.length > 78 && lineLen > 1) {
      out += `\r\n ${word}`;
      lineLen = 1 + word.length;
    } else {
      out += ` ${word}`;
      lineLen += 1 + word.length;
    }
  }
  return out;
}

/** A header value that would break the message (for example a line break in it). */
export class HeaderValueError extends Error {
  readonly code = 'HEADER_VALUE_INVALID';
}

/**
 * Readable text of a header value: raw UTF-8 bytes (RFC 6532) are read as UTF-8 (other 8-bit
 * bytes as Latin-1), then RFC 2047 encoded-words are decoded.
 */
export function decodeHeaderValue(v: string): string {
  let text = v;
  if (/[\x80-\xff]/.test(v)) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(v, 'latin1'));
    } catch {
      text = v;
    }
  }
  return decodeEncodedWords(text);
}

/**
 * The fields with `name` set to `value`: the first field of that name is replaced in place,
 * later ones are removed, and the field is appended when there was none.
 */
export function setHeader(h: HeaderField[], name: string, value: string): HeaderField[] {
  const lower = name.toLowerCase();
  const field = makeHeader(name, value);
  const out: HeaderField[] = [];
  let done = false;
  for (const f of h) {
    if (f.name.toLowerCase() !== lower) out.push(f);
    else if (!done) {
      out.push(field);
      done = true;
    }
  }
  if (!done) out.push(field);
  return out;
}
