// Entry point of a signing thread. In a build (dist/) the compiled signing-thread.js sits beside
// this file. Run from src/ through tsx, it is TypeScript, and worker threads do not inherit tsx's
// module hooks, so the thread registers them itself before loading it.
import { existsSync } from 'node:fs';

const compiled = new URL('./signing-thread.js', import.meta.url);
if (existsSync(compiled)) {
  const { runSigningThread } = await import(compiled.href);
  runSigningThread();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runSigningThread } = await import('./signing-thread.ts');
  runSigningThread();
}
