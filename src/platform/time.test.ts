import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
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
