/**
 * The listener before the worker, when both run on this process's one thread. An SMTP sender
 * waits for each post's 250, and a burst of posts should be taken in (committed, then answered)
 * as fast as they come; processing them can wait a little, since every post taken in is already
 * durable with its job. The worker's incoming-post handler shares the thread's time with the
 * listener, and with every post costing the worker many times what taking it in costs, a burst
 * was taken in at about half the rate the listener manages alone.
 *
 * So while posts are arriving here, the incoming handler waits before each message until the
 * listener has had a short pause, at most MAX_WAIT_MS: under a flood each handler still takes a
 * message every tenth of a second, and catches up at full speed as soon as the flood ends. A
 * worker in another process (roles split across processes) is not held back: the operating
 * system shares the cores there. Keyed by the database pool, which one platform's roles share.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long the listener must have been quiet before the worker goes on (ms). */
export const QUIET_MS = 5;
/** The longest the worker waits before a message, however busy the listener (ms). */
export const MAX_WAIT_MS = 100;

const lastArrival = new WeakMap<object, number>();

/** A post is being taken in by the listener that shares `pool` with this process's worker. */
export function noteArrival(pool: object, now = performance.now()): void {
  lastArrival.set(pool, now);
}

/** How much longer (ms) a handler that began waiting at `start` waits at `now`; 0: go on. */
export function waitLeft(pool: object, start: number, now: number): number {
  const last = lastArrival.get(pool);
  if (last === undefined) return 0;
  const quietFor = now - last;
  const waited = now - start;
  if (quietFor >= QUIET_MS || waited >= MAX_WAIT_MS) return 0;
  return Math.min(QUIET_MS - quietFor, MAX_WAIT_MS - waited);
}

/** Resolves once no post has arrived for QUIET_MS, or after MAX_WAIT_MS; at once with no listener here. */
export async function listenerPause(pool: object): Promise<void> {
  const start = performance.now();
  for (let left = waitLeft(pool, start, start); left > 0; left = waitLeft(pool, start, performance.now())) {
    await sleep(Math.max(1, left));
  }
}
