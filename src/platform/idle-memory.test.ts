import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAN_RELEASE, GROWN_BYTES, QUIET_SHARE, QuietSpell, releaseMemoryWhenIdle, v8Collect } from './idle-memory.ts';

const MB = 1048576;

test('a quiet spell collects once its samples average at most the quiet share, and not before it is whole', () => {
  const spell = new QuietSpell(3);
  assert.equal(spell.sample(0, 60 * MB), false);
  assert.equal(spell.sample(0, 60 * MB), false);
  assert.equal(spell.sample(0, 60 * MB), true, 'three quiet samples');
  // a busy second in the spell: the average decides, not any one sample
  const other = new QuietSpell(3);
  other.sample(QUIET_SHARE * 2.5, 60 * MB);
  other.sample(QUIET_SHARE / 4, 60 * MB);
  assert.equal(other.sample(QUIET_SHARE / 4, 60 * MB), false, 'average above the quiet share');
  assert.equal(other.sample(0, 60 * MB), true, 'the busy sample has left the window');
});

test('after a collection the next waits for a new quiet spell and for the heap to grow again', () => {
  const spell = new QuietSpell(2);
  spell.sample(0, 60 * MB);
  assert.equal(spell.sample(0, 60 * MB), true);
  spell.collected(40 * MB);
  assert.equal(spell.sample(0, 40 * MB), false, 'a new spell must be whole');
  for (let i = 0; i < 10; i++) assert.equal(spell.sample(0, 40 * MB + GROWN_BYTES - 1), false, 'idle and not grown: never again');
  assert.equal(spell.sample(0, 40 * MB + GROWN_BYTES), true, 'grown by GROWN_BYTES, still quiet');
});

test('busy samples never collect, however much the heap grew', () => {
  const spell = new QuietSpell(2);
  for (let i = 0; i < 10; i++) assert.equal(spell.sample(0.5, 500 * MB), false);
});

const NO_RELEASE = CAN_RELEASE ? false : `Node ${process.version}'s V8 has no last-resort collection behind gc(): nothing is released there`;

test("V8's last-resort collection, reached without --expose-gc, gives an emptied heap back", { skip: NO_RELEASE }, async () => {
  // garbage that survived into the old generation, then let go
  let keep: string[][] | undefined = Array.from({ length: 200 }, (_, i) => Array.from({ length: 500 }, (_, j) => `item ${i}.${j} `.repeat(4)));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(keep.length);
  keep = undefined;
  const collected: Array<{ heapBeforeMb: number; heapAfterMb: number; ms: number }> = [];
  const idle = releaseMemoryWhenIdle({ quietSeconds: 0.2, sampleMs: 50, collect: v8Collect(), onCollect: (f) => collected.push(f) });
  try {
    const until = Date.now() + 5000;
    while (!collected.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(collected.length, 1, 'collected once the loop was quiet');
    assert.ok(collected[0]!.heapAfterMb < collected[0]!.heapBeforeMb - 5, JSON.stringify(collected[0]));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(collected.length, 1, 'still idle, heap not grown: not again');
  } finally {
    idle.stop();
  }
});

test('a collection that fails is reported once and not tried again, and nothing is thrown', { skip: NO_RELEASE }, async () => {
  let calls = 0;
  const errors: Error[] = [];
  const idle = releaseMemoryWhenIdle({
    quietSeconds: 0.05,
    sampleMs: 10,
    collect: () => {
      calls++;
      throw new Error('no gc here');
    },
    onError: (err) => errors.push(err),
  });
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calls, 1);
    assert.deepEqual(
      errors.map((e) => e.message),
      ['no gc here'],
    );
  } finally {
    idle.stop();
  }
});

test('0 seconds turns it off, and so does a V8 without the last-resort collection', async () => {
  let calls = 0;
  const idle = releaseMemoryWhenIdle({ quietSeconds: 0, sampleMs: 10, collect: () => calls++ });
  await new Promise((r) => setTimeout(r, 200));
  idle.stop();
  assert.equal(calls, 0);
  if (!CAN_RELEASE) {
    const quiet = releaseMemoryWhenIdle({ quietSeconds: 0.05, sampleMs: 10, collect: () => calls++ });
    await new Promise((r) => setTimeout(r, 200));
    quiet.stop();
    assert.equal(calls, 0, 'Node 20: never');
  }
});
