#!/usr/bin/env node
// Runs node:test through tsx on an explicit file list (Node 20's runner neither finds .ts files
// nor expands quoted globs). Usage: node scripts/run-tests.js [unit|integration|browser ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const suites = {
  unit: 'src',
  integration: 'test/integration',
  browser: 'test/browser',
};

function find(dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
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
const files = (wanted.length ? wanted : Object.keys(suites)).flatMap((s) => find(suites[s]));
if (!files.length) {
  console.error('No test files found.');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
