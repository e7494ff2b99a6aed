import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from './luxon.ts';
import { zoneAbbreviation } from './time.ts';

test('zone names follow the offset: EST in winter, EDT in summer, each zone its own', () => {
  const winter = DateTime.fromISO('2026-01-15T12:00:00Z').setZone('America/New_York').setLocale('en-US');
  const summer = DateTime.fromISO('2026-07-15T12:00:00Z').setZone('America/New_York').setLocale('en-US');
  assert.equal(zoneAbbreviation(winter), 'EST');
  assert.equal(zoneAbbreviation(summer), 'EDT');
  assert.equal(zoneAbbreviation(winter), 'EST', 'remembered, still right');
  assert.equal(zoneAbbreviation(summer, 'long'), 'Eastern Daylight Time');
  assert.equal(zoneAbbreviation(winter.setZone('America/Los_Angeles')), 'PST');
  assert.equal(zoneAbbreviation(winter.setZone('Pacific/Honolulu')), 'HST');
  for (const d of [winter, summer, winter.setZone('Europe/Berlin'), summer.setZone('Asia/Kolkata')]) {
    assert.equal(zoneAbbreviation(d), d.toFormat('ZZZZ'));
    assert.equal(zoneAbbreviation(d, 'long'), d.toFormat('ZZZZZ'));
  }
});

test('archive and event times, remembered, stay right per time and zone', async () => {
  const { showTime, monthOf, monthTitle } = await import('../archives/months.ts');
  const { formatClock, zoneName } = await import('../events/time.ts');
  const at = new Date('2026-07-15T12:00:00Z');
  for (let i = 0; i < 2; i++) {
    assert.equal(showTime(at, 'America/New_York'), 'Jul 15, 2026, 8:00 AM EDT');
    assert.equal(showTime(at, 'America/Los_Angeles'), 'Jul 15, 2026, 5:00 AM PDT', 'the zone is part of what is remembered');
    assert.equal(showTime(new Date('2026-01-15T12:00:00Z'), 'America/New_York'), 'Jan 15, 2026, 7:00 AM EST');
    assert.equal(monthOf(new Date('2026-08-01T02:00:00Z'), 'America/New_York'), '2026-07');
    assert.equal(monthOf(new Date('2026-08-01T02:00:00Z'), 'UTC'), '2026-08');
    assert.equal(monthTitle('2019-04'), 'April 2019');
    assert.equal(formatClock(at, 'UTC'), '12:00 PM');
    assert.equal(zoneName('America/Chicago', at), 'Central Daylight Time');
  }
});
