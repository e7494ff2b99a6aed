/**
 * Archive benchmark: the real USRP list corpus (1,500 messages), repeated with fresh Message-IDs
 * until it holds N messages, imported through the mbox importer; then the search index size
 * against the text it indexes, and search latency (p50/p95, ranking and snippets included) for a
 * fixed set of queries, each against a reference measured in the same run: the same match done
 * as a plain GIN-indexed select of the newest 20 matching rows (no ranking, no snippets).
 * Targets: p95 ≤ 50 ms, index ≤ 1.5× the text.
 *
 *   npm run bench -- archives [--messages=20000] [--runs=20] [--rounds=3] [--keep]
 *   npm run bench -- archives --messages=100000     # the issue's size; the import takes 12–50 minutes
 *   npm run bench -- archives --database=socialgov_archbench_1a2b3c4d   # measure a kept database again
 *
 * The search queries are run in rounds (each query RUNS times per round, after two warm-up runs);
 * the latency reported is the median over rounds of each round's p50 and p95, so one busy moment
 * on a shared machine does not decide the result. --keep leaves the database (its name is
 * printed) for EXPLAIN ANALYZE.
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
import { searchArchive, SENDER_VECTOR, senderWords, type SearchQuery } from '../src/archives/search.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const TARGET = Number(arg('messages') ?? 20_000);
const RUNS = Number(arg('runs') ?? 20);
const ROUNDS = Number(arg('rounds') ?? 3);
/** Leave the database in place afterwards (its name is printed), e.g. to run EXPLAIN ANALYZE on it. */
const KEEP = process.argv.includes('--keep');
/** Measure an existing benchmark database (one left by --keep) instead of importing: search and sizes only. */
const REUSE = arg('database');
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
  if (REUSE && !/^socialgov_archbench_[0-9a-f]{8}$/.test(REUSE))
    throw new Error('--database takes the name of a database left by --keep, like socialgov_archbench_1a2b3c4d.');
  const name = REUSE ?? `socialgov_archbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  if (!REUSE) await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // dropping the database at the end ends idle connections: not an error here
  pool.on('error', () => undefined);
  try {
    if (!REUSE) {
      await migrate(pool);
      await pool.query("insert into communities (slug, title) values ('usrp', 'USRP users')");
    }
    const list = (await listByLocalPart(pool, 'usrp'))!;
    const corpus = REUSE ? [] : splitMbox(mboxBytes(readFileSync(CORPUS)));
    if (REUSE) console.log(`measuring ${name} as it is: no import`);
    else console.log(`corpus: ${corpus.length} messages; target ${TARGET.toLocaleString('en-US')} messages`);

    const started = process.hrtime.bigint();
    let imported = 0;
    let rawBytes = 0;
    const CHUNK = 3000;
    for (let n = 0; n < (REUSE ? 0 : TARGET); n += CHUNK) {
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

    const { rows: size } = await pool.query<{ messages: number; text: number; gin: number; vector: number; indexes: number; raw: number }>(
      `select count(*)::int as messages, sum(octet_length(body_text) + octet_length(subject))::float8 as text,
              pg_relation_size('archive_entries_search')::float8 as gin,
              sum(pg_column_size(search))::float8 as vector,
              pg_indexes_size('archive_entries')::float8 as indexes,
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

    /** The reference: the same match as a plain indexed select of the newest 20 rows (no ranking, no snippets). */
    async function reference(q: Omit<SearchQuery, 'listIds'>): Promise<void> {
      await pool.query(
        `select e.post_id from archive_entries e
         where e.list_id = any($1::bigint[])
           and ($2::text is null or e.search @@ websearch_to_tsquery('english', $2))
           and ($3::text is null or ${SENDER_VECTOR} @@ to_tsquery('simple', $3))
           and ($4::timestamptz is null or e.sent_at >= $4) and ($5::timestamptz is null or e.sent_at < $5) and (not $6 or e.has_attachment)
         order by e.sent_at desc limit 20`,
        [
          [list.id],
          q.words ?? null,
          q.from
            ? senderWords(q.from)
                .map((w) => `${w}:*`)
                .join(' & ')
            : null,
          q.since ?? null,
          q.until ?? null,
          q.hasAttachment ?? false,
        ],
      );
    }

    async function timed(fn: () => Promise<unknown>): Promise<number> {
      const t0 = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - t0) / 1e6;
    }

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // per query: hits, and per round the sorted times of search and reference
    const perQuery = queries.map(() => ({ hits: '', search: [] as number[][], ref: [] as number[][] }));
    const rounds: Array<{ search: number[]; ref: number[] }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const all = { search: [] as number[], ref: [] as number[] };
      for (const [qi, { q }] of queries.entries()) {
        const times: number[] = [];
        const refs: number[] = [];
        for (let i = 0; i < RUNS + 2; i++) {
          let hits = '';
          const ms = await timed(async () => {
            const r = await searchArchive(pool, { listIds: [list.id], ...q }, { hideAddresses: false });
            hits = r.capped ? `>${r.total}` : String(r.total);
          });
          const ref = await timed(() => reference(q));
          perQuery[qi]!.hits = hits;
          if (i >= 2) {
            // the first two warm the cache
            times.push(ms);
            refs.push(ref);
          }
        }
        perQuery[qi]!.search.push(times.sort((a, b) => a - b));
        perQuery[qi]!.ref.push(refs.sort((a, b) => a - b));
        all.search.push(...times);
        all.ref.push(...refs);
      }
      all.search.sort((a, b) => a - b);
      all.ref.sort((a, b) => a - b);
      rounds.push(all);
      process.stderr.write(`\rsearch round ${round + 1} of ${ROUNDS}: p95 ${percentile(all.search, 95).toFixed(1)} ms`);
    }
    process.stderr.write('\n');

    const med = (sets: number[][], p: number) => median(sets.map((t) => percentile(t, p)));
    console.log(`\nmedian over ${ROUNDS} rounds of ${RUNS} runs each; "plain" is the reference select (GIN match, newest 20, no rank, no snippet)`);
    console.log('query                               hits   p50 ms  p95 ms   plain p50  p95   search/plain p95');
    for (const [qi, { label }] of queries.entries()) {
      const r = perQuery[qi]!;
      const p95 = med(r.search, 95);
      const ref95 = med(r.ref, 95);
      console.log(
        `${label.padEnd(34)} ${r.hits.padStart(6)} ${med(r.search, 50).toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)}   ${med(r.ref, 50).toFixed(1).padStart(7)} ${ref95.toFixed(1).padStart(5)}   ${(p95 / ref95).toFixed(2).padStart(8)}×`,
      );
    }
    const p50 = median(rounds.map((r) => percentile(r.search, 50)));
    const p95 = median(rounds.map((r) => percentile(r.search, 95)));
    const ref95 = median(rounds.map((r) => percentile(r.ref, 95)));
    console.log(`
${REUSE ? `messages               ${s.messages.toLocaleString('en-US')} (measured as found)` : `messages imported      ${imported.toLocaleString('en-US')} in ${seconds.toFixed(0)} s: ${(imported / seconds).toFixed(0)} messages/s (parse, store, thread, index)`}
raw mail               ${mb(s.raw)}${REUSE ? '' : ` (${mb(rawBytes)} read)`}
text                   ${mb(s.text)} (bodies and subjects as shown)
GIN index              ${mb(s.gin)}  = ${(s.gin / s.text).toFixed(2)}× the text
GIN + tsvector column  ${mb(s.gin + s.vector)}  = ${((s.gin + s.vector) / s.text).toFixed(2)}× the text (target ≤ 1.5×)
all archive indexes    ${mb(s.indexes)}  = ${(s.indexes / s.text).toFixed(2)}× the text (GIN and the btrees for browsing and threading)
search latency         p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${rounds[0]!.search.length} searches per round, median of ${ROUNDS} rounds
                       (target p95 ≤ 50 ms: ${(p95 / 50).toFixed(2)}× the target; ${(p95 / ref95).toFixed(2)}× the plain select's p95 of ${ref95.toFixed(1)} ms)
round p95s             ${rounds.map((r) => percentile(r.search, 95).toFixed(1)).join(', ')} ms (plain: ${rounds.map((r) => percentile(r.ref, 95).toFixed(1)).join(', ')} ms)`);
  } finally {
    await pool.end();
    if (KEEP || REUSE) console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
