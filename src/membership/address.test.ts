import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalAddress, normaliseDomain, parseAddress } from './address.ts';

describe('invisible characters (Unicode format characters, category Cf)', () => {
  const invisible: Array<[string, string]> = [
    ['U+200B zero-width space', '\u200B'],
    ['U+200E left-to-right mark', '\u200E'],
    ['U+202E right-to-left override', '\u202E'],
    ['U+FEFF byte order mark', '\uFEFF'],
    ['U+00AD soft hyphen', '\u00AD'],
    ['U+2060 word joiner', '\u2060'],
    ['U+200D zero-width joiner', '\u200D'],
  ];
  for (const [name, c] of invisible) {
    test(`${name} is refused with a message that says so, wherever it is`, () => {
      for (const input of [`pat@gsa${c}.gov`, `pa${c}t@gsa.gov`, `${c}pat@gsa.gov`, `pat@gsa.gov${c}`]) {
        const p = parseAddress(input);
        assert.equal(p.ok, false, JSON.stringify(input));
        if (p.ok) continue;
        assert.equal(p.problem, 'invisible', JSON.stringify(input));
        assert.match(p.message, /invisible character/);
        assert.match(p.message, /[Tt]ype .* again/);
      }
      const d = normaliseDomain(`gsa${c}.gov`);
      assert.equal(d.ok, false);
      if (!d.ok) assert.equal(d.problem, 'invisible');
    });
  }
});

test('canonicalAddress: one key for every way of writing an address (case, trailing dot, full-width letters)', () => {
  const keys = ['pat@gsa.gov', 'PAT@GSA.GOV', 'Pat@gsa.gov.', 'pat@ｇｓａ.gov', ' pat@GSA.gov. '].map((a) => {
    const p = parseAddress(a);
    assert.ok(p.ok, a);
    return canonicalAddress(p);
  });
  assert.deepEqual(new Set(keys), new Set(['pat@gsa.gov']));
});
