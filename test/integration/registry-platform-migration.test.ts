/**
 * Migration 0022 on a registry that already has its built-in platforms: the X and Facebook rules
 * as first seeded get the fixes (an X post is not an account; short Facebook Page names are
 * accounts); a platform an operator changed keeps the operator's rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { BUILTIN_PLATFORMS } from '../../src/registry/builtin-platforms.ts';
import { listPlatforms } from '../../src/registry/platform-store.ts';
import { parseAccountAddress } from '../../src/registry/platforms.ts';
import { freshServerDatabase, NO_SERVER, ROOT } from '../helpers.ts';

const MIGRATION = '0022_registry_builtin_rule_fixes';

describe('registry platform rules migration', { skip: NO_SERVER }, () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshServerDatabase();
    drop = db.drop;
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const all = listMigrations();
    await migrate(
      pool,
      () => undefined,
      all.filter((m) => m.name < MIGRATION),
    );
    // The rows as an earlier release seeded them (the rules the migration looks for), and an operator's edit of Facebook's.
    const sql = readFileSync(`${ROOT}/src/registry/migrations/${MIGRATION}.sql`, 'utf8');
    const old = Object.fromEntries(
      [...sql.matchAll(/where key = '(\w+)' and builtin and rules = '((?:[^']|'')*)'::jsonb/g)].map((m) => [m[1]!, m[2]!.replaceAll("''", "'")]),
    );
    assert.deepEqual(Object.keys(old).sort(), ['facebook', 'x']);
    const edited = JSON.stringify([
      { kind: 'handle', path: '^/(?<account>[a-z]{5,9})$', canonical: 'https://www.facebook.com/{account}', display: '{account}' },
    ]);
    for (const [key, rules] of [
      ['x', old.x!],
      ['facebook', edited],
    ] as const) {
      const p = BUILTIN_PLATFORMS.find((b) => b.key === key)!;
      await pool.query('insert into registry_platforms (key, name, hosts, rules, active, builtin, sort) values ($1, $2, $3, $4::jsonb, true, true, $5)', [
        key,
        p.name,
        p.hosts,
        rules,
        p.sort,
      ]);
    }
    await migrate(pool, () => undefined, all);
  });
  after(async () => {
    await pool?.end();
    await drop?.();
  });

  test('the seeded X rules get the post rule; an operator’s Facebook rules stand', async () => {
    const platforms = await listPlatforms(pool);
    const post = parseAccountAddress('https://x.com/USAGov/status/1', platforms);
    assert.ok(!post.ok && post.code === 'NOT_AN_ACCOUNT', 'an X post is refused');
    assert.deepEqual(
      (await pool.query(`select rules from registry_platforms where key = 'x'`)).rows[0].rules,
      BUILTIN_PLATFORMS.find((p) => p.key === 'x')!.rules,
    );
    const facebook = (await pool.query(`select rules from registry_platforms where key = 'facebook'`)).rows[0].rules as Array<{ path: string }>;
    assert.equal(facebook.length, 1, 'the operator’s rules are left alone');
    assert.equal(facebook[0]!.path, '^/(?<account>[a-z]{5,9})$');
  });
});
