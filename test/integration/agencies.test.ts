/** `socialgov agencies import|lookup` with the real .gov registry files, against a real PostgreSQL server database. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseRegistryFile } from '../../src/membership/gov-registry.ts';
import { cliTestEnv, NO_SERVER, runCli, SHARED } from '../helpers.ts';

const FULL = path.join(SHARED, 'data/dotgov/current-full.csv');
const FEDERAL = path.join(SHARED, 'data/dotgov/current-federal.csv');
const NO_DOTGOV = existsSync(FULL) && existsSync(FEDERAL) ? false : 'needs ../shared (real data); present in CI';

function domainsIn(file: string): number {
  const r = parseRegistryFile(readFileSync(file));
  assert.ok(r.ok);
  return r.rows.length;
}

describe('socialgov agencies', { skip: NO_SERVER || NO_DOTGOV }, () => {
  let db: { url: string };
  let cleanup: (() => Promise<void>) | undefined;
  let dir: string;
  let env: Record<string, string>;
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  };
  const counts = async () =>
    (
      await query<{ domains: number; federal: number; imports: number }>(
        `select (select count(*)::int from gov_domains) as domains,
              (select count(*)::int from gov_domains where domain_type like 'Federal%') as federal,
              (select count(*)::int from gov_registry_imports) as imports`,
      )
    )[0]!;

  before(async () => {
    const t = await cliTestEnv();
    db = { url: t.url };
    dir = t.dir;
    env = t.env;
    cleanup = t.cleanup;
  });
  after(async () => {
    await cleanup?.();
  });

  test('--help for each command', async () => {
    for (const cmd of [['agencies'], ['agencies', 'import'], ['agencies', 'lookup']]) {
      const r = await runCli([...cmd, '--help'], env);
      assert.equal(r.code, 0, cmd.join(' '));
      assert.match(r.stdout, /Usage: socialgov agencies/);
    }
  });

  test('before any import, any .gov is eligible with the agency unknown', async () => {
    const r = await runCli(['agencies', 'lookup', 'someone@gsa.gov'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^someone@gsa\.gov: eligible \(rule gov-any\)\n {2}Level: unknown\n {2}Agency: unknown/);
    assert.match(r.stderr, /the full \.gov registry has not been imported/);
  });

  test('import of the real current-full.csv and current-federal.csv', async () => {
    const full = domainsIn(FULL);
    const federal = domainsIn(FEDERAL);
    const r = await runCli(['agencies', 'import', FULL, FEDERAL], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`${FULL}: ${full} domains (full registry)`), r.stderr);
    assert.ok(r.stderr.includes(`${FEDERAL}: ${federal} domains (federal domains)`), r.stderr);
    assert.match(r.stderr, new RegExp(`\\[1000/${full}\\] domains written\\n\\[2000/${full}\\]`));
    assert.match(r.stderr, new RegExp(`\\[${full}/${full}\\] domains written`));
    assert.equal(r.stdout, `Imported the .gov registry from 2 file(s): ${full} domains (${full} added, 0 changed, 0 removed, 0 unchanged).\n`);
    assert.deepEqual(await counts(), { domains: full, federal, imports: 1 });
    const audit = await query<{ actor: string; source: string; after: { full: boolean; added: number } }>(
      `select actor, source, after from audit_log where action = 'gov-registry.import'`,
    );
    assert.equal(audit.length, 1);
    assert.match(audit[0]!.actor, /^cli:/);
    assert.equal(audit[0]!.after.added, full);
    assert.equal(audit[0]!.after.full, true);
  });

  test('lookup: a registered federal domain, a sub-domain of one, an unregistered .gov, a .mil and others', async () => {
    const gsa = await runCli(['agencies', 'lookup', 'someone@gsa.gov'], env);
    assert.equal(gsa.code, 0, gsa.stderr);
    assert.match(
      gsa.stdout,
      /^someone@gsa\.gov: eligible \(rule gov-registry\)\n {2}Level: federal \(Federal - Executive\)\n {2}Agency: General Services Administration\n/,
    );
    assert.doesNotMatch(gsa.stderr, /not been imported/);

    const fs = await runCli(['agencies', 'lookup', 'x@fs.usda.gov'], env);
    assert.match(
      fs.stdout,
      /^x@fs\.usda\.gov: eligible \(rule gov-registry\)\n {2}Level: federal \(Federal - Executive\)\n {2}Agency: Department of Agriculture\n/,
    );
    assert.match(fs.stdout, /fs\.usda\.gov is under usda\.gov/);
    const bare = await runCli(['agencies', 'lookup', 'FS.USDA.GOV'], env);
    assert.match(bare.stdout, /^any address at fs\.usda\.gov: eligible/);

    const unregistered = await runCli(['agencies', 'lookup', 'x@surely-not-registered-socialgov.gov'], env);
    assert.equal(unregistered.code, 0);
    assert.match(unregistered.stdout, /: needs approval by a coordinator \(rule gov-unregistered\)\n {2}For the coordinator: .*not in the \.gov registry/);

    const mil = await runCli(['agencies', 'lookup', 'x@army.mil'], env);
    assert.match(mil.stdout, /eligible \(rule mil\)\n {2}Level: military/);

    const json = JSON.parse((await runCli(['agencies', 'lookup', '--json', 'x@cherokee.gov'], env)).stdout);
    assert.deepEqual([json.outcome, json.level, json.agency], ['eligible', 'tribal', 'Cherokee Nation']);

    const city = await runCli(['agencies', 'lookup', '--levels', 'federal,military', '--no-exceptions', 'x@29palms.gov'], env);
    assert.match(city.stdout, /not eligible \(rule level\)\n {2}For the applicant: .*29palms\.gov is a local government address/);

    const allowed = await runCli(['agencies', 'lookup', 'x@si.edu'], { ...env, ELIGIBLE_DOMAINS: 'si.edu' });
    assert.match(allowed.stdout, /eligible \(rule allow-list\)/);
    const spoof = await runCli(['agencies', 'lookup', 'x@agency.g\u043ev'], env);
    assert.match(spoof.stdout, /not eligible \(rule domain\)/);
    const badLevels = await runCli(['agencies', 'lookup', '--levels', 'county', 'x@gsa.gov'], env);
    assert.equal(badLevels.code, 2);
    assert.match(badLevels.stderr, /"county" is not a level of government/);
  });

  test('a bad file: exit 3, the file, line and column named, nothing changed', async () => {
    const lines = readFileSync(FULL, 'utf8').split('\n');
    lines[499] = lines[499]!.replace(/^[^,]+/, 'not a domain');
    const bad = path.join(dir, 'current-full.csv');
    writeFileSync(bad, lines.join('\n'));
    const before = await counts();
    const r = await runCli(['agencies', 'import', bad, FEDERAL], env);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes(`${bad}:500: error: column 1 (Domain name): "not a domain" is not a domain name`), r.stderr);
    assert.match(r.stderr, /Nothing was imported/);
    assert.doesNotMatch(r.stderr, /domains written/);
    assert.deepEqual(await counts(), before);

    const quote = path.join(dir, 'quote.csv');
    writeFileSync(quote, readFileSync(FEDERAL, 'utf8').replace('\nusda.gov,', '\nusda.gov,"Federal'));
    const q = await runCli(['agencies', 'import', quote], env);
    assert.equal(q.code, 3);
    assert.match(q.stderr, /quote\.csv:\d+: error: column 2 \(Domain type\): a value starts with a double quote/);

    const missing = await runCli(['agencies', 'import', path.join(dir, 'nope.csv')], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /nope\.csv: no such file/);
    assert.deepEqual(await counts(), before);
  });

  test('--dry-run reports and changes nothing; a re-import replaces the previous one', async () => {
    const full = domainsIn(FULL);
    const before = await counts();
    const dry = await runCli(['agencies', 'import', '--dry-run', FULL, FEDERAL], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout, `Dry run: the registry would have ${full} domains (0 added, 0 changed, 0 removed, ${full} unchanged). Nothing was changed.\n`);
    assert.deepEqual(await counts(), before);

    // A newer registry: 29palms.gov gone, acton-ma.gov renamed.
    const newer = path.join(dir, 'newer-full.csv');
    writeFileSync(
      newer,
      readFileSync(FULL, 'utf8')
        .replace(/\n29palms\.gov,[^\n]*/, '')
        .replace('"Town of Acton, Massachusetts"', 'Town of Acton'),
    );
    const r = await runCli(['agencies', 'import', newer, FEDERAL], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`: ${full - 1} domains \\(0 added, 1 changed, 1 removed, ${full - 2} unchanged\\)`));
    assert.match(r.stderr, /Removed 1 domain\(s\) the registry no longer lists: 29palms\.gov/);
    assert.equal((await counts()).domains, full - 1);
    const gone = await runCli(['agencies', 'lookup', 'x@29palms.gov'], env);
    assert.match(gone.stdout, /needs approval by a coordinator \(rule gov-unregistered\)/);
    assert.match((await runCli(['agencies', 'lookup', 'x@acton-ma.gov'], env)).stdout, /Agency: Town of Acton\n/);

    // The federal file alone replaces federal domains only; city domains stay.
    const fed = await runCli(['agencies', 'import', FEDERAL], env);
    assert.equal(fed.code, 0, fed.stderr);
    assert.match(fed.stderr, /only federal domains are replaced/);
    assert.match(fed.stdout, /0 added, 0 changed, 0 removed/);

    const back = await runCli(['agencies', 'import', FULL, FEDERAL], env);
    assert.match(back.stdout, new RegExp(`: ${full} domains \\(1 added, 1 changed, 0 removed, ${full - 2} unchanged\\)`));
    assert.match(
      (await runCli(['agencies', 'lookup', 'x@29palms.gov'], env)).stdout,
      /eligible \(rule gov-registry\)\n {2}Level: local \(City\)\n {2}Agency: City of Twentynine Palms/,
    );
  });
});
