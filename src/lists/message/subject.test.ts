import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHeaderValue } from './raw.ts';
import { prefixedSubject, prefixedSubjectText } from './subject.ts';

test('the prefix is added once, first, with one Re: for replies', () => {
  const cases: Array<[string, string]> = [
    ['Hello', '[SM] Hello'],
    ['[SM] Hello', '[SM] Hello'],
    ['Re: [SM] Hello', '[SM] Re: Hello'],
    ['RE: Re: [SM] Hello', '[SM] Re: Hello'],
    ['[SM] Re: re: Hello', '[SM] Re: Hello'],
    ['Re: [sm]   Re: Hello', '[SM] Re: Hello'],
    ['AW: Sv: [SM] Hello', '[SM] Re: Hello'],
    ['Re[2]: Hello', '[SM] Re: Hello'],
    ['Fwd: Hello', '[SM] Fwd: Hello'],
    ['', '[SM] (no subject)'],
    ['Regarding: a plan', '[SM] Regarding: a plan'],
  ];
  for (const [input, want] of cases) assert.equal(prefixedSubjectText(input, '[SM]'), want, input);
  assert.equal(prefixedSubjectText('Re: [Social  Media] x', '[Social Media]'), '[Social Media] Re: x');
});

test('encoded subjects are recognised and the result is encoded only when needed', () => {
  const enc = '=?UTF-8?Q?Re=3A_=5BSM=5D_Caf=C3=A9?=';
  const out = prefixedSubject(decodeHeaderValue(enc), '[SM]');
  assert.match(out, /^\[SM\] Re: =\?UTF-8\?B\?/);
  assert.equal(decodeHeaderValue(out), '[SM] Re: Café');
  assert.equal(prefixedSubject('Plain', '[SM]'), '[SM] Plain');
});
