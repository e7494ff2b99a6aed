/** `npm start` as a new user runs it: embedded PostgreSQL under the data folder, printed URL, Ctrl-C. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { startEmbedded } from '../../src/platform/db/embedded.ts';
import { CAN_RELEASE } from '../../src/platform/idle-memory.ts';
import { removeDir, runCli, runCliProcess, startServe, tempDir, waitFor } from '../helpers.ts';

const dir = tempDir();
after(() => removeDir(dir));

test('serve starts the embedded database, seeds, prints its URL, and stops cleanly on Ctrl-C', async () => {
  const env = { SOCIALGOV_DATA_DIR: dir };
  const first = await startServe(env);
  try {
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(first.output(), /Creating the embedded PostgreSQL database/);
    assert.match(first.output(), /Created the Social Media Community of Practice \(first start\)/);
    const pidFile = path.join(dir, 'pg', 'postmaster.pid');
    const pgPort = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
    assert.notEqual(pgPort, 5432, 'the embedded database never takes 5432');
    // Its processes: no logical replication launcher (nothing replicates into it), the rest as usual.
    const postmaster = readFileSync(pidFile, 'utf8').split('\n')[0]!;
    const pgProcesses = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === postmaster ? [readFileSync(`/proc/${d}/cmdline`, 'utf8')] : [];
        } catch {
          return []; // ended while we looked
        }
      });
    assert.ok(
      pgProcesses.some((c) => c.includes('autovacuum launcher')),
      pgProcesses.join('\n'),
    );
    assert.ok(!pgProcesses.some((c) => c.includes('logical replication launcher')), pgProcesses.join('\n'));
    // WAL buffers of 1 MB, not the 1/32 of shared_buffers PostgreSQL would take (src/platform/db/embedded.ts)
    // attached as the CLI is (the server is running: nothing is started)
    const attached = await startEmbedded(dir, 0);
    const pgClient = new pg.Client({ connectionString: attached.url });
    await pgClient.connect();
    try {
      const setting = async (name: string) => (await pgClient.query<Record<string, string>>(`show ${name}`)).rows[0]![name];
      assert.equal(await setting('wal_buffers'), '1MB');
      // and sized for one machine's install, not PostgreSQL's general defaults (100, 128MB)
      assert.equal(await setting('max_connections'), '40');
      assert.equal(await setting('shared_buffers'), '32MB');
    } finally {
      await pgClient.end();
    }
    const html = await (await fetch(`${first.url}/communities/social-media`)).text();
    assert.ok(html.includes('<h1>Social Media</h1>'));
    assert.ok(/<span class="sg-count">0<\/span>/.test(html), 'live member count of 0');

    // A CLI command while the server runs attaches to the same embedded database.
    const list = await runCli(['communities', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /social-media\s+Social Media\s+0\s+featured/);
    assert.ok(existsSync(pidFile), 'the CLI left the running database alone');
  } finally {
    const code = await first.stop('SIGINT');
    assert.equal(code, 0, first.output());
  }
  assert.match(first.output(), /Stopped\./);
  assert.ok(!existsSync(path.join(dir, 'pg', 'postmaster.pid')), 'the embedded PostgreSQL stopped too');

  // The second start keeps the data and does not seed again.
  const second = await startServe({ ...env, IDLE_MEMORY_SECONDS: '1', LOG_LEVEL: 'debug' });
  try {
    assert.doesNotMatch(second.output(), /Creating the embedded|first start/);
    const api = (await (await fetch(`${second.url}/api/v1/communities`)).json()) as { total: number };
    assert.equal(api.total, 1);
    // Left alone, it gives memory back (src/platform/idle-memory.ts; not on Node 20), and still
    // serves after.
    if (CAN_RELEASE) {
      const line = await waitFor('the idle collection', async () => /\{[^\n]*"msg":"idle: memory given back"[^\n]*\}/.exec(second.output())?.[0]);
      const figures = JSON.parse(line) as { heapBeforeMb: number; heapAfterMb: number };
      assert.ok(figures.heapAfterMb < figures.heapBeforeMb - 5, line);
    } else {
      await new Promise((r) => setTimeout(r, 3000));
      assert.doesNotMatch(second.output(), /idle: memory given back/);
    }
    assert.equal((await fetch(`${second.url}/communities/social-media`)).status, 200);
  } finally {
    assert.equal(await second.stop('SIGTERM'), 0);
  }
});

test('a port already in use gives one clear line and exit 1', async () => {
  const other = await startServe({ SOCIALGOV_DATA_DIR: dir });
  try {
    const port = new URL(other.url).port;
    const r = await runCliProcess(['serve'], { SOCIALGOV_DATA_DIR: dir, PORT: port });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`socialgov: Port ${port} on 127\\.0\\.0\\.1 is already in use\\. .*PORT=0 picks a free one`));
    assert.doesNotMatch(r.stderr, / {4}at /);
  } finally {
    await other.stop();
  }
});
