/**
 * The MIME structure a list needs to add a footer: Content-Type parameters, the byte ranges of
 * a multipart body's parts, and new boundaries. Parts keep their original bytes; only the byte
 * range of a changed part is replaced.
 */
import { randomBytes } from 'node:crypto';

export interface ContentType {
  /** "text/plain", lower case. */
  type: string;
  /** Parameter names lower case, values unquoted. */
  params: Record<string, string>;
}

/** Parses a Content-Type value; a missing or unreadable one is text/plain (RFC 2045 §5.2). */
export function parseContentType(value: string | undefined): ContentType {
  const fallback: ContentType = { type: 'text/plain', params: { charset: 'us-ascii' } };
  if (!value) return fallback;
  const v = value.replace(/\([^()]*\)/g, ' ');
  const m = /^\s*([^\s/;]+)\s*\/\s*([^\s;]+)/.exec(v);
  if (!m) return fallback;
  const params: Record<string, string> = {};
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g;
  for (const p of v.slice(m[0].length).matchAll(re)) {
    const name = p[1]!.toLowerCase();
    const val = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
    if (!(name in params)) params[name] = val;
  }
  return { type: `${m[1]}/${m[2]}`.toLowerCase(), params };
}

/**
 * Sets (or adds) one parameter in a Content-Type value, leaving the rest as written.
 * The value is quoted when it has characters a token cannot (RFC 2045 tspecials).
 */
export function setContentTypeParam(value: string, name: string, param: string): string {
  const quoted = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(param) ? param : `"${param.replace(/(["\\])/g, '\\$1')}"`;
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"(?:[^"\\\\]|\\\\.)*"|[^\\s;]*)`, 'i');
  if (re.test(value)) return value.replace(re, `; ${name}=${quoted}`);
  return `${value.replace(/;\s*$/, '')}; ${name}=${quoted}`;
}

export interface MultipartLayout {
  /** [start, end) of each part's bytes (headers and body), inside the multipart body. */
  parts: Array<{ start: number; end: number }>;
  /**
   * Where the CRLF before the closing delimiter starts, or -1 when the body has no closing
   * delimiter (a truncated message).
   */
  closeAt: number;
}

/**
 * Finds the parts of a multipart body (CRLF line ends). A delimiter is "--boundary" at the
 * start of a line, optionally followed by "--" (the close) and white space (RFC 2046 §5.1.1).
 */
export function splitMultipart(body: Buffer, boundary: string): MultipartLayout {
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Array<{ start: number; end: number }> = [];
  let partStart = -1;
  let closeAt = -1;
  let from = 0;
  while (from < body.length) {
    const at = body.indexOf(delim, from);
    if (at === -1) break;
    const lineStart = at === 0 || (at >= 2 && body[at - 1] === 0x0a && body[at - 2] === 0x0d);
    if (!lineStart) {
      from = at + 1;
      continue;
    }
    let p = at + delim.length;
    const isClose = body[p] === 0x2d && body[p + 1] === 0x2d;
    if (isClose) p += 2;
    while (body[p] === 0x20 || body[p] === 0x09) p++;
    const atLineEnd = p >= body.length || (body[p] === 0x0d && body[p + 1] === 0x0a);
    if (!atLineEnd) {
      from = at + 1;
      continue;
    }
    const crlfBefore = at === 0 ? 0 : at - 2;
    if (partStart !== -1) parts.push({ start: partStart, end: Math.max(partStart, crlfBefore) });
    if (isClose) {
      closeAt = crlfBefore;
      partStart = -1;
      break;
    }
    partStart = Math.min(p + 2, body.length);
    from = partStart;
  }
  if (partStart !== -1) parts.push({ start: partStart, end: body.length });
  return { parts, closeAt };
}

/** A boundary that does not occur in any of the given bytes. */
export function newBoundary(...contents: Buffer[]): string {
  for (;;) {
    const b = `=_sg_${randomBytes(12).toString('base64url')}`;
    if (!contents.some((c) => c.includes(b))) return b;
  }
}

/** Whether a content type is one whose bytes must not be touched (signatures, encryption). */
export function isSealed(ct: ContentType): boolean {
  return (
    ct.type === 'multipart/signed' ||
    ct.type === 'multipart/encrypted' ||
    ct.type === 'application/pkcs7-mime' ||
    ct.type === 'application/x-pkcs7-mime' ||
    ct.type === 'application/pgp-encrypted' ||
    ct.type === 'application/pgp-signature'
  );
}
