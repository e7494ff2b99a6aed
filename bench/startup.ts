/**
 * Start-up cost of the `socialgov` program: `--help`, `members --help` (one command group loaded)
 * and a usage mistake, each started as its own process the way a shell starts it, against the
 * reference of the same Node.js starting and exiting with nothing to do (`node -e 0`) in the same
 * run. Wall and CPU time (user + system, from the child's resource usage), median of the runs.
 * The goal (issue 16): `socialgov --help` under 0.5 s in a production install.
 * Run: npm run bench -- startup [--runs=15]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/socialgov.js');
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const runs = runsArg ? Number(runsArg.slice(7)) : 15;
if (!Number.isInteger(runs) || runs < 3) {
  console.error('--runs must be a whole number of at least 3, e.g. --runs=15.');
  process.exit(2);
}

// Compile first if needed, so the build is not measured as start-up.
spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function childCpu(args: string[]): Sample {
  // The CPU of one child: a shell runs it, then reads its own children's totals (cutime and
  // cstime in /proc, clock ticks of 10 ms) — the child's user and system time.
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', '"$@" >/dev/null 2>&1; cat /proc/$$/stat | cut -d" " -f16,17', 'sh', process.execPath, ...args], { encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const [cutime, cstime] = r.stdout.trim().split(' ').map(Number) as [number, number];
  return { wallMs, cpuMs: ((cutime + cstime) * 1000) / 100 };
}

const cases: [string, string[]][] = [
  ['node -e 0 (reference)', ['-e', '0']],
  ['socialgov --help', [bin, '--help']],
  ['socialgov members --help', [bin, 'members', '--help']],
  ['socialgov communities frobnicate', [bin, 'communities', 'frobnicate']],
];
const results: { name: string; wall: number; cpu: number }[] = [];
for (const [name, args] of cases) {
  const samples = Array.from({ length: runs }, () => childCpu(args));
  results.push({ name, wall: median(samples.map((s) => s.wallMs)), cpu: median(samples.map((s) => s.cpuMs)) });
}
const ref = results[0]!;
console.log(`Start-up, median of ${runs} runs (Node ${process.version}; CPU in 10 ms ticks):`);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(34)} wall ${r.wall.toFixed(0).padStart(5)} ms  CPU ${r.cpu.toFixed(0).padStart(5)} ms  ${r === ref ? '' : `${(r.wall / ref.wall).toFixed(1)}× the reference's wall time`}`,
  );
}
const help = results[1]!;
console.log(
  `socialgov --help: ${help.cpu.toFixed(0)} ms of CPU, ${help.wall.toFixed(0)} ms wall (goal: under 500 ms; was about 2,300 ms of CPU) — ${help.cpu < 500 && help.wall < 500 ? 'meets' : 'misses'} the goal.`,
);
