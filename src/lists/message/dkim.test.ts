import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { DkimKeyError, loadDkimKey, privateKeyOf, relaxedBody, relaxedHeader } from './dkim.ts';

const pem = (type: 'rsa' | 'ed25519' | 'ec', bits = 2048, format: 'pkcs8' | 'pkcs1' = 'pkcs8') => {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : type === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return pair.privateKey.export({ type: format, format: 'pem' }) as string;
};

test('loadDkimKey reads RSA (PKCS#8 and PKCS#1) and Ed25519 keys and gives the DNS record', () => {
  const rsa = loadDkimKey('Lists.Example.gov.', 'sg2026', pem('rsa'));
  assert.equal(rsa.domain, 'lists.example.gov');
  assert.equal(rsa.algorithm, 'rsa-sha256');
  assert.match(rsa.dnsRecord!, /^v=DKIM1; k=rsa; p=MII[A-Za-z0-9+/=]+$/);
  assert.equal(loadDkimKey('lists.example.gov', 's', pem('rsa', 2048, 'pkcs1')).algorithm, 'rsa-sha256');
  const ed = loadDkimKey('lists.example.gov', 'ed', pem('ed25519'));
  assert.equal(ed.algorithm, 'ed25519-sha256');
  assert.equal(Buffer.from(/p=(.+)$/.exec(ed.dnsRecord!)![1]!, 'base64').length, 32, 'raw 32-byte key (RFC 8463)');
});

test('loadDkimKey refuses bad keys with a message that says what to do', () => {
  const refuses = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: Error) => e instanceof DkimKeyError && e.code === 'DKIM_KEY_INVALID' && re.test(e.message));
  refuses(() => loadDkimKey('lists.example.gov', 's', 'not a key'), /not a PEM private key/);
  refuses(() => loadDkimKey('lists.example.gov', 's', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), /could not be read.*whole PEM block/);
  refuses(() => loadDkimKey('lists.example.gov', 's', pem('ec')), /RSA or Ed25519; this one is ec/);
  refuses(() => loadDkimKey('lists.example.gov', 's', pem('rsa', 512)), /only 512 bits.*2048/);
  const encrypted = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'x',
  }) as string;
  refuses(() => loadDkimKey('lists.example.gov', 's', encrypted), /passphrase/);
  refuses(() => loadDkimKey('not a domain', 's', pem('ed25519')), /not a domain name/);
  refuses(() => loadDkimKey('lists.example.gov', 'bad selector!', pem('ed25519')), /selector/);
  refuses(
    () => privateKeyOf({ domain: 'lists.example.gov', selector: 's', privateKeyPem: pem('rsa', 1024), algorithm: 'ed25519-sha256' }),
    /is rsa but is set to sign with ed25519-sha256/,
  );
});

test('relaxed body canonicalization (RFC 6376 §3.4.4 and its example)', () => {
  const c = (s: string) => relaxedBody(Buffer.from(s, 'latin1')).toString('latin1');
  assert.equal(c(' C \r\nD \t E\r\n\r\n\r\n'), ' C\r\nD E\r\n');
  assert.equal(c(''), '');
  assert.equal(c('\r\n\r\n'), '');
  assert.equal(c('abc'), 'abc\r\n');
  assert.equal(c('a  \n\nb\t\n \n'), 'a\r\n\r\nb\r\n');
  assert.equal(c('caf\xe9 \r\n'), 'caf\xe9\r\n');
});

test('relaxed header canonicalization (RFC 6376 §3.4.2 example)', () => {
  assert.equal(relaxedHeader('A: X\r\n'), 'a:X\r\n');
  assert.equal(relaxedHeader('B : Y\t\r\n\tZ  \r\n'), 'b:Y Z\r\n');
});
