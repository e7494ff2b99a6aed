/**
 * RFC 2047 encoded-words: decoding any charset Node's TextDecoder knows (full ICU: the
 * ISO-8859 family, Windows code pages, ISO-2022-JP, GB18030, ...), and encoding as UTF-8 "B"
 * words. Small on purpose: mailparser is only a development dependency here.
 */

const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

interface Piece {
  /** Plain text between words, or the bytes of an encoded word. */
  text?: string;
  charset?: string;
  bytes?: Buffer;
}

function wordBytes(encoding: string, payload: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(payload, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(payload.slice(i + 1, i + 3))) {
      bytes.push(parseInt(payload.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/** Windows-1252's characters for bytes 0x80–0x9F (undefined ones stay C1 controls). */
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes bytes in a MIME charset, or returns null when the charset is unknown. Labels the
 * Encoding Standard maps to windows-1252 (iso-8859-1, us-ascii, ...) are decoded here: Node 20's
 * TextDecoder reads them as bare Latin-1, which turns Outlook's curly quotes into controls.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.trim().toLowerCase());
  } catch {
    return null;
  }
  if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
  return Buffer.from(bytes)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

/**
 * Decodes the encoded-words in a header value. White space between two adjacent words is
 * dropped (RFC 2047 §6.2) and adjacent words in one charset are joined before decoding, so a
 * character split across two words survives. A word in an unknown charset is left as written.
 */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of value.matchAll(WORD)) {
    const between = value.slice(last, m.index);
    const prev = pieces[pieces.length - 1];
    if (!(prev?.bytes && /^[ \t\r\n]*$/.test(between))) pieces.push({ text: between });
    // "charset*language" (RFC 2231 §5): the language is not needed to decode.
    const charset = m[1]!.split('*')[0]!.toLowerCase();
    const bytes = wordBytes(m[2]!, m[3]!);
    const tail = pieces[pieces.length - 1];
    if (tail?.bytes && tail.charset === charset) {
      tail.bytes = Buffer.concat([tail.bytes, bytes]);
      tail.text += between + m[0];
    } else pieces.push({ charset, bytes, text: m[0] });
    last = m.index + m[0].length;
  }
  pieces.push({ text: value.slice(last) });
  return pieces.map((p) => (p.bytes ? (decodeCharset(p.bytes, p.charset!) ?? p.text!) : p.text!)).join('');
}

const MAX_WORD_BYTES = 45; // 60 base64 characters + 12 of "=?UTF-8?B??=" = 72 < 75 (RFC 2047 §2)

/** Text as a run of UTF-8 "B" encoded-words, never splitting a character between words. */
export function encodeRun(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let chunkBytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (chunkBytes + n > MAX_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
      chunkBytes = 0;
    }
    chunk += ch;
    chunkBytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

const needsEncoding = (word: string) => /[^\x20-\x7e]/.test(word) || word.includes('=?');

/**
 * An unstructured header value (Subject) ready to write: unchanged when it is plain printable
 * ASCII, otherwise the words from the first to the last one that needs it become UTF-8
 * encoded-words, and the ASCII words around them stay readable.
 */
export function encodeWords(text: string): string {
  const clean = text.replace(/[\r\n\t]+/g, ' ');
  if (!needsEncoding(clean)) return clean;
  const words = clean.split(' ');
  const first = words.findIndex(needsEncoding);
  let lastIdx = words.length - 1;
  while (!needsEncoding(words[lastIdx]!)) lastIdx--;
  const before = words.slice(0, first).join(' ');
  const after = words.slice(lastIdx + 1).join(' ');
  const run = encodeRun(words.slice(first, lastIdx + 1).join(' '));
  return [before, run, after].filter((s) => s !== '').join(' ');
}

/**
 * A display name for an address header (RFC 5322 phrase): as is when it is only atoms,
 * a quoted-string when it has specials, encoded-words when it is not ASCII.
 */
export function encodePhrase(name: string): string {
  const clean = name.replace(/[\r\n\t]+/g, ' ').trim();
  if (/[^\x20-\x7e]/.test(clean) || clean.includes('=?')) return encodeRun(clean);
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(clean)) return clean;
  return `"${clean.replace(/(["\\])/g, '\\$1')}"`;
}
