/** `socialgov registry ...` as an operator runs it, against a PostgreSQL server (and the real .gov files when present). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { cliTestEnv, HAS_SHARED, NO_SERVER, NO_SHARED, runCli, SHARED } from '../helpers.ts';

const GOV = `Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email
gsa.gov,Federal - Executive,General Services Administration,,Washington,DC,s@gsa.gov
`;

describe('socialgov registry', { skip: NO_SERVER }, () => {
  let url = '';
  let dir = '';
  let env: Record<string, string>;
  let cleanup: (() => Promise<void>) | undefined;
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };

  before(async () => {
    const t = await cliTestEnv();
    ({ url, dir, cleanup } = t);
    env = { ...t.env, PUBLIC_URL: 'https://socialgov.example.gov' };
    writeFileSync(path.join(dir, 'gov.csv'), GOV);
    assert.equal((await runCli(['agencies', 'import', path.join(dir, 'gov.csv')], env)).code, 0);
    writeFileSync(path.join(dir, 'agencies.csv'), 'Agency,Bureau\nGeneral Services Administration,\nDepartment of Agriculture,Forest Service\n');
    const r = await runCli(['registry', 'agencies', 'import', path.join(dir, 'agencies.csv')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Added 2 department\(s\) and 1 bureau\(s\)/);
    assert.equal((await runCli(['admins', 'add', 'alice@gsa.gov'], env)).code, 0);
  });
  after(async () => cleanup?.());

  test('agencies list shows the tree with slugs', async () => {
    const r = await runCli(['registry', 'agencies', 'list'], env);
    assert.match(r.stdout, /forest-service\tbureau\tDepartment of Agriculture › Forest Service/);
    const office = await runCli(['registry', 'agencies', 'add', 'Region 5', '--parent', 'forest-service'], env);
    assert.equal(office.code, 0, office.stderr);
    assert.match(office.stdout, /Added office Department of Agriculture › Forest Service › Region 5 \(slug region-5\)/);
    const deeper = await runCli(['registry', 'agencies', 'add', 'Desk', '--parent', 'region-5'], env);
    assert.equal(deeper.code, 2);
    assert.match(deeper.stderr, /an office can’t have agencies under it/);
  });

  test('import: a dry run reports every bad row; a bad file imports nothing; a good one imports with progress', async () => {
    const file = path.join(dir, 'records.csv');
    writeFileSync(
      file,
      [
        'kind,name,url,agencies,contacts,language,category_tags',
        'account,GSA on X,https://twitter.com/GSA,general-services-administration,alice@gsa.gov,en,news',
        'account,Not a platform,https://example.com/gsa,general-services-administration,alice@gsa.gov,en,',
        'website,USAGov,https://www.usa.gov,general-services-administration,nobody@gsa.gov,en,',
      ].join('\n'),
    );
    const dry = await runCli(['registry', 'import', file, '--dry-run'], env);
    assert.equal(dry.code, 3);
    assert.match(dry.stderr, /records\.csv:3: Not a platform: url: example\.com is not a platform/);
    assert.match(dry.stderr, /records\.csv:4: USAGov: contacts: nobody@gsa\.gov is not a member/);
    assert.match(dry.stdout, /Dry run: 1 of 3 rows can be imported/);
    const refused = await runCli(['registry', 'import', file], env);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /Nothing was imported/);
    assert.equal((await query('select count(*)::int as n from registry_records'))[0].n, 0);

    writeFileSync(
      file,
      [
        'kind,name,url,agencies,contacts,language,category_tags',
        'account,GSA on X,https://twitter.com/GSA,general-services-administration,alice@gsa.gov,en,news',
        'website,USAGov,https://www.usa.gov,General Services Administration,alice@gsa.gov,en,',
      ].join('\n'),
    );
    const ok = await runCli(['registry', 'import', file, '--status', 'published'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /Importing records: 100% \(2\/2\)/);
    assert.match(ok.stdout, /Imported 2 record\(s\)/);
    const rows = await query(`select kind, status, account_key, domain from registry_records order by id`);
    assert.deepEqual(rows, [
      { kind: 'account', status: 'published', account_key: 'gsa', domain: null },
      { kind: 'website', status: 'published', account_key: null, domain: 'usa.gov' },
    ]);
    const again = await runCli(['registry', 'import', file, '--dry-run'], env);
    assert.match(again.stderr, /already in the registry as record/);
  });

  test('export: CSV with contacts that imports again, and JSON', async () => {
    const csv = await runCli(['registry', 'export'], env);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /^id,kind,status,name,platform,account,url,platform_user_id,domain,app_stores,app_versions,agencies,contacts/);
    assert.match(csv.stdout, /https:\/\/x\.com\/GSA/);
    assert.match(csv.stdout, /alice@gsa\.gov/);
    const json = await runCli(['registry', 'export', '--format', 'json'], env);
    assert.equal((JSON.parse(json.stdout) as unknown[]).length, 2);
    const bad = await runCli(['registry', 'export', '--status', 'nope'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"nope" is not a status/);
  });

  test('platforms, reviewers and API keys', async () => {
    const file = path.join(dir, 'platform.json');
    writeFileSync(
      file,
      JSON.stringify({
        key: 'example',
        name: 'Example Social',
        hosts: ['example.social'],
        rules: [{ kind: 'handle', path: '^/@(?<account>[a-z]+)$', canonical: 'https://example.social/@{account}', display: '@{account}' }],
      }),
    );
    const saved = await runCli(['registry', 'platforms', 'save', file], env);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match((await runCli(['registry', 'platforms', 'list'], env)).stdout, /example\ton\tExample Social/);
    writeFileSync(
      file,
      JSON.stringify({
        key: 'bad',
        name: 'Bad',
        hosts: ['bad.example'],
        rules: [{ kind: 'handle', path: '^/(', canonical: 'https://bad.example/{account}', display: '{account}' }],
      }),
    );
    const refused = await runCli(['registry', 'platforms', 'save', file], env);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /not a valid regular expression/);

    assert.equal((await runCli(['registry', 'reviewers', 'add', 'alice@gsa.gov'], env)).code, 0);
    assert.match((await runCli(['registry', 'reviewers', 'list'], env)).stdout, /alice@gsa\.gov/);
    const stranger = await runCli(['registry', 'reviewers', 'add', 'nobody@gsa.gov'], env);
    assert.equal(stranger.code, 2);
    assert.match(stranger.stderr, /not a member of this site/);

    const key = await runCli(['registry', 'api-keys', 'create', '--name', 'Monitor', '--per-minute', '100'], env);
    assert.match(key.stdout.trim(), /^[A-Za-z0-9_-]{43}$/);
    assert.match((await runCli(['registry', 'api-keys', 'list'], env)).stdout, /1\t100\/min\tactive\tMonitor/);
    assert.match((await runCli(['registry', 'api-keys', 'revoke', '1'], env)).stdout, /Revoked key 1/);
    const audit = await query(`select action from audit_log where action like 'registry.%' order by id`);
    assert.ok(audit.some((r) => r.action === 'registry.api-key.revoke'));
  });

  test('agencies import reads the real agencies-and-subs.csv and current-federal.csv', { skip: NO_SHARED }, async () => {
    if (!HAS_SHARED) return;
    const files = [path.join(SHARED, 'data/dotgov/agencies-and-subs.csv'), path.join(SHARED, 'data/dotgov/current-federal.csv')];
    const dry = await runCli(['registry', 'agencies', 'import', ...files, '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Dry run: would add \d+ department\(s\) and \d+ bureau\(s\)/);
    const r = await runCli(['registry', 'agencies', 'import', ...files], env);
    assert.equal(r.code, 0, r.stderr);
    const counts = await query(`select level, count(*)::int as n from registry_agencies group by level order by level`);
    const bureaus = counts.find((c) => c.level === 'bureau')!.n as number;
    assert.ok(bureaus > 200, `bureaus: ${bureaus}`);
    const again = await runCli(['registry', 'agencies', 'import', ...files], env);
    assert.match(again.stdout, /Added 0 department\(s\) and 0 bureau\(s\)/);
  });
});
