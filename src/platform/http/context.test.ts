import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idParam } from './context.ts';

test('ids typed in an address: whole numbers that fit, else 0', () => {
  assert.equal(idParam('42'), 42);
  for (const t of ['1e309', 'Infinity', '-1', '1.5', '9'.repeat(20), '9007199254740993', '', undefined, ' 1']) assert.equal(idParam(t), 0, String(t));
});
