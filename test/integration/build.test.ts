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
    const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
    // Children still holding memory: one that has exited but is not yet reaped (state Z), or is
    // exiting and has let go of its memory (no command line left), holds nothing. One on its way
    // out gets a moment (on a busy machine the exit can lag the build's end).
    const left = () => fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).filter((d) => {
      const f = read('/proc/' + d + '/stat').split(') ').pop().split(' ');
      return f[0] !== 'Z' && Number(f[1]) === process.pid && read('/proc/' + d + '/cmdline') !== '';
    }).map((c) => read('/proc/' + c + '/cmdline').replace(/\\0/g, ' ').trim());
    let children = left();
    for (let i = 0; i < 30 && children.length; i++) { await new Promise((r) => setTimeout(r, 100)); children = left(); }
    console.log(JSON.stringify(children));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), [], 'no process left running under the one that built');
});
