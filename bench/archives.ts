/**
 * Archive benchmark: the real USRP list corpus (1,500 messages), repeated with fresh Message-IDs
 * until it holds N messages (default 100,000), imported through the mbox importer; then the
 * search index size against the text it indexes, and search latency (p50/p95, snippets
 * included) for a fixed set of queries. Targets: p95 ≤ 50 ms, index ≤ 1.5× the text.
 *
 *   node --import tsx bench/archives.ts [--messages=100000] [--runs=20]
 * Database: BENCH_DATABASE_URL or TEST_DATABASE_URL (a fresh database is created on that
 * server and dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.ts';
import { listByLocalPart } from '../src/lists/store.ts';
import { importMbox } from '../src/archives/import.ts';
import { mboxBytes, mboxrdEntry, splitMbox } from '../src/archives/mbox.ts';
import { searchArchive, type SearchQuery } from '../src/archives/search.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const TARGET = Number(arg('messages') ?? 100_000);
const RUNS = Number(arg('runs') ?? 20);
/** Leave the database in place afterwards (its name is printed), e.g. to run EXPLAIN ANALYZE on it. */
const KEEP = process.argv.includes('--keep');
const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/mail-corpus/usrp-users-1500.mbox.gz');
const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

/** Copy k of a message: its own Message-ID, In-Reply-To and References, so threads repeat per copy. */
function copyOf(raw: Buffer, k: number): Buffer {
  if (k === 0) return raw;
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const renamed = head.replace(/^(Message-ID|In-Reply-To|References):[^\n]*(\n[ \t][^\n]*)*/gim, (h) => h.replace(/<([^<>\s]+)>/g, `<$1.copy${k}>`));
  return Buffer.from(renamed + (split < 0 ? '' : text.slice(split)), 'latin1');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  if (!SERVER) throw new Error('Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server (a fresh database is made there).');
  const name = `socialgov_archbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // dropping the database at the end ends idle connections: not an error here
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    await pool.query("insert into communities (slug, title) values ('usrp', 'USRP users')");
    const list = (await listByLocalPart(pool, 'usrp'))!;
    const corpus = splitMbox(mboxBytes(readFileSync(CORPUS)));
    console.log(`corpus: ${corpus.length} messages; target ${TARGET.toLocaleString('en-US')} messages`);

    const started = process.hrtime.bigint();
    let imported = 0;
    let rawBytes = 0;
    const CHUNK = 3000;
    for (let n = 0; n < TARGET; n += CHUNK) {
      const entries: Buffer[] = [];
      for (let i = n; i < Math.min(TARGET, n + CHUNK); i++) {
        const m = corpus[i % corpus.length]!;
        const raw = copyOf(m.raw, Math.floor(i / corpus.length));
        rawBytes += raw.length;
        entries.push(mboxrdEntry(raw, 'bench@bench.gov', m.separatorDate ?? new Date()));
      }
      const r = await importMbox(pool, list, Buffer.concat(entries), { name: 'bench', source: 'cli' });
      imported += r.imported;
      const s = Number(process.hrtime.bigint() - started) / 1e9;
      process.stderr.write(`\rimported ${imported.toLocaleString('en-US')} (${Math.round(imported / s)} msg/s)`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stderr.write('\n');
    await pool.query('vacuum analyze archive_entries');
    await pool.query('vacuum analyze archive_threads');

    const { rows: size } = await pool.query<{ text: number; gin: number; vector: number; raw: number }>(
      `select sum(octet_length(body_text) + octet_length(subject))::float8 as text,
              pg_relation_size('archive_entries_search')::float8 as gin,
              sum(pg_column_size(search))::float8 as vector,
              (select sum(size) from posts)::float8 as raw
       from archive_entries`,
    );
    const s = size[0]!;
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

    const queries: Array<{ label: string; q: Omit<SearchQuery, 'listIds'> }> = [
      { label: 'word: fpga', q: { words: 'fpga' } },
      { label: 'word: timeout', q: { words: 'timeout' } },
      { label: 'rare word: theseus', q: { words: 'theseus' } },
      { label: 'phrase: "sample rate"', q: { words: '"sample rate"' } },
      { label: 'phrase: "Theseus Cores"', q: { words: '"Theseus Cores"' } },
      { label: 'two words: gnuradio uhd', q: { words: 'gnuradio uhd' } },
      { label: 'sender: patchvonbraun', q: { from: 'patchvonbraun' } },
      { label: 'word + sender: x310 leech', q: { words: 'x310', from: 'leech' } },
      { label: 'word + dates: b210 in 2019-05', q: { words: 'b210', since: new Date('2019-05-01T00:00:00Z'), until: new Date('2019-06-01T00:00:00Z') } },
      { label: 'word + attachment: error', q: { words: 'error', hasAttachment: true } },
    ];
    const all: number[] = [];
    console.log('\nquery                               hits    p50 ms  p95 ms');
    for (const { label, q } of queries) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        const t0 = process.hrtime.bigint();
        const r = await searchArchive(pool, { listIds: [list.id], ...q }, { hideAddresses: false });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        hits = r.total;
        if (i >= 2) times.push(ms); // the first two warm the cache
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      console.log(`${label.padEnd(34)} ${String(hits).padStart(7)}  ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(7)}`);
    }
    all.sort((a, b) => a - b);
    const p95 = percentile(all, 95);
    console.log(`
messages imported      ${imported.toLocaleString('en-US')} in ${seconds.toFixed(0)} s: ${(imported / seconds).toFixed(0)} messages/s (parse, store, thread, index)
raw mail               ${mb(s.raw)} (${mb(rawBytes)} read)
text indexed           ${mb(s.text)} (bodies and subjects as shown)
GIN index              ${mb(s.gin)}  = ${(s.gin / s.text).toFixed(2)}× the text
GIN + tsvector column  ${mb(s.gin + s.vector)}  = ${((s.gin + s.vector) / s.text).toFixed(2)}× the text (target ≤ 1.5×)
search latency         p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${all.length} searches (target p95 ≤ 50 ms: ${(p95 / 50).toFixed(2)}× the target)`);
  } finally {
    await pool.end();
    if (KEEP) console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
