/**
 * Idle memory of a whole install: `socialgov serve` with its built-in PostgreSQL in a new data
 * folder, every role running (web, mail-in, worker), each part woken once (a few pages), then
 * left alone for a while. Prints the PSS (proportional set size: shared pages divided among the
 * processes that share them) of the program and of each PostgreSQL process, and the total
 * against the target of issue 22 (≤ 150 MB).
 *
 * The program runs with the node flags of `npm start` (package.json), as the systemd example in
 * docs/operations.md does; `--plain` runs it without them (as `npx socialgov serve` does).
 *
 *   npm run bench -- memory [--settle=10] [--plain]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeDir, ROOT, startServe, type ServeProcess } from '../test/helpers.ts';

const TARGET_MB = 150;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SETTLE_S = Number(arg('settle') ?? 10);

/** The node flags `npm start` runs serve with. */
function startFlags(): string {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start
    .split(/\s+/)
    .filter((w) => w.startsWith('--'))
    .join(' ');
}

interface Part {
  pid: number;
  name: string;
  pssKb: number;
}

/** A process and every process under it, each with its PSS and a name (Linux /proc). */
function tree(pid: number): Part[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // the process ended while we looked
    }
  }
  const parts: Part[] = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    try {
      const pss = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      // PostgreSQL names its processes ("postgres: socialgov socialgov 127.0.0.1(4242) idle").
      const name = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      parts.push({ pid: p, name: p === pid ? 'socialgov serve (node)' : name.slice(0, 90), pssKb: pss });
    } catch {
      // gone
    }
    todo.push(...(children.get(p) ?? []));
  }
  return parts;
}

export interface IdleMemory {
  /** The node flags serve ran with ('' for none). */
  flags: string;
  settleSeconds: number;
  /** The program first, then each PostgreSQL process. */
  parts: Part[];
  totalMb: number;
}

/**
 * Start `socialgov serve` in a new data folder (the node flags of `npm start` unless `plain`),
 * wake each part once, wait `settleSeconds`, and measure the PSS of it and its PostgreSQL.
 * bench/pages.ts ends with this measurement too.
 */
export async function measureIdleMemory(opts: { settleSeconds?: number; plain?: boolean } = {}): Promise<IdleMemory> {
  const settleSeconds = opts.settleSeconds ?? 10;
  const dir = path.join(tmpdir(), `sg-bench-mem-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o755 });
  let serve: ServeProcess | undefined;
  try {
    const flags = opts.plain ? '' : startFlags();
    serve = await startServe(
      {
        SOCIALGOV_DATA_DIR: dir,
        DATABASE_URL: undefined,
        LOG_LEVEL: 'warn',
        NODE_OPTIONS: [process.env.NODE_OPTIONS, flags].filter(Boolean).join(' ') || undefined,
      },
      120_000,
    );
    for (const p of ['/', '/communities/social-media', '/events', '/library', '/registry', '/healthz']) await fetch(serve.url + p).then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    const parts = tree(serve.child.pid!);
    return { flags, settleSeconds, parts, totalMb: parts.reduce((n, p) => n + p.pssKb, 0) / 1024 };
  } finally {
    await serve?.stop();
    removeDir(dir);
  }
}

/** The closing line both benchmarks print. */
export function idleMemoryLine(totalMb: number): string {
  return `idle memory of a whole install (the program and its built-in PostgreSQL, PSS): ${totalMb.toFixed(0)} MB (target ≤ ${TARGET_MB} MB) ${totalMb <= TARGET_MB ? 'ok' : 'ABOVE TARGET'}`;
}

async function main() {
  const { flags, parts, totalMb: total } = await measureIdleMemory({ settleSeconds: SETTLE_S, plain: process.argv.includes('--plain') });
  console.log(`serve ran with node flags: ${flags || '(none)'}`);
  console.log(`idle memory after ${SETTLE_S} s (PSS, MB):`);
  for (const p of parts) console.log(`  ${(p.pssKb / 1024).toFixed(1).padStart(6)}  ${p.name}`);
  const node = parts[0]!.pssKb / 1024;
  console.log(`  program ${node.toFixed(0)} MB, PostgreSQL ${(total - node).toFixed(0)} MB in ${parts.length - 1} processes`);
  console.log(idleMemoryLine(total));
}

// Run as a benchmark (npm run bench -- memory), not when bench/pages.ts imports the measurement.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`memory benchmark failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
