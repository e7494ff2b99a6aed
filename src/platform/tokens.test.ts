import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanToken, hashToken, newToken, randomText } from './tokens.ts';

test('randomText: base64url of the bytes asked for, never the same twice, across batches', () => {
  const seen = new Set<string>();
  // 12 bytes each: well past one 4 KB batch
  for (let i = 0; i < 1000; i++) {
    const t = randomText(12);
    assert.match(t, /^[A-Za-z0-9_-]{16}$/);
    assert.ok(!seen.has(t), 'no value handed out twice');
    seen.add(t);
  }
  assert.equal(Buffer.from(randomText(256), 'base64url').length, 256);
  for (const bad of [0, -1, 257, 1.5, Number.NaN]) assert.throws(() => randomText(bad), RangeError);
});

test('a new token is 32 random bytes sent as text, kept only as its SHA-256', () => {
  const t = newToken();
  assert.equal(cleanToken(t.raw), t.raw);
  assert.equal(t.hash, hashToken(t.raw));
  assert.notEqual(newToken().raw, t.raw);
  assert.equal(cleanToken('short'), undefined);
});
