/**
 * Tokens for links in mail and for session cookies: 32 random bytes, sent to the person, and
 * stored only as a SHA-256 hash, so a copy of the database cannot be used to sign in or confirm.
 */
import { createHash, randomBytes } from 'node:crypto';

export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

export function newToken(): { raw: string; hash: string } {
  const raw = randomBytes(32).toString('base64url');
  return { raw, hash: hashToken(raw) };
}

/** A token as it arrives in a URL or form: the right length and alphabet, or nothing. */
export function cleanToken(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}
