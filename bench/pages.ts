/**
 * Pages benchmark: how many requests a second each public page serves, and its 99th percentile
 * latency, at 64 connections (wrk, 2 threads, 6 s a page), against the same server's /healthz
 * measured in the same run (before the first page and after each: a page's ratio is to the mean of
 * the two around it); signed-in pages the same way as 64 members of the same standing, each
 * request with the next member's session cookie (and the CSRF cookie their first page gave them,
 * as a browser sends it back: see memberScript); and,
 * when nginx is installed, nginx serving the same bytes. Ends with the idle memory (PSS) of a
 * whole install: the program and its built-in PostgreSQL.
 * Targets (issue 22): public pages ≥ 0.5 of /healthz's rate with p99 ≤ 30 ms; signed-in pages
 * ≥ 0.25 of it; idle PSS ≤ 150 MB.
 *
 *   npm run bench -- pages [--seconds=6] [--connections=64] [--only=/archives] [--who=member] [--against=../main]
 *
 * --only keeps the pages whose path contains that text (several: --only=/archives,/library);
 * --dump=DIR writes each page as each side gets it to DIR, to look at what is sent;
 * --who=public or --who=member measures only that side; --profile=DIR writes the server's CPU
 * profile there (node --cpu-prof) when it stops, to open in Chrome DevTools or speedscope.
 * --against=DIR also starts DIR's build (another checkout, e.g. main) on the same database and
 * measures each page on both in turn, in the same minutes: on a busy machine the ratio between
 * the two, and the CPU time each server spent a request, move far less than the rates.
 *
 * Content: the digital.gov communities, events and library and the real list corpus from
 * ../shared/data when present (else the seeded community alone). Database: BENCH_DATABASE_URL or
 * TEST_DATABASE_URL (a fresh database there, dropped afterwards). Needs wrk (apt install wrk).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createSession, SESSION_COOKIE } from '../src/membership/sessions.ts';
import { idleMemoryLine, measureIdleMemory, programLine } from './memory.ts';
import { HAS_SHARED, runCliProcess, SHARED, startFlags, startServe, removeDir, type ServeProcess } from '../test/helpers.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SECONDS = Number(arg('seconds') ?? 6);
const CONNECTIONS = Number(arg('connections') ?? 64);
const ONLY = arg('only')?.split(',').filter(Boolean);
const WHO = arg('who');
const PROFILE = arg('profile');
const AGAINST = arg('against');
const DUMP = arg('dump');
if (WHO !== undefined && WHO !== 'public' && WHO !== 'member') throw new Error('--who is public or member.');
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find(existsSync);
const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find(existsSync);

interface Figure {
  rate: number;
  p99: number;
  errors: number;
  /** CPU time (user + system) the server process spent a request, in ms, when its pid is given. */
  cpuMs?: number;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** wrk's requests a second and 99th percentile (ms) for one address (`extra`: more of wrk's arguments); with `pid`, the server's CPU a request. */
function wrk(url: string, extra: string[] = [], pid?: number): Figure {
  const cpu0 = pid ? cpuSeconds(pid) : 0;
  const f = wrkRun(url, extra);
  if (pid) {
    const requests = Number(/(\d+) requests in/.exec(f.out)?.[1] ?? 0);
    f.figure.cpuMs = requests ? ((cpuSeconds(pid) - cpu0) * 1000) / requests : NaN;
  }
  return f.figure;
}

function wrkRun(url: string, extra: string[], seconds = SECONDS): { figure: Figure; out: string } {
  const r = spawnSync(WRK!, ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...extra, url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed on ${url}: ${r.stderr}`);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const m = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(r.stdout);
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const bad = /Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
  const errors = Number(bad?.[1] ?? 0) + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { figure: { rate, p99, errors }, out: r.stdout };
}

const show = (f: Figure) =>
  `${f.rate.toFixed(0).padStart(7)} req/s  p99 ${f.p99.toFixed(1).padStart(6)} ms${f.cpuMs !== undefined ? `  ${f.cpuMs.toFixed(3)} CPU-ms/req` : ''}`;

async function cli(env: Record<string, string>, args: string[]) {
  const r = await runCliProcess(args, env);
  if (r.code !== 0) throw new Error(`socialgov ${args.slice(0, 3).join(' ')} … failed (${r.code}):\n${r.stderr}`);
  process.stdout.write(`  ${args.slice(0, 2).join(' ')}: done\n`);
}

async function seed(env: Record<string, string>, db: pg.Pool) {
  const dg = path.join(SHARED, 'data/digitalgov');
  if (HAS_SHARED && existsSync(dg)) {
    const c = path.join(dg, 'content');
    await cli(env, [
      'communities',
      'import',
      '--update',
      ...readdirSync(path.join(c, 'communities'))
        .filter((f) => f.endsWith('.md') && f !== '_index.md')
        .map((f) => path.join(c, 'communities', f)),
    ]);
    await cli(env, ['events', 'import', '--skip-invalid', path.join(c, 'events')]);
    const guides = readdirSync(path.join(c, 'guides'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(c, 'guides', e.name));
    await cli(env, [
      'library',
      'import',
      '--skip-invalid',
      path.join(c, 'authors'),
      path.join(c, 'topics'),
      path.join(c, 'news'),
      path.join(c, 'resources'),
      ...guides,
      path.join(dg, 'data/termsofservice.yml'),
    ]);
    await cli(env, ['archives', 'import', 'social-media', path.join(SHARED, 'data/mail-corpus/usrp-users-1500.mbox.gz')]);
  } else {
    console.log('  ../shared/data is absent: only the seeded community (pages will be lighter than real ones)');
  }
  await db.query('update lists set archive_public = true');
  await cli(env, ['members', 'add', 'bench.member@gsa.gov', '--community', 'social-media']);
}

/** How many members the signed-in runs browse as (see main). */
const MEMBERS = 64;

/**
 * The members the signed-in runs browse as: bench.member@gsa.gov (added by seed) and MEMBERS - 1
 * more with the same memberships, so the same standing. Their ids.
 */
async function benchMembers(db: pg.Pool): Promise<number[]> {
  await db.query(
    `with m as (insert into members (email) select 'bench.member' || g || '@gsa.gov' from generate_series(2, $1::int) g returning id)
     insert into memberships (community_id, member_id, status, role)
     select ms.community_id, m.id, ms.status, ms.role from m, memberships ms join members b on b.id = ms.member_id where b.email = 'bench.member@gsa.gov'`,
    [MEMBERS],
  );
  const { rows } = await db.query<{ id: number }>(`select id from members where email like 'bench.member%@gsa.gov' order by id`);
  if (rows.length !== MEMBERS) throw new Error(`Expected ${MEMBERS} bench members, found ${rows.length}.`);
  return rows.map((r) => Number(r.id));
}

/** A wrk script: each request of a thread carries the next member's cookies (requests made once, at the start). */
function memberScript(cookies: string[]): string {
  return `local cookies = { ${cookies.map((c) => JSON.stringify(c)).join(', ')} }
local requests = {}
local n = 0
function init(args)
  for i, c in ipairs(cookies) do requests[i] = wrk.format(nil, nil, { ["Cookie"] = c }) end
end
function request()
  n = n % #requests + 1
  return requests[n]
end
`;
}

async function samplePaths(db: pg.Pool): Promise<string[]> {
  const one = async (sql: string) => (await db.query(sql)).rows[0] as Record<string, string | number> | undefined;
  const paths = ['/', '/communities', '/communities/social-media', '/events', '/library', '/library/tools', '/registry'];
  const ev = await one(`select slug from events where status = 'published' order by slug limit 1`).catch(() => undefined);
  if (ev) paths.push(`/events/${ev.slug}`);
  const art = await one(`select slug from library_articles order by slug limit 1`).catch(() => undefined);
  if (art) paths.push(`/library/articles/${art.slug}`);
  const guide = await one(`select slug from library_guides order by slug limit 1`).catch(() => undefined);
  if (guide) paths.push(`/library/guides/${guide.slug}`);
  const msg = await one(
    `select l.local_part, p.number as n, e.thread_id, to_char(e.sent_at, 'YYYY-MM') as month from archive_entries e join posts p on p.id = e.post_id join lists l on l.id = e.list_id order by e.sent_at desc limit 1`,
  ).catch((e: Error) => (console.log(`  (no archive sample: ${e.message})`), undefined));
  if (msg)
    paths.push(
      `/archives/${msg.local_part}/months/${msg.month}`,
      `/archives/${msg.local_part}/threads/${msg.thread_id}`,
      `/archives/${msg.local_part}/${msg.n}`,
    );
  return paths;
}

async function nginxFigures(pages: { path: string; body: Buffer }[]): Promise<Map<string, Figure>> {
  const out = new Map<string, Figure>();
  if (!NGINX) return out;
  const dir = path.join(tmpdir(), `sg-bench-nginx-${randomBytes(4).toString('hex')}`);
  mkdirSync(path.join(dir, 'www'), { recursive: true });
  pages.forEach((p, i) => writeFileSync(path.join(dir, 'www', `${i}.html`), p.body));
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off; worker_processes auto; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; default_type text/html; client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }\n`,
  );
  const child = spawn(NGINX, ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  try {
    pages.forEach((p, i) => out.set(p.path, wrk(`http://127.0.0.1:${port}/${i}.html`)));
  } finally {
    child.kill('SIGQUIT');
    removeDir(dir);
  }
  return out;
}

async function main() {
  if (!WRK) throw new Error('wrk is not installed: apt-get install wrk (the benchmark drives the pages with it).');
  if (!SERVER) throw new Error('Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server (a fresh database is made there).');
  const name = `socialgov_pagesbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const dataDir = path.join(tmpdir(), `sg-bench-pages-${randomBytes(4).toString('hex')}`);
  mkdirSync(dataDir, { mode: 0o755 });
  const env = { DATABASE_URL: url.toString(), SOCIALGOV_DATA_DIR: dataDir };
  const db = new pg.Pool({ connectionString: url.toString(), max: 2 });
  db.on('error', () => undefined);
  let serve: ServeProcess | undefined;
  let other: ServeProcess | undefined;
  try {
    console.log('seeding:');
    // serve seeds the default community on first start; start once to seed, then import
    // PAGE_CACHE_SECONDS unset: the product's default (the test helpers turn it off)
    const serveEnv = { ...env, SOCIALGOV_ROLES: 'web', LOG_LEVEL: 'warn', PAGE_CACHE_SECONDS: undefined };
    // with npm start's node flags, as the program runs
    serve = await startServe(serveEnv, 300_000, { nodeArgs: [...startFlags(), ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE)}`] : [])] });
    await seed(env, db);
    if (AGAINST) other = await startServe(serveEnv, 300_000, { bin: path.resolve(AGAINST, 'bin/socialgov.js'), nodeArgs: startFlags() });
    const base = serve.url;
    // Members browsing at once: MEMBERS of them with the same standing (members of the seeded
    // community, as most are), each connection's requests from one member after another, so the
    // sessions read at once are different sessions, as on a real site. Each member's browser got
    // its CSRF cookie from a page with a form (their account page) and sends it back, so later
    // pages do not make a new one each.
    const cookies: string[] = [];
    for (const id of await benchMembers(db)) {
      const raw = await createSession(db, id, { days: 30 });
      const first = await fetch(`${base}/account`, { headers: { cookie: `${SESSION_COOKIE}=${raw}` } });
      await first.arrayBuffer();
      const csrf = first.headers
        .getSetCookie()
        .find((c) => c.startsWith('sg_csrf='))
        ?.split(';')[0];
      if (!csrf) throw new Error('The account page set no CSRF cookie (sg_csrf): the benchmark cannot browse as a member would.');
      cookies.push(`${SESSION_COOKIE}=${raw}; ${csrf}`);
    }
    const script = path.join(dataDir, 'members.lua');
    writeFileSync(script, memberScript(cookies));
    const asMember = ['-s', script];
    const cookie = `Cookie: ${cookies[0]}`;
    const paths = (await samplePaths(db)).filter((p) => !ONLY || ONLY.some((o) => p.includes(o)));
    for (const p of paths) {
      for (const b of other ? [base, other.url] : [base]) {
        const res = await fetch(b + p);
        if (res.status !== 200) throw new Error(`${p} answered ${res.status} at ${b}; the benchmark measures pages that work.`);
        await res.arrayBuffer();
      }
    }
    // Warm up first (discarded): the first seconds under load of a new process (code compiled
    // and optimized, pools filled) made the reference, measured first, look slow, and every
    // ratio to it look better than it is.
    process.stdout.write('\nwarming up (2 s of /healthz, 1 s of each page and side, not counted) ...');
    wrkRun(`${base}/healthz`, [], 2);
    for (const p of paths) for (const who of WHO ? [WHO] : ['public', 'member']) wrkRun(base + p, who === 'member' ? asMember : [], 1);
    if (other) wrkRun(`${other.url}/healthz`, [], 2);
    console.log(' done');
    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s a page; rate as a share of /healthz in the same run`);
    const pid = serve.child.pid!;
    const otherPid = other?.child.pid;
    // The reference is measured before the first page and again after each page (both sides): a
    // page's ratio is to the mean of the /healthz runs just before and just after it. This
    // machine's speed drifts by a third within minutes; one reference at the start made the
    // last pages' ratios depend on that drift.
    const healthz = () => wrk(`${base}/healthz`, [], pid);
    const otherHealthz = () => (other ? wrk(`${other.url}/healthz`, [], otherPid) : undefined);
    const showReference = (f: Figure, g?: Figure) => {
      console.log(`  ${'/healthz'.padEnd(44)} ${show(f)}  (reference)`);
      if (g) console.log(`  ${'/healthz, --against'.padEnd(44)} ${show(g)}  (its reference)`);
    };
    let health = healthz();
    let otherHealth = otherHealthz();
    showReference(health, otherHealth);
    const references = [health.rate];
    const rows: { path: string; who: string; f: Figure; before: number; ratio: number; ok: boolean }[] = [];
    const bodies: { path: string; body: Buffer }[] = [];
    const judge = (r: (typeof rows)[number], after: number) => {
      r.ratio = r.f.rate / ((r.before + after) / 2);
      r.ok = r.who === 'public' ? r.ratio >= 0.5 && r.f.p99 <= 30 : r.ratio >= 0.25;
      console.log(
        `  ${`${r.path} (${r.who})`.padEnd(44)} ${show(r.f)}  ${r.ratio.toFixed(2)} of /healthz  ${r.ok ? 'ok' : 'BELOW TARGET'}${r.f.errors ? `  (${r.f.errors} errors)` : ''}`,
      );
    };
    for (const p of paths) {
      const measured: (typeof rows)[number][] = [];
      const againstLines: string[] = [];
      for (const who of WHO ? [WHO] : ['public', 'member']) {
        const extra = who === 'member' ? asMember : [];
        if (DUMP) {
          mkdirSync(DUMP, { recursive: true });
          const name = path.join(DUMP, `${p.replace(/\W+/g, '_')}.${who}`);
          for (const n of [1, 2]) {
            // twice: the second shows whether the page was kept (an Age header)
            const res = await fetch(base + p, { headers: who === 'member' ? { cookie: cookie.slice('Cookie: '.length) } : {} });
            writeFileSync(`${name}.${n}.html`, Buffer.from(await res.arrayBuffer()));
            writeFileSync(`${name}.${n}.headers`, [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
          }
        }
        const f = wrk(base + p, extra, pid);
        measured.push({ path: p, who, f, before: health.rate, ratio: 0, ok: false });
        if (other && otherHealth) {
          const g = wrk(other.url + p, extra, otherPid);
          againstLines.push(
            `  ${`  ${who}, --against`.padEnd(44)} ${show(g)}  ${(g.rate / otherHealth.rate).toFixed(2)} of its last /healthz; this/against: rate ${(f.rate / g.rate).toFixed(2)}, CPU a request ${(f.cpuMs! / g.cpuMs!).toFixed(2)}`,
          );
        }
      }
      health = healthz();
      otherHealth = otherHealthz();
      references.push(health.rate);
      for (const r of measured) judge(r, health.rate);
      for (const line of againstLines) console.log(line);
      showReference(health, otherHealth);
      rows.push(...measured);
      bodies.push({ path: p, body: Buffer.from(await (await fetch(base + p)).arrayBuffer()) });
    }
    const [low, high] = [Math.min(...references), Math.max(...references)];
    console.log(
      `\n/healthz measured ${references.length} times: ${low.toFixed(0)}–${high.toFixed(0)} req/s (the machine drifted ${(((high - low) / low) * 100).toFixed(0)} % in this run).`,
    );
    await other?.stop();
    other = undefined;
    await serve.stop();
    serve = undefined;
    if (NGINX) {
      console.log('\nnginx serving the same bytes (a file per page):');
      const sizes = new Map(bodies.map((b) => [b.path, b.body.length]));
      for (const [p, f] of await nginxFigures(bodies))
        console.log(
          `  ${p.padEnd(44)} ${f.rate.toFixed(0).padStart(7)} req/s  p99 ${f.p99.toFixed(1).padStart(6)} ms  ${(sizes.get(p)! / 1024).toFixed(1)} KB`,
        );
    } else console.log('\nnginx is not installed: no nginx reference (apt-get install nginx-light).');
    if (ONLY || WHO) console.log('\nidle memory: not measured when --only or --who picks some pages.');
    else {
      const mem = await measureIdleMemory();
      console.log(`\n${idleMemoryLine(mem.totalMb)} (serve with the node flags of npm start: ${mem.flags || '(none)'})\n  ${programLine(mem)}`);
    }
    const below = rows.filter((r) => !r.ok);
    console.log(`\npages: ${rows.length - below.length} of ${rows.length} meet their target (public ≥ 0.5 of /healthz and p99 ≤ 30 ms; signed in ≥ 0.25).`);
  } finally {
    await serve?.stop();
    await other?.stop();
    await db.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    removeDir(dataDir);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
