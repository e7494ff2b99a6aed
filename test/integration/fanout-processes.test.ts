/**
 * Fan-out across real processes: `socialgov serve` is killed with SIGKILL in the middle of a
 * fan-out, twice, and restarted; then two worker processes share one fan-out. Every member must
 * end with the post, and no copy may be sent twice by two workers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startCountingSink, type CountingSink } from '../counting-sink.ts';
import { freshServerDatabase, NO_SERVER, removeDir, type ServeProcess, startServe, tempDir, waitFor } from '../helpers.ts';
import { addMembers, postMail } from '../list-helpers.ts';

const DOMAIN = 'lists.test.gov';

function smtpPortOf(serve: ServeProcess): number {
  const m = /SMTP on 127\.0\.0\.1:(\d+)/.exec(serve.output());
  if (!m) throw new Error(`no SMTP port in:\n${serve.output()}`);
  return Number(m[1]);
}

async function deliveryCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(`select status, count(*)::int as n from deliveries group by status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

describe('fan-out survives kill -9 and shares work between processes', { skip: NO_SERVER }, () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let sink: CountingSink;
  let dir: string;
  const running: ServeProcess[] = [];

  before(async () => {
    db = await freshServerDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    // Dropping the database at the end ends any connection still open; that is not a failure.
    pool.on('error', () => undefined);
    sink = await startCountingSink({ delayMs: 2 });
    dir = tempDir();
  });
  after(async () => {
    for (const s of running) if (s.child.exitCode === null) await s.stop('SIGKILL');
    await pool?.end();
    await sink?.close();
    await db?.drop();
    if (dir) removeDir(dir);
  });

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    SOCIALGOV_DATA_DIR: dir,
    SMTP_URL: sink.url,
    LIST_DOMAIN: DOMAIN,
    SMTP_IN_PORT: '0',
    RELAY_CONNECTIONS: '4',
    LOG_LEVEL: 'warn',
    ...extra,
  });

  test('kill -9 twice mid fan-out: every member ends with the post, none lost', async () => {
    let serve = await startServe(env());
    running.push(serve);
    const members = Array.from({ length: 1500 }, (_, i) => `m${String(i).padStart(4, '0')}@agency.gov`);
    await addMembers(pool, 'social-media', members);
    await postMail({
      port: smtpPortOf(serve),
      from: 'm0000@agency.gov',
      to: `social-media@${DOMAIN}`,
      subject: 'Crash test',
      text: 'One copy each.',
      messageId: '<crash@agency.gov>',
    });
    const kills: number[] = [];
    for (const at of [300, 900]) {
      await waitFor(`${at} copies`, async () => sink.total() >= at, 60_000);
      await serve.stop('SIGKILL');
      kills.push(sink.total());
      serve = await startServe(env());
      running.push(serve);
    }
    let counts: Record<string, number> = {};
    await waitFor('all delivered', async () => (counts = await deliveryCounts(pool)).sent === members.length, 120_000).catch((err: Error) => {
      // what was left, for whoever reads the failure (seen once, on Node 24 in CI, not reproduced)
      throw new Error(`${err.message}; deliveries by status: ${JSON.stringify(counts)}`);
    });
    const missing = members.filter((m) => !sink.copies.get(m));
    assert.deepEqual(missing, [], 'no member lost the post');
    const extra = members.reduce((n, m) => n + ([...sink.copies.get(m)!.values()][0]! - 1), 0);
    for (const m of members) assert.deepEqual([...sink.copies.get(m)!.keys()], ['<crash@agency.gov>'], `${m} got one message`);
    // A copy the relay took in the instant before the kill, not yet recorded, goes again with the
    // same Message-ID: at most about ten per connection at each kill (delivery-runner.ts says why).
    assert.ok(extra <= kills.length * 10 * 4, `resent copies: ${extra}`);
    process.stdout.write(`# killed at ${kills.join(' and ')} copies; ${extra} copies resent after the kills\n`);
    assert.equal((await deliveryCounts(pool)).sending, undefined, 'no delivery left claimed');
    await serve.stop('SIGTERM');
  });

  test('two worker processes share one fan-out without sending a copy twice', async () => {
    // nothing left over from the test above may take part
    for (const s of running.splice(0)) if (s.child.exitCode === null) await s.stop('SIGKILL');
    const web = await startServe(env());
    running.push(web);
    const second = await startServe(env({ SOCIALGOV_ROLES: 'worker' }));
    running.push(second);
    const members = Array.from({ length: 2000 }, (_, i) => `w${String(i).padStart(4, '0')}@agency.gov`);
    await addMembers(pool, 'social-media', members);
    await pool.query(`update memberships set status = 'left' where member_id in (select id from members where email like 'm%@agency.gov')`);
    await postMail({
      port: smtpPortOf(web),
      from: 'w0000@agency.gov',
      to: `social-media@${DOMAIN}`,
      subject: 'Shared',
      text: 'Two workers.',
      messageId: '<shared@agency.gov>',
    });
    const { rows: post } = await waitFor('post planned', async () => {
      const r = await pool.query(`select id from posts where message_id = '<shared@agency.gov>' and planned_at is not null`);
      return r.rows.length ? r : undefined;
    });
    const postId = post[0].id;
    await waitFor(
      'all delivered',
      async () => {
        const r = await pool.query(`select count(*)::int as n from deliveries where ref_id = $1 and status = 'sent'`, [postId]);
        return r.rows[0].n === members.length;
      },
      120_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    for (const m of members) assert.equal(sink.copies.get(m)?.get('<shared@agency.gov>'), 1, `${m} got exactly one copy`);
    const runners = await pool.query(`select split_part(claimed_by, ':', 2) as pid, count(*)::int as n from deliveries where ref_id = $1 group by 1`, [postId]);
    assert.equal(runners.rows.length, 2, `both workers sent copies: ${JSON.stringify(runners.rows)}`);
    await second.stop('SIGTERM');
    await web.stop('SIGTERM');
  });
});
