#!/usr/bin/env node
// Runs node:test through tsx on an explicit file list (Node 20's runner neither finds .ts files
// nor expands quoted globs). Usage: node scripts/run-tests.js [unit|integration|browser ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Unit tests sit beside their code: in src, and beside the shared test helpers at the top of test/.
const suites = {
  unit: [['src', true], ['test', false]],
  integration: [['test/integration', true]],
  browser: [['test/browser', true]],
};

function find([dir, recursive]) {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && /\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!(w in suites)) {
    console.error(`Unknown test suite "${w}"; use one of ${Object.keys(suites).join(', ')}.`);
    process.exit(2);
  }
}
const files = (wanted.length ? wanted : Object.keys(suites)).flatMap((s) => suites[s].flatMap(find));
if (!files.length) {
  console.error('No test files found.');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
