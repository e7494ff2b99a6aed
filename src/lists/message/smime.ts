/**
 * S/MIME posts, as readers of a list's text need them (digests): the signed content of an
 * opaque signature (application/pkcs7-mime; smime-type=signed-data, RFC 8551 §3.5.2), where the
 * post's MIME entity sits inside a CMS SignedData structure, and which parts are signatures
 * rather than attachments. Nothing here verifies a signature: the post goes out whole (with its
 * signature) in the digest's attached copy, for the reader's own mail program to check.
 */

/** id-signedData, 1.2.840.113549.1.7.2, as its DER object identifier (tag, length, value). */
const SIGNED_DATA_OID = Buffer.from('06092a864886f70d010702', 'hex');
/** Nested BER values read at most; CMS needs about six levels to reach the content. */
const MAX_DEPTH = 12;

interface Tlv {
  tag: number;
  constructed: boolean;
  /** Where the contents start and end (for indefinite lengths, before the end-of-contents octets). */
  start: number;
  end: number;
  /** Where the next value starts. */
  next: number;
}

/** One BER value at `pos` (definite or indefinite length); null when the bytes are not BER. */
function readTlv(buf: Buffer, pos: number, depth = 0): Tlv | null {
  if (depth > MAX_DEPTH || pos + 2 > buf.length) return null;
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) return null; // high tag numbers do not occur on this path
  const constructed = (tag & 0x20) !== 0;
  let len = buf[pos + 1]!;
  let start = pos + 2;
  if (len === 0x80) {
    if (!constructed) return null;
    let at = start;
    for (;;) {
      if (at + 2 > buf.length) return null;
      if (buf[at] === 0 && buf[at + 1] === 0) return { tag, constructed, start, end: at, next: at + 2 };
      const child = readTlv(buf, at, depth + 1);
      if (!child) return null;
      at = child.next;
    }
  }
  if (len & 0x80) {
    const octets = len & 0x7f;
    if (octets > 4 || start + octets > buf.length) return null;
    len = 0;
    for (let i = 0; i < octets; i++) len = len * 256 + buf[start + i]!;
    start += octets;
  }
  if (start + len > buf.length) return null;
  return { tag, constructed, start, end: start + len, next: start + len };
}

function children(buf: Buffer, v: Tlv, depth: number): Tlv[] {
  const out: Tlv[] = [];
  for (let at = v.start; at < v.end;) {
    const child = readTlv(buf, at, depth + 1);
    if (!child) return [];
    out.push(child);
    at = child.next;
  }
  return out;
}

/** An OCTET STRING's bytes, joining the pieces of a constructed (streamed) one. */
function octets(buf: Buffer, v: Tlv, depth: number): Buffer | null {
  if (v.tag === 0x04) return buf.subarray(v.start, v.end);
  if (v.tag !== 0x24 || depth > MAX_DEPTH) return null;
  const parts: Buffer[] = [];
  for (const c of children(buf, v, depth)) {
    const part = octets(buf, c, depth + 1);
    if (!part) return null;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/**
 * The MIME entity inside an opaque S/MIME signature (the bytes of a smime.p7m in DER or BER),
 * or null when it is not a SignedData that carries its content.
 * ContentInfo { contentType id-signedData, [0] SignedData { version, digestAlgorithms,
 * encapContentInfo { eContentType, [0] eContent OCTET STRING }, ... } } (RFC 5652 §3, §5.1, §5.2).
 */
export function opaqueSignedContent(der: Buffer): Buffer | null {
  const root = readTlv(der, 0);
  if (!root || root.tag !== 0x30) return null;
  const [oid, wrapped] = children(der, root, 0);
  if (!oid || !wrapped || wrapped.tag !== 0xa0 || !der.subarray(oid.start - 2, oid.end).equals(SIGNED_DATA_OID)) return null;
  const signedData = children(der, wrapped, 1)[0];
  if (!signedData || signedData.tag !== 0x30) return null;
  const encap = children(der, signedData, 2)[2];
  if (!encap || encap.tag !== 0x30) return null;
  const eContent = children(der, encap, 3)[1];
  if (!eContent || eContent.tag !== 0xa0) return null;
  const content = children(der, eContent, 4)[0];
  return content ? octets(der, content, 5) : null;
}

/** Content types of S/MIME parts that are not attachments a reader would open. */
export const isSmimeSignature = (contentType: string): boolean => /^application\/(x-)?pkcs7-signature$/i.test(contentType.trim());

/** An opaque-signed S/MIME entity (its content is inside the signature). */
export const isOpaqueSigned = (contentType: string, smimeType: string | undefined): boolean =>
  /^application\/(x-)?pkcs7-mime$/i.test(contentType.trim()) && (smimeType ?? '').trim().toLowerCase() === 'signed-data';
