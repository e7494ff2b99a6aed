/**
 * Idle memory of a whole install: `socialgov serve` with its built-in PostgreSQL in a new data
 * folder, every role running (web, mail-in, worker), each part woken once (a few pages and a
 * message to the list), then left alone for a while. Prints the PSS (proportional set size:
 * shared pages divided among the processes that share them) of the program and of each
 * PostgreSQL process, and the total against the target of issue 22 (≤ 150 MB).
 *
 * The program runs with the node flags of `npm start` (package.json), as the systemd example in
 * docs/operations.md does; `--plain` runs it without them (as `npx socialgov serve` does).
 *
 * It runs from its own copy of the node binary. PSS divides a page among the processes that map
 * it, and this benchmark (and `npm run bench`) are node processes too: run from the same binary,
 * serve shared most of node's own code and read-only data (about 55 MB on Node 24) with them and
 * was counted a third of it, 30–40 MB less than an install running alone (as under systemd).
 * `--shared` runs it from the same binary, to see that difference.
 *
 * The reference, measured in the same run after serve stops: node alone, from the same copy and
 * with the same flags, serving one short page (the least a web process is). The program's figure
 * beyond it is our code, the libraries it loads and their data.
 *
 *   npm run bench -- memory [--settle=10] [--plain] [--shared]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeDir, startFlags, startServe, type ServeProcess } from '../test/helpers.ts';
import { postMail } from '../test/list-helpers.ts';

const TARGET_MB = 150;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SETTLE_S = Number(arg('settle') ?? 10);

interface Part {
  pid: number;
  name: string;
  pssKb: number;
}

/** The program's PSS by what holds it (Linux /proc/PID/smaps): node's own file, and everything else. */
function programParts(pid: number, binary: string): { binaryKb: number; otherKb: number } {
  let binaryKb = 0;
  let otherKb = 0;
  let inBinary = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) inBinary = head[1] === binary;
    else if (line.startsWith('Pss:')) {
      const kb = Number(/(\d+)/.exec(line)?.[1] ?? 0);
      if (inBinary) binaryKb += kb;
      else otherKb += kb;
    }
  }
  return { binaryKb, otherKb };
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
  /** Whether serve ran from the benchmark's own node binary (sharing its pages), not a copy. */
  shared: boolean;
  /** The program's PSS in node's own file (its code and read-only data: ICU, V8's snapshot) and the rest (heaps, stacks). */
  program: { binaryKb: number; otherKb: number };
  settleSeconds: number;
  /** The reference, measured after serve stopped: node alone from the same copy and flags, serving one page (PSS, kB). */
  referenceKb: number;
  /** The program first, then each PostgreSQL process. */
  parts: Part[];
  totalMb: number;
}

/**
 * Start `socialgov serve` in a new data folder (the node flags of `npm start` unless `plain`),
 * wake each part once, wait `settleSeconds`, and measure the PSS of it and its PostgreSQL.
 * bench/pages.ts ends with this measurement too.
 */
export async function measureIdleMemory(opts: { settleSeconds?: number; plain?: boolean; shared?: boolean } = {}): Promise<IdleMemory> {
  const settleSeconds = opts.settleSeconds ?? 10;
  const dir = path.join(tmpdir(), `sg-bench-mem-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o755 });
  let serve: ServeProcess | undefined;
  try {
    const flags = opts.plain ? [] : startFlags();
    // node's own file, mapped by this process too unless serve runs from a copy (see the top)
    const node = opts.shared ? process.execPath : path.join(dir, 'node');
    if (!opts.shared) copyFileSync(process.execPath, node);
    serve = await startServe(
      {
        SOCIALGOV_DATA_DIR: dir,
        DATABASE_URL: undefined,
        LOG_LEVEL: 'warn',
      },
      120_000,
      { node, nodeArgs: flags },
    );
    for (const p of ['/', '/communities/social-media', '/events', '/library', '/registry', '/healthz']) await fetch(serve.url + p).then((r) => r.arrayBuffer());
    // mail-in and the worker woken too: a message to the list (from someone not on it: it is
    // parsed, checked and held, and the worker sends its notices)
    const smtp = Number(/SMTP on [\d.]+:(\d+)/.exec(serve.output())?.[1]);
    if (!smtp) throw new Error(`serve printed no SMTP port:\n${serve.output()}`);
    await postMail({
      port: smtp,
      from: 'Pat Smith <pat.smith@agency.gov>',
      to: 'social-media@localhost',
      subject: 'Memory benchmark',
      text: 'One post to wake mail-in.',
    });
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    const parts = tree(serve.child.pid!);
    const program = programParts(serve.child.pid!, node);
    // the program's total from the same reading as its split (smaps), not a second one a moment apart
    parts[0]!.pssKb = program.binaryKb + program.otherKb;
    await serve.stop();
    serve = undefined;
    const referenceKb = await referenceNode(node, flags, settleSeconds);
    return {
      flags: flags.join(' '),
      shared: !!opts.shared,
      program,
      settleSeconds,
      referenceKb,
      parts,
      totalMb: parts.reduce((n, p) => n + p.pssKb, 0) / 1024,
    };
  } finally {
    await serve?.stop();
    removeDir(dir);
  }
}

/**
 * The reference, measured in the same run: node itself, from the same binary and with the same
 * flags, serving one short page over HTTP (the least a web process is), asked once and left as
 * long as the install was. What the program measures beyond it is our code and the libraries it
 * loads, their data and their threads. Run after serve stopped: two processes of one binary at
 * once would share its pages, and each would be counted less than it is alone.
 */
async function referenceNode(node: string, flags: string[], settleSeconds: number): Promise<number> {
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`;
  const child = spawn(node, [...flags, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (code) => reject(new Error(`the reference node process ended (exit ${code}) before it listened`)));
    });
    await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
    return tree(child.pid!)[0]!.pssKb;
  } finally {
    child.kill();
  }
}

/** The closing line both benchmarks print. */
export function idleMemoryLine(totalMb: number): string {
  return `idle memory of a whole install (the program and its built-in PostgreSQL, PSS): ${totalMb.toFixed(0)} MB (target ≤ ${TARGET_MB} MB) ${totalMb <= TARGET_MB ? 'ok' : 'ABOVE TARGET'}`;
}

/** Where the program's part lies, and the reference, in one line. */
export function programLine(m: IdleMemory): string {
  const node = m.parts[0]!.pssKb / 1024;
  const reference = m.referenceKb / 1024;
  return (
    `program ${node.toFixed(0)} MB (node's own code and read-only data ${(m.program.binaryKb / 1024).toFixed(0)} MB, ` +
    `heaps and the rest ${(m.program.otherKb / 1024).toFixed(0)} MB), PostgreSQL ${(m.totalMb - node).toFixed(0)} MB in ${m.parts.length - 1} processes; ` +
    `${m.shared ? 'node shared with the benchmark (--shared): less than an install alone' : 'from its own copy of node, as an install runs alone'}\n` +
    `  reference, same run: node alone serving one page (same binary and flags) ${reference.toFixed(0)} MB; the program is ${(node / reference).toFixed(2)} × that (${(node - reference).toFixed(0)} MB more: our code, the libraries it loads, their data)`
  );
}

async function main() {
  const m = await measureIdleMemory({ settleSeconds: SETTLE_S, plain: process.argv.includes('--plain'), shared: process.argv.includes('--shared') });
  console.log(`serve ran with node ${process.version} and node flags: ${m.flags || '(none)'}`);
  console.log(`idle memory after ${SETTLE_S} s (PSS, MB):`);
  for (const p of m.parts) console.log(`  ${(p.pssKb / 1024).toFixed(1).padStart(6)}  ${p.name}`);
  console.log(`  ${programLine(m)}`);
  console.log(idleMemoryLine(m.totalMb));
}

// Run as a benchmark (npm run bench -- memory), not when bench/pages.ts imports the measurement.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`memory benchmark failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
