import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig as loadPlatformConfig } from '../platform/config.ts';
import { listsSettings } from './settings.ts';

const loadConfig = (env: Record<string, string>) => loadPlatformConfig(env, [listsSettings]);

test('each bad list setting names itself and what is allowed', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DKIM_SELECTOR: 'sg' }, /^DKIM_PRIVATE_KEY_FILE: set both DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, or neither\.$/],
    [
      { DKIM_SELECTOR: 'sg,sge', DKIM_PRIVATE_KEY_FILE: '/k.pem' },
      /^DKIM_PRIVATE_KEY_FILE: 1 key files for 2 selectors in DKIM_SELECTOR; give one key file per selector/,
    ],
    [{ DKIM_SELECTOR: 'sg,sg', DKIM_PRIVATE_KEY_FILE: '/a.pem,/b.pem' }, /^DKIM_SELECTOR: "sg" is named twice/],
    [{ DKIM_SELECTOR: 'sg,,sge', DKIM_PRIVATE_KEY_FILE: '/a.pem,/b.pem' }, /^DKIM_SELECTOR: has an empty selector between commas/],
    [{ ARC_SEAL: 'yes' }, /^ARC_SEAL: "yes" must be on or off/],
    [{ ARC_SEAL: 'on' }, /^ARC_SEAL: ARC sealing needs an RSA key: set DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, or ARC_SEAL=off\.$/],
    [{ MAIL_IN_TRUSTED_PEERS: '10.0.0.0/8' }, /^MAIL_IN_TRUSTED_PEERS: "10\.0\.0\.0\/8" is not an IP address/],
    [{ MAIL_IN_TRUSTED_PEERS: 'postfix.local' }, /^MAIL_IN_TRUSTED_PEERS: "postfix\.local" is not an IP address/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && message.test(err.message) && !err.message.includes('\n'),
      JSON.stringify(env),
    );
  }
});

test('XFORWARD is believed from loopback by default, from the listed peers, or from no one', () => {
  assert.deepEqual(loadConfig({}).mailInTrustedPeers, ['127.0.0.1', '::1']);
  assert.deepEqual(loadConfig({ MAIL_IN_TRUSTED_PEERS: '10.0.0.5, 2001:db8::25' }).mailInTrustedPeers, ['10.0.0.5', '2001:db8::25']);
  assert.deepEqual(loadConfig({ MAIL_IN_TRUSTED_PEERS: 'none' }).mailInTrustedPeers, []);
});

test('DKIM keys: one, or several paired with their selectors in order', () => {
  assert.deepEqual(loadConfig({}).dkimSelectors, []);
  const one = loadConfig({ DKIM_SELECTOR: ' sg2026 ', DKIM_PRIVATE_KEY_FILE: '/etc/socialgov/dkim.pem' });
  assert.deepEqual([one.dkimSelectors, one.dkimKeyFiles], [['sg2026'], ['/etc/socialgov/dkim.pem']]);
  const two = loadConfig({ DKIM_SELECTOR: 'sg2026, sg2026e', DKIM_PRIVATE_KEY_FILE: '/etc/rsa.pem, /etc/ed.pem' });
  assert.deepEqual(
    [two.dkimSelectors, two.dkimKeyFiles],
    [
      ['sg2026', 'sg2026e'],
      ['/etc/rsa.pem', '/etc/ed.pem'],
    ],
  );
});

test('ARC sealing: on when there is an RSA DKIM key unless ARC_SEAL=off', () => {
  assert.equal(loadConfig({}).arcSeal, 'auto');
  assert.equal(loadConfig({ ARC_SEAL: ' OFF ' }).arcSeal, 'off');
  assert.equal(loadConfig({ ARC_SEAL: 'on', DKIM_SELECTOR: 'sg', DKIM_PRIVATE_KEY_FILE: '/k.pem' }).arcSeal, 'on');
});
