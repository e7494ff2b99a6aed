import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FEATURES } from './features.ts';
import { ALL_SETTINGS, FEATURE_SETTINGS } from './settings.ts';

test('the settings the command line reads are the ones the feature descriptors carry, in the features’ order', () => {
  assert.deepEqual(
    FEATURE_SETTINGS,
    FEATURES.flatMap((f) => (f.settings ? [f.settings] : [])),
  );
  const names = ALL_SETTINGS.flatMap((g) => g.settings.map((s) => s.env));
  const keys = ALL_SETTINGS.flatMap((g) => g.settings.map((s) => s.key));
  assert.deepEqual(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'a setting named twice',
  );
  assert.deepEqual(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    [],
    'a Config key read twice',
  );
});

test('the README documents every setting under its group’s heading, in order, with its default', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1));
  const tables = section
    .split('\n### ')
    .slice(1)
    .map((part) => ({
      heading: part.slice(0, part.indexOf('\n')),
      rows: [...part.matchAll(/^\| `([A-Z0-9_]+)` \| (.*?) \| /gm)].map((m) => `${m[1]} ${m[2]}`),
    }));
  const expected = ALL_SETTINGS.map((g, i) => ({
    heading: `${g.title} settings`,
    rows: [
      ...[...g.settings, ...(g.alsoReads ?? [])].map((s) => `${s.env} ${s.defaultText}`),
      // The platform's table ends with the settings file.
      ...(i === 0 ? ['SOCIALGOV_CONFIG (none)'] : []),
    ],
  }));
  assert.deepEqual(tables, expected);
});
