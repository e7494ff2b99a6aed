import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHeaderValue, getHeader, getHeaders, joinMessage, makeHeader, setHeader, splitMessage, toCrlf, HeaderValueError } from './raw.ts';

const crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

test('splitMessage unfolds values, keeps the exact lines, and joinMessage gives the same bytes back', () => {
  const raw = crlf('Received: from a\n\tby b; Mon, 1 Jan 2024\nSubject:  Hello\n  world  \nX-Empty:\n\nBody line\n\nlast\n');
  const { headers, body } = splitMessage(raw);
  assert.deepEqual(
    headers.map((h) => h.name),
    ['Received', 'Subject', 'X-Empty'],
  );
  assert.equal(headers[0]!.value, 'from a\tby b; Mon, 1 Jan 2024');
  assert.equal(headers[1]!.value, 'Hello  world');
  assert.equal(headers[1]!.raw, 'Subject:  Hello\r\n  world  \r\n');
  assert.equal(headers[2]!.value, '');
  assert.equal(body.toString(), 'Body line\r\n\r\nlast\r\n');
  assert.ok(joinMessage(headers, body).equals(raw));
});

test('LF-only input comes out as CRLF, header and body', () => {
  const { headers, body } = splitMessage(Buffer.from('Subject: a\n b\nTo: x@y.gov\n\none\ntwo\n'));
  assert.equal(headers[0]!.raw, 'Subject: a\r\n b\r\n');
  assert.equal(body.toString(), 'one\r\ntwo\r\n');
  assert.equal(joinMessage(headers, body).toString(), 'Subject: a\r\n b\r\nTo: x@y.gov\r\n\r\none\r\ntwo\r\n');
});

test('toCrlf leaves CRLF input alone and fixes mixed line ends', () => {
  const b = crlf('a\nb\n');
  assert.equal(toCrlf(b), b);
  assert.equal(toCrlf(Buffer.from('a\r\nb\nc\n\n')).toString(), 'a\r\nb\r\nc\r\n\r\n');
  assert.equal(toCrlf(Buffer.from('\n')).toString(), '\r\n');
});

test('edge cases: no body, empty header, mbox From line, junk lines, 8-bit bytes', () => {
  assert.equal(splitMessage(Buffer.from('Subject: only')).headers[0]!.value, 'only');
  assert.equal(splitMessage(Buffer.from('Subject: only')).body.length, 0);
  const noHeader = splitMessage(Buffer.from('\r\nbody'));
  assert.equal(noHeader.headers.length, 0);
  assert.equal(noHeader.body.toString(), 'body');
  const mbox = splitMessage(Buffer.from('From pat@x.gov Mon Jan 1\nnot a header\nSubject: s\n\nb'));
  assert.deepEqual(
    mbox.headers.map((h) => h.name),
    ['Subject'],
  );
  const eight = Buffer.concat([Buffer.from('Subject: Caf'), Buffer.from([0xc3, 0xa9]), Buffer.from('\r\n\r\nx')]);
  const split = splitMessage(eight);
  assert.ok(joinMessage(split.headers, split.body).equals(eight), '8-bit header bytes round-trip');
  assert.equal(decodeHeaderValue(split.headers[0]!.value), 'Café');
});

test('getHeader is case-insensitive and gives the first; getHeaders gives all', () => {
  const { headers } = splitMessage(crlf('received: one\nRECEIVED: two\nSubject: s\n\n'));
  assert.equal(getHeader(headers, 'Received'), 'one');
  assert.deepEqual(getHeaders(headers, 'received'), ['one', 'two']);
  assert.equal(getHeader(headers, 'cc'), undefined);
});

test('decodeHeaderValue decodes RFC 2047 words in B and Q, joins adjacent words, keeps unknown charsets', () => {
  assert.equal(decodeHeaderValue('=?UTF-8?B?Q2Fmw6k=?= time'), 'Café time');
  assert.equal(decodeHeaderValue('=?iso-8859-1?Q?Caf=E9_au_lait?='), 'Café au lait');
  assert.equal(decodeHeaderValue('=?utf-8?q?a?= =?utf-8?q?b?=  c'), 'ab  c');
  // "é" split across two words in the middle of its UTF-8 bytes.
  assert.equal(decodeHeaderValue('=?UTF-8?Q?Caf=C3?=\r\n =?UTF-8?Q?=A9?='), 'Café');
  assert.equal(decodeHeaderValue('=?utf-8*en?Q?hi?='), 'hi');
  assert.equal(decodeHeaderValue('=?x-no-such?Q?hi?= there'), '=?x-no-such?Q?hi?= there');
  assert.equal(decodeHeaderValue('=?windows-1252?Q?=93quoted=94?='), '\u201cquoted\u201d');
  assert.equal(decodeHeaderValue('=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?='), 'テスト');
  assert.equal(decodeHeaderValue('plain = text ?'), 'plain = text ?');
});

test('makeHeader folds long values at spaces and refuses line breaks and unencoded text', () => {
  const h = makeHeader('Subject', Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '));
  for (const line of h.raw.split('\r\n')) assert.ok(line.length <= 78, line);
  assert.equal(splitMessage(Buffer.from(`${h.raw}\r\n`)).headers[0]!.value.replace(/\s+/g, ' '), h.value);
  assert.throws(() => makeHeader('To', 'a@b.gov\r\nBcc: evil@x.com'), HeaderValueError);
  assert.throws(() => makeHeader('Subject', 'Ünïcode ✓'), /encoding first/);
});

test('setHeader replaces the first in place, drops the rest, or appends', () => {
  const { headers } = splitMessage(crlf('A: 1\nReply-To: x\nB: 2\nreply-to: y\n\n'));
  const out = setHeader(headers, 'Reply-To', 'z@list.gov');
  assert.deepEqual(
    out.map((h) => `${h.name}=${h.value}`),
    ['A=1', 'Reply-To=z@list.gov', 'B=2'],
  );
  assert.equal(setHeader(headers, 'Cc', 'c@x.gov').at(-1)!.raw, 'Cc: c@x.gov\r\n');
});
