/** The build of dist/ that socialgov runs: it leaves nothing running behind it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers.ts';

const NOT_LINUX = process.platform === 'linux' ? false : 'reads /proc (Linux)';

test('a build leaves no esbuild process behind (it held about 100 MB in every serve that built at start)', { skip: NOT_LINUX }, () => {
  const script = `
    const { buildDist } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'scripts/build.js')).href)});
    await buildDist({ quiet: true });
    const fs = await import('node:fs');
    const children = fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).filter((d) => {
      // a child that has exited but is not yet reaped (state Z) holds nothing
      try { const f = fs.readFileSync('/proc/' + d + '/stat', 'utf8').split(') ').pop().split(' '); return f[0] !== 'Z' && Number(f[1]) === process.pid; } catch { return false; }
    });
    console.log(JSON.stringify(children.map((c) => fs.readFileSync('/proc/' + c + '/cmdline', 'utf8').replace(/\\0/g, ' ').trim())));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), [], 'no process left running under the one that built');
});
