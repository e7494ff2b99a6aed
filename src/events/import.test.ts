/** Reading digital.gov event pages: real shapes (venue map or flat keys, list event_type, Eastern offsets) and clear errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { HAS_SHARED, NO_SHARED, SHARED } from '../../test/helpers.ts';
import { parseAuthorFile, parseEventFile } from './import.ts';
import { readEventForm } from './event-form.ts';

const ZONE = { zone: 'America/New_York' };

describe('digital.gov event pages', () => {
  test('a summer page written with -0500 keeps its Eastern wall-clock time and says so', () => {
    const r = parseEventFile(
      [
        '---',
        'title: "Summer webinar"',
        'slug: summer-webinar',
        'date: 2024-06-12 14:00:00 -0500',
        'end_date: 2024-06-12 15:00:00 -0500',
        'event_platform: zoom',
        'youtube_id: M2_SVDc_eCM',
        'authors:',
        '  - katherine-spivey',
        'venue:',
        '  venue_name: GSA',
        '  address: 1800 F Street NW',
        '---',
        'Body',
      ].join('\n'),
      ZONE,
    );
    assert.ok(r.ok);
    assert.equal(r.event.startsAt.toISOString(), '2024-06-12T18:00:00.000Z'); // 14:00 EDT
    assert.equal(r.event.format, 'hybrid');
    assert.equal(r.event.platform, 'zoom-gov');
    assert.equal(r.event.recording?.youtubeId, 'M2_SVDc_eCM');
    assert.deepEqual(r.event.presenters, [{ authorSlug: 'katherine-spivey', name: 'Katherine Spivey' }]);
    assert.equal(r.warnings[0]!.line, 4);
    assert.match(r.warnings[0]!.message, /offset -0500 is not America\/New_York time on 2024-06-12 \(-0400\); read as 14:00 EDT/);
  });

  test('errors name the line and say how to fix it', () => {
    const r = parseEventFile(
      ['---', 'title:', 'date: next Tuesday', 'end_date: 2024-06-12 15:00:00 -0400', 'event_platform: webex', 'event_type:', '  - online', '---'].join('\n'),
      ZONE,
    );
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => `${e.line} ${e.field}`),
      ['2 title', '3 date', '5 event_platform'],
    );
    assert.match(r.errors[1]!.message, /write it as 2024-03-21 14:00:00 -0500/);
    assert.ok(!parseEventFile('no front matter', ZONE).ok);
  });

  test('an author profile whose name has a control character or a bidi override is not used for presenter names', () => {
    assert.deepEqual(parseAuthorFile('---\ndisplay_name: Katherine Spivey\nagency: GSA\n---\n'), { name: 'Katherine Spivey', agency: 'GSA' });
    assert.equal(parseAuthorFile('---\ndisplay_name: "Eve\\e[2JEvil"\n---\n'), undefined);
    assert.equal(parseAuthorFile('---\nfirst_name: "Eve \\u202e"\nlast_name: Evil\n---\n'), undefined);
  });

  test('blank lines before the opening "---" and a repeated field are read as Hugo reads them, with warnings on the right lines', () => {
    const r = parseEventFile(
      [
        '',
        '',
        '---',
        'title: "First title"',
        'date: 2024-03-21 14:00:00 -0400',
        'end_date: 2024-03-21 15:00:00 -0400',
        'title: "Second title"',
        '---',
        'Body',
      ].join('\n'),
      ZONE,
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.equal(r.event.title, 'Second title', 'the last one wins, as in Hugo');
    assert.equal(r.event.startsAt.toISOString(), '2024-03-21T18:00:00.000Z');
    assert.deepEqual(
      r.warnings.map((w) => `${w.line} ${w.field} ${w.message}`),
      ['1 front matter 2 blank line(s) before the opening "---" were ignored', '7 title appears twice (first on line 4); the last one is used'],
    );
    const bad = parseEventFile(['', '---', 'title: x', 'date: soon', '---'].join('\n'), ZONE);
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.errors.map((e) => `${e.line} ${e.field}`),
      ['4 date'],
      'error lines count the blank line',
    );
  });

  test('Hugo shortcodes become Markdown: the slides are a link, the accordion title a heading', () => {
    const r = parseEventFile(
      [
        '---',
        'title: Call',
        'date: 2024-03-21 14:00:00 -0400',
        'end_date: 2024-03-21 15:00:00 -0400',
        '---',
        '{{< asset-static file="x.pptx" label="View the slides" >}}',
        '',
        '{{< accordion kicker="K" title="Transcript" >}}Text{{< /accordion >}}',
        '{{< mystery >}}',
      ].join('\n'),
      ZONE,
    );
    assert.ok(r.ok);
    assert.equal(r.event.body, '[View the slides](https://s3.amazonaws.com/digitalgov/static/x.pptx)\n\n### Transcript\n\nText');
    assert.deepEqual(
      r.warnings.map((w) => `${w.line} ${w.field}`),
      ['9 body'],
    );
  });

  test('every real page reads or gives a located error', { skip: NO_SHARED }, () => {
    if (!HAS_SHARED) return;
    for (const rel of [
      '2018/07/2018-07-16-emerging-technology-leadership-series-brian-behlendorf-blockchain.md',
      '2020/10/2020-10-21-analytics-case-study-part-3-action.md',
    ]) {
      const page = parseEventFile(readFileSync(path.join(SHARED, 'data/digitalgov/content/events', rel), 'utf8'), ZONE);
      assert.ok(page.ok, `${rel}: Hugo publishes it, so it imports (with a warning): ${JSON.stringify(!page.ok && page.errors)}`);
      assert.ok(
        page.warnings.some((w) => /blank line|appears twice/.test(w.message)),
        rel,
      );
    }
    const file = path.join(SHARED, 'data/digitalgov/content/events/2020/03/2020-03-11-katherine-spivey-on-readability-audits-government.md');
    const r = parseEventFile(readFileSync(file, 'utf8'), ZONE);
    assert.ok(r.ok);
    assert.equal(r.event.venue.room, '4143', 'flat venue_* keys');
    assert.equal(r.event.format, 'in-person');
    assert.match(r.event.captionsUrl ?? '', /^https:\/\/www\.captionedtext\.com/);
    assert.equal(r.event.registration, 'external');
  });
});

describe('the organizer form', () => {
  const base = {
    title: 'Office hours',
    kind: 'office-hours',
    status: 'published',
    timeZone: 'America/New_York',
    date: '2027-01-13',
    startTime: '14:00',
    endTime: '15:00',
    format: 'online',
  };
  test('repeat choices become RRULEs', () => {
    const weekly = readEventForm({ ...base, repeat: 'weekly', count: '10' }, [1]);
    assert.ok(weekly.ok && weekly.input.rrule === 'FREQ=WEEKLY;BYDAY=WE;COUNT=10');
    const monthly = readEventForm({ ...base, repeat: 'monthly-weekday', until: '2027-12-31' }, [1]);
    assert.ok(monthly.ok && monthly.input.rrule === 'FREQ=MONTHLY;BYDAY=2WE;UNTIL=20280101T045959Z');
    const custom = readEventForm({ ...base, repeat: 'custom', rrule: 'FREQ=YEARLY' }, [1]);
    assert.ok(!custom.ok && /DAILY, WEEKLY or MONTHLY/.test(custom.errors.rrule!));
  });
  test('missing and wrong values are reported per field', () => {
    const r = readEventForm({ ...base, title: '', format: 'in-person', capacity: 'ten', registration: 'external' }, []);
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.errors).sort(), ['capacity', 'communities', 'externalRegistrationUrl', 'title', 'venueName']);
  });
});
