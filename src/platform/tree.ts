/**
 * The program's own tree: src/ when it runs from source, dist/ when built. The files it reads at
 * run time (migrations, the built-in seed, the web assets, the signing thread's entry) are found
 * from here, not from a module's own address: in a build, a module's code may sit in a chunk it
 * shares with others (dist/chunks/, scripts/build.js), so its import.meta.url names that chunk.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `from` holding platform/migrations: src/ or dist/. */
export function findTree(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'platform', 'migrations'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`socialgov cannot find its own files (no platform/migrations at or above ${from}). Run "npm run build", or install it again.`);
    }
  }
}

export const TREE = findTree(path.dirname(fileURLToPath(import.meta.url)));
