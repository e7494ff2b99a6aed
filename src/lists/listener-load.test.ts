import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenerPause, MAX_WAIT_MS, noteArrival, QUIET_MS, waitLeft } from './listener-load.ts';

test('with no listener in this process, the worker does not wait', async () => {
  assert.equal(waitLeft({}, 0, 0), 0);
  await listenerPause({}); // settles: nothing to wait for
});

test('the worker waits for a pause in arrivals', () => {
  const pool = {};
  noteArrival(pool, 1000)(1000);
  assert.equal(waitLeft(pool, 1001, 1001), QUIET_MS - 1, 'a post 1 ms ago: wait for the rest of the pause');
  assert.equal(waitLeft(pool, 1001, 1000 + QUIET_MS), 0, 'quiet long enough: go on');
});

test('the worker waits while a post waits for its commit and answer, however quiet the senders', () => {
  const pool = {};
  const answered = noteArrival(pool, 2000);
  assert.ok(waitLeft(pool, 2000, 2000 + 4 * QUIET_MS) > 0, 'no arrival for a while, but a post is not answered yet');
  answered(2000 + 4 * QUIET_MS);
  answered(2000 + 5 * QUIET_MS); // a second call changes nothing
  assert.ok(waitLeft(pool, 2000, 2000 + 4 * QUIET_MS + 1) > 0, 'just answered: the listener was busy a moment ago');
  assert.equal(waitLeft(pool, 2000, 2000 + 5 * QUIET_MS), 0, 'answered, then quiet: go on');
  // a post never answered (a connection lost unreported) stops counting once nothing happens
  noteArrival(pool, 3000);
  assert.ok(waitLeft(pool, 3000 + MAX_WAIT_MS - 10, 3000 + MAX_WAIT_MS - 1) > 0);
  assert.equal(waitLeft(pool, 3000 + MAX_WAIT_MS, 3000 + MAX_WAIT_MS), 0);
});

test('under a flood the worker waits no longer than MAX_WAIT_MS', () => {
  const pool = {};
  noteArrival(pool, 5000 + MAX_WAIT_MS - 1); // never answered: the listener stays busy
  assert.ok(waitLeft(pool, 5000, 5000 + MAX_WAIT_MS - 1) > 0, 'still arriving, not waited out yet');
  noteArrival(pool, 5000 + MAX_WAIT_MS);
  assert.equal(waitLeft(pool, 5000, 5000 + MAX_WAIT_MS), 0, 'posts still arriving, but the handler waited its most');
});

test('one platform\u2019s listener does not hold back another platform\u2019s worker', () => {
  const busy = {};
  noteArrival(busy, 10);
  assert.equal(waitLeft({}, 10, 10), 0);
  assert.ok(waitLeft(busy, 10, 10) > 0);
});
