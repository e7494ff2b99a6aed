import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeQuotedPrintable, decodeTransfer, encodeBase64Lines, encodeQuotedPrintable, encodeTransfer } from './transfer.ts';

test('quoted-printable round-trips text with 8-bit bytes, = signs, trailing spaces and long lines', () => {
  const text = Buffer.concat([
    Buffer.from('a = b, trailing space \r\ntab\t\r\n', 'latin1'),
    Buffer.from('é'.repeat(60) + '\r\n' + 'x'.repeat(200) + '\r\n\r\nend', 'utf8'),
  ]);
  const enc = encodeQuotedPrintable(text);
  for (const line of enc.toString('latin1').split('\r\n')) assert.ok(line.length <= 76, `${line.length}`);
  assert.ok(!/[^\t\r\n\x20-\x7e]/.test(enc.toString('latin1')), '7-bit only');
  assert.match(enc.toString('latin1'), /space=20\r\n/);
  assert.ok(decodeQuotedPrintable(enc).equals(text));
});

test('quoted-printable decoding: soft breaks (CRLF or LF), lower-case hex, malformed = kept', () => {
  assert.equal(decodeQuotedPrintable(Buffer.from('ab=\r\ncd=\nef =3d=3D =ZZ end=  \r\n')).toString(), 'abcdef == =ZZ end');
});

test('base64 in 76-character lines, decoding ignores line breaks', () => {
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
  const enc = encodeBase64Lines(data);
  assert.ok(
    enc
      .toString()
      .split('\r\n')
      .every((l) => l.length <= 76),
  );
  assert.ok(decodeTransfer(enc, 'base64').equals(data));
  assert.ok(decodeTransfer(encodeTransfer(data, '8bit'), '8bit').equals(data));
});
