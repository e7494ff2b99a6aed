/**
 * Content-Transfer-Encoding (RFC 2045 §6): decoding and encoding base64 and quoted-printable.
 * 7bit, 8bit and binary pass through.
 */

/** Lower-cased encoding name; a missing one is 7bit. */
export function transferEncoding(value: string | undefined): string {
  return (value ?? '7bit').trim().toLowerCase() || '7bit';
}

/** Whether this module can decode and re-encode the named transfer encoding. */
export function isKnownEncoding(cte: string): boolean {
  return ['7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(cte);
}

export function decodeTransfer(body: Buffer, cte: string): Buffer {
  if (cte === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

export function encodeTransfer(data: Buffer, cte: string): Buffer {
  if (cte === 'base64') return encodeBase64Lines(data);
  if (cte === 'quoted-printable') return encodeQuotedPrintable(data);
  return data;
}

/** Base64 in lines of 76 characters, CRLF after each (RFC 2045 §6.8). */
export function encodeBase64Lines(data: Buffer): Buffer {
  const b64 = data.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\r\n`;
  return Buffer.from(out, 'latin1');
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Decodes quoted-printable; soft line breaks go, malformed "=" sequences stay as written. */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const s = body.toString('latin1').replace(/[ \t]+(?=\r?\n)/g, '');
  const out = Buffer.allocUnsafe(s.length);
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x3d) {
      out[w++] = c;
      continue;
    }
    if (s[i + 1] === '\r' && s[i + 2] === '\n') i += 2;
    else if (s[i + 1] === '\n') i += 1;
    else if (HEX.test(s.slice(i + 1, i + 3))) {
      out[w++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[w++] = c;
  }
  return out.subarray(0, w);
}

/**
 * Encodes text as quoted-printable: CRLF line breaks stay hard breaks, lines are soft-broken
 * at 76 characters, and a space or tab at a line end is encoded so it survives transport.
 */
export function encodeQuotedPrintable(data: Buffer): Buffer {
  const lines = data.toString('latin1').split('\r\n');
  const out: string[] = [];
  for (const line of lines) {
    let cur = '';
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      const atEnd = i === line.length - 1;
      let tok: string;
      if ((code >= 33 && code <= 126 && code !== 61) || ((code === 32 || code === 9) && !atEnd)) tok = line[i]!;
      else tok = `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
      if (cur.length + tok.length > 75) {
        out.push(`${cur}=`);
        cur = '';
      }
      cur += tok;
    }
    out.push(cur);
  }
  return Buffer.from(out.join('\r\n'), 'latin1');
}
