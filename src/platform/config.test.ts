import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, publicUrlWarning, siteUrl, type SettingGroup } from './config.ts';

test('defaults: embedded database under ./data, port 3000 on 127.0.0.1, seed on', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.dataDir, path.resolve('data'));
  assert.equal(c.embeddedPgPort, 0);
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.seed, true);
  assert.equal(c.pageCacheSeconds, 5);
  assert.equal(c.idleMemorySeconds, 5);
  assert.equal(loadConfig({ IDLE_MEMORY_SECONDS: '0' }).idleMemorySeconds, 0);
  assert.equal(siteUrl(c, 3000), 'http://127.0.0.1:3000');
});

test('each bad value names its setting and what is allowed', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^PORT: "eighty" is not a port number; use a whole number from 0 to 65535\.$/],
    [{ PORT: '70000' }, /^PORT: 70000 is out of range/],
    [{ SOCIALGOV_EMBEDDED_PG_PORT: '5432' }, /^SOCIALGOV_EMBEDDED_PG_PORT: 5432 is left for a system PostgreSQL/],
    [{ DATABASE_URL: 'mysql://x/y' }, /^DATABASE_URL: must start with postgres: or postgresql:/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL: is not a URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: "loud" is not a log level; use one of fatal, error/],
    [{ SOCIALGOV_SEED: 'maybe' }, /^SOCIALGOV_SEED: "maybe" is not true or false/],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL: must start with http: or https:/],
    [{ PAGE_CACHE_SECONDS: '-1' }, /^PAGE_CACHE_SECONDS: "-1" must be a whole number of seconds from 0 to 300\.$/],
    [{ PAGE_CACHE_SECONDS: '301' }, /^PAGE_CACHE_SECONDS: "301" must be a whole number/],
    [{ IDLE_MEMORY_SECONDS: 'soon' }, /^IDLE_MEMORY_SECONDS: "soon" must be a whole number of seconds from 0 to 3600\.$/],
    [{ IDLE_MEMORY_SECONDS: '3601' }, /^IDLE_MEMORY_SECONDS: "3601" must be a whole number/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && message.test(err.message) && !err.message.includes('\n'),
      JSON.stringify(env),
    );
  }
});

test('a JSON settings file is read, and the environment wins over it', () => {
  const file = path.join(os.tmpdir(), `socialgov-config-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ PORT: 8080, HOST: '0.0.0.0', SOCIALGOV_SITE_NAME: 'Digital CoPs' }));
  const c = loadConfig({ SOCIALGOV_CONFIG: file, PORT: '9090' });
  assert.equal(c.port, 9090);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.siteName, 'Digital CoPs');
  assert.equal(siteUrl(c, 9090), 'http://localhost:9090');
  writeFileSync(file, JSON.stringify({ PROT: 1 }));
  assert.throws(() => loadConfig({ SOCIALGOV_CONFIG: file }), /unknown setting "PROT"/);
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ SOCIALGOV_CONFIG: file }), /cannot read .* as JSON/);
});

test('PUBLIC_URL loses its trailing slash and is used for links', () => {
  const c = loadConfig({ PUBLIC_URL: 'https://socialgov.example.gov/' });
  assert.equal(siteUrl(c, 3000), 'https://socialgov.example.gov');
});

test('listening beyond loopback without PUBLIC_URL is warned about at start-up', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.equal(publicUrlWarning(loadConfig({ HOST: host }), 3000), undefined, host);
  assert.equal(publicUrlWarning(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://socialgov.example.gov' }), 3000), undefined);
  for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
    const warning = publicUrlWarning(loadConfig({ HOST: host }), 3000);
    assert.ok(warning?.includes('PUBLIC_URL is not set'), `${host}: ${warning}`);
    assert.ok(warning?.includes(siteUrl(loadConfig({ HOST: host }), 3000)), `${host} names where links point: ${warning}`);
  }
});

test('the footer identifier: agency and required links are optional; a link is an https:// address or a path on this site', () => {
  const none = loadConfig({});
  assert.deepEqual(
    [none.agencyName, none.aboutUrl, none.accessibilityUrl, none.foiaUrl, none.noFearUrl, none.privacyUrl],
    [undefined, undefined, undefined, undefined, undefined, undefined],
  );
  const set = loadConfig({
    SOCIALGOV_AGENCY: ' General Services Administration ',
    SOCIALGOV_FOIA_URL: 'https://www.gsa.gov/foia',
    SOCIALGOV_ACCESSIBILITY_URL: '/accessibility',
  });
  assert.equal(set.agencyName, 'General Services Administration');
  assert.equal(set.foiaUrl, 'https://www.gsa.gov/foia');
  assert.equal(set.accessibilityUrl, '/accessibility');
  assert.throws(() => loadConfig({ SOCIALGOV_PRIVACY_URL: 'javascript:alert(1)' }), /SOCIALGOV_PRIVACY_URL: must start with https: or http:/);
  assert.throws(() => loadConfig({ SOCIALGOV_NO_FEAR_URL: '//evil.example.com/x' }), /SOCIALGOV_NO_FEAR_URL: is not a URL/);
});

test("a feature's settings are read when they are given, checked together, and unknown otherwise", () => {
  // A made-up feature: its key is one the platform already has, so no feature's Config is needed here.
  const group: SettingGroup = {
    title: 'Example',
    settings: [{ key: 'siteName', env: 'EXAMPLE_NAME', defaultText: '`x`', description: 'An example.', parse: (raw) => raw ?? 'x' }],
    check: (config) => {
      if (config.siteName === 'bad') throw new ConfigError('EXAMPLE_NAME', 'is bad.');
    },
  };
  assert.equal(loadConfig({ EXAMPLE_NAME: 'Digital CoPs' }, [group]).siteName, 'Digital CoPs');
  assert.equal(loadConfig({ EXAMPLE_NAME: 'Digital CoPs' }).siteName, 'SocialGov Communities');
  assert.throws(() => loadConfig({ EXAMPLE_NAME: 'bad' }, [group]), { code: 'CONFIG_INVALID', message: 'EXAMPLE_NAME: is bad.' });
  const file = path.join(os.tmpdir(), `socialgov-config-feature-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ EXAMPLE_NAME: 'From the file' }));
  assert.equal(loadConfig({ SOCIALGOV_CONFIG: file }, [group]).siteName, 'From the file');
  assert.throws(() => loadConfig({ SOCIALGOV_CONFIG: file }), /unknown setting "EXAMPLE_NAME"/);
});
