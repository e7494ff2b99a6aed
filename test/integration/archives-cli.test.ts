/** `socialgov archives import|export` as a coordinator runs them: progress, clear errors, nothing half done. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { BIN, cliTestEnv, NO_SERVER, ROOT, runCli } from '../helpers.ts';
import { mboxOf, type TestMail } from '../archive-helpers.ts';

const MAILS: TestMail[] = [
  { id: 'one@x', from: 'Jo <jo@agency.gov>', subject: 'First', date: '2024-03-04T15:00:00Z', text: 'From the top.\nOne.' },
  { id: 'two@x', from: 'Al <al@agency.gov>', subject: 'Re: First', date: '2024-03-05T15:00:00Z', inReplyTo: 'one@x', text: 'Two.' },
  { id: 'three@x', from: 'Bea <bea@agency.gov>', subject: 'April', date: '2024-04-05T15:00:00Z', text: 'Three.' },
];

/** Run the CLI with stdout going to a file (the export is binary). */
function runToFile(args: string[], env: Record<string, string>, file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const fd = openSync(file, 'w');
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr });
    });
  });
}

describe('socialgov archives', { skip: NO_SERVER }, () => {
  let t: Awaited<ReturnType<typeof cliTestEnv>>;
  before(async () => {
    t = await cliTestEnv();
    assert.equal((await runCli(['migrate'], t.env)).code, 0);
    const db = new pg.Client({ connectionString: t.url });
    await db.connect();
    await db.query("insert into communities (slug, title) values ('social-media', 'Social Media')");
    await db.end();
  });
  after(async () => t?.cleanup());

  test('import: progress, a report, and the same file again adds nothing', async () => {
    const file = path.join(t.dir, 'old-archive.mbox.gz');
    writeFileSync(file, gzipSync(mboxOf(MAILS)));
    const r = await runCli(['archives', 'import', 'social-media', file], t.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Reading messages: 100% \(3\/3\)/);
    assert.match(r.stderr, /Threading and indexing: 100% \(3\/3\)/);
    assert.match(r.stdout, /3 message\(s\) in the file; 3 imported as messages 1–3; 0 already in the archive/);
    const again = await runCli(['archives', 'import', 'social-media', file], t.env);
    assert.match(again.stdout, /0 imported; 3 already in the archive \(skipped\)/);
  });

  test('import errors say what to do, and change nothing', async () => {
    const bad = path.join(t.dir, 'members.csv');
    writeFileSync(bad, 'email,name\njo@agency.gov,Jo\n');
    const r = await runCli(['archives', 'import', 'social-media', bad], t.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /This is not an mbox file: it should start with a line beginning "From " but starts with "email,name"\..* Nothing was imported\./);
    assert.match((await runCli(['archives', 'import', 'social-media', path.join(t.dir, 'missing.mbox')], t.env)).stderr, /no such file; check the path/);
    const noList = await runCli(['archives', 'import', 'nope', bad], t.env);
    assert.equal(noList.code, 2);
    assert.match(noList.stderr, /There is no list "nope"\. Lists: social-media\./);
  });

  test('export: a month as gzip mboxrd that Python and mutt read', async () => {
    const file = path.join(t.dir, 'march.mbox.gz');
    const r = await runToFile(['archives', 'export', 'social-media', '--month', '2024-03'], t.env, file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Exported 2 message\(s\)\./);
    const mbox = path.join(t.dir, 'march.mbox');
    writeFileSync(mbox, gunzipSync(readFileSync(file)));
    const out = execFileSync(
      'python3',
      ['-c', 'import mailbox,sys\nfor m in mailbox.mbox(sys.argv[1]): print(m["Subject"], "|", m.get_payload().splitlines()[0])', mbox],
      { encoding: 'utf8' },
    );
    // Python reads the mboxrd quoting of a body line "From " as it is (">From"), as mboxo readers do
    assert.deepEqual(out.trim().split('\n'), ['First | >From the top.', 'Re: First | Two.']);
    if (existsSync('/usr/bin/mutt') && existsSync('/usr/bin/script')) {
      // mutt needs a terminal: `script` gives it one; it lists the mailbox and quits.
      const rc = path.join(t.dir, 'muttrc');
      writeFileSync(rc, `set folder=${t.dir}\nset spoolfile=${mbox}\nset record=/dev/null\nset move=no\nset quit=yes\n`);
      const screen = execFileSync('script', ['-qc', `mutt -R -F ${rc} -f ${mbox} -e 'push <exit>'`, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, TERM: 'xterm' },
        timeout: 20_000,
      });
      assert.match(screen, /Msgs:2 /, 'mutt reads both messages');
      assert.match(screen, /\) First/);
      assert.match(screen, /└─>/, 'mutt threads the reply under it');
    }
    const range = path.join(t.dir, 'range.mbox.gz');
    assert.equal((await runToFile(['archives', 'export', 'social-media', '--from', '2024-03-05', '--to', '2024-04-30'], t.env, range)).code, 0);
    assert.equal(
      gunzipSync(readFileSync(range))
        .toString()
        .match(/^From /gm)?.length,
      2,
    );
    const bad = await runCli(['archives', 'export', 'social-media', '--month', '2024-3'], t.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /“2024-3” is not a month\. Write the month as YYYY-MM/);
    const none = await runToFile(['archives', 'export', 'social-media', '--month', '2020-01'], t.env, path.join(t.dir, 'none.gz'));
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Nothing was posted to social-media in that time/);
  });

  test('rederive: entries queued by an upgrade are read again; nothing queued, nothing to do', async () => {
    const db = new pg.Client({ connectionString: t.url });
    await db.connect();
    try {
      await db.query(`update archive_entries set search = to_tsvector('simple', 'stale')`);
      await db.query('insert into archive_rederive (post_id, list_id) select post_id, list_id from archive_entries');
      const r = await runCli(['archives', 'rederive', 'social-media'], t.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Reading messages again: 100% \(3\/3\)/);
      assert.match(r.stdout, /3 message\(s\) read again; the archive is up to date\./);
      const { rows } = await db.query(`select count(*)::int as n from archive_entries where search @@ to_tsquery('english', 'top')`);
      assert.equal(rows[0].n, 1, 'the search vector is made again');
      assert.match((await runCli(['archives', 'rederive'], t.env)).stdout, /Nothing to do: the archive is up to date\./);
      assert.match((await runCli(['archives', 'rederive', 'nope'], t.env)).stderr, /There is no list "nope"/);
    } finally {
      await db.end();
    }
  });
});
