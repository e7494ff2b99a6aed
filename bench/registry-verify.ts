/**
 * Verify throughput and p99 latency on 20,000 registered accounts with 64 concurrent clients,
 * compared in the same run with the server's own /healthz (the framework ceiling).
 * Run: node --import tsx bench/registry-verify.ts   (TEST_DATABASE_URL set: a fresh database on
 * that server; otherwise an embedded PostgreSQL in a temporary folder). BENCH_SECONDS sets the
 * measured seconds per endpoint (default 10); BENCH_ACCOUNTS the number of accounts (20000).
 * The server runs as `socialgov serve` in its own process; this process only sends requests.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ensureBuiltinPlatforms } from '../src/registry/platform-store.ts';
import { SERVER_URL, startServe, testDatabaseEnv } from '../test/helpers.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20_000);
const CLIENTS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const PLATFORMS = ['x', 'youtube', 'instagram', 'facebook'] as const;

function handle(i: number): string {
  return `agency${i.toString(36)}acct`;
}

/** An address for account i in one of the forms people paste. */
function addressOf(i: number, variant: number): string {
  const h = handle(i);
  const p = PLATFORMS[i % PLATFORMS.length]!;
  if (p === 'x') return [`https://twitter.com/${h.toUpperCase()}/`, `https://x.com/${h}?s=20`, `https://mobile.x.com/${h}`][variant % 3]!;
  if (p === 'youtube') return [`https://www.youtube.com/@${h}`, `https://m.youtube.com/@${h}/videos`][variant % 2]!;
  if (p === 'instagram') return `https://www.instagram.com/${h}/`;
  return `https://m.facebook.com/${h}?ref=bookmarks`;
}

async function seed(url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await ensureBuiltinPlatforms(pool);
    const agency = await pool.query<{ id: number }>(
      `insert into registry_agencies (name, level, slug) values ('Bench Agency', 'department', 'bench-agency') returning id`,
    );
    const agencyId = agency.rows[0]!.id;
    const canonical: Record<string, (h: string) => string> = {
      x: (h) => `https://x.com/${h}`,
      youtube: (h) => `https://www.youtube.com/@${h}`,
      instagram: (h) => `https://www.instagram.com/${h}`,
      facebook: (h) => `https://www.facebook.com/${h}`,
    };
    for (let start = 0; start < ACCOUNTS; start += 1000) {
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < Math.min(ACCOUNTS, start + 1000); i++) {
        const p = PLATFORMS[i % PLATFORMS.length]!;
        const h = handle(i);
        params.push(`Account ${i}`, p, `@${h}`, p === 'youtube' ? `@${h}` : h, canonical[p]!(h));
        const k = params.length;
        tuples.push(`('account', 'published', $${k - 4}, $${k - 3}, $${k - 2}, $${k - 1}, $${k}, 'bench', now(), now())`);
      }
      const ids = await pool.query<{ id: number }>(
        `insert into registry_records (kind, status, name, platform_key, account, account_key, url, created_by, published_at, last_reviewed_at) values ${tuples.join(', ')} returning id`,
        params,
      );
      await pool.query('insert into registry_record_agencies (record_id, agency_id) select unnest($1::bigint[]), $2', [ids.rows.map((r) => r.id), agencyId]);
      process.stderr.write(`\rSeeded ${Math.min(ACCOUNTS, start + 1000)}/${ACCOUNTS} accounts`);
    }
    process.stderr.write('\n');
    await pool.query('analyze registry_records');
  } finally {
    await pool.end();
  }
}

interface Result {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

async function load(base: string, path: (n: number) => string, check: (body: string) => boolean, seconds: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(base + path(n++));
          const body = await res.text();
          if (res.status !== 200 || !check(body)) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

function line(name: string, r: Result): string {
  return `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   ${r.requests} requests, ${r.errors} errors`;
}

async function main(): Promise<void> {
  if (!SERVER_URL)
    throw new Error('Set TEST_DATABASE_URL (a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test): the benchmark seeds the database directly.');
  const database = await testDatabaseEnv();
  const server = await startServe({ ...database.env, LOG_LEVEL: 'warn', SOCIALGOV_SEED: 'false', REGISTRY_RATE_LIMIT: '10000000', SOCIALGOV_ROLES: 'web' });
  try {
    await seed(database.env.DATABASE_URL!);
    const health = (_n: number) => '/healthz';
    const verify = (n: number) => `/api/v1/registry/verify?url=${encodeURIComponent(addressOf((n * 7919) % ACCOUNTS, n))}`;
    const isVerified = (b: string) => b.startsWith('{"verified":true');
    console.log(
      `Registry verify benchmark: ${ACCOUNTS} published accounts, ${CLIENTS} concurrent clients, ${SECONDS} s per endpoint (after ${WARMUP_SECONDS} s warm-up)`,
    );
    await load(server.url, health, () => true, WARMUP_SECONDS);
    const h = await load(server.url, health, (b) => b.includes('"ok"'), SECONDS);
    await load(server.url, verify, isVerified, WARMUP_SECONDS);
    const v = await load(server.url, verify, isVerified, SECONDS);
    console.log(line('GET /healthz', h));
    console.log(line('GET /api/v1/registry/verify', v));
    const ratio = v.rps / h.rps;
    console.log(`verify / health throughput: ${(ratio * 100).toFixed(1)} % (target >= 50 %) ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
    if (v.errors) console.log(`Note: ${v.errors} verify answers were not "verified: true"; check the seeding.`);
  } finally {
    await server.stop();
    await database.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
