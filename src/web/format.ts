/** Numbers and days as every page writes them (en-US, days in UTC). */
// Made once: making an Intl formatter costs more than a page's other work.
const DAY = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/**
 * 1,234 and 1,234.5: a number as en-US writes it, rounded to at most `fractionDigits` decimals
 * (trailing zeros dropped), the same text as Intl.NumberFormat('en-US', { maximumFractionDigits }).
 * Written out rather than asked of Intl: the first use of Intl's number formatter maps about 6 MB
 * of ICU's code and data into the process for good (docs/operations.md, idle memory), and the
 * lint forbids it in src/ (toLocaleString, Intl.NumberFormat).
 */
export function formatNumber(n: number, fractionDigits = 3): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  let { whole, fraction } = decimalDigits(Math.abs(n));
  if (fraction.length > fractionDigits) {
    // Half away from zero, on the decimal digits (as Intl does: 0.15 → 0.2, though the double is a hair under)
    const up = fraction[fractionDigits]! >= '5';
    fraction = fraction.slice(0, fractionDigits);
    if (up) {
      const sum = (BigInt(whole + fraction) + 1n).toString().padStart(whole.length + fraction.length, '0');
      whole = sum.slice(0, sum.length - fraction.length);
      fraction = sum.slice(sum.length - fraction.length);
    }
  }
  fraction = fraction.replace(/0+$/, '');
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

/** The shortest decimal that reads back as `abs` (JavaScript's own), in plain digits: 1e-7 → 0 and 0000001. */
function decimalDigits(abs: number): { whole: string; fraction: string } {
  const [, lead = '0', rest = '', exponent = '0'] = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(abs)) ?? [];
  let digits = lead + rest;
  let point = lead.length + Number(exponent);
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  digits = digits.padEnd(point, '0');
  return { whole: digits.slice(0, point).replace(/^0+(?=\d)/, ''), fraction: digits.slice(point) };
}

/** 1,234 */
export function formatCount(n: number): string {
  return formatNumber(n);
}

/** March 4, 2026: a stored day or an instant, read in UTC. */
export function formatDay(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(`${d}T00:00:00Z`) : d;
  return DAY.format(date);
}
