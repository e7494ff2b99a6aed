// Entry point of a signing thread. Worker threads do not inherit tsx's module hooks, so the
// thread registers them itself before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
const { runSigningThread } = await import('./signing-thread.ts');
runSigningThread();
