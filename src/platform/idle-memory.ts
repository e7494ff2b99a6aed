/**
 * Giving memory back when the process has nothing to do. An install spends most of its life
 * waiting: no page asked for, no message arriving, no job to run. V8 keeps what it compiled and
 * the heap pages it grew into while it was busy, about 17 MB of a 145 MB process after a few
 * pages and one message (docs/operations.md). Once the event loop has been almost idle for a
 * while, one "last resort" collection (the one V8 runs before it gives up on an allocation)
 * frees what is garbage, drops the bytecode of functions not running (they are compiled again
 * from their source when next called) and returns the emptied pages to the system.
 *
 * It runs again only once the heap has grown since the last time (QuietSpell), so a process that
 * stays idle does not collect over and over. It costs about 60-90 ms of the main thread on this
 * install on an otherwise idle machine (600 ms with the machine's cores busy with other work), at
 * a moment nothing is waiting for it; the first requests after it compile again what they use
 * (a page took 27 ms instead of 8).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's gc() with the options of its gc extension (Node 22 and later take `flavor`). */
export type Collect = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/** The event loop's average busy share over a quiet spell, at most. */
export const QUIET_SHARE = 0.05;
/** How much the heap must have grown since the last collection (or the start) for another. */
export const GROWN_BYTES = 4 * 1048576;

/**
 * When to collect, as a plain state machine fed one sample a second: the event loop's busy
 * share since the last sample and the heap's size. It says to collect when the last `samples`
 * samples average at most QUIET_SHARE (an idle install's own timers, the job queue's polls and
 * the delivery runner's, come to about 1-2 %, in short bursts) and the heap has grown by
 * GROWN_BYTES since the last collection; so a process that stays idle collects once, not over
 * and over, and light traffic collects again only once it has made something to give back.
 */
export class QuietSpell {
  private readonly shares: number[] = [];
  private baseline = 0;
  /** `samples`: how many of the last samples make a quiet spell (one a second: its seconds). */
  constructor(private readonly samples: number) {}

  /** Record a sample. True: collect now (then call `collected`). */
  sample(share: number, heapBytes: number): boolean {
    this.shares.push(share);
    if (this.shares.length > this.samples) this.shares.shift();
    if (this.shares.length < this.samples) return false;
    const average = this.shares.reduce((a, b) => a + b, 0) / this.shares.length;
    return average <= QUIET_SHARE && heapBytes - this.baseline >= GROWN_BYTES;
  }

  /** A collection left the heap at `heapBytes`: the next needs growth beyond it and a new quiet spell. */
  collected(heapBytes: number): void {
    this.baseline = heapBytes;
    this.shares.length = 0;
  }
}

/**
 * V8's gc function without making it a global for everything else: the one `--expose-gc` gave,
 * or one from a fresh context after turning the flag on (it is read when a context is made).
 */
export function v8Collect(): Collect {
  const given = (globalThis as { gc?: Collect }).gc;
  if (given) return given;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as Collect;
}

/**
 * Whether this V8 has the last-resort collection behind gc()'s options: 12 and later (Node 22
 * and later). Node 20's V8 reads them differently (asked this way it freed nothing, and a plain
 * gc() there left the heap as large), so on Node 20 nothing is done.
 */
export const CAN_RELEASE = Number(process.versions.v8.split('.')[0]) >= 12;
const LAST_RESORT = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;

export interface IdleMemory {
  stop(): void;
}

/**
 * Watch the event loop once a second; after `quietSeconds` with it busy at most QUIET_SHARE of
 * the time on average, and the heap grown since the last time, collect (see the top). `0` turns
 * it off; so does Node 20 (CAN_RELEASE). The timer never keeps the process up.
 */
export function releaseMemoryWhenIdle(opts: {
  quietSeconds: number;
  collect?: Collect;
  sampleMs?: number;
  onCollect?: (figures: { heapBeforeMb: number; heapAfterMb: number; ms: number }) => void;
  /** A collection that failed: nothing more is tried in this process. */
  onError?: (err: Error) => void;
}): IdleMemory {
  if (opts.quietSeconds <= 0 || !CAN_RELEASE) return { stop: () => undefined };
  const collect = opts.collect ?? v8Collect();
  const sampleMs = opts.sampleMs ?? 1000;
  const spell = new QuietSpell(Math.max(1, Math.round((opts.quietSeconds * 1000) / sampleMs)));
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  // the heap's size from V8 (what process.memoryUsage().heapTotal reports, without its read of
  // /proc for the resident size every second)
  const timer = setInterval(() => {
    const share = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    const heapBefore = v8.getHeapStatistics().total_heap_size;
    if (!spell.sample(share, heapBefore)) return;
    const started = performance.now();
    try {
      collect(LAST_RESORT);
    } catch (err) {
      // never a reason to stop serving: give up on it, say so once
      clearInterval(timer);
      opts.onError?.(err as Error);
      return;
    }
    const ms = performance.now() - started;
    const heapAfter = v8.getHeapStatistics().total_heap_size;
    spell.collected(heapAfter);
    // the collection's own time is not a sign of work: the next sample starts after it
    last = performance.eventLoopUtilization();
    opts.onCollect?.({ heapBeforeMb: heapBefore / 1048576, heapAfterMb: heapAfter / 1048576, ms });
  }, sampleMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
