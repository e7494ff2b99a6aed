#!/usr/bin/env node
// Runs benchmarks in bench/ (never part of npm test). Usage: npm run bench [-- name ...]
// Each benchmark prints its own figures and a ratio against a reference measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'bench');
const all = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /^[a-z0-9-]+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
  : [];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) {
  if (!all.includes(w)) {
    console.error(`Unknown benchmark "${w}"; available: ${all.join(', ') || '(none)'}.`);
    process.exit(2);
  }
}
let failed = 0;
// Node's version changes the figures (idle memory: Node 24's program was about 10 MB
// larger than Node 20's here), so every run says which it is.
console.log(`node ${process.version} (${process.execPath})`);
// Every benchmark process runs with the node options of `npm start`, as the program runs: the
// fan-out benchmark runs the delivery runner in its own process, and the others start serve
// with them too (test/helpers.ts startFlags).
const startFlags = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  .scripts.start.split(/\s+/)
  .filter((w) => w.startsWith('--'));
console.log(`node options of npm start, given to every benchmark process: ${startFlags.join(' ') || '(none)'}`);
for (const name of wanted.length ? wanted : all) {
  console.log(`\n== bench: ${name}`);
  const res = spawnSync(
    process.execPath,
    [...startFlags, '--import', 'tsx', path.join(dir, `${name}.ts`), ...process.argv.slice(2).filter((a) => a.startsWith('-'))],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
