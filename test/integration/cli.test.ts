/** The `socialgov` command as an operator runs it, against a real PostgreSQL server database. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { SEED_FILE } from '../../src/communities/seed.ts';
import { cliTestEnv, HAS_SHARED, NO_SERVER, runCli, runCliProcess, SERVER_URL, SHARED } from '../helpers.ts';
import { nodeVerdict } from '../../bin/node-version.js';

const GOOD = `---
slug: plain-test
title: "Plain Language"
summary: "Write so people understand."
weight: 2
community_list:
  - platform: listserv
    type: "government only"
    subscribe_email: "plain-request@listserv.gsa.gov"
    members: 3,144
---
Plain language helps people find, understand and use what they need.
`;

/**
 * The test server's Unix socket folder and port, as the server reports them (its first
 * unix_socket_directories entry): where it listens differs between machines and packages.
 */
async function serverSocket(): Promise<{ dir: string; port: string } | undefined> {
  if (!SERVER_URL) return undefined;
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    const dirs = await c.query<{ unix_socket_directories: string }>('show unix_socket_directories');
    const port = await c.query<{ port: string }>('show port');
    const dir = dirs.rows[0]!.unix_socket_directories.split(',')[0]!.trim();
    return dir ? { dir, port: port.rows[0]!.port } : undefined;
  } finally {
    await c.end();
  }
}
const SOCKET = await serverSocket();
const NO_SOCKET = !SOCKET
  ? 'the test server has no Unix socket folder'
  : existsSync(path.join(SOCKET.dir, `.s.PGSQL.${SOCKET.port}`))
    ? false
    : `no PostgreSQL socket in ${SOCKET.dir} (the server's socket folder) on this machine`;

describe('socialgov CLI', { skip: NO_SERVER }, () => {
  let db: { url: string };
  let cleanup: (() => Promise<void>) | undefined;
  let dir: string;
  let env: Record<string, string>;
  const count = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query<{ n: number }>('select count(*)::int as n from communities')).rows[0]!.n;
    } finally {
      await c.end();
    }
  };

  before(async () => {
    const t = await cliTestEnv();
    db = { url: t.url };
    dir = t.dir;
    env = t.env;
    cleanup = t.cleanup;
  });
  after(async () => {
    await cleanup?.();
  });

  test('--help for the program and for each command', async () => {
    const top = await runCli(['--help'], env);
    assert.equal(top.code, 0);
    for (const word of ['serve', 'migrate', 'communities', 'db', 'Exit codes', 'DATABASE_URL']) assert.ok(top.stdout.includes(word), word);
    for (const cmd of [
      ['serve'],
      ['migrate'],
      ['communities', 'import'],
      ['communities', 'export'],
      ['communities', 'list'],
      ['communities', 'show'],
      ['db', 'backup'],
      ['db', 'restore'],
    ]) {
      const r = await runCli([...cmd, '--help'], env);
      assert.equal(r.code, 0, cmd.join(' '));
      assert.match(r.stdout, /Usage: socialgov/);
    }
  });

  test('usage mistakes exit 2 with a pointer to --help', async () => {
    const r = await runCli(['communities', 'frobnicate'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    const r2 = await runCli(['communities', 'export'], env);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /Name a community/);
  });

  test('a bad setting or an unreachable database: one clear line and exit 1, no stack trace', async () => {
    const bad = await runCli(['communities', 'list'], { ...env, PORT: 'abc' });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'socialgov: setting PORT: "abc" is not a port number; use a whole number from 0 to 65535.');
    const down = await runCli(['communities', 'list'], { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(down.code, 1);
    assert.equal(down.stderr.trim().split('\n').length, 1, down.stderr);
    assert.match(down.stderr, /^socialgov: Cannot reach the database at 127\.0\.0\.1:1\/none .*Check DATABASE_URL/);
    assert.doesNotMatch(down.stderr, / {4}at /);
  });

  test('migrate applies once, then has nothing to do', async () => {
    const first = await runCli(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migration\(s\)\./);
    const again = await runCli(['migrate'], env);
    assert.match(again.stdout, /Nothing to do/);
    const status = await runCli(['migrate', '--status'], env);
    assert.match(status.stdout, /All migrations are applied/);
  });

  test('import: a bad file names its line and changes nothing; a good one imports', async () => {
    const good = path.join(dir, 'plain-test.md');
    const bad = path.join(dir, 'bad.md');
    writeFileSync(good, GOOD);
    writeFileSync(bad, GOOD.replace('slug: plain-test', 'slug: bad-one').replace('platform: listserv', 'platform: myspace'));
    const before = await count();
    const r = await runCli(['communities', 'import', good, bad], env);
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(`${bad}:7: error: community_list[1].platform "myspace" is not a known platform`), r.stderr);
    assert.match(r.stderr, /Nothing was imported/);
    assert.equal(await count(), before, 'nothing changed');

    const missing = await runCli(['communities', 'import', path.join(dir, 'nope.md')], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /nope\.md: no such file/);

    const dry = await runCli(['communities', 'import', '--dry-run', good], env);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /would create "plain-test"/);
    assert.equal(await count(), before);

    const ok = await runCli(['communities', 'import', good], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /"government only" read as "government_only"/);
    assert.match(ok.stderr, /\[1\/1\] .*plain-test\.md: created "plain-test"/);
    assert.match(ok.stdout, /1 created, 0 updated/);
    assert.equal(await count(), before + 1);
  });

  test('import of an existing slug is refused without --update, replaces with it', async () => {
    const file = path.join(dir, 'plain-test.md');
    writeFileSync(file, GOOD.replace('Write so people understand.', 'Write clearly.'));
    const refused = await runCli(['communities', 'import', file], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /a community "plain-test" already exists\.\nNothing was imported\. Add --update/);
    const shown = await runCli(['communities', 'show', 'plain-test', '--json'], env);
    assert.equal(JSON.parse(shown.stdout).summary, 'Write so people understand.');
    const updated = await runCli(['communities', 'import', '--update', file], env);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stdout, /0 created, 1 updated/);
    const after = JSON.parse((await runCli(['communities', 'show', 'plain-test', '--json'], env)).stdout);
    assert.equal(after.summary, 'Write clearly.');
    assert.equal(after.channels[0].reported.text, '3,144');
    const audit = new pg.Client({ connectionString: db.url });
    await audit.connect();
    const rows = (
      await audit.query(`select actor, source, action, before is not null as had_before from audit_log where subject_id = 'plain-test' order by id`)
    ).rows;
    await audit.end();
    assert.deepEqual(
      rows.map((r) => [r.source, r.action, r.had_before]),
      [
        ['cli', 'community.import', false],
        ['cli', 'community.import', true],
      ],
    );
    assert.match(rows[0].actor, /^cli:/);
  });

  test('list and show', async () => {
    const list = await runCli(['communities', 'list'], env);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^SLUG\s+NAME\s+MEMBERS\s+SHOWN\nplain-test\s+Plain Language\s+0\s+featured/);
    const show = await runCli(['communities', 'show', 'plain-test'], env);
    assert.match(show.stdout, /Members now: 0/);
    assert.match(show.stdout, /Earlier hand-typed figure: 3,144/);
    const none = await runCli(['communities', 'show', 'nope'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /There is no community "nope"\. See the slugs with: socialgov communities list --all/);
  });

  test('export round-trips through import', async () => {
    const out = path.join(dir, 'export.md');
    const r = await runCli(['communities', 'export', 'plain-test', '-o', out], env);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^---\n/);
    assert.match(text, /type: government_only/);
    assert.match(text, /members: 3,144/);
    const stdout = await runCli(['communities', 'export', 'plain-test'], env);
    assert.equal(stdout.stdout, text);
    const again = await runCli(['communities', 'import', '--update', out], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await runCli(['communities', 'export', 'plain-test'], env)).stdout, text);
    const all = await runCli(['communities', 'export', '--all', '--dir', path.join(dir, 'all')], env);
    assert.equal(all.code, 0, all.stderr);
    assert.ok(existsSync(path.join(dir, 'all', 'plain-test.md')));
  });

  test('the real seed page and digital.gov pages import', { skip: HAS_SHARED ? false : 'needs ../shared' }, async () => {
    const seed = path.join(SHARED, 'seeds', '002_b0339b9f98319cdb.txt');
    const files = ['_index.md', 'social-media.md', 'plain-language-community-of-practice.md', 'virtual-and-augmented-reality.md', 'apis.md'].map((f) =>
      path.join(SHARED, 'data/digitalgov/content/communities', f),
    );
    const r = await runCli(['communities', 'import', '--update', ...files], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /_index\.md: skipped: a Hugo section index, not a community page/);
    assert.match(r.stderr, /\[4\/4\]/);
    const s = await runCli(['communities', 'import', '--update', seed], env);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, /looks like text saved in the wrong encoding/);
    const shown = JSON.parse((await runCli(['communities', 'show', 'social-media', '--json'], env)).stdout);
    assert.equal(shown.channels[0].reported.text, '1,462');
    assert.equal(shown.memberCount, 0);
  });

  test('backup and restore, in both formats', async () => {
    for (const format of ['custom', 'sql']) {
      const file = path.join(dir, `backup.${format}`);
      const b = await runCli(['db', 'backup', '--format', format, '-o', file], env);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stdout, /Backup written/);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(`delete from communities where slug = 'plain-test'`);
      await c.end();
      const refused = await runCli(['db', 'restore', file], env);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /Run again with --yes/);
      const r = await runCli(['db', 'restore', file, '--yes'], env);
      assert.equal(r.code, 0, r.stderr);
      const shown = await runCli(['communities', 'show', 'plain-test', '--json'], env);
      assert.equal(shown.code, 0, `${format}: ${shown.stderr}`);
      assert.equal(JSON.parse(shown.stdout).summary, 'Write clearly.');
    }
    const dflt = await runCli(['db', 'backup'], env);
    assert.equal(dflt.code, 0, dflt.stderr);
    assert.match(dflt.stdout, new RegExp(`Backup written: ${dir}/backups/socialgov-\\d{8}-\\d{6}\\.dump`));
  });

  test('backup through a Unix socket named in DATABASE_URL (?host=): the client tools use it too', { skip: NO_SOCKET }, async () => {
    const u = new URL(env.DATABASE_URL!);
    // a host name that cannot be reached: only the socket can answer
    const viaSocket = `postgres://${u.username || 'postgres'}@nowhere.invalid:${SOCKET!.port}${u.pathname}?host=${encodeURIComponent(SOCKET!.dir)}`;
    const file = path.join(dir, 'socket-backup.dump');
    const b = await runCli(['db', 'backup', '-o', file], { ...env, DATABASE_URL: viaSocket });
    assert.equal(b.code, 0, b.stderr);
    assert.ok(existsSync(file));
  });

  test('library import: a YAML alias bomb is a file:line error, not a stack trace', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');
    const file = path.join(dir, 'content/news/2024-01-01-laughs.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `---\ntitle: Laughs\ndate: 2024-01-01\n${bomb}\n---\nbody\n`);
    const r = await runCli(['library', 'import', '--dry-run', file], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: error: the front matter uses its aliases \\(\\*name\\) too often to read safely`),
    );
    assert.doesNotMatch(r.stderr, /ReferenceError|\n\s+at /, 'no stack trace');
  });

  test('the built-in seed file is a valid import file', async () => {
    const r = await runCli(['communities', 'import', '--dry-run', '--update', SEED_FILE], env);
    assert.equal(r.code, 0, r.stderr);
  });

  // Last: its commands migrate the database, which the migrate test above expects untouched.
  test('as its own process: help, a usage mistake, a bad setting and a command give their exit codes', async () => {
    // Every other test here runs the commands in-process (main(argv, io)); this one starts Node.
    const help = await runCliProcess(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: socialgov/);
    for (const group of ['members', 'registry', 'archives', 'metrics']) assert.ok(help.stdout.includes(group), group);
    const verdict = nodeVerdict();
    if (verdict) assert.ok(help.stderr.includes(verdict.message), help.stderr);
    else assert.equal(help.stderr, '');
    assert.equal((await runCliProcess(['communities', 'frobnicate'], env)).code, 2);
    const bad = await runCliProcess(['communities', 'list'], { ...env, PORT: 'abc' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /socialgov: setting PORT: "abc" is not a port number/);
    const list = await runCliProcess(['communities', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /SLUG|No communities yet/);
  });
});
