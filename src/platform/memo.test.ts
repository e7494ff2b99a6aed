import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoText } from './memo.ts';

test('a remembered text is worked out once; the least recently used goes when the bound is reached; a huge one is not kept', () => {
  const calls: string[] = [];
  const upper = memoText((s) => (calls.push(s), s.toUpperCase()), 40);
  assert.equal(upper('abcde'), 'ABCDE');
  assert.equal(upper('abcde'), 'ABCDE');
  assert.deepEqual(calls, ['abcde']);
  upper('fghij'); // 10 + 10 = 20 of 40 kept
  upper('abcde'); // used again: fghij is now the oldest
  upper('klmno'); // 30 of 40
  upper('pqrst'); // 40: still within
  upper('uvwxy'); // 50: the oldest (fghij) goes
  assert.equal(upper.size(), 4);
  calls.length = 0;
  upper('abcde');
  upper('fghij');
  assert.deepEqual(calls, ['fghij'], 'abcde was kept, fghij was not');
  calls.length = 0;
  upper('x'.repeat(30));
  upper('x'.repeat(30));
  assert.equal(calls.length, 2, 'an answer bigger than a quarter of the bound is not kept');
});
