/** `socialgov members` and `socialgov admins` as an operator runs them, against a PostgreSQL server. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { cliTestEnv, NO_SERVER, runCli } from '../helpers.ts';

const CSV = `Email,Name,Title
ana.ruiz@gsa.gov,Ana Ruiz,Social media lead
sgt.kim@army.mil,Kim Lee,Public affairs
dev@contractor-example.com,Dev Patel,Contractor
ANA.RUIZ@gsa.gov,Ana Again,Duplicate
not-an-address,Bad Row,Nothing
,Blank,Nothing
x@gsа.gov,Look Alike,Cyrillic a
`;

describe('socialgov members and admins', { skip: NO_SERVER }, () => {
  let db: { url: string };
  let cleanup: (() => Promise<void>) | undefined;
  let dir: string;
  let env: Record<string, string>;
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };

  before(async () => {
    const t = await cliTestEnv();
    db = { url: t.url };
    dir = t.dir;
    env = { ...t.env, PUBLIC_URL: 'https://socialgov.example.gov' };
    cleanup = t.cleanup;
    // A community to import into (serve seeds it; here the CLI imports the built-in seed).
    const r = await runCli(['communities', 'import', path.resolve('src/communities/seed/social-media.md')], env);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await cleanup?.();
  });

  test('import: dry run reports every row and changes nothing; then imports with progress', async () => {
    const file = path.join(dir, 'list.csv');
    writeFileSync(file, CSV);
    const dry = await runCli(['members', 'import', file, '--community', 'social-media', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /line 4: needs-approval: dev@contractor-example\.com/);
    assert.match(dry.stdout, /line 5: duplicate: ANA\.RUIZ@gsa\.gov — appears earlier in the file/);
    assert.match(dry.stdout, /line 6: malformed: not-an-address/);
    assert.match(dry.stdout, /line 7: malformed: \(blank\) — no email address/);
    assert.match(dry.stdout, /line 8: ineligible: x@gsа\.gov/);
    assert.match(dry.stdout, /7 rows: 2 eligible, 1 need approval, 1 ineligible, 1 duplicate, 2 malformed\./);
    assert.match(dry.stdout, /Dry run: nothing was changed\./);
    assert.equal((await query(`select count(*)::int as n from memberships`))[0].n, 0);

    const real = await runCli(['members', 'import', file, '--community', 'social-media'], env);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stderr, /Checking rows: 100% \(7\/7\)/);
    assert.match(real.stdout, /Imported: 2 new members; 1 sent to the approval queue\. No mail was sent\./);
    const rows = await query(`select m.email, s.status, s.source, m.government_level from memberships s join members m on m.id = s.member_id order by m.email`);
    assert.deepEqual(
      rows.map((r) => [r.email, r.status, r.source]),
      [
        ['ana.ruiz@gsa.gov', 'active', 'import'],
        ['sgt.kim@army.mil', 'active', 'import'],
      ],
    );
    assert.equal(rows[1].government_level, 'military');
    const queue = await query(`select email, status from join_requests`);
    assert.deepEqual(queue, [{ email: 'dev@contractor-example.com', status: 'awaiting-approval' }]);

    // Importing the same file again: the members are duplicates now.
    const again = await runCli(['members', 'import', file, '--community', 'social-media', '--dry-run'], env);
    assert.match(again.stdout, /line 2: duplicate: ana\.ruiz@gsa\.gov — already a member/);
  });

  test('import: a file that is not CSV, or a missing file, changes nothing (exit 3)', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'email,name\n"unterminated@gsa.gov,Someone\n');
    const r = await runCli(['members', 'import', bad, '--community', 'social-media'], env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /is not valid CSV.*Nothing was imported\./s);
    const missing = await runCli(['members', 'import', path.join(dir, 'none.csv'), '--community', 'social-media'], env);
    assert.equal(missing.code, 3);
    const noCommunity = await runCli(['members', 'import', bad, '--community', 'nope'], env);
    assert.equal(noCommunity.code, 1);
    assert.match(noCommunity.stderr, /There is no community "nope"/);
    const noOption = await runCli(['members', 'import', bad], env);
    assert.equal(noOption.code, 2);
    assert.match(noOption.stderr, /required option '--community <slug>' not specified/);
  });

  test('add, role, remove, list; admins add', async () => {
    const add = await runCli(['members', 'add', 'lead@gsa.gov', '--community', 'social-media', '--name', 'Lead Person', '--role', 'coordinator'], env);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /lead@gsa\.gov is now a coordinator of Social Media\./);
    const role = await runCli(['members', 'role', 'ana.ruiz@gsa.gov', 'moderator', '--community', 'social-media'], env);
    assert.equal(role.code, 0, role.stderr);
    const badRole = await runCli(['members', 'role', 'ana.ruiz@gsa.gov', 'king', '--community', 'social-media'], env);
    assert.equal(badRole.code, 2);
    const list = await runCli(['members', 'list', '--community', 'social-media'], env);
    assert.match(list.stdout, /ana\.ruiz@gsa\.gov\tmoderator\tAna Ruiz/);
    assert.match(list.stdout, /lead@gsa\.gov\tcoordinator\tLead Person/);
    const removed = await runCli(['members', 'remove', 'sgt.kim@army.mil', '--community', 'social-media', '--ban'], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch((await runCli(['members', 'list', '--community', 'social-media'], env)).stdout, /sgt\.kim/);
    const admin = await runCli(['admins', 'add', 'Operator@Agency.gov'], env);
    assert.equal(admin.code, 0, admin.stderr);
    assert.equal((await query(`select site_admin from members where lower(email) = 'operator@agency.gov'`))[0].site_admin, true);
    const audit = await query(`select action, actor from audit_log where action like 'membership.%' or action like 'admin.%' order by id`);
    assert.ok(audit.some((a) => a.action === 'membership.ban' && a.actor.startsWith('cli:')));
    assert.ok(audit.some((a) => a.action === 'admin.add'));
  });

  test('names: control characters are refused on add and import; list shows any already stored as escapes', async () => {
    const add = await runCli(['members', 'add', 'esc@gsa.gov', '--community', 'social-media', '--name', 'Eve\u001b[2JEvil'], env);
    assert.equal(add.code, 2, add.stdout);
    assert.match(add.stderr, /--name: The name can’t contain line breaks, tabs or other control characters/);
    const bidi = await runCli(['members', 'add', 'esc@gsa.gov', '--community', 'social-media', '--name', 'Eve \u202eliveE'], env);
    assert.equal(bidi.code, 2);
    assert.equal((await query(`select count(*)::int as n from members where email = 'esc@gsa.gov'`))[0].n, 0);

    const file = path.join(dir, 'names.csv');
    writeFileSync(file, 'email,name,title\nrow.esc@gsa.gov,"Eve\u001b]0;pwned\u0007",Analyst\n');
    const dry = await runCli(['members', 'import', file, '--community', 'social-media', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /line 2: malformed: row\.esc@gsa\.gov — The name can’t contain line breaks/);
    assert.ok(!dry.stdout.includes('\u001b'), 'the report itself prints no raw escape');

    // A name stored before these checks (or by another tool) is escaped when listed.
    await query(`insert into members (email, name, agency) values ('legacy@gsa.gov', E'Old\\r\\nName\\u001b[31m', E'Agency\\u202e')`);
    await query(
      `insert into memberships (community_id, member_id, status) select c.id, m.id, 'active' from communities c, members m where c.slug = 'social-media' and m.email = 'legacy@gsa.gov'`,
    );
    const list = await runCli(['members', 'list', '--community', 'social-media'], env);
    assert.equal(list.code, 0, list.stderr);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(list.stdout), JSON.stringify(list.stdout));
    assert.match(list.stdout, /legacy@gsa\.gov\tmember\tOld\\r\\nName\\x1b\[31m\tAgency\\u202e\n/);
    const json = await runCli(['members', 'list', '--community', 'social-media', '--json'], env);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(json.stdout), JSON.stringify(json.stdout));
    const legacy = (JSON.parse(json.stdout) as Array<{ email?: string; name: string; agency: string }>).find((e) => e.email === 'legacy@gsa.gov')!;
    assert.equal(legacy.name, 'Old\r\nName\u001b[31m', 'JSON keeps the value itself, escaped');
    assert.equal(legacy.agency, 'Agency\u202e');
  });
});
