import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSubmission, formStamp, STAMP_MAX_AGE_SECONDS } from './spam.ts';

const secret = 'test-secret-for-the-request-form';
const shown = new Date('2027-03-01T15:00:00Z');
const after = (s: number) => new Date(shown.getTime() + s * 1000);

test('a person who takes their time gets through', () => {
  assert.deepEqual(checkSubmission({ secret, honeypot: '', stamp: formStamp(secret, shown), now: after(40), minSeconds: 5 }), { ok: true });
});

test('a form sent back faster than a person can type is refused with a message that says what to do', () => {
  const r = checkSubmission({ secret, honeypot: '', stamp: formStamp(secret, shown), now: after(2), minSeconds: 5 });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reason === 'too-fast');
  assert.match(!r.ok ? r.message : '', /send it again/);
});

test('a filled honeypot is refused', () => {
  const r = checkSubmission({ secret, honeypot: 'http://spam.example', stamp: formStamp(secret, shown), now: after(60), minSeconds: 5 });
  assert.ok(!r.ok && r.reason === 'honeypot');
});

test('a forged, altered, missing or other-site stamp is refused', () => {
  const good = formStamp(secret, shown);
  const [ms, sig] = good.split('.');
  const earlier = `${Number(ms) - 60_000}.${sig}`; // pretend the form was shown a minute earlier
  for (const stamp of ['', 'nonsense', earlier, formStamp('another-secret', shown), `${ms}.${'A'.repeat(43)}`]) {
    const r = checkSubmission({ secret, honeypot: '', stamp, now: after(60), minSeconds: 5 });
    assert.ok(!r.ok && r.reason === 'no-stamp', `stamp ${JSON.stringify(stamp)}`);
  }
});

test('a form left open for more than a day must be sent again', () => {
  const r = checkSubmission({ secret, honeypot: '', stamp: formStamp(secret, shown), now: after(STAMP_MAX_AGE_SECONDS + 1), minSeconds: 5 });
  assert.ok(!r.ok && r.reason === 'stale');
});
