import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressesIn, cleanAddress, isListBounceAddress, isSystemAddress, mergeRecipients } from './addresses.ts';

describe('addressesIn', () => {
  test('finds addresses wrapped in prose, brackets, quotes and trailing punctuation', () => {
    const text = `<a.b@example.org>: 550 user unknown; addressed to 'c@x.example.net', "d+tag@sub.example.gov". e@f.example.`;
    assert.deepEqual(
      addressesIn(text).map((a) => a.address),
      ['a.b@example.org', 'c@x.example.net', 'd+tag@sub.example.gov', 'e@f.example'],
    );
  });

  test('reports where each address starts', () => {
    const text = 'to: <me@example.org>';
    const [found] = addressesIn(text);
    assert.equal(text.slice(found!.index, found!.index + found!.address.length), 'me@example.org');
  });

  test('needs a dotted domain and a local part', () => {
    assert.deepEqual(addressesIn('uucp@localhost, @example.org, user@, x@-bad.example'), []);
  });

  test('a run of address characters longer than a local part is not an address', () => {
    assert.deepEqual(addressesIn(`${'A'.repeat(200)}@example.org`), []);
  });

  test('takes linear time on long base64-like runs with many "@"', () => {
    const blob = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk+/'.repeat(50_000) + '@'.repeat(10_000);
    const started = performance.now();
    addressesIn(blob);
    assert.ok(performance.now() - started < 2000, 'addressesIn took too long');
  });
});

describe('cleanAddress', () => {
  test('reads DSN address fields', () => {
    assert.equal(cleanAddress('rfc822; jane@example.org'), 'jane@example.org');
    assert.equal(cleanAddress('RFC822;<Jane@Example.org>'), 'Jane@Example.org');
    assert.equal(cleanAddress('<joe@example.com>'), 'joe@example.com');
    assert.equal(cleanAddress(' joe@example.com. '), 'joe@example.com');
  });

  test('refuses non-Internet and malformed addresses', () => {
    assert.equal(cleanAddress('x400; /S=zzzzz/OU=zeus/O=hud/PRMD=UK.AC/ADMD= /C=GB/'), null);
    assert.equal(cleanAddress('rfc822; JimmyMcEgypt@sims-ms-daemon'), null);
    assert.equal(cleanAddress('rfc822; not an address'), null);
  });
});

describe('address kinds', () => {
  test('mail-system and list bounce addresses', () => {
    assert.ok(isSystemAddress('MAILER-DAEMON@example.org'));
    assert.ok(isSystemAddress('postmaster@example.org'));
    assert.ok(!isSystemAddress('postmaster.general@example.org'));
    assert.ok(isListBounceAddress('socialgov-bounces+Ab3@lists.example.gov'));
    assert.ok(isListBounceAddress('gpc-talk-bounces@grizz.org'));
    assert.ok(!isListBounceAddress('bounces@example.org'));
  });

  test('mergeRecipients keeps one entry per address and prefers a hard failure', () => {
    assert.deepEqual(
      mergeRecipients([
        { address: 'A@example.org', temporary: true, action: 'delayed' },
        { address: 'a@example.org', temporary: false, action: 'failed', status: '5.1.1' },
        { address: 'b@example.org', temporary: false },
        { address: 'B@EXAMPLE.ORG', temporary: true },
      ]),
      [
        { address: 'A@example.org', temporary: false, action: 'failed', status: '5.1.1' },
        { address: 'b@example.org', temporary: false },
      ],
    );
  });
});
