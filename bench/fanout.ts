/**
 * Fan-out benchmark: one post to N members (default 1,000 / 10,000 / 50,000), each copy
 * personalized (VERP sender, one-click unsubscribe) and DKIM-signed (RSA 2048), handed over
 * pooled SMTP to a loopback sink. Reports seconds, messages/s and peak RSS, and — when Postfix's
 * smtp-source and smtp-sink are installed (Debian `postfix`) — the ratio to `smtp-source -d`
 * sending the same number of same-sized messages into the same sink in the same run.
 *
 *   npm run bench -- fanout [--sizes=1000,10000] [--connections=5] [--lanes=40] [--threads=1]
 *                           [--key=rsa|ed25519|both] [--no-dkim]
 * (--key=both signs each copy twice, RSA and Ed25519, as DKIM_SELECTOR=a,b does; the floor counts the RSA signature)
 * With DKIM it also measures one private-key signature here and prints the "signing floor": the
 * time signing alone would take with every core signing and nothing else running.
 * Database: BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created on that
 * server), else an embedded PostgreSQL in a temporary folder (the install's default).
 *
 * Besides the time it prints the database round trips per copy (every query any client sent),
 * and where the CPU went: this process, the embedded PostgreSQL, the sink and the rest of the
 * machine, so a run on a busy machine still says what our part cost.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadAppConfig } from '../src/app/settings.ts';
import { seedDefaultCommunity } from '../src/communities/seed.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { inTransaction } from '../src/platform/db/queryable.ts';
import type { ListContext } from '../src/lists/context.ts';
import { startDeliveryRunner } from '../src/lists/delivery-runner.ts';
import { planFanout } from '../src/lists/fanout.ts';
import { loadDkimKey } from '../src/lists/message/dkim.ts';
import { acceptPost } from '../src/lists/pipeline.ts';
import { createListRelay } from '../src/lists/relay.ts';
import { listByLocalPart } from '../src/lists/store.ts';
import { startCountingSink } from '../test/counting-sink.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SIZES = (arg('sizes') ?? '1000,10000,50000').split(',').map(Number);
const CONNECTIONS = Number(arg('connections') ?? 5);
let signMs = 0;
const DOMAIN = 'lists.bench.gov';
const SMTP_SINK = '/usr/sbin/smtp-sink';
const SMTP_SOURCE = '/usr/sbin/smtp-source';

/** CPU-seconds the whole machine spent busy so far (Linux /proc/stat), or undefined elsewhere. */
function machineBusy(): number | undefined {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return undefined;
  }
}

/** CPU-seconds one process has used so far (Linux /proc), or 0 when it is gone. */
function processCpu(pid: number): number {
  try {
    // the fields after the command name (which may hold spaces): utime is the 12th, stime the 13th
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU-seconds this process's main thread has used (the JavaScript of the hand-off; the signing threads are apart). */
function mainThreadCpu(): number {
  return processCpuOf(`/proc/self/task/${process.pid}/stat`);
}
function processCpuOf(file: string): number {
  try {
    const f = readFileSync(file, 'latin1')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes of a PostgreSQL cluster: its postmaster (from postmaster.pid) and its children. */
function clusterPids(pgDir: string): number[] {
  try {
    const postmaster = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'latin1').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          return (
            Number(
              readFileSync(`/proc/${pid}/stat`, 'latin1')
                .replace(/^.*\) /s, '')
                .split(' ')[1],
            ) === postmaster
          );
        } catch {
          return false;
        }
      });
    return [postmaster, ...children];
  } catch {
    return [];
  }
}

/** Counts every query any pg client sends (pool, transactions, the runner's own session). */
const roundTrips = { n: 0 };
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  roundTrips.n++;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof clientQuery;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function openBenchDatabase(): Promise<{ db: Database; pgDir?: string; cleanup(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (server) {
    const name = `socialgov_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${name}`;
    const db = await openDatabase(loadConfig({ DATABASE_URL: u.toString() } as NodeJS.ProcessEnv));
    return {
      db,
      async cleanup() {
        await db.close();
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'socialgov-bench-'));
  chmodSync(dir, 0o755);
  const db = await openDatabase(loadConfig({ SOCIALGOV_DATA_DIR: dir } as NodeJS.ProcessEnv));
  return { db, pgDir: path.join(dir, 'pg'), cleanup: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
}

function message(size: number): Buffer {
  const para = 'Agencies share what worked for captions, alt text and short video on social media this quarter. ';
  let body = '';
  while (body.length < size) body += `${para.repeat(3)}\r\n\r\n`;
  return Buffer.from(
    [
      'From: Pat Smith <pat@agency.gov>',
      `To: social-media@${DOMAIN}`,
      'Subject: Quarterly lessons learned',
      `Message-ID: <bench-${Date.now()}@agency.gov>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
    ].join('\r\n'),
  );
}

async function startSink(): Promise<{ url: string; port: number; kind: string; pid?: number; stop(): Promise<void> }> {
  if (existsSync(SMTP_SINK)) {
    const port = await freePort();
    // smtp-sink refuses to run as root without dropping to another user.
    const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const child = spawn(SMTP_SINK, [...asRoot, `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      const ok = await new Promise<boolean>((r) =>
        net
          .connect(port, '127.0.0.1')
          .on('connect', function (this: net.Socket) {
            this.destroy();
            r(true);
          })
          .on('error', () => r(false)),
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url: `smtp://127.0.0.1:${port}`, port, kind: 'Postfix smtp-sink', pid: child.pid, stop: async () => void child.kill() };
  }
  const sink = await startCountingSink();
  return { url: sink.url, port: sink.port, kind: 'smtp-server sink (in this process: Postfix not installed)', stop: () => sink.close() };
}

/** CPU-seconds of this process's ended and waited-for children (smtp-source). */
function childrenCpu(): number {
  const f = readFileSync('/proc/self/stat', 'latin1')
    .replace(/^.*\) /s, '')
    .split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}
let sourceCpu = 0;

function smtpSource(port: number, count: number, bytes: number): number | undefined {
  if (!existsSync(SMTP_SOURCE)) return undefined;
  const t0 = process.hrtime.bigint();
  const c0 = childrenCpu();
  const r = spawnSync(
    SMTP_SOURCE,
    ['-d', '-s', String(CONNECTIONS), '-m', String(count), '-l', String(bytes), '-f', 'bench@agency.gov', '-t', 'member@agency.gov', `127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  if (r.status !== 0) return undefined;
  sourceCpu = childrenCpu() - c0;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main() {
  const { db, pgDir, cleanup } = await openBenchDatabase();
  // Embedded: the whole cluster. A server: this database's backends (pg_stat_activity), each
  // counted from when it was first seen (a backend that ends during the run takes its CPU with it).
  const backends = new Map<number, number>();
  const serverCpu = async () => {
    const { rows } = await db.pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
    for (const { pid } of rows) if (!backends.has(pid)) backends.set(pid, processCpu(pid));
    let n = 0;
    for (const [pid, at] of backends) n += Math.max(processCpu(pid) - at, 0);
    return n;
  };
  const pgCpu = async () => (pgDir ? clusterPids(pgDir).reduce((n, pid) => n + processCpu(pid), 0) : serverCpu());
  const sinkCpu = () => (sink.pid ? processCpu(sink.pid) : undefined);
  const sink = await startSink();
  const config = loadAppConfig({
    SMTP_URL: sink.url,
    RELAY_CONNECTIONS: String(CONNECTIONS),
    LIST_DOMAIN: DOMAIN,
    LOG_LEVEL: 'silent',
    ...(arg('threads') ? { SIGNING_THREADS: arg('threads') } : {}),
  } as NodeJS.ProcessEnv);
  const ed25519 = arg('key') === 'ed25519';
  const both = arg('key') === 'both';
  if (arg('key') && !['rsa', 'ed25519', 'both'].includes(arg('key')!)) throw new Error('--key is rsa (RSA-2048, the default), ed25519, or both.');
  const { privateKey } = ed25519 ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pemOf = (k: typeof privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dkim = process.argv.includes('--no-dkim') ? [] : [loadDkimKey(DOMAIN, 'bench', pemOf(privateKey))];
  if (both && dkim.length) dkim.push(loadDkimKey(DOMAIN, 'benched', pemOf(generateKeyPairSync('ed25519').privateKey)));
  console.log(
    `fan-out: ${os.cpus().length} cores, ${CONNECTIONS} relay connections, ${dkim.length ? (ed25519 ? 'Ed25519 DKIM' : both ? 'RSA-2048 and Ed25519 DKIM' : 'RSA-2048 DKIM') : 'no DKIM'}, ${config.signingThreads} signing thread(s), sink: ${sink.kind}`,
  );
  if (dkim.length) {
    // The floor DKIM sets: one private-key signature per copy, measured here, now.
    const data = randomBytes(700);
    for (let i = 0; i < 50; i++) sign(ed25519 ? null : 'sha256', data, privateKey);
    const t = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) sign(ed25519 ? null : 'sha256', data, privateKey);
    const ms = Number(process.hrtime.bigint() - t) / 1e6 / 500;
    signMs = ms;
    console.log(
      `one ${ed25519 ? 'Ed25519' : 'RSA-2048'} signature: ${ms.toFixed(3)} ms on one core, so signing N copies needs N × ${ms.toFixed(3)} ms of CPU (10,000 copies: ${(ms * 10).toFixed(1)} s; on all ${os.cpus().length} cores at best ${((ms * 10) / os.cpus().length).toFixed(1)} s)`,
    );
  }
  console.log('members  seconds  msg/s   peak RSS MB  smtp-source -d s  ratio (ours/smtp-source msg/s)  signing floor s  ratio (floor/ours)');
  try {
    await migrate(db.pool);
    await seedDefaultCommunity(db.pool);
    const list = (await listByLocalPart(db.pool, 'social-media'))!;
    const ctx = {
      pool: db.pool,
      config,
      queue: { send: async () => null },
      domain: DOMAIN,
      baseUrl: 'https://socialgov.bench.gov',
      dkim,
      secret: 'bench-secret-'.repeat(3),
    } as unknown as ListContext;
    let have = 0;
    const cpuLines: string[] = [];
    const targetLines: string[] = [];
    for (const n of SIZES) {
      if (n > have) {
        await db.pool.query(
          `with m as (insert into members (email) select 'member' || g || '@agency.gov' from generate_series($1::int, $2::int) g returning id)
           insert into memberships (community_id, member_id, status) select $3, id, 'active' from m`,
          [have + 1, n, list.communityId],
        );
        have = n;
      }
      const raw = message(5000);
      const { postId } = await inTransaction(db.pool, (tx) =>
        acceptPost(tx, ctx, list, {
          incomingId: null,
          raw,
          messageId: `<bench-${n}@agency.gov>`,
          inReplyTo: null,
          references: [],
          subject: 'Quarterly lessons learned',
          fromAddress: 'pat@agency.gov',
          fromName: 'Pat Smith',
          memberId: null,
          sentAt: new Date(),
          auth: null,
        }),
      );
      // every pool session open before the clock starts, so each backend's CPU is counted from here
      const warm = await Promise.all(Array.from({ length: 10 }, () => db.pool.connect()));
      for (const c of warm) c.release();
      const runner = await startDeliveryRunner({
        pool: db.pool,
        relay: createListRelay(config),
        secret: ctx.secret,
        baseUrl: ctx.baseUrl,
        domain: DOMAIN,
        dkim,
        concurrency: Number(arg('lanes') ?? CONNECTIONS * 8),
        maxUnrecorded: CONNECTIONS * 8,
        signingThreads: config.signingThreads,
        log: () => undefined,
      });
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpu();
      const busy0 = machineBusy();
      const pg0 = await pgCpu();
      const sink0 = sinkCpu();
      const trips0 = roundTrips.n;
      await planFanout(db.pool, postId);
      // done when the runner finds nothing more to do and every copy is marked sent (asked once
      // each time it goes idle, or every second: polling the count would cost the database CPU)
      for (let waits = 0; ; waits++) {
        await Promise.race([runner.idle(), new Promise((r) => setTimeout(r, 1000))]);
        const { rows } = await db.pool.query(`select count(*)::int as n from deliveries where ref_id = $1 and status = 'sent'`, [postId]);
        if (rows[0].n >= n) break;
        if (waits % 10 === 9) {
          const stuck = await db.pool.query(`select status, count(*)::int as n, max(last_response) as last from deliveries where ref_id = $1 group by status`, [
            postId,
          ]);
          console.error(`  still waiting: ${JSON.stringify(stuck.rows)}`);
        }
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      const mainUsed = mainThreadCpu() - main0;
      const busy = busy0 === undefined ? undefined : machineBusy()! - busy0;
      // (backends that ended during the run take their CPU with them: a floor for PostgreSQL)
      const pgUsed = (await pgCpu()) - pg0;
      const sinkUsed = sink0 === undefined ? undefined : sinkCpu()! - sink0;
      const trips = roundTrips.n - trips0;
      await runner.close();
      const rss = process.resourceUsage().maxRSS / 1024;
      const sinkBefore = sinkCpu();
      const ref = smtpSource(sink.port, n, raw.length);
      const refSink = sinkBefore === undefined ? undefined : sinkCpu()! - sinkBefore;
      const ours = n / seconds;
      console.log(
        `${String(n).padStart(7)}  ${seconds.toFixed(2).padStart(7)}  ${ours.toFixed(0).padStart(6)}  ${rss.toFixed(0).padStart(11)}  ${ref ? ref.toFixed(2).padStart(16) : '(not installed)'.padStart(16)}  ${(ref ? (ours / (n / ref)).toFixed(3) : '-').padStart(30)}  ${(signMs ? ((signMs * n) / 1000 / os.cpus().length).toFixed(2) : '-').padStart(15)}  ${signMs ? ((signMs * n) / 1000 / os.cpus().length / seconds).toFixed(2) : '-'}`,
      );
      if (ref) {
        const floor = (signMs * n) / 1000 / os.cpus().length;
        targetLines.push(
          signMs
            ? `${String(n).padStart(7)}  beyond the signing floor: ${(seconds - floor).toFixed(2)} s = ${((seconds - floor) / ref).toFixed(2)} × smtp-source -d's ${ref.toFixed(2)} s (target ≤ 2)`
            : `${String(n).padStart(7)}  without DKIM: ${(ours / (n / ref)).toFixed(2)} of smtp-source -d's rate (target ≥ 0.5)`,
        );
      }
      // where the CPU went: this process (its threads sign) and the rest (PostgreSQL, the sink, anything else running)
      const ownCpu = (cpu.user + cpu.system) / 1e6;
      const known = ownCpu + pgUsed + (sinkUsed ?? 0);
      const parts = [
        `this process ${ownCpu.toFixed(2)} (its main thread ${mainUsed.toFixed(2)})`,
        `its PostgreSQL ${pgUsed.toFixed(2)}`,
        sinkUsed !== undefined ? `the sink ${sinkUsed.toFixed(2)}` : undefined,
      ].filter(Boolean);
      if (busy !== undefined)
        cpuLines.push(
          `${String(n).padStart(7)}  CPU-seconds: ${parts.join(', ')}, the rest of the machine ${Math.max(busy - known, 0).toFixed(2)}; ${os.cpus().length} cores × ${seconds.toFixed(2)} s = ${(os.cpus().length * seconds).toFixed(2)} available`,
        );
      if (ref)
        cpuLines.push(
          `${String(n).padStart(7)}  CPU-seconds of the reference: smtp-source ${sourceCpu.toFixed(2)}${refSink !== undefined ? `, the sink ${refSink.toFixed(2)}` : ''}`,
        );
      cpuLines.push(`${String(n).padStart(7)}  database round trips: ${trips} (${(trips / n).toFixed(3)} per copy)`);
    }
    for (const line of cpuLines) console.log(line);
    for (const line of targetLines) console.log(line);
  } finally {
    await sink.stop();
    await cleanup();
  }
}

main().catch((err) => {
  console.error(`fan-out benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
