import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBody, hasNul, NulInFormError, pagingProblem } from './input-guard.ts';

test('a NUL byte is found raw or percent-encoded, in either case', () => {
  for (const t of ['/a%00b', '/a?q=%00', '/a?q=x%00', '/a\0', '/A?Q=%00']) assert.equal(hasNul(t), true, t);
  for (const t of ['/a%2500', '/a?q=100', '/a%0A', '/']) assert.equal(hasNul(t), false, t);
});

test('paging numbers: whole numbers in range pass, everything else is refused with what to type', () => {
  for (const [name, v] of [
    ['page', '1'],
    ['page', '1000000'],
    ['offset', '0'],
    ['limit', '500'],
    ['page', ''],
    ['q', '1e309'],
    ['page', undefined],
  ] as const) {
    assert.equal(pagingProblem(name, v), undefined, `${name}=${v}`);
  }
  for (const [name, v] of [
    ['page', '1e309'],
    ['limit', 'Infinity'],
    ['page', '-1'],
    ['page', '0'],
    ['offset', '-0'],
    ['page', '1000001'],
    ['page_size', '9'.repeat(20)],
    ['page', '1.5'],
    ['page', ' 2'],
    ['page', '0x10'],
    ['limit', 'NaN'],
  ]) {
    assert.equal(
      pagingProblem(name!, v),
      `“${name}” must be a whole number from ${name === 'offset' ? 0 : 1} to 1,000,000, written in digits only.`,
      `${name}=${v}`,
    );
  }
  assert.match(pagingProblem('page', ['2', 'Infinity'])!, /“page”/, 'every value of a repeated parameter');
});

test('a form with a NUL byte: the fields that held it, every field cleaned, the token unchanged', () => {
  assert.doesNotThrow(() => checkBody({ name: 'Robin', tags: ['a', 'b'] }, 'application/x-www-form-urlencoded'));
  assert.doesNotThrow(() => checkBody(undefined, undefined));
  try {
    checkBody({ _csrf: 'tok', name: 'Ro\0bin', tags: ['a', 'b\0'], 'n\0ote': 'x' }, 'application/x-www-form-urlencoded; charset=utf-8');
    assert.fail('no error');
  } catch (err) {
    assert.ok(err instanceof NulInFormError);
    assert.equal(err.statusCode, 400);
    assert.deepEqual(err.affected, ['name', 'tags', 'note']);
    assert.deepEqual(err.fields, [
      ['_csrf', 'tok'],
      ['name', 'Robin'],
      ['tags', 'a'],
      ['tags', 'b'],
      ['note', 'x'],
    ]);
    assert.equal(err.upload, false);
  }
  assert.throws(
    () => checkBody({ title: 'x\0' }, 'multipart/form-data; boundary=x'),
    (err) => err instanceof NulInFormError && err.upload,
    'an upload cannot be sent again from the page',
  );
  assert.throws(
    () => checkBody({ a: { b: ['\0'] } }, 'application/json'),
    (err) => err instanceof NulInFormError && err.affected[0] === 'a.b',
  );
});
