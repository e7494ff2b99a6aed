/**
 * Recurrence and iCalendar output, checked against an independent reader: ical.js parses what we
 * write and expands the series itself; both must give the same instants across DST changes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from '../platform/luxon.ts';
import { buildCalendar, foldLine, escapeText } from './ics.ts';
import { icalStarts } from '../../test/ical.ts';
import { describeRule, expandRule, formatRule, parseRule, RuleError } from './recurrence.ts';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toJSDate();

describe('recurrence rules', () => {
  test('every Wednesday at 14:00 New York stays 14:00 local across the November DST change', () => {
    const rule = parseRule('FREQ=WEEKLY;BYDAY=WE', NY);
    const starts = expandRule(rule, ny('2026-10-21T14:00'), NY, ny('2026-11-19T00:00'));
    assert.deepEqual(
      starts.map((d) => DateTime.fromJSDate(d, { zone: NY }).toFormat('yyyy-MM-dd HH:mm')),
      ['2026-10-21 14:00', '2026-10-28 14:00', '2026-11-04 14:00', '2026-11-11 14:00', '2026-11-18 14:00'],
    );
    // 18:00 UTC before the change (EDT), 19:00 UTC after (EST).
    assert.equal(starts[1]!.toISOString(), '2026-10-28T18:00:00.000Z');
    assert.equal(starts[2]!.toISOString(), '2026-11-04T19:00:00.000Z');
  });

  test('second Wednesday of every month, last Friday, day of month, count and until', () => {
    const second = expandRule(parseRule('FREQ=MONTHLY;BYDAY=2WE;COUNT=3', NY), ny('2026-01-14T13:00'), NY, ny('2030-01-01T00:00'));
    assert.deepEqual(
      second.map((d) => DateTime.fromJSDate(d, { zone: NY }).toISODate()),
      ['2026-01-14', '2026-02-11', '2026-03-11'],
    );
    const last = expandRule(parseRule('FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260401T000000Z', NY), ny('2026-01-30T10:00'), NY, ny('2030-01-01T00:00'));
    assert.deepEqual(
      last.map((d) => DateTime.fromJSDate(d, { zone: NY }).toISODate()),
      ['2026-01-30', '2026-02-27', '2026-03-27'],
    );
    const day31 = expandRule(parseRule('FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3', NY), ny('2026-01-31T10:00'), NY, ny('2030-01-01T00:00'));
    assert.deepEqual(
      day31.map((d) => DateTime.fromJSDate(d, { zone: NY }).toISODate()),
      ['2026-01-31', '2026-03-31', '2026-05-31'],
    );
    const biweekly = expandRule(parseRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=4', NY), ny('2026-03-03T09:00'), NY, ny('2030-01-01T00:00'));
    assert.deepEqual(
      biweekly.map((d) => DateTime.fromJSDate(d, { zone: NY }).toISODate()),
      ['2026-03-03', '2026-03-05', '2026-03-17', '2026-03-19'],
    );
  });

  test('plain-language descriptions and errors', () => {
    assert.equal(describeRule(parseRule('FREQ=WEEKLY;BYDAY=WE')), 'Every Wednesday');
    assert.equal(describeRule(parseRule('FREQ=MONTHLY;BYDAY=2WE')), 'The second Wednesday of every month');
    assert.equal(describeRule(parseRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6')), 'Every 2 weeks on Tuesday and Thursday, 6 sessions');
    assert.equal(formatRule(parseRule('RRULE:freq=weekly;byday=we;until=20261231', NY)), 'FREQ=WEEKLY;BYDAY=WE;UNTIL=20270101T045959Z');
    assert.throws(
      () => parseRule('FREQ=YEARLY'),
      (e: Error) => e instanceof RuleError && /DAILY, WEEKLY or MONTHLY/.test(e.message),
    );
    assert.throws(() => parseRule('FREQ=MONTHLY;BYDAY=WE'), /second Wednesday/);
    assert.throws(() => parseRule('FREQ=WEEKLY;BYDAY=XX'), /not a weekday/);
    assert.throws(() => parseRule('FREQ=WEEKLY;COUNT=3;UNTIL=20260101'), /not both/);
  });
});

describe('iCalendar text', () => {
  test('lines fold at 75 octets without splitting characters; text is escaped', () => {
    const long = `DESCRIPTION:${'é'.repeat(60)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    assert.equal(
      folded
        .split('\r\n')
        .map((l, i) => (i ? l.slice(1) : l))
        .join(''),
      long,
    );
    assert.equal(escapeText('a, b; c\\d\ne'), 'a\\, b\\; c\\\\d\\ne');
  });

  test('a weekly series with a skipped week and a moved session: ical.js expands the same instants across DST', () => {
    const start = ny('2026-10-21T14:00');
    const rule = 'FREQ=WEEKLY;BYDAY=WE;COUNT=6';
    const skipped = ny('2026-11-04T14:00');
    const moved = ny('2026-11-11T14:00');
    const text = buildCalendar({
      method: 'REQUEST',
      events: [
        {
          uid: 'x@socialgov',
          sequence: 2,
          start,
          end: ny('2026-10-21T15:00'),
          zone: NY,
          summary: 'Office hours, with a long title that needs folding: social media, accessibility, plain language',
          status: 'CONFIRMED',
          rrule: rule,
          exdates: [skipped],
          stamp: new Date(),
          organizer: { name: 'SocialGov', email: 'no-reply@socialgov.test' },
          attendees: [{ name: 'Pat Doe', email: 'pat@gsa.gov' }],
        },
        {
          uid: 'x@socialgov',
          sequence: 2,
          start: ny('2026-11-12T10:00'),
          end: ny('2026-11-12T11:00'),
          zone: NY,
          summary: 'Office hours (moved)',
          status: 'CONFIRMED',
          recurrenceId: moved,
          stamp: new Date(),
        },
      ],
    });
    assert.ok(text.includes('\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF');
    assert.match(text, /BEGIN:VTIMEZONE\r\nTZID:America\/New_York/);
    assert.match(text, /DTSTART;TZID=America\/New_York:20261021T140000/);
    assert.match(text, /EXDATE;TZID=America\/New_York:20261104T140000/);
    assert.match(text, /METHOD:REQUEST/);
    const got = icalStarts(text, ny('2027-01-01T00:00')).map((d) => d.toISOString());
    assert.deepEqual(got, [
      '2026-10-21T18:00:00.000Z', // EDT
      '2026-10-28T18:00:00.000Z',
      // 2026-11-04 skipped
      '2026-11-12T15:00:00.000Z', // moved to Thursday 10:00 EST
      '2026-11-18T19:00:00.000Z', // EST: still 14:00 local
      '2026-11-25T19:00:00.000Z',
    ]);
    const ours = expandRule(parseRule(rule, NY), start, NY, ny('2027-01-01T00:00')).filter((d) => d.getTime() !== skipped.getTime());
    assert.equal(ours.length, 5);
  });
});
