import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSealed, newBoundary, parseContentType, setContentTypeParam, splitMultipart } from './mime.ts';

test('parseContentType reads type and parameters, quoted or not, with comments', () => {
  assert.deepEqual(parseContentType('Text/Plain; charset="ISO-8859-1"; format=flowed (note)'), {
    type: 'text/plain',
    params: { charset: 'ISO-8859-1', format: 'flowed' },
  });
  assert.equal(parseContentType('multipart/mixed;\tboundary="a \\"b\\";c"').params.boundary, 'a "b";c');
  assert.equal(parseContentType(undefined).type, 'text/plain');
  assert.equal(parseContentType('garbage').type, 'text/plain');
});

test('setContentTypeParam replaces or adds a parameter, quoting when needed', () => {
  assert.equal(setContentTypeParam('text/plain; charset="iso-8859-1"; format=flowed', 'charset', 'utf-8'), 'text/plain; charset=utf-8; format=flowed');
  assert.equal(setContentTypeParam('text/plain', 'charset', 'utf-8'), 'text/plain; charset=utf-8');
  assert.equal(setContentTypeParam('multipart/mixed', 'boundary', '=_a/b'), 'multipart/mixed; boundary="=_a/b"');
});

test('splitMultipart finds parts between delimiters at line starts, and the close', () => {
  const body = Buffer.from('preamble\r\n--b\r\nA: 1\r\n\r\none --b not here\r\n--bx\r\n--b  \r\n\r\ntwo\r\n--b--\r\nepilogue\r\n');
  const { parts, closeAt } = splitMultipart(body, 'b');
  assert.deepEqual(
    parts.map((p) => body.subarray(p.start, p.end).toString()),
    ['A: 1\r\n\r\none --b not here\r\n--bx', '\r\ntwo'],
  );
  assert.equal(body.subarray(closeAt).toString(), '\r\n--b--\r\nepilogue\r\n');
  const truncated = splitMultipart(Buffer.from('--b\r\n\r\nonly'), 'b');
  assert.equal(truncated.closeAt, -1);
  assert.equal(truncated.parts.length, 1);
});

test('newBoundary avoids the content; isSealed knows signed and encrypted types', () => {
  const b = newBoundary(Buffer.from('x'));
  assert.match(b, /^=_sg_/);
  assert.ok(isSealed(parseContentType('multipart/signed; protocol="application/pgp-signature"; boundary=x')));
  assert.ok(isSealed(parseContentType('application/pkcs7-mime; smime-type=enveloped-data')));
  assert.ok(!isSealed(parseContentType('multipart/mixed; boundary=x')));
});
