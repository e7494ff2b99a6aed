/**
 * Members by level of government: the level comes from the .gov registry whenever it knows the
 * address, for members added with `members add` or `members import` and for those who joined
 * before the registry was imported (a later registry import changes the counts, on the community
 * page and in metrics). The SQL that reads it agrees with levelOf() on every domain type.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { KNOWN_DOMAIN_TYPES, levelOf } from '../../src/membership/eligibility.ts';
import { memberCountsByLevel } from '../../src/membership/counts.ts';
import { memberBreakdown } from '../../src/metrics/figures.ts';
import { snapshotBreakdown } from '../../src/metrics/rollup.ts';
import { cliTestEnv, NO_SERVER, runCli } from '../helpers.ts';

const REGISTRY = `Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email
usda.gov,Federal - Executive,Department of Agriculture,,Washington,DC,
ca.gov,State or territory,State of California,,Sacramento,CA,
29palms.gov,City,City of Twentynine Palms,,Twentynine Palms,CA,
guam.gov,State or territory,Government of Guam,,Hagatna,GU,
`;

describe('members by level of government', { skip: NO_SERVER }, () => {
  let url: string;
  let dir: string;
  let env: Record<string, string>;
  let cleanup: (() => Promise<void>) | undefined;
  let pool: pg.Pool;
  let community: number;

  before(async () => {
    const t = await cliTestEnv();
    ({ url, dir, env, cleanup } = t);
    const r = await runCli(['communities', 'import', path.resolve('src/communities/seed/social-media.md')], env);
    assert.equal(r.code, 0, r.stderr);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    community = Number((await pool.query(`select id from communities where slug = 'social-media'`)).rows[0].id);
  });
  after(async () => {
    await pool?.end();
    await cleanup?.();
  });

  const levels = async () => Object.fromEntries((await memberCountsByLevel(pool, community)).map((l) => [l.level, l.count]));

  test('the SQL level of a domain type agrees with levelOf() for every type the registry uses', async () => {
    const types = [...KNOWN_DOMAIN_TYPES, 'Regional council', ' FEDERAL - judicial ', 'state or territory - election'];
    for (const type of types) {
      for (const state of ['DC', 'CA', 'GU', 'pr', null]) {
        const { rows } = await pool.query<{ level: string }>('select gov_level($1, $2) as level', [type, state]);
        assert.equal(rows[0]!.level, levelOf(type, state ?? undefined), `${type} / ${state}`);
      }
    }
  });

  test('members added and imported before the registry count as not known; a registry import makes them known', async () => {
    for (const email of ['ana@fs.usda.gov', 'kim@army.mil', 'pat@example.com']) {
      const r = await runCli(['members', 'add', email, '--community', 'social-media'], env);
      assert.equal(r.code, 0, r.stderr);
    }
    const file = path.join(dir, 'members.csv');
    writeFileSync(file, 'Email,Name\nlee@ca.gov,Lee Park\nsam@29palms.gov,Sam Ortiz\njo@guam.gov,Jo Cruz\n');
    const imported = await runCli(['members', 'import', file, '--community', 'social-media'], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(await levels(), { military: 1, Unknown: 5 }, '.mil is known without a registry');

    // The metrics snapshot taken now, before the registry import.
    await snapshotBreakdown(pool);
    const registry = path.join(dir, 'current-full.csv');
    writeFileSync(registry, REGISTRY);
    const r = await runCli(['agencies', 'import', registry], env);
    assert.equal(r.code, 0, r.stderr);

    assert.deepEqual(await levels(), { federal: 1, local: 1, military: 1, state: 1, territorial: 1, Unknown: 1 });
    const metrics = await memberBreakdown(pool, { communityId: community });
    assert.deepEqual(
      Object.fromEntries(metrics.byLevel.map((l) => [l.name, l.members])),
      { federal: 1, local: 1, military: 1, state: 1, territorial: 1, Unknown: 1 },
      'the metrics snapshot is refreshed by the registry import',
    );
  });

  test('the community page shows the levels from the registry', async () => {
    const { startPlatform } = await import('../../src/app/index.ts');
    const { testConfig } = await import('../helpers.ts');
    const platform = await startPlatform(testConfig({ ...env, SOCIALGOV_ROLES: 'web' }));
    try {
      const html = await (await fetch(`${platform.url}/communities/social-media`)).text();
      for (const line of ['Federal: 1', 'State: 1', 'Local: 1', 'Territorial: 1', 'Military: 1', 'Not known: 1'])
        assert.ok(html.includes(`<li>${line}</li>`), line);
    } finally {
      await platform.close();
    }
  });
});
