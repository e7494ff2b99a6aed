/**
 * Bounds on a message's shape, checked at mail-in before it is accepted: a message nested a
 * thousand deep, split into thousands of parts, with a megabyte of header or with NUL bytes in
 * it is no real post, and would tie up the worker (or fail in it) for hours. Refusing it during
 * the SMTP transaction tells the sender's server, which bounces it to the sender.
 */
import { partEntity, type MimeEntity } from './footer.ts';
import { parseContentType, splitMultipart } from './mime.ts';
import { getHeader, splitMessage } from './raw.ts';

export const MIME_LIMITS = {
  /** Multiparts and attached messages inside one another; the footer gives up at 20 too. */
  depth: 20,
  /** Body parts in the whole message, at every level. */
  parts: 500,
  /** Octets of header fields in the message, or in any one part (a big Received chain is ~20 KB). */
  headerBytes: 128 * 1024,
} as const;

/** Why a message is refused, with the SMTP reply that says so. */
export interface StructureProblem {
  responseCode: 552 | 554;
  message: string;
}

class Refused extends Error {
  constructor(readonly problem: StructureProblem) {
    super(problem.message);
  }
}

const headerBytes = (entity: MimeEntity) => entity.headers.reduce((n, h) => n + h.raw.length, 0);

/** The first bound this message breaks, or null when it is within all of them. */
export function checkStructure(raw: Buffer): StructureProblem | null {
  const counter = { parts: 0 };
  try {
    walk(splitMessage(raw), 0, counter);
    return null;
  } catch (err) {
    if (err instanceof Refused) return err.problem;
    throw err;
  }
}

function walk(entity: MimeEntity, depth: number, counter: { parts: number }): void {
  if (headerBytes(entity) > MIME_LIMITS.headerBytes) {
    throw new Refused({ responseCode: 552, message: `5.3.4 Message header too big; the limit is ${MIME_LIMITS.headerBytes} bytes of header fields` });
  }
  // RFC 5322 §2.2 allows no NUL in a header; stored and shown, it would break more than the post.
  if (entity.headers.some((h) => h.raw.includes('\0'))) {
    throw new Refused({ responseCode: 554, message: '5.6.0 NUL characters in the message header are not allowed' });
  }
  const ct = parseContentType(getHeader(entity.headers, 'content-type'));
  const nested = (ct.type.startsWith('multipart/') && ct.params.boundary) || ct.type === 'message/rfc822';
  if (!nested) return;
  if (depth >= MIME_LIMITS.depth) {
    throw new Refused({ responseCode: 554, message: `5.6.0 MIME parts nested too deep; the limit is ${MIME_LIMITS.depth} levels` });
  }
  if (ct.type === 'message/rfc822') return walk(splitMessage(entity.body), depth + 1, counter);
  for (const range of splitMultipart(entity.body, ct.params.boundary!).parts) {
    if (++counter.parts > MIME_LIMITS.parts) {
      throw new Refused({ responseCode: 554, message: `5.6.0 Too many MIME parts; the limit is ${MIME_LIMITS.parts}` });
    }
    walk(partEntity(entity.body.subarray(range.start, range.end)), depth + 1, counter);
  }
}
