import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { defuse, toCsv, undefuse } from './csv.ts';

test('a text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)', () => {
  for (const t of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '＝1+1', '＋1', '－1', '＠SUM(A1)']) {
    assert.equal(defuse(t), `'${t}`, JSON.stringify(t));
  }
  for (const t of ['Robin Park', 'a=b', ' =1', "'already text", '', 'Department of Defense']) assert.equal(defuse(t), t, JSON.stringify(t));
  assert.equal(defuse(-3), -3, 'numbers are numbers, not typed text');
  assert.equal(defuse(null), '');
  assert.equal(defuse(undefined), '');
  assert.equal(defuse(true), 'yes');
  assert.equal(defuse(new Date('2027-01-02T03:04:05Z')), '2027-01-02T03:04:05.000Z');
});

test('the file: header and rows defused, quoted where needed, and read back cell for cell', () => {
  const csv = toCsv(
    ['name', 'note'],
    [
      ['=HYPERLINK("http://x","y")', 'line one\nline two, with "quotes"'],
      ['Ana', -1],
      ['@cmd', null],
    ],
  );
  assert.deepEqual(parse(csv), [
    ['name', 'note'],
    [`'=HYPERLINK("http://x","y")`, 'line one\nline two, with "quotes"'],
    ['Ana', '-1'],
    ["'@cmd", ''],
  ]);
  assert.equal(toCsv(['a', 'b'], []), 'a,b\n', 'an empty list still has its header');
});

test('undefuse reads a defused cell back as typed, and leaves other text alone', () => {
  for (const t of ['=1+1', '@SUM(A1)', '-5', 'plain', "'quoted", "'"]) assert.equal(undefuse(String(defuse(t))), t, t);
  assert.equal(undefuse("'=x"), '=x');
  assert.equal(undefuse("'plain"), "'plain");
});
