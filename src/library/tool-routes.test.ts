import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDay } from './tool-routes.ts';
import { mayRecordFor } from './tools.ts';
import { snippetHtml } from './views.tsx';

test('dates typed in forms: ISO or M/D/YYYY, real, not in the future', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(parseDay('2024-03-15', now), '2024-03-15');
  assert.equal(parseDay('3/15/2024', now), '2024-03-15');
  assert.equal(parseDay('2024-02-30', now), undefined);
  assert.equal(parseDay('2027-01-01', now), undefined);
  assert.equal(parseDay('soon', now), undefined);
});

test('members record adoptions for their own agency only; editors for any', () => {
  assert.ok(mayRecordFor({ agency: 'General Services Administration', editor: false }, ' general services administration '));
  assert.ok(!mayRecordFor({ agency: 'General Services Administration', editor: false }, 'Department of Energy'));
  assert.ok(!mayRecordFor({ agency: null, editor: false }, 'Department of Energy'));
  assert.ok(mayRecordFor({ agency: null, editor: true }, 'Department of Energy'));
});

test('search snippets are escaped before matches are marked', () => {
  assert.equal(snippetHtml('a <b> \u0001cyber\u0002 & co'), 'a &lt;b&gt; <mark>cyber</mark> &amp; co');
});
