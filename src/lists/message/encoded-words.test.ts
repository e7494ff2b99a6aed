import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEncodedWords, encodePhrase, encodeWords } from './encoded-words.ts';

test('encodeWords leaves ASCII alone and encodes only the words that need it', () => {
  assert.equal(encodeWords('[SM] Re: plain'), '[SM] Re: plain');
  const enc = encodeWords('[SM] Re: Café au lait ✓ today');
  assert.match(enc, /^\[SM\] Re: =\?UTF-8\?B\?/);
  assert.match(enc, / today$/);
  assert.equal(decodeEncodedWords(enc), '[SM] Re: Café au lait ✓ today');
  // "=?" in plain text must not be read as an encoded word later.
  assert.equal(decodeEncodedWords(encodeWords('a =?x?Q?y?= b')), 'a =?x?Q?y?= b');
});

test('long non-ASCII text becomes words of at most 75 characters, without splitting characters', () => {
  const text = '日本語のテキスト'.repeat(20);
  const enc = encodeWords(text);
  for (const w of enc.split(' ')) assert.ok(w.length <= 75, `${w.length}`);
  assert.equal(decodeEncodedWords(enc), text);
  const emoji = '🙂'.repeat(40);
  assert.equal(decodeEncodedWords(encodeWords(emoji)), emoji);
});

test('encodePhrase: atoms as is, specials quoted, non-ASCII encoded', () => {
  assert.equal(encodePhrase('Pat Smith via Social Media'), 'Pat Smith via Social Media');
  assert.equal(encodePhrase('Smith, Pat (GSA)'), '"Smith, Pat (GSA)"');
  assert.equal(encodePhrase('Say "hi"'), '"Say \\"hi\\""');
  assert.equal(decodeEncodedWords(encodePhrase('José Núñez')), 'José Núñez');
});
