import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareText, compareWords, nameProblem, printable, printableJson } from './text.ts';

test('names: control characters (C0, DEL, C1) and bidi overrides are refused, with a message for people', () => {
  for (const name of ['Pat\r\nBcc: all@agency.gov', 'Pat\tDoe', 'Pat\u001b[31mDoe', 'Pat\u0000', 'Pat\u007fDoe', 'Pat\u0085Doe', 'Pat\u009bDoe']) {
    assert.match(nameProblem(name) ?? '', /^Your name can’t contain line breaks, tabs or other control characters\./, JSON.stringify(name));
  }
  for (const name of ['Pat \u202eeoD', 'Pat\u202aDoe', 'Pat\u2066Doe\u2069', 'Pat\u202dDoe']) {
    assert.match(nameProblem(name) ?? '', /direction of the text/, JSON.stringify(name));
  }
  assert.match(nameProblem('Eve\u001b]0;x\u0007', 'The guest author’s name') ?? '', /^The guest author’s name can’t contain/);
  for (const name of ['Pat Doe', 'Zoë O’Brien-Núñez', 'محمد علي', 'יעל כהן', '王小明', 'Dr. J. R. "Bob" Smith, Jr.'])
    assert.equal(nameProblem(name), undefined, name);
});

test('printable: control and invisible characters are shown as escapes, never sent to the terminal raw', () => {
  assert.equal(printable('Pat\u001b[2JDoe'), 'Pat\\x1b[2JDoe');
  assert.equal(printable('a\r\nb\tc'), 'a\\r\\nb\\tc');
  assert.equal(printable('Pat \u202eeoD\u200b'), 'Pat \\u202eeoD\\u200b');
  assert.equal(printable('\u009b31m'), '\\x9b31m');
  assert.equal(printable('Zoë O’Brien — محمد'), 'Zoë O’Brien — محمد');
});

test('printableJson: the same JSON value, with nothing a terminal would act on', () => {
  const value = { name: 'Old\r\nName\u001b[31m\u009b2J', agency: 'Agency\u202e' };
  const text = printableJson(value);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(text), text);
  assert.deepEqual(JSON.parse(text), value);
});

test('compareText orders by code unit, the same everywhere; compareWords ignores case first', () => {
  assert.deepEqual(['0010_b', '0002_a', '0001_z', 'B', 'a'].sort(compareText), ['0001_z', '0002_a', '0010_b', 'B', 'a']);
  assert.deepEqual(['Department of State', 'department of Energy', 'Denver', 'de Soto', 'Department of State › Bureau'].sort(compareWords), [
    'de Soto',
    'Denver',
    'department of Energy',
    'Department of State',
    'Department of State › Bureau',
  ]);
  assert.equal(compareWords('Agency', 'agency'), -1, 'same letters: upper case first, so the order is total');
  assert.equal(compareWords('x', 'x'), 0);
});
