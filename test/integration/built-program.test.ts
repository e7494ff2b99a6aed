/**
 * The program as it is installed and run: dist/, built by scripts/build.js (each module's own
 * file, the libraries bundled in, code they share in chunks, minified), started as `socialgov
 * serve` in its own process. Most tests run src/ through tsx; this one walks the built program's
 * pages (a crawl from the home page), runs a CLI command, and sends a post through mail-in to a
 * member, signed in a signing thread: each feature's code loaded from its chunks, the files read
 * from the built tree (migrations, seed, assets, the thread's entry).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rsaKey, postMail, writeKey } from '../list-helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { removeDir, ROOT, runCliProcess, startServe, tempDir, testDatabaseEnv, type ServeProcess } from '../helpers.ts';

const DOMAIN = 'lists.test.gov';

describe('the built program (dist/)', () => {
  let serve: ServeProcess;
  let sink: MailSink;
  let dir: string;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    sink = await startMailSink();
    env = {
      ...database.env,
      SOCIALGOV_DATA_DIR: database.env.SOCIALGOV_DATA_DIR ?? dir,
      SMTP_URL: sink.url,
      LIST_DOMAIN: DOMAIN,
      DKIM_SELECTOR: 'sg1',
      DKIM_PRIVATE_KEY_FILE: writeKey(dir, rsaKey()),
      SIGNING_THREADS: '1',
      LOG_LEVEL: 'warn',
    };
    serve = await startServe(env, 120_000);
  });
  after(async () => {
    await serve?.stop();
    await sink?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('the built JavaScript is ASCII (node holds any other module at two bytes a character), but for a little of a library', () => {
    const tree = realpathSync(path.join(ROOT, 'dist'));
    const wide = readdirSync(tree, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.m?js$/.test(f))
      .map((f) => ({ f, size: statSync(path.join(tree, f)).size, text: readFileSync(path.join(tree, f), 'latin1') }))
      .filter((x) => /[\x80-\xff]/.test(x.text));
    // markdown-it's typographer has "…" in a regular expression (about 75 KB of chunk); ours are
    // escaped (the lint forbids them). A large file here costs its size again in every process.
    const bytes = wide.reduce((n, x) => n + x.size, 0);
    assert.ok(bytes < 150_000, `built files with characters beyond ASCII: ${wide.map((x) => `${x.f} (${x.size} bytes)`).join(', ')}`);
  });

  test('every page linked from the public pages answers without a server error', async () => {
    const seen = new Set<string>();
    const queue = ['/', '/communities/social-media', '/events', '/library', '/registry', '/api/docs'];
    const failures: string[] = [];
    let pages = 0;
    while (queue.length && seen.size < 120) {
      const address = queue.shift()!;
      if (seen.has(address)) continue;
      seen.add(address);
      const res = await fetch(serve.url + address, { redirect: 'manual' });
      const body = await res.text();
      if (res.status >= 500) failures.push(`${address}: ${res.status} ${body.slice(0, 200)}`);
      if (res.status !== 200 || !/text\/html/.test(res.headers.get('content-type') ?? '')) continue;
      pages++;
      assert.match(body, /<\/html>\s*$/, `${address} is a whole page`);
      for (const m of body.matchAll(/href="(\/[^"#]*)"/g)) {
        const link = m[1]!.replace(/&amp;/g, '&');
        if (!seen.has(link) && !/^\/(sign-out|u\/)/.test(link)) queue.push(link);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(pages >= 20, `${pages} pages crawled`);
  });

  test('a CLI command and a post: a member gets the copy, DKIM-signed in a signing thread', async () => {
    const added = await runCliProcess(['members', 'add', 'pat.smith@agency.gov', '--community', 'social-media'], env);
    assert.equal(added.code, 0, added.stderr);
    const port = Number(/SMTP on [\d.]+:(\d+)/.exec(serve.output())?.[1]);
    await postMail({
      port,
      from: 'Pat Smith <pat.smith@agency.gov>',
      to: `social-media@${DOMAIN}`,
      subject: 'From the built program',
      text: 'Hello from dist.',
    });
    const copy = await sink.next('pat.smith@agency.gov', 30_000);
    assert.equal(copy.subject.includes('From the built program'), true, copy.subject);
    assert.match(copy.raw, new RegExp(`^DKIM-Signature: [^]*?d=${DOMAIN.replace(/\./g, '\\.')};[^]*?s=sg1;`, 'm'));
  });
});
