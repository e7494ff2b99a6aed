import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatDay, formatNumber } from './format.ts';

// The pages' numbers are written without Intl (format.ts says why); Intl is the reference here.
test('formatNumber writes what Intl.NumberFormat en-US writes, for counts, fractions, negatives and roundings', () => {
  const values = [
    0,
    -0,
    1,
    7,
    12,
    999,
    1000,
    1001,
    12_345,
    999_999,
    1_000_000,
    1_234_567,
    2 ** 53 - 1,
    1e20,
    -1,
    -1234,
    -999_999.5,
    0.5,
    1.5,
    2.5,
    0.05,
    0.15,
    1.005,
    1.25,
    1.35,
    12.3456,
    1234.5678,
    0.0004,
    -0.0004,
    99.95,
    999.9999,
    3.14159,
    1e-7,
    9.5e-7,
    1e21,
    1.5e22,
    0.9996,
    9.9995,
    0.1 + 0.2,
  ];
  for (const digits of [0, 1, 2, 3]) {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
    for (const n of values) assert.equal(formatNumber(n, digits), intl.format(n), `${n} with at most ${digits} decimals`);
  }
  for (let i = 0; i < 2000; i++) {
    const n = (Math.random() - 0.3) * 10 ** Math.floor(Math.random() * 12);
    assert.equal(formatNumber(n), new Intl.NumberFormat('en-US').format(n), String(n));
  }
  assert.equal(formatCount(1400), '1,400');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(-Infinity), '-∞');
});

test('formatDay: a stored day or an instant, in UTC', () => {
  assert.equal(formatDay('2026-03-04'), 'March 4, 2026');
  assert.equal(formatDay(new Date('2026-12-31T23:30:00-05:00')), 'January 1, 2027');
});
