#!/usr/bin/env node
// Runs the test suites with node:test through tsx, and ends with the time of each suite.
//
// Usage: node scripts/run-tests.js [--node PATH] [--checks] [--record] [unit|integration|browser ...]
//   no suite named: all three. --checks also runs the type check and the lint (eslint, xss-scan,
//   stylelint, prettier --check), as `npm test` does.
//   --node PATH runs the suites on another Node.js.
//   --record writes each file's time to test/durations.json (the order of the next runs).
//   TEST_ALSO_NODE=PATH[,PATH] runs unit and integration again on each of those Node.js programs
//   (CI: the current LTS from the npm registry).
//   TEST_ALSO_UNIT_NODE=PATH[,PATH] runs the unit tests alone on each (CI: the other LTS lines).
//   Those runs repeat the main one on another Node.js: they have TEST_REPEAT=1 in their
//   environment, and a test whose point is not the Node.js it runs on may do less there (the
//   mailauth comparison over the whole mail corpus checks every fifth message).
//
// Everything is one pool of jobs, run side by side: each check; each suite's unit tests (one
// `node --test` of many small files); each integration file; each browser file. Most of a test's
// time is spent waiting on PostgreSQL, SMTP, HTTP or Chromium, so several run at once
// (TEST_JOBS, default 6; a browser file counts as 2, and TEST_BROWSER_JOBS of them at most run at
// once, default 2). The longest jobs start first (their times from the last --record run, in
// test/durations.json), so the run does not end waiting on one long file started late.
// A file's output is shown when it ends, each line marked with its suite (the files of a suite
// run at once would otherwise mix their lines); every minute a line names the files still
// running. Each suite's whole output is in test-results/<suite>.log.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';

const root = path.resolve(import.meta.dirname, '..');
const DURATIONS = path.join(root, 'test/durations.json');
// Unit tests sit beside their code: in src, and beside the shared test helpers at the top of test/.
const SUITES = {
  unit: [
    ['src', true],
    ['test', false],
  ],
  integration: [['test/integration', true]],
  browser: [['test/browser', true]],
};
const SLOTS = Number(process.env.TEST_JOBS) || 6;
const BROWSER_JOBS = Number(process.env.TEST_BROWSER_JOBS) || 2;

function find([dir, recursive]) {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && /\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

function usage(message) {
  console.error(`${message}\nUsage: node scripts/run-tests.js [--node PATH] [--checks] [--record] [${Object.keys(SUITES).join('|')} ...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let nodeBin = process.execPath;
let checks = false;
let record = false;
const wanted = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--node') {
    nodeBin = args[++i];
    if (!nodeBin) usage('--node needs the path of a node program.');
  } else if (a === '--checks') checks = true;
  else if (a === '--record') record = true;
  else if (a in SUITES) wanted.push(a);
  else usage(`Unknown test suite or option "${a}".`);
}
const suites = wanted.length ? wanted : Object.keys(SUITES);

function versionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) usage(`${bin} is not a node program that runs (${r.error?.message ?? r.stderr.trim()}).`);
  return r.stdout.trim();
}
const mainVersion = versionOf(nodeBin);
const alsoNodes = (process.env.TEST_ALSO_NODE ?? '')
  .split(',')
  .filter(Boolean)
  .map((bin) => ({ bin, version: versionOf(bin) }));
const alsoUnitNodes = (process.env.TEST_ALSO_UNIT_NODE ?? '')
  .split(',')
  .filter(Boolean)
  .map((bin) => ({ bin, version: versionOf(bin) }));
const major = (version) => version.replace(/^v/, '').split('.')[0];

let known = {};
try {
  known = JSON.parse(readFileSync(DURATIONS, 'utf8'));
} catch {
  // no times yet: the jobs run in the order they are listed
}

/**
 * @typedef {{ label: string, name: string, cmd: string, argv: string[], weight: number, browser: boolean, key: string }} Job
 * @type {Job[]}
 */
const jobs = [];
const npx = (bin) => path.join(root, 'node_modules/.bin', bin);
if (checks) {
  for (const [label, cmd, argv] of [
    ['typecheck', npx('tsc'), ['-p', 'tsconfig.json']],
    ['eslint', npx('eslint'), ['.']],
    ['xss-scan', npx('xss-scan'), ['-p', 'tsconfig.json']],
    ['stylelint', npx('stylelint'), ['src/**/*.css']],
    ['prettier', npx('prettier'), ['--check', '.']],
  ]) {
    jobs.push({ label, name: label, cmd, argv, weight: 1, browser: false, key: label });
  }
}
function suiteJobs(suite, bin, label, env = {}) {
  const files = SUITES[suite].flatMap(find);
  if (suite === 'unit') {
    // hundreds of small tests in ~60 files: one runner, two files at a time
    jobs.push({
      label,
      name: 'unit tests',
      cmd: bin,
      argv: ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
      weight: 2,
      browser: false,
      key: 'unit',
      env,
    });
    return;
  }
  for (const file of files) {
    // A file run directly runs its own tests with the reporter given (no runner process between).
    jobs.push({
      label,
      name: file,
      cmd: bin,
      argv: ['--import', 'tsx', '--test-reporter=spec', file],
      weight: suite === 'browser' ? 2 : 1,
      browser: suite === 'browser',
      key: file,
      env,
    });
  }
}
for (const s of suites) suiteJobs(s, nodeBin, s);
const REPEAT = { TEST_REPEAT: '1' };
for (const other of alsoNodes) for (const s of suites.filter((x) => x !== 'browser')) suiteJobs(s, other.bin, `${s}@${major(other.version)}`, REPEAT);
if (suites.includes('unit')) for (const other of alsoUnitNodes) suiteJobs('unit', other.bin, `unit@${major(other.version)}`, REPEAT);
if (!jobs.length) usage('No test files found.');

// Longest first; a job with no recorded time counts as a middling one.
const times = Object.values(known)
  .filter((n) => typeof n === 'number')
  .sort((a, b) => a - b);
const middling = times.length ? times[Math.floor(times.length / 2)] : 10;
const expected = (job) => known[job.key] ?? middling;
jobs.sort((a, b) => expected(b) - expected(a));

// The CLI tests that start socialgov as a process run dist/: build it once now, not in each.
const { buildDist, needsBuild } = await import('./build.js');
if (needsBuild()) await buildDist();

mkdirSync(path.join(root, 'test-results'), { recursive: true });
const labels = [...new Set(jobs.map((j) => j.label))];
for (const label of labels) rmSync(path.join(root, 'test-results', `${label}.log`), { force: true });

// The process group of each file running (see run): stopped with the run, on Ctrl-C or a kill.
const groups = new Set();

/** Stop a file's process group (see run), or the process alone if its group is gone; nothing if both are. */
function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    for (const pid of groups) killGroup(pid);
    process.exit(130);
  });
}

/** One job, its output kept until it ends; the tallies, the failing tests and the time it took. */
function run(job) {
  const started = Date.now();
  return new Promise((resolve) => {
    // Its own process group, so a file stopped at its time limit takes what it started with it
    // (a server, a Postfix, a chromium): they would otherwise hold ports and CPU to the end.
    const child = spawn(job.cmd, job.argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...job.env, FORCE_COLOR: '0' },
      detached: true,
    });
    if (child.pid) groups.add(child.pid);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    const finish = (code, extra = '') => {
      const text = Buffer.concat(chunks).toString('utf8') + extra;
      resolve({ job, code, seconds: (Date.now() - started) / 1000, text, started, ended: Date.now() });
    };
    child.on('error', (err) => finish(1, `\ncould not start ${job.cmd}: ${err.message}\n`));
    // A file that has not ended after TEST_FILE_MINUTES (default 12) is stopped and fails: a test
    // process that never exits (a handle left open) would otherwise hold the whole run.
    const limit = (Number(process.env.TEST_FILE_MINUTES) || 12) * 60_000;
    const timer = setTimeout(() => {
      chunks.push(
        Buffer.from(
          `\n${job.name} did not end within ${limit / 60_000} min (all its tests may have passed: look for a server, pool or timer left open); stopped.\n`,
        ),
      );
      killGroup(child.pid);
    }, limit);
    child.on('close', (code, signal) => {
      groups.delete(child.pid);
      clearTimeout(timer);
      finish(code ?? (signal ? 1 : 0), signal ? `\nstopped by ${signal}\n` : '');
    });
  });
}

/** What the spec reporter's closing lines say, and its "failing tests" section (shown again at the end). */
function readOutput(text) {
  const counts = {};
  const failing = [];
  let inFailing = false;
  for (const line of text.split('\n')) {
    const m = /^[#ℹ] (tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (m) counts[m[1]] = (counts[m[1]] ?? 0) + Number(m[2]);
    if (/^✖ failing tests:/.test(line)) inFailing = true;
    else if (inFailing && /^[ℹ#] (tests|suites) \d+$/.test(line)) inFailing = false;
    if (inFailing && failing.length < 400 && !/^\s+at .*\(node:/.test(line)) failing.push(line);
  }
  return { counts, failing };
}

const started = Date.now();
const results = [];
const running = new Set();
let used = 0;
let browsers = 0;
const fmt = (s) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`);
const heartbeat = setInterval(() => {
  const names = [...running].map((j) => `${j.label}:${j.name}`);
  process.stdout.write(`[run] ${fmt((Date.now() - started) / 1000)}: running ${names.join(', ')}; ${queue.length} waiting\n`);
}, 60_000);
const queue = [...jobs];
await new Promise((allDone) => {
  const next = () => {
    if (!queue.length && !running.size) return allDone();
    for (let i = 0; i < queue.length; i++) {
      const job = queue[i];
      // A job heavier than the whole pool still runs, alone.
      if (job.browser && browsers >= BROWSER_JOBS) continue;
      // One file never runs on two Node.js programs at once: a file's own fixtures (a private
      // Postfix, say) may not bear a twin beside them.
      if ([...running].some((r) => r.key === job.key)) continue;
      // The first job that does not fit waits for room, and nothing after it starts before it
      // (else lighter jobs would keep a browser file waiting to the end).
      if (used > 0 && used + job.weight > SLOTS) break;
      queue.splice(i--, 1);
      running.add(job);
      used += job.weight;
      if (job.browser) browsers++;
      run(job).then((r) => {
        running.delete(job);
        used -= job.weight;
        if (job.browser) browsers--;
        const out = readOutput(r.text);
        results.push({ ...r, ...out });
        appendFileSync(path.join(root, 'test-results', `${job.label}.log`), `=== ${job.name} (${fmt(r.seconds)}, exit ${r.code})\n${r.text}\n`);
        const lines = r.text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        process.stdout.write(
          lines.map((l) => `[${job.label}] ${l}\n`).join('') + `[${job.label}] ${r.code === 0 ? 'ok' : 'FAILED'}: ${job.name} in ${fmt(r.seconds)}\n`,
        );
        next();
      });
    }
  };
  next();
});
clearInterval(heartbeat);
const wall = (Date.now() - started) / 1000;

if (record) {
  // A file run on two Node.js programs keeps the longer of its two times.
  const measured = {};
  for (const r of results) measured[r.job.key] = Math.max(measured[r.job.key] ?? 0, Math.round(r.seconds));
  const durations = { ...known, ...measured };
  writeFileSync(DURATIONS, `${JSON.stringify(Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b))), null, 1)}\n`);
  console.log(`\nThe time of each file is written to ${path.relative(root, DURATIONS)}.`);
}

for (const r of results) {
  if (r.code === 0) continue;
  console.log(`\n[${r.job.label}] what failed in ${r.job.name} (the whole output is in test-results/${r.job.label}.log):`);
  const lines = r.failing.length ? r.failing : r.text.split('\n').slice(-40);
  for (const line of lines) console.log(`[${r.job.label}] ${line}`);
}

const others = [...alsoNodes, ...alsoUnitNodes].map((n) => n.version);
const also = others.length ? `; suite@N on Node ${others.join(', ')}` : '';
console.log(`\nTime of each suite (Node ${mainVersion}${also}; up to ${SLOTS} jobs at once, from the first of its files starting to the last ending):`);
for (const label of labels) {
  const mine = results.filter((r) => r.job.label === label);
  const counts = {};
  for (const r of mine) for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
  const ok = mine.every((r) => r.code === 0);
  const span = (Math.max(...mine.map((r) => r.ended)) - Math.min(...mine.map((r) => r.started))) / 1000;
  const tally =
    counts.tests !== undefined
      ? `${counts.pass ?? 0} passed, ${counts.fail ?? 0} failed, ${counts.skipped ?? 0} skipped, ${counts.cancelled ?? 0} cancelled`
      : ok
        ? 'clean'
        : 'problems above';
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${label.padEnd(15)} ${fmt(span).padStart(12)}   ${tally}`);
}
console.log('The longest files:');
for (const r of [...results]
  .filter((r) => r.job.key !== r.job.label)
  .sort((a, b) => b.seconds - a.seconds)
  .slice(0, 8))
  console.log(`  ${fmt(r.seconds).padStart(12)}  ${r.job.label}: ${r.job.name}`);
const failed = results.filter((r) => r.code !== 0);
console.log(
  `  all: ${fmt(wall)}${failed.length ? `  (failed: ${failed.map((r) => `${r.job.label}:${r.job.name}`).join(', ')}; see above, or test-results/<suite>.log)` : ''}`,
);
// Last, the name of each failing test, one line each: a log cut to its end still says what failed.
if (failed.length) {
  console.log('Failing tests:');
  for (const r of failed) {
    const names = r.failing.filter((l) => /^\s*✖ /.test(l) && !/^✖ failing tests:/.test(l));
    if (!names.length) console.log(`  [${r.job.label}] ${r.job.name}: exit ${r.code}, no test named (see its output above)`);
    for (const n of names.slice(0, 20)) console.log(`  [${r.job.label}] ${r.job.name}: ${n.trim().slice(0, 300)}`);
  }
}
process.exit(failed.length ? 1 : 0);
