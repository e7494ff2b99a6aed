import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batched } from './batch.ts';

/** A run that records each call and ends only when told to. */
function controlled() {
  const calls: Array<{ key: string; items: number[]; end: (err?: Error) => void }> = [];
  const run = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ key, items, end: (err) => (err ? reject(err) : resolve(items.map((i) => `${key}:${i}`))) });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

test('the first read starts at once; those that arrive while it runs share the next one, which starts after they arrived', async () => {
  const { calls, run } = controlled();
  const read = batched(run);
  const a = read('s', 1);
  assert.equal(calls.length, 1, 'a read with none under way starts at once');
  assert.deepEqual(calls[0]!.items, [1]);
  const b = read('s', 2);
  const c = read('s', 3);
  await tick();
  assert.equal(calls.length, 1, 'no second read of the kind while one is under way');
  calls[0]!.end();
  assert.equal(await a, 's:1');
  await tick();
  assert.equal(calls.length, 2, 'the waiting ones go together when the first ends');
  assert.deepEqual(calls[1]!.items, [2, 3], 'items that arrived during the first read are not answered by it');
  calls[1]!.end();
  assert.deepEqual(await Promise.all([b, c]), ['s:2', 's:3']);
});

test('kinds do not wait for each other', async () => {
  const { calls, run } = controlled();
  const read = batched(run);
  const a = read('one', 1);
  const b = read('two', 2);
  assert.deepEqual(
    calls.map((c) => c.key),
    ['one', 'two'],
  );
  calls[1]!.end();
  assert.equal(await b, 'two:2', 'the second kind answers while the first is still under way');
  calls[0]!.end();
  assert.equal(await a, 'one:1');
});

test('a read that fails fails only its own items; the next read of the kind still starts', async () => {
  const { calls, run } = controlled();
  const read = batched(run);
  const a = read('s', 1);
  const b = read('s', 2);
  calls[0]!.end(new Error('connection lost'));
  await assert.rejects(a, /connection lost/);
  await tick();
  assert.deepEqual(calls[1]!.items, [2]);
  calls[1]!.end();
  assert.equal(await b, 's:2');
});

test('a run that throws at once, or answers the wrong number, fails its items without stalling the kind', async () => {
  let calls = 0;
  const read = batched<number, number>(async (_key, items) => {
    calls++;
    if (calls === 1) throw new Error('bad statement');
    if (calls === 2) return [];
    return items;
  });
  await assert.rejects(read('s', 1), /bad statement/);
  await assert.rejects(read('s', 2), /1 asked, 0 answered/);
  assert.equal(await read('s', 3), 3);
});

test('at most maxItems a read; the rest go in the reads after', async () => {
  const { calls, run } = controlled();
  const read = batched(run, 2);
  const all = [read('s', 0)];
  for (let i = 1; i <= 5; i++) all.push(read('s', i));
  calls[0]!.end();
  await tick();
  assert.deepEqual(calls[1]!.items, [1, 2]);
  calls[1]!.end();
  await tick();
  assert.deepEqual(calls[2]!.items, [3, 4]);
  calls[2]!.end();
  await tick();
  assert.deepEqual(calls[3]!.items, [5]);
  calls[3]!.end();
  assert.deepEqual(await Promise.all(all), ['s:0', 's:1', 's:2', 's:3', 's:4', 's:5']);
});
