/**
 * Spam checks for the public request form without a third-party CAPTCHA: a honeypot field people
 * never see, and a signed timestamp put in the form when it is shown, so a form sent back faster
 * than a person can type (or one forged without the stamp) is refused. The per-IP rate limit is
 * applied by the route (src/platform/rate-limit.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The honeypot's name: plausible enough that form-filling robots fill it in. */
export const HONEYPOT_FIELD = 'website';
export const STAMP_FIELD = 'formStamp';

/** Forms older than this are stale: the visitor is asked to check and send again. */
export const STAMP_MAX_AGE_SECONDS = 24 * 60 * 60;

function sign(secret: string, ms: number): string {
  return createHmac('sha256', secret).update(`speaker-request-form:${ms}`).digest('base64url');
}

/** The stamp put in the form: "<milliseconds>.<signature>". */
export function formStamp(secret: string, now: Date): string {
  const ms = now.getTime();
  return `${ms}.${sign(secret, ms)}`;
}

export type SpamCheck = { ok: true } | { ok: false; reason: 'honeypot' | 'no-stamp' | 'too-fast' | 'stale'; message: string };

/** Checks one submitted form: honeypot empty, stamp genuine, not too fast, not too old. */
export function checkSubmission(p: { secret: string; honeypot: string; stamp: string; now: Date; minSeconds: number }): SpamCheck {
  if (p.honeypot) return { ok: false, reason: 'honeypot', message: 'Leave the field marked “leave this empty” empty, and send the form again.' };
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(p.stamp);
  const ms = m ? Number(m[1]) : NaN;
  const expected = m ? Buffer.from(sign(p.secret, ms)) : undefined;
  if (!m || !expected || !timingSafeEqual(expected, Buffer.from(m[2]!))) {
    return { ok: false, reason: 'no-stamp', message: 'This form could not be checked. Check your answers below and send it again.' };
  }
  const age = (p.now.getTime() - ms) / 1000;
  if (age < p.minSeconds) {
    return {
      ok: false,
      reason: 'too-fast',
      message: 'That was faster than a person can fill in this form, so it was not sent. Check your answers below and send it again.',
    };
  }
  if (age > STAMP_MAX_AGE_SECONDS)
    return { ok: false, reason: 'stale', message: 'This form was open for more than a day. Check your answers below and send it again.' };
  return { ok: true };
}
