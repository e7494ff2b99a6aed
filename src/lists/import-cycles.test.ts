/**
 * No runtime import cycle among the listserv's modules (issue 20: incoming.ts and moderation.ts
 * imported each other). A cycle makes load order matter: a module can run before one it uses
 * has finished loading. Type-only imports are erased when compiled, so they do not count.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = import.meta.dirname;

function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
    if (m[2]) continue;
    found.push(path.resolve(path.dirname(file), m[3]!));
  }
  return found.filter((f) => f.startsWith(ROOT));
}

test('the listserv modules import one another without a cycle', () => {
  const files = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(ROOT, f));
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(ROOT, f)).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});
