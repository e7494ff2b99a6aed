/**
 * The shape of the code, checked on every `npm test` (docs/architecture.md explains it):
 *
 * - src/platform knows no feature: it imports only itself and src/web (the page kit). Features
 *   reach the platform through their descriptor (src/<feature>/feature.ts), which src/app installs.
 * - src/web (shared page parts) imports only itself and src/platform.
 * - A feature imports another feature only through that feature's public entry,
 *   src/<feature>/index.ts, and never src/app or src/cli.
 * - Every feature has a descriptor and is listed in src/app/features.ts.
 * - No source file under src/ is over 600 lines.
 * - No runtime import cycle among the modules under src/ (type-only imports do not count), but
 *   the few KNOWN_CYCLES say why.
 * - SQL in a feature names another feature's table only where CROSS_TABLE_READS says why; SQL in
 *   src/platform or src/web names no feature's table.
 * - Functions over 100 lines are counted and named (information only, not a failure): the ones left
 *   are listed as known debt in docs/architecture.md ("Size").
 *
 * src/app (the composition root) and src/cli (the command line, one command group per feature)
 * may import anything. Tests (*.test.ts) are not checked: they may reach into what they test.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
/** Folders under src/ that are not features. */
const SHARED = new Set(['platform', 'web', 'app', 'cli']);
const MAX_LINES = 600;

/** Files that still import other features' internals: none. */
const INTERNAL_IMPORTS_PENDING: RegExp[] = [];

/** Files allowed over MAX_LINES for now: none (src/events/views.tsx is split by page). */
const SIZE_PENDING: RegExp[] = [];

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const features = readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !SHARED.has(e.name))
  .map((e) => e.name)
  .sort();

/** Every module a file imports or re-exports, statically or with import(), with its line. */
function importsOf(file: string): Array<{ specifier: string; line: number }> {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: Array<{ specifier: string; line: number }> = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec)) found.push({ specifier: spec.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What is wrong with `file` importing `specifier`, or undefined. */
function problem(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const from = rel(file).split('/')[1]!;
  const target = rel(path.resolve(path.dirname(file), specifier));
  if (!target.startsWith('src/')) return undefined;
  const to = target.split('/')[1]!;
  if (from === to || from === 'app' || from === 'cli') return undefined;
  if (from === 'platform') {
    if (to === 'web') return undefined;
    return `the platform must not know any feature (nor src/app or src/cli). Let the feature hand it over in its descriptor (src/<feature>/feature.ts, see src/platform/feature.ts), or move the code into the feature.`;
  }
  if (from === 'web') {
    if (to === 'platform') return undefined;
    return 'shared page parts must not depend on a feature. Move what both need into src/web, or pass it in as a parameter.';
  }
  // from a feature
  if (to === 'platform' || to === 'web') return undefined;
  if (to === 'app' || to === 'cli')
    return `a feature must not import ${to === 'app' ? 'the composition root' : 'the command line'}. Add what it needs to the feature's descriptor or to src/platform.`;
  if (target === `src/${to}/index.ts`) return undefined;
  if (INTERNAL_IMPORTS_PENDING.some((p) => p.test(rel(file)))) return undefined;
  return `a feature uses another feature only through its public entry. Import from '${path
    .relative(path.dirname(file), path.join(SRC, to, 'index.ts'))
    .split(path.sep)
    .join('/')}' instead, adding the export there if it is missing (or move the shared part into src/web or src/platform).`;
}

test('src/platform knows no feature, and features use each other only through their public entry (index.ts)', () => {
  const problems: string[] = [];
  for (const file of sourceFiles()) {
    if (/\.test\.tsx?$/.test(file)) continue;
    for (const { specifier, line } of importsOf(file)) {
      const why = problem(file, specifier);
      if (why) problems.push(`${rel(file)}:${line} imports '${specifier}': ${why}`);
    }
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
});

test('every feature has a descriptor, listed in the composition root', () => {
  const listed = readFileSync(path.join(SRC, 'app/features.ts'), 'utf8');
  const problems: string[] = [];
  for (const feature of features) {
    if (!existsSync(path.join(SRC, feature, 'feature.ts')))
      problems.push(`src/${feature} has no descriptor: add src/${feature}/feature.ts exporting its Feature (see src/platform/feature.ts).`);
    else if (!listed.includes(`from '../${feature}/feature.ts'`))
      problems.push(`src/${feature}/feature.ts is not listed in src/app/features.ts: import it there and add it to FEATURES.`);
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
});

test(`no source file under src/ is over ${MAX_LINES} lines`, () => {
  const problems: string[] = [];
  for (const file of sourceFiles()) {
    if (SIZE_PENDING.some((p) => p.test(rel(file)))) continue;
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (lines > MAX_LINES)
      problems.push(
        `${rel(file)} has ${lines} lines (at most ${MAX_LINES}): split it by page or by job, and move parts other features could share into src/web.`,
      );
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
});

/**
 * The modules a file loads when it runs: static imports and re-exports, but not `import type`,
 * `export type`, nor an import whose every name is marked `type` (all are erased when compiled).
 */
function runtimeImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const found: string[] = [];
  for (const node of source.statements) {
    if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier) continue;
    if (!ts.isStringLiteralLike(node.moduleSpecifier) || !node.moduleSpecifier.text.startsWith('.')) continue;
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
    } else {
      if (node.isTypeOnly) continue;
      const named = node.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
    }
    found.push(path.resolve(path.dirname(file), node.moduleSpecifier.text));
  }
  return found;
}

/**
 * Imports that still close a runtime cycle between two features' public entries, each with why
 * (docs/architecture.md, "Import cycles", says what would remove them). Every other cycle fails,
 * and so does an entry that no longer closes one, so the list stays true.
 */
const KNOWN_CYCLES: Record<string, string> = {
  'src/membership/members.ts -> src/lists/index.ts':
    'a membership carries the member’s delivery choice, kept by lists (list_subscriptions), while lists checks membership for who may post, read and moderate',
};

/**
 * No runtime import cycle (issue 20: lists/incoming.ts and lists/moderation.ts imported each
 * other; later lists/moderation.ts reached itself again through archives' and lists' public
 * entries). In a cycle, load order matters: a module can run before one it uses has finished
 * loading, and a feature's public entry pulls in the whole feature.
 */
test('no runtime import cycle among the modules under src/, but those listed in KNOWN_CYCLES', () => {
  const files = sourceFiles().filter((file) => !/\.test\.tsx?$/.test(file));
  const known = new Set(files);
  const imports = new Map(files.map((file) => [file, runtimeImportsOf(file).filter((f) => known.has(f))]));
  const allowed = (from: string, to: string) => `${rel(from)} -> ${rel(to)}` in KNOWN_CYCLES;
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) if (!allowed(file, next)) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  const reaches = (from: string, to: string) => {
    const seen = new Set([from]);
    const todo = [from];
    while (todo.length)
      for (const next of imports.get(todo.pop()!) ?? [])
        if (!seen.has(next)) {
          seen.add(next);
          todo.push(next);
        }
    return seen.has(to);
  };
  for (const key of Object.keys(KNOWN_CYCLES)) {
    const [from, to] = key.split(' -> ').map((f) => path.join(ROOT, f)) as [string, string];
    if (!imports.get(from)?.includes(to) || !reaches(to, from))
      cycles.push(`KNOWN_CYCLES lists "${key}", which no longer closes a cycle: remove it (and from docs/architecture.md).`);
  }
  assert.deepEqual(
    cycles,
    [],
    `\nThese modules load each other (import type does not count):\n${cycles.join('\n')}\nMove what both need into a third module (src/web or src/platform when features share it), or import the one file needed instead of a public entry that loads the whole feature.\n`,
  );
});

/** Functions over `limit` lines in a file: the outermost ones (a route plugin's inner function is its own). */
function longFunctions(file: string, limit: number): Array<{ name: string; line: number; lines: number }> {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: Array<{ name: string; line: number; lines: number }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const lines = source.getLineAndCharacterOfPosition(node.getEnd()).line - start + 1;
      if (lines > limit) {
        const named = (node as { name?: ts.Node }).name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined);
        found.push({ name: named?.getText(source) ?? '(a callback)', line: start + 1, lines });
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('functions over 100 lines (information: the known debt is listed in docs/architecture.md)', (t) => {
  const long = sourceFiles()
    .filter((file) => !/\.test\.tsx?$/.test(file))
    .flatMap((file) => longFunctions(file, 100).map((f) => ({ ...f, file: rel(file) })))
    .sort((a, b) => b.lines - a.lines);
  t.diagnostic(`${long.length} functions over 100 lines under src/`);
  for (const f of long) t.diagnostic(`${f.lines} lines: ${f.file}:${f.line} ${f.name}`);
});

/**
 * Features own their tables (issue 20): SQL in a feature's code (not its migrations, not tests)
 * names another feature's table only where listed here, with why; SQL in src/platform and src/web
 * names no feature's table at all. Tables are those a feature's migrations create (`create table`,
 * `create view`, but see OWNED_SINCE_CREATED); the platform's (audit_log, mail_queue,
 * rate_events, …) are for everyone, through src/platform. docs/architecture.md ("Table ownership") explains them.
 * An entry that is no longer needed fails too, so the list stays true.
 */
const SHARED_TABLES: Record<string, string> = {
  members: 'a person (name, address): shown beside what they did, in the same query',
  communities: 'a community (slug, title): shown beside its rows, in the same query',
  memberships: 'whether someone is an active member, coordinator or moderator of a community: the access check joined into the query it guards',
};
const CROSS_TABLE_READS: Record<string, string> = {
  'archives -> posts': 'the archive is made from the list’s accepted posts (number, thread, raw message), in bulk',
  'archives -> lists': 'an archive is a list’s: its address, name, group and whether it is public',
  'archives -> incoming_messages': 'a post written on the web enters the listserv as an incoming message (web-post.ts)',
  'archives -> list_members': 'who may read a list’s archive feed: the lists feature’s roster view, its public read of who is on a list',
  'archives -> working_group_members': 'who reads a group list’s archive as a member, with the coordinators (site-search.ts)',
  'events -> working_groups': 'a group’s meetings are events (events.group_id)',
  'events -> working_group_members': 'a group’s leads run its meetings',
  'groups -> library_articles': 'deliverables reference library rows by foreign key, shown with their titles',
  'groups -> library_guides': 'deliverables reference library rows by foreign key, shown with their titles',
  'lists -> working_groups': 'a group’s list is named after its group',
  'lists -> working_group_members':
    'a group’s list: who is on it and its leads (owner address, moderation); leaving it is the groups feature’s (leaveGroupList in its descriptor)',
  'metrics -> posts': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> lists': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> bounce_events': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> archive_entries': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> archive_threads': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> event_communities': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> event_occurrences': 'the daily roll-ups count every feature’s rows in one statement a day',
  'metrics -> event_registrations': 'the daily roll-ups count every feature’s rows in one statement a day',
  'speakers -> events': 'a consultation or a speaker request is about an event',
};

/**
 * Tables whose owner is not the folder whose migration created them. Migrations that have run are
 * never edited (installs have applied them), so a table that changed hands is recorded here; a
 * later change to it goes in the new owner's migrations/.
 */
const OWNED_SINCE_CREATED: Record<string, { owner: string; why: string }> = {
  rate_events: {
    owner: 'platform',
    why: 'membership’s 0005_joining.sql created it for the join and sign-in limits; it is the platform’s shared rate limit (src/platform/rate-limit.ts), used by joining, signing in, web posts, event registration and speaker requests',
  },
};

function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const feature of [...features, 'platform']) {
    const dir = path.join(SRC, feature, 'migrations');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.sql'))
      .sort()) {
      for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/create\s+(?:table|view)\s+(?:if\s+not\s+exists\s+)?(\w+)/gi)) {
        if (!owners.has(m[1]!.toLowerCase())) owners.set(m[1]!.toLowerCase(), feature);
      }
    }
  }
  for (const [table, { owner }] of Object.entries(OWNED_SINCE_CREATED)) {
    assert.ok(owners.has(table) && owners.get(table) !== owner, `OWNED_SINCE_CREATED lists ${table}, which no other folder's migration creates: remove it.`);
    owners.set(table, owner);
  }
  return owners;
}

test('features own their tables: SQL names another feature’s table only where listed, with why; src/platform and src/web name none', () => {
  const owners = tableOwners();
  const problems: string[] = [];
  const used = new Set<string>();
  for (const file of sourceFiles()) {
    const feature = rel(file).split('/')[1]!;
    if (feature === 'app' || feature === 'cli' || /\.test\.tsx?$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:from|join|into|update|table)\s+(\w+)/gi)) {
      const table = m[1]!.toLowerCase();
      const owner = owners.get(table);
      if (!owner || owner === 'platform') continue;
      if (feature === 'platform' || feature === 'web') {
        const line = text.slice(0, m.index).split('\n').length;
        problems.push(
          `${rel(file)}:${line} names ${table}, a table of ${owner}: src/${feature} knows no feature. Let ${owner} hand over what is needed in its descriptor, or move the code into src/${owner}.`,
        );
        continue;
      }
      if (owner === feature || table in SHARED_TABLES) continue;
      const key = `${feature} -> ${table}`;
      used.add(key);
      if (!(key in CROSS_TABLE_READS)) {
        const line = text.slice(0, m.index).split('\n').length;
        problems.push(
          `${rel(file)}:${line} names ${table}, a table of ${owner}: call ${owner}'s read or write functions (src/${owner}/index.ts) instead, or list it in CROSS_TABLE_READS with why.`,
        );
      }
    }
  }
  for (const key of Object.keys(CROSS_TABLE_READS))
    if (!used.has(key)) problems.push(`CROSS_TABLE_READS lists "${key}", which no code does any more: remove it (and from docs/architecture.md).`);
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
});

/**
 * A page never reports missing what another process is working on. `archivePending` claims posts
 * with SKIP LOCKED, so a caller passes over a post the worker (or a second request) is archiving
 * at that moment: a page that used it answered 404 for a post just sent (a double click). Pages,
 * feeds and filters call `archiveListSettled`, which waits for those; only the worker's job and
 * `archiveListSettled` itself may call `archivePending`.
 */
test('only the archiver job claims posts past those another process holds (pages wait for them)', () => {
  const allowed = new Set(['src/archives/jobs.ts', 'src/archives/archiver.ts']);
  const callers = sourceFiles()
    .filter((file) => !/\.test\.tsx?$/.test(file) && /\barchivePending\s*\(/.test(readFileSync(file, 'utf8')))
    .map(rel)
    .filter((file) => !allowed.has(file));
  assert.deepEqual(callers, [], 'these call archivePending, which skips posts being archived elsewhere: call archiveListSettled');
});
