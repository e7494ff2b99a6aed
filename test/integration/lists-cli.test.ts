/** `socialgov lists`: show a list, its held messages, and make a DKIM key with its DNS record. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliTestEnv, NO_SERVER, ROOT, runCli } from '../helpers.ts';
import { loadDkimKey } from '../../src/lists/message/dkim.ts';

describe('socialgov lists', { skip: NO_SERVER }, () => {
  let t: Awaited<ReturnType<typeof cliTestEnv>>;
  before(async () => {
    t = await cliTestEnv();
    // A community made by the CLI gets its list too (the seed runs only in serve).
    const imported = await runCli(['communities', 'import', path.join(ROOT, 'src/communities/seed/social-media.md')], t.env);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(async () => t?.cleanup());

  test('show: addresses and settings; an unknown list is named', async () => {
    const env = { ...t.env, LIST_DOMAIN: 'lists.example.gov' };
    const shown = await runCli(['lists', 'show', 'social-media'], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /posts: +social-media@lists\.example\.gov/);
    assert.match(shown.stdout, /commands: +social-media-request@lists\.example\.gov/);
    assert.match(shown.stdout, /prefix: +\[Social Media\]/);
    const held = await runCli(['lists', 'held', 'social-media'], env);
    assert.equal(held.code, 0);
    assert.match(held.stdout, /Nothing is waiting/);
    const missing = await runCli(['lists', 'show', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no list called "nope"/);
  });

  test('dkim-key: a usable key (owner-only file) and the DNS record; never overwrites', async () => {
    const out = path.join(t.dir, 'dkim.pem');
    const made = await runCli(['lists', 'dkim-key', '--selector', 'sg2026', '--out', out], { ...t.env, LIST_DOMAIN: 'lists.example.gov' });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^sg2026\._domainkey\.lists\.example\.gov\. TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+"$/m);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const key = loadDkimKey('lists.example.gov', 'sg2026', readFileSync(out, 'utf8'));
    assert.ok(made.stdout.includes(key.dnsRecord!));
    const again = await runCli(['lists', 'dkim-key', '--selector', 'sg2026', '--out', out], t.env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
    const bad = await runCli(['lists', 'dkim-key', '--selector', 'sg2026', '--out', path.join(t.dir, 'x.pem'), '--type', 'dsa'], t.env);
    assert.equal(bad.code, 2);
    assert.equal(existsSync(path.join(t.dir, 'x.pem')), false);
  });
});
