import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { fromLine, mboxBytes, MboxFormatError, mboxrdEntry, splitMbox } from './mbox.ts';

const one = 'From: a@x.gov\nSubject: one\n\nHello\nFrom the start\n>From quoted\n';
const two = 'From: b@x.gov\nSubject: two\n\nBye\n';

describe('mbox', () => {
  test('round trip: mboxrd quoting keeps body lines that start with "From "', () => {
    const date = new Date('2019-04-28T20:00:00Z');
    const file = Buffer.concat([mboxrdEntry(Buffer.from(one), 'a@x.gov', date), mboxrdEntry(Buffer.from(two.replace(/\n/g, '\r\n')), 'b@x.gov', date)]);
    const text = file.toString();
    assert.match(text, /^From a@x\.gov Sun Apr 28 20:00:00 2019\n/);
    assert.match(text, /\n>From the start\n>>From quoted\n/);
    const back = splitMbox(file);
    assert.equal(back.length, 2);
    assert.equal(back[0]!.raw.toString(), one);
    assert.equal(back[1]!.raw.toString(), two);
    assert.deepEqual(back[0]!.separatorDate, date);
  });

  test('a gzip-compressed file is read the same', () => {
    const file = Buffer.from(`From x@y Thu Jan  1 00:00:00 1970\n${two}\n`);
    const back = splitMbox(mboxBytes(gzipSync(file)));
    assert.equal(back.length, 1);
    assert.equal(back[0]!.separatorDate, null, '1970 is a placeholder, not a date');
  });

  test('a file that is not an mbox is refused with a way forward', () => {
    assert.throws(
      () => splitMbox(Buffer.from('Subject: hi\n\nbody\n')),
      (e: Error) => e instanceof MboxFormatError && /should start with a line beginning "From "/.test(e.message),
    );
    assert.throws(() => splitMbox(Buffer.from('\n\n')), /empty/);
    assert.throws(() => mboxBytes(Buffer.from([0x1f, 0x8b, 1, 2, 3])), /cannot be uncompressed/);
  });

  test('From line dates are asctime in UTC', () => {
    assert.equal(fromLine('not an address', new Date('2020-01-05T03:04:05Z')), 'From MAILER-DAEMON Sun Jan  5 03:04:05 2020');
  });
});
