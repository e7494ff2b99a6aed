/**
 * The listener before the worker, when both run on this process's one thread. An SMTP sender
 * waits for each post's 250, and a burst of posts should be taken in (committed, then answered)
 * as fast as they come; processing them can wait a little, since every post taken in is already
 * durable with its job. The worker's incoming-post handler shares the thread's time with the
 * listener, and with every post costing the worker many times what taking it in costs, a burst
 * was taken in at about half the rate the listener manages alone.
 *
 * So while posts are arriving here, the incoming handler waits before each message until the
 * listener has had a short pause, with no post waiting for its commit and its 250, at most
 * MAX_WAIT_MS: under a flood each handler still takes a message every quarter of a second, and
 * catches up at full speed as soon as the flood ends. (Counting only arrivals was not enough: the
 * senders of a burst all wait for one group commit, a pause in arrivals of several milliseconds
 * in which the worker took a post, about ten milliseconds of this thread, and the commit's
 * answers waited for it.) A
 * worker in another process (roles split across processes) is not held back: the operating
 * system shares the cores there. Keyed by the database pool, which one platform's roles share.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** How long the listener must have been quiet before the worker goes on (ms). */
export const QUIET_MS = 5;
/** The longest the worker waits before a message, however busy the listener (ms). */
export const MAX_WAIT_MS = 250;

/** Per pool: when the listener last took in or answered a post, and how many wait for their answer. */
const listeners = new WeakMap<object, { last: number; inFlight: number }>();

/**
 * A post is being taken in by the listener that shares `pool` with this process's worker; call
 * the function it returns once the post is answered (accepted or refused; more calls do nothing).
 */
export function noteArrival(pool: object, now = performance.now()): (at?: number) => void {
  let l = listeners.get(pool);
  if (!l) listeners.set(pool, (l = { last: now, inFlight: 0 }));
  l.last = now;
  l.inFlight++;
  let answered = false;
  return (at = performance.now()) => {
    if (answered) return;
    answered = true;
    l.inFlight--;
    l.last = at;
  };
}

/** How much longer (ms) a handler that began waiting at `start` waits at `now`; 0: go on. */
export function waitLeft(pool: object, start: number, now: number): number {
  const l = listeners.get(pool);
  if (!l) return 0;
  const waited = now - start;
  if (waited >= MAX_WAIT_MS) return 0;
  const quietFor = now - l.last;
  // A post waiting for its commit and answer: the listener is busy, however quiet the senders.
  // (Not once nothing has happened for MAX_WAIT_MS: a post never answered, a connection lost in
  // a way the SMTP server never reported, must not slow the worker for ever.)
  if (l.inFlight > 0 && quietFor < MAX_WAIT_MS) return Math.min(QUIET_MS, MAX_WAIT_MS - waited);
  if (quietFor >= QUIET_MS) return 0;
  return Math.min(QUIET_MS - quietFor, MAX_WAIT_MS - waited);
}

/** Resolves once no post has arrived for QUIET_MS, or after MAX_WAIT_MS; at once with no listener here. */
export async function listenerPause(pool: object): Promise<void> {
  const start = performance.now();
  for (let left = waitLeft(pool, start, start); left > 0; left = waitLeft(pool, start, performance.now())) {
    await sleep(Math.max(1, left));
  }
}
