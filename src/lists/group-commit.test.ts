import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupCommit } from './group-commit.ts';

/** A timer the test fires by hand, so nothing depends on how fast the machine is. */
function manualTimer() {
  const waiting: Array<{ fire: () => void; ms: number }> = [];
  return {
    timer: (fire: () => void, ms: number) => void waiting.push({ fire, ms }),
    waiting,
    fireAll() {
      for (const w of waiting.splice(0)) w.fire();
    },
  };
}

/** A commit the test finishes by hand: each call waits until resolved or failed. */
function manualCommit() {
  const calls: Array<{ items: string[]; done: (err?: Error) => void }> = [];
  return {
    calls,
    commit: (items: string[]) =>
      new Promise<string[]>((resolve, reject) => {
        calls.push({ items, done: (err) => (err ? reject(err) : resolve(items.map((i) => `stored:${i}`))) });
      }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  test('a post alone is committed when its window ends, with no other post needed', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 3, maxItems: 100, maxInFlight: 2, timer: t.timer });
    const one = g.add('a');
    assert.deepEqual(
      t.waiting.map((w) => w.ms),
      [3],
      'waits the window, not longer',
    );
    assert.equal(c.calls.length, 0);
    t.fireAll();
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a']],
    );
    c.calls[0]!.done();
    assert.equal(await one, 'stored:a');
  });

  test('posts arriving within one window share one commit; each gets its own result', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 100, maxInFlight: 2, timer: t.timer });
    const all = ['a', 'b', 'c'].map((x) => g.add(x));
    assert.equal(t.waiting.length, 1, 'one window for the batch');
    t.fireAll();
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a', 'b', 'c']],
    );
    c.calls[0]!.done();
    assert.deepEqual(await Promise.all(all), ['stored:a', 'stored:b', 'stored:c']);
  });

  test('nothing is answered before its commit has finished', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 100, maxInFlight: 1, timer: t.timer });
    let settled = false;
    const p = g.add('a').then(() => (settled = true));
    t.fireAll();
    await tick();
    assert.equal(settled, false, 'still committing');
    c.calls[0]!.done();
    await p;
    assert.equal(settled, true);
  });

  test('a failed batch is tried again one post at a time: only the post that cannot be stored fails, and none of another batch', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 100, maxInFlight: 2, timer: t.timer });
    const first = ['a', 'b', 'c'].map((x) =>
      g.add(x).then(
        (r) => r,
        (e: Error) => e,
      ),
    );
    t.fireAll();
    const second = g.add('d');
    t.fireAll();
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a', 'b', 'c'], ['d']],
    );
    c.calls[0]!.done(new Error('bind message has 65540 parameter formats'));
    c.calls[1]!.done();
    assert.equal(await second, 'stored:d');
    // Each of a, b, c alone, in order; b is the one the database refuses.
    for (const [item, err] of [['a'], ['b', new Error('value too long')], ['c']] as const) {
      while (!c.calls.some((x) => x.items.length === 1 && x.items[0] === item)) await tick();
      c.calls.find((x) => x.items[0] === item && x.items.length === 1)!.done(err);
    }
    const results = await Promise.all(first);
    assert.equal(results[0], 'stored:a');
    assert.ok(results[1] instanceof Error && results[1].message === 'value too long');
    assert.equal(results[2], 'stored:c');
  });

  test('a commit failing for every post (database gone) fails each post of the batch', async () => {
    const t = manualTimer();
    const g = new GroupCommit<string, string>({
      commit: async () => {
        throw new Error('connection terminated');
      },
      windowMs: 2,
      maxItems: 100,
      maxInFlight: 2,
      timer: t.timer,
    });
    const posts = ['a', 'b', 'c'].map((x) =>
      g.add(x).then(
        (r) => r,
        (e: Error) => e,
      ),
    );
    t.fireAll();
    for (const r of await Promise.all(posts)) assert.ok(r instanceof Error && r.message === 'connection terminated');
  });

  test('a full batch goes at once; the rest wait for their own window', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 2, maxInFlight: 4, timer: t.timer });
    const ab = [g.add('a'), g.add('b')];
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a', 'b']],
      'full: no wait for the window',
    );
    const later = g.add('x');
    t.fireAll();
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a', 'b'], ['x']],
    );
    for (const call of c.calls) call.done();
    assert.deepEqual(await Promise.all([...ab, later]), ['stored:a', 'stored:b', 'stored:x']);
  });

  test('a batch is bounded by weight as well as by count', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({
      commit: c.commit,
      windowMs: 2,
      maxItems: 100,
      maxWeight: 10,
      weigh: (s) => s.length,
      maxInFlight: 4,
      timer: t.timer,
    });
    const all = ['aaaa', 'bbbb', 'cccc'].map((x) => g.add(x));
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['aaaa', 'bbbb'], ['cccc']],
      '12 of weight would pass 10: the third goes in a batch of its own',
    );
    for (const call of c.calls) call.done();
    assert.equal((await Promise.all(all)).length, 3);
  });

  test('with every commit slot busy, posts wait for one to finish, then go at once together', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 100, maxInFlight: 1, timer: t.timer });
    const a = g.add('a');
    t.fireAll();
    const waiting = ['b', 'c'].map((x) => g.add(x));
    t.fireAll();
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a']],
      'one commit at a time',
    );
    const d = g.add('d');
    assert.equal(t.waiting.length, 0, 'due already: no new window');
    c.calls[0]!.done();
    await a;
    assert.deepEqual(
      c.calls.map((x) => x.items),
      [['a'], ['b', 'c', 'd']],
    );
    c.calls[1]!.done();
    assert.deepEqual(await Promise.all([...waiting, d]), ['stored:b', 'stored:c', 'stored:d']);
  });

  test('a commit that returns the wrong number of results fails its batch rather than mismatching answers', async () => {
    const t = manualTimer();
    const g = new GroupCommit<string, string>({ commit: async () => ['only one'], windowMs: 2, maxItems: 100, maxInFlight: 1, timer: t.timer });
    const all = ['a', 'b'].map((x) =>
      g.add(x).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    t.fireAll();
    assert.deepEqual(await Promise.all(all), ['commit returned 1 results for 2 items', 'commit returned 1 results for 2 items']);
  });

  test('drained waits for posts being committed', async () => {
    const t = manualTimer();
    const c = manualCommit();
    const g = new GroupCommit<string, string>({ commit: c.commit, windowMs: 2, maxItems: 100, maxInFlight: 1, timer: t.timer });
    const a = g.add('a');
    let drained = false;
    const d = g.drained().then(() => (drained = true));
    t.fireAll();
    await tick();
    assert.equal(drained, false);
    c.calls[0]!.done();
    await Promise.all([a, d]);
    assert.equal(drained, true);
  });
});
