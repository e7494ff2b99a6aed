import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readRequestForm, type RequestFormValues } from './request-form.ts';

const now = new Date('2027-01-10T12:00:00Z');
const good: RequestFormValues = {
  requesterName: 'Jordan Rivera',
  organization: 'State Communicators Association',
  email: 'jordan@example.org',
  eventName: 'Digital Government Summit',
  date: '2027-04-15',
  startTime: '14:00',
  endTime: '',
  timeZone: 'America/Chicago',
  where: 'in-person',
  location: 'Austin Convention Center, Austin, TX',
  audience: 'State and local communicators',
  audienceSize: '1,200',
  topic: 'Crisis communication on social media',
  format: 'keynote',
  press: 'yes',
  preferredSpeaker: '',
  notes: '',
};

test('a complete request is read in the event’s time zone, one hour by default', () => {
  const r = readRequestForm(good, now);
  assert.ok(r.ok);
  assert.equal(r.input.startsAt.toISOString(), '2027-04-15T19:00:00.000Z', '2 p.m. CDT');
  assert.equal(r.input.endsAt.toISOString(), '2027-04-15T20:00:00.000Z');
  assert.equal(r.input.audienceSize, 1200);
  assert.equal(r.input.press, true);
  assert.equal(r.input.online, false);
});

test('every missing or wrong answer gets its own message', () => {
  const r = readRequestForm(
    {
      ...good,
      requesterName: '',
      email: 'not an address',
      date: '2026-12-01',
      where: 'in-person',
      location: '',
      format: 'speech',
      press: '',
      audienceSize: 'lots',
    },
    now,
  );
  assert.ok(!r.ok);
  assert.deepEqual(Object.keys(r.errors).sort(), ['audienceSize', 'date', 'email', 'format', 'location', 'press', 'requesterName']);
  assert.match(r.errors.date!, /in the past/);
  assert.match(r.errors.press!, /press office/);
});

test('a name with control characters or a bidi override is refused with the reason', () => {
  for (const requesterName of ['Jordan\r\nBcc: all@example.org', 'Jordan\u001b[2J', 'Jordan \u202enadroJ']) {
    const r = readRequestForm({ ...good, requesterName }, now);
    assert.ok(!r.ok, JSON.stringify(requesterName));
    assert.match(r.errors.requesterName!, /^Your name can’t contain/);
  }
});

test('an end before the start, and an unknown time zone, are refused', () => {
  const a = readRequestForm({ ...good, endTime: '13:00' }, now);
  assert.ok(!a.ok && /after the start/.test(a.errors.endTime!));
  const b = readRequestForm({ ...good, timeZone: 'Mars/Olympus' }, now);
  assert.ok(!b.ok && b.errors.timeZone);
  const c = readRequestForm({ ...good, where: 'online', location: '' }, now);
  assert.ok(c.ok, 'online events need no location');
});
