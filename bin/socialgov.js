#!/usr/bin/env node
// socialgov runs the compiled JavaScript in dist/ (built by `npm ci`/`npm install`). When a file
// in src/ is newer than that build, or there is none, it builds first (about a second), so an
// edited or freshly pulled tree never runs stale code. SOCIALGOV_FROM_SOURCE=1 runs src/ through
// tsx instead (a development install only).
import { checkNode } from './node-version.js';

checkNode();
let main;
if (process.env.SOCIALGOV_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  const { buildDist, needsBuild } = await import('../scripts/build.js');
  const why = needsBuild();
  if (why) {
    process.stderr.write(`Building dist/ (${why})…\n`);
    await buildDist({ quiet: true });
  }
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
