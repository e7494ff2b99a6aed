import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from '../../platform/luxon.ts';
import { currentPeriod, DigestZoneError } from './schedule.ts';

const zone = 'America/New_York';
const s = { hour: 7, weekday: 1 };
const at = (iso: string) => DateTime.fromISO(iso, { zone });
const period = (mode: 'daily' | 'weekly', iso: string, z = zone) => {
  const p = currentPeriod(mode, at(iso), z, s);
  return `${p.period} ${p.scheduledFor.setZone(z).toFormat('HH:mm')}`;
};

test('daily: today from the digest hour, yesterday before it', () => {
  assert.equal(period('daily', '2026-11-23T07:00'), '2026-11-23 07:00');
  assert.equal(period('daily', '2026-11-23T23:59'), '2026-11-23 07:00');
  assert.equal(period('daily', '2026-11-23T06:59'), '2026-11-22 07:00');
  assert.equal(period('daily', '2026-11-24T00:30'), '2026-11-23 07:00');
});

test('weekly: the latest digest weekday at the hour', () => {
  assert.equal(period('weekly', '2026-11-23T07:05'), '2026-11-23 07:00', 'Monday after the hour');
  assert.equal(period('weekly', '2026-11-23T06:59'), '2026-11-16 07:00', 'Monday before the hour: last week');
  assert.equal(period('weekly', '2026-11-24T07:05'), '2026-11-23 07:00', "Tuesday: still Monday's period");
  assert.equal(period('weekly', '2026-11-29T23:00'), '2026-11-23 07:00', 'Sunday night');
  assert.equal(currentPeriod('weekly', at('2026-11-26T08:00'), zone, { hour: 7, weekday: 4 }).period, '2026-11-26', 'Thursday digests');
});

test('the hour is local: across daylight saving and in other zones', () => {
  // 2026-11-01: clocks go back in New York; the digest is still at 7:00 local.
  const p = currentPeriod('daily', DateTime.fromISO('2026-11-01T12:30Z'), zone, s);
  assert.equal(p.period, '2026-11-01');
  assert.equal(p.scheduledFor.toUTC().toISO(), '2026-11-01T12:00:00.000Z');
  const before = currentPeriod('daily', DateTime.fromISO('2026-10-31T11:30Z'), zone, s);
  assert.equal(before.scheduledFor.toUTC().toISO(), '2026-10-31T11:00:00.000Z');
  // Honolulu is 5 hours behind New York in November.
  assert.equal(currentPeriod('daily', DateTime.fromISO('2026-11-23T16:30Z'), 'Pacific/Honolulu', s).period, '2026-11-22');
  assert.equal(currentPeriod('daily', DateTime.fromISO('2026-11-23T17:30Z'), 'Pacific/Honolulu', s).period, '2026-11-23');
});

test('an unknown zone is a clear error', () => {
  assert.throws(
    () => currentPeriod('daily', DateTime.utc(), 'Mars/Olympus', s),
    (e: Error) => e instanceof DigestZoneError && /not a known IANA zone/.test(e.message),
  );
});
