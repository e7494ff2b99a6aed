#!/usr/bin/env node
// Runs benchmarks in bench/ (never part of npm test). Usage: npm run bench [-- name ...]
// Each benchmark prints its own figures and a ratio against a reference measured in the same run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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
for (const name of wanted.length ? wanted : all) {
  console.log(`\n== bench: ${name}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.ts`), ...process.argv.slice(2).filter((a) => a.startsWith('-'))], {
    stdio: 'inherit',
    cwd: root,
  });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
