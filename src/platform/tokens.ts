/**
 * Tokens for links in mail and for session cookies: 32 random bytes, sent to the person, and
 * stored only as a SHA-256 hash, so a copy of the database cannot be used to sign in or confirm.
 */
import { createHash, randomBytes } from 'node:crypto';

export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** Random bytes handed out from a batch of BATCH, filled at once: one call to the generator per batch, not per token. */
const BATCH = 4096;
let batch = Buffer.alloc(0);
let used = 0;

/**
 * `n` cryptographically random bytes as base64url text (n ≤ 256). The same generator as
 * randomBytes, drawn in batches: a page that makes an id for each answer (a reply form's draft)
 * paid more for the call than for the bytes (on one machine 7–13 µs a call, against about 1).
 * Each byte is handed out once.
 */
export function randomText(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`randomText takes 1 to 256 bytes, not ${n}.`);
  if (used + n > batch.length) {
    batch = randomBytes(BATCH);
    used = 0;
  }
  const text = batch.toString('base64url', used, used + n);
  batch.fill(0, used, used + n);
  used += n;
  return text;
}

export function newToken(): { raw: string; hash: string } {
  const raw = randomBytes(32).toString('base64url');
  return { raw, hash: hashToken(raw) };
}

/** A token as it arrives in a URL or form: the right length and alphabet, or nothing. */
export function cleanToken(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}
