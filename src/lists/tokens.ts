/**
 * Signed tokens in list mail: the one-click unsubscribe link (member + list) and the VERP token
 * in the envelope sender (one delivery). HMAC-SHA256 with the site key, so neither can be forged
 * or moved to another member or list; both are short enough for a URL or an address.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** The site key made ready for HMAC once, not for every token (a fan-out makes two a copy). */
let ready: { key: string; object: KeyObject } | undefined;
function hmac(key: string) {
  if (ready?.key !== key) ready = { key, object: createSecretKey(Buffer.from(key)) };
  return createHmac('sha256', ready.object);
}

function mac(key: string, purpose: string, payload: string, bytes: number): string {
  return hmac(key).update(`${purpose}:${payload}`).digest().subarray(0, bytes).toString('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `<member>.<list>.<mac>` in base 36: scoped to one member on one list. */
export function unsubscribeToken(key: string, memberId: number, listId: number): string {
  const payload = `${memberId.toString(36)}.${listId.toString(36)}`;
  return `${payload}.${mac(key, 'unsubscribe', payload, 16)}`;
}

export function readUnsubscribeToken(key: string, token: string): { memberId: number; listId: number } | undefined {
  const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return undefined;
  if (!equal(m[3]!, mac(key, 'unsubscribe', `${m[1]}.${m[2]}`, 16))) return undefined;
  return { memberId: parseInt(m[1]!, 36), listId: parseInt(m[2]!, 36) };
}

/** The VERP token of one delivery: `<delivery id>-<mac>`, lower-case safe for any MTA. */
export function verpToken(key: string, deliveryId: number): string {
  const id = deliveryId.toString(36);
  return `${id}-${hmac(key).update(`verp:${id}`).digest('hex').slice(0, 12)}`;
}

export function readVerpToken(key: string, token: string): number | undefined {
  const m = /^([0-9a-z]{1,12})-([0-9a-f]{12})$/.exec(token.toLowerCase());
  if (!m) return undefined;
  const want = hmac(key).update(`verp:${m[1]}`).digest('hex').slice(0, 12);
  return equal(m[2]!, want) ? parseInt(m[1]!, 36) : undefined;
}
