/** `socialgov events import|list` on real digital.gov pages, as an operator runs it. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { cliTestEnv, NO_SERVER, NO_SHARED, runCli, SHARED } from '../helpers.ts';

const EVENTS = path.join(SHARED, 'data/digitalgov/content/events');

describe('socialgov events CLI', { skip: NO_SERVER || NO_SHARED }, () => {
  let env: Record<string, string>;
  let url: string;
  let dir: string;
  let cleanup: (() => Promise<void>) | undefined;

  before(async () => {
    const t = await cliTestEnv();
    ({ env, url, dir, cleanup } = t);
  });
  after(async () => cleanup?.());

  const count = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Before the first import the database is untouched: not even the events table exists.
      if (!(await c.query(`select to_regclass('events') as t`)).rows[0].t) return 0;
      return (await c.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    } finally {
      await c.end();
    }
  };

  test('an invalid page stops the import with file:line errors; nothing changes', async () => {
    const bad = path.join(dir, 'bad-event.md');
    writeFileSync(bad, '---\ntitle: Broken\ndate: soon\nevent_platform: webex\n---\n');
    const r = await runCli(['events', 'import', path.join(EVENTS, '2024/03'), bad], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: error: date "soon" is not a date and time`));
    assert.match(r.stderr, /bad-event\.md:4: error: event_platform "webex" is not known/);
    assert.match(r.stderr, /Nothing was imported/);
    assert.equal(await count(), 0);
  });

  test('a year of real pages imports with progress; the real broken page is listed and left out with --skip-invalid', async () => {
    const r = await runCli(['events', 'import', path.join(EVENTS, '2024'), '--skip-invalid'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Importing: 100% \(\d+\/\d+\)/);
    assert.match(r.stderr, /2024-10-17-uswds-monthly-call-october-2024\.md:\d+: error: front matter is not valid YAML/);
    assert.match(r.stderr, /Presenter names from \d+ author profiles\./);
    const imported = Number(/Imported (\d+) event/.exec(r.stdout)![1]);
    assert.ok(imported > 10, r.stdout);
    assert.equal(await count(), imported);
    const again = await runCli(['events', 'import', path.join(EVENTS, '2024/03'), '--skip-invalid'], env);
    assert.match(again.stdout, /0 new, 0 updated, \d+ already there/);
    const list = await runCli(['events', 'list', '--past', '--limit', '3', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 3);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const row = await c.query(
      `select e.time_zone, o.youtube_id, e.starts_at from events e join event_occurrences o on o.event_id = e.id where e.slug = 'uswds-monthly-call-march-2024'`,
    );
    await c.end();
    assert.equal(row.rows[0].youtube_id, 'M2_SVDc_eCM');
    assert.equal(row.rows[0].starts_at.toISOString(), '2024-03-21T18:00:00.000Z', '14:00 Eastern (EDT) on March 21, 2024');
  });

  test('usage mistakes say what to do', async () => {
    const r = await runCli(['events', 'import', EVENTS, '--zone', 'Eastern'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--zone "Eastern" is not a time zone name; use an IANA name such as America\/New_York/);
  });
});
