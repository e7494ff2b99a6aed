#!/usr/bin/env node
// Runs the test suites with node:test through tsx, on an explicit file list (Node 20's runner
// neither finds .ts files nor expands quoted globs), and ends with the time of each suite.
//
// Usage: node scripts/run-tests.js [--node PATH] [--checks] [unit|integration|browser ...]
//   no suite named: all three. --checks also runs the type check and the lint (eslint, xss-scan,
//   stylelint), as `npm test` does.
//   --node PATH runs the suites on another Node.js.
//   TEST_ALSO_NODE=PATH[,PATH] runs unit and integration a second time on each of those Node.js
//   programs, after the first run, in the same lane (CI: the current LTS from the npm registry).
//   TEST_ALSO_UNIT_NODE=PATH[,PATH] runs the unit tests alone on each (CI: the other LTS lines).
//
// Lanes run at the same time: the checks; unit then integration (several files at once: they
// mostly wait on PostgreSQL, SMTP and HTTP); the browser suite (Chromium wants the CPU, so one
// file at a time). TEST_CONCURRENCY sets how many integration files run at once (default 4),
// TEST_BROWSER_CONCURRENCY how many browser files (default 1).
// Each lane's output is shown as it comes, each line marked with its suite; the full output of
// each suite is also in test-results/<suite>.log.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Unit tests sit beside their code: in src, and beside the shared test helpers at the top of test/.
const SUITES = {
  unit: { dirs: [['src', true], ['test', false]], concurrency: 2 },
  integration: { dirs: [['test/integration', true]], concurrency: Number(process.env.TEST_CONCURRENCY) || 4 },
  browser: { dirs: [['test/browser', true]], concurrency: Number(process.env.TEST_BROWSER_CONCURRENCY) || 1 },
};

function find([dir, recursive]) {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && /\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

function usage(message) {
  console.error(`${message}\nUsage: node scripts/run-tests.js [--node PATH] [--checks] [${Object.keys(SUITES).join('|')} ...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let nodeBin = process.execPath;
let checks = false;
const wanted = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--node') {
    nodeBin = args[++i];
    if (!nodeBin) usage('--node needs the path of a node program.');
  } else if (a === '--checks') checks = true;
  else if (a in SUITES) wanted.push(a);
  else usage(`Unknown test suite or option "${a}".`);
}
const suites = wanted.length ? wanted : Object.keys(SUITES);
mkdirSync(path.join(root, 'test-results'), { recursive: true });

/** Run one command; its lines go to the screen marked with `label`, and to test-results/<label>.log. */
function run(label, cmd, argv) {
  const started = Date.now();
  const log = createWriteStream(path.join(root, 'test-results', `${label}.log`));
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    const counts = {};
    // The spec reporter ends with a "failing tests" section; it is shown again after the time
    // table, since a CI log is often read only from its end.
    const failing = [];
    let inFailing = false;
    let partial = { stdout: '', stderr: '' };
    const onData = (stream) => (chunk) => {
      log.write(chunk);
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      partial[stream] = lines.pop();
      for (const line of lines) show(line);
    };
    const show = (line) => {
      const m = /^[#ℹ] (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
      if (m) counts[m[1]] = Number(m[2]);
      if (/^✖ failing tests:/.test(line)) inFailing = true;
      else if (inFailing && /^[ℹ#] (tests|suites) \d+$/.test(line)) inFailing = false;
      if (inFailing && failing.length < 400 && !/^\s+at .*\(node:/.test(line)) failing.push(line);
      process.stdout.write(`[${label}] ${line}\n`);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (err) => {
      show(`could not start ${cmd}: ${err.message}`);
      resolve({ label, code: 1, seconds: (Date.now() - started) / 1000, counts, failing });
    });
    child.on('close', (code, signal) => {
      for (const s of ['stdout', 'stderr']) if (partial[s]) show(partial[s]);
      log.end();
      resolve({ label, code: code ?? (signal ? 1 : 0), seconds: (Date.now() - started) / 1000, counts, failing });
    });
  });
}

function versionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) usage(`${bin} is not a node program that runs (${r.error?.message ?? r.stderr.trim()}).`);
  return r.stdout.trim();
}

function suiteRun(name, bin = nodeBin, label = name) {
  const files = SUITES[name].dirs.flatMap(find);
  if (!files.length) return Promise.resolve({ label, code: 1, seconds: 0, counts: {} });
  return run(label, bin, ['--import', 'tsx', '--test', `--test-concurrency=${SUITES[name].concurrency}`, '--test-reporter=spec', ...files]);
}

const mainVersion = versionOf(nodeBin);
const alsoNodes = (process.env.TEST_ALSO_NODE ?? '').split(',').filter(Boolean).map((bin) => ({ bin, version: versionOf(bin) }));
const alsoUnitNodes = (process.env.TEST_ALSO_UNIT_NODE ?? '').split(',').filter(Boolean).map((bin) => ({ bin, version: versionOf(bin) }));
const major = (version) => version.replace(/^v/, '').split('.')[0];

const npx = (bin, ...rest) => [path.join(root, 'node_modules/.bin', bin), rest];
const lanes = [];
if (checks) {
  lanes.push(
    (async () => {
      const results = [];
      for (const [label, [cmd, argv]] of [['typecheck', npx('tsc', '-p', 'tsconfig.json')], ['eslint', npx('eslint', '.')], ['xss-scan', npx('xss-scan', '-p', 'tsconfig.json')], ['stylelint', npx('stylelint', 'src/**/*.css')]]) {
        results.push(await run(label, cmd, argv));
      }
      return results;
    })(),
  );
}
const serial = suites.filter((s) => s !== 'browser');
if (serial.length) {
  lanes.push(
    (async () => {
      const results = [];
      for (const s of serial) results.push(await suiteRun(s));
      for (const other of alsoNodes) {
        for (const s of serial) results.push(await suiteRun(s, other.bin, `${s}@${major(other.version)}`));
      }
      if (serial.includes('unit')) for (const other of alsoUnitNodes) results.push(await suiteRun('unit', other.bin, `unit@${major(other.version)}`));
      return results;
    })(),
  );
}
if (suites.includes('browser')) lanes.push(suiteRun('browser').then((r) => [r]));

// The CLI tests that start socialgov as a process run dist/: build it once now, not in each.
const { buildDist, needsBuild } = await import('./build.js');
if (needsBuild()) await buildDist();

const started = Date.now();
const results = (await Promise.all(lanes)).flat();
const wall = (Date.now() - started) / 1000;

const fmt = (s) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`);
const others = [...alsoNodes, ...alsoUnitNodes].map((n) => n.version);
const also = others.length ? `; suite@N on Node ${others.join(', ')}` : '';
for (const r of results) {
  if (r.code === 0 || !r.failing?.length) continue;
  console.log(`\n[${r.label}] what failed (the whole output is in test-results/${r.label}.log):`);
  for (const line of r.failing) console.log(`[${r.label}] ${line}`);
}
console.log(`\nTime of each suite (Node ${mainVersion}${also}; lanes ran side by side):`);
for (const r of results) {
  const c = r.counts;
  const tally = c.tests !== undefined ? `${c.pass ?? 0} passed, ${c.fail ?? 0} failed, ${c.skipped ?? 0} skipped, ${c.cancelled ?? 0} cancelled` : r.code === 0 ? 'clean' : 'problems above';
  console.log(`  ${r.code === 0 ? 'ok  ' : 'FAIL'}  ${r.label.padEnd(12)} ${fmt(r.seconds).padStart(12)}   ${tally}`);
}
console.log(`  all: ${fmt(wall)}${results.some((r) => r.code !== 0) ? '  (failed: see the lines marked with the suite above, or test-results/<suite>.log)' : ''}`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
