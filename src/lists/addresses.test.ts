import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseListAddress } from './addresses.ts';
import { readUnsubscribeToken, readVerpToken, unsubscribeToken, verpToken } from './tokens.ts';

describe('list addresses', () => {
  const d = 'lists.example.gov';
  test('each kind of list address', () => {
    assert.deepEqual(parseListAddress('social-media@lists.example.gov', d), { localPart: 'social-media', kind: 'post' });
    assert.deepEqual(parseListAddress('Social-Media@LISTS.example.gov.', d), { localPart: 'social-media', kind: 'post' });
    assert.deepEqual(parseListAddress('social-media-request@lists.example.gov', d), { localPart: 'social-media', kind: 'request' });
    assert.deepEqual(parseListAddress('social-media-owner@lists.example.gov', d), { localPart: 'social-media', kind: 'owner' });
    assert.deepEqual(parseListAddress('social-media-bounces+1a-0123456789ab@lists.example.gov', d), {
      localPart: 'social-media',
      kind: 'bounces',
      token: '1a-0123456789ab',
    });
    assert.deepEqual(parseListAddress('social-media-bounces@lists.example.gov', d), { localPart: 'social-media', kind: 'bounces' });
    assert.deepEqual(parseListAddress(`social-media-confirm+${'a'.repeat(43)}@lists.example.gov`, d), {
      localPart: 'social-media',
      kind: 'confirm',
      token: 'a'.repeat(43),
    });
  });
  test('anything else is not a list address', () => {
    for (const a of [
      'social-media@other.gov',
      'social-media-confirm@lists.example.gov',
      'social-media-request+x@lists.example.gov',
      'social-media+tag@lists.example.gov',
      'no-at-sign',
      '@lists.example.gov',
    ]) {
      assert.equal(parseListAddress(a, d), undefined, a);
    }
  });
});

describe('list tokens', () => {
  const key = 'k'.repeat(40);
  test('an unsubscribe token names one member on one list and cannot be altered', () => {
    const t = unsubscribeToken(key, 1234, 5);
    assert.deepEqual(readUnsubscribeToken(key, t), { memberId: 1234, listId: 5 });
    assert.equal(readUnsubscribeToken('other'.repeat(8), t), undefined);
    const [m, l, mac] = t.split('.');
    assert.equal(readUnsubscribeToken(key, `${(Number.parseInt(m!, 36) + 1).toString(36)}.${l}.${mac}`), undefined, 'another member');
    assert.equal(readUnsubscribeToken(key, `${m}.${(6).toString(36)}.${mac}`), undefined, 'another list');
    assert.equal(readUnsubscribeToken(key, 'garbage'), undefined);
  });
  test('a VERP token names one delivery and survives lower-casing', () => {
    const t = verpToken(key, 987654);
    assert.match(t, /^[0-9a-z]+-[0-9a-f]{12}$/);
    assert.equal(readVerpToken(key, t), 987654);
    assert.equal(readVerpToken(key, t.toUpperCase()), 987654);
    assert.equal(
      readVerpToken(
        key,
        t.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
      undefined,
    );
  });
});
