/** Numbers and days as every page writes them (en-US, days in UTC). */
// One formatter each, made once: making an Intl formatter costs more than a page's other work.
const COUNT = new Intl.NumberFormat('en-US');
const DAY = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** 1,234 */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** March 4, 2026: a stored day or an instant, read in UTC. */
export function formatDay(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(`${d}T00:00:00Z`) : d;
  return DAY.format(date);
}
