import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { mock, test } from 'node:test';
import { dkimSigned, txtResolver } from '../../../test/dkim-helpers.ts';
import { authenticateSender } from '../authenticate.ts';
import { arcSeal, ArcKeyError } from './arc.ts';
import { decoratePost } from './decorate.ts';
import { loadDkimKey } from './dkim.ts';
import { preparePersonalizer } from './personalize.ts';
import { getHeaders, splitMessage } from './raw.ts';

const require = createRequire(import.meta.url);
interface ArcVerdict {
  arc: {
    status: { result: string; comment?: string };
    i: number;
    authenticationResults?: { mta?: string; spf?: { result: string }; dmarc?: { result: string }; dkim?: Array<{ result: string }> };
  };
}
const mailauth = require('mailauth') as {
  authenticate(input: Buffer, opts: object): Promise<ArcVerdict>;
  sealMessage(input: Buffer, opts: object): Promise<Buffer>;
};

const pemOf = (type: 'rsa' | 'ed25519') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
const list = loadDkimKey('lists.example.gov', 'sg2026', pemOf('rsa'));
const poster = loadDkimKey('agency.gov', 'mail', pemOf('rsa'));
const forwarder = loadDkimKey('forwarder.example', 'fw', pemOf('rsa'));

/** The test domains' DNS: input data for mailauth, not a stand-in for our code. */
const txt: Record<string, string> = {
  'agency.gov': 'v=spf1 ip4:192.0.2.10 -all',
  '_dmarc.agency.gov': 'v=DMARC1; p=reject',
  ...Object.fromEntries([list, poster, forwarder].map((k) => [`${k.selector}._domainkey.${k.domain}`, k.dnsRecord!])),
};
const resolve = txtResolver((name) => txt[name]);

const plain = Buffer.from(
  'From: Pat Smith <pat@agency.gov>\r\nTo: sm@lists.example.gov\r\nSubject: Budget\r\nDate: Mon, 23 Nov 2026 08:59:00 -0500\r\nMessage-ID: <m1@agency.gov>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello all.\r\n',
);

const signedByPoster = (raw: Buffer) => dkimSigned(raw, poster);

function decorate(raw: Buffer): Buffer {
  return decoratePost(raw, {
    listAddress: 'sm@lists.example.gov',
    listName: 'Social Media',
    listId: 'sm.lists.example.gov',
    subjectPrefix: '[SM]',
    postNumber: 7,
    footer: { text: 'Leave the list: https://socialgov.example.gov/lists/sm' },
    urls: {
      help: 'https://socialgov.example.gov/help',
      subscribe: 'https://socialgov.example.gov/lists/sm',
      archive: 'https://socialgov.example.gov/archives/sm',
      owner: 'mailto:sm-owner@lists.example.gov',
    },
    dmarcMitigation: true,
    replyTo: 'poster',
    loopTag: 'sm@lists.example.gov',
  });
}

/** The whole path: checked on arrival, decorated, sealed once, then one personal signed copy each. */
async function copies(original: Buffer, ip = '192.0.2.10'): Promise<{ copies: Buffer[]; sealed: Buffer }> {
  const auth = await authenticateSender(original, { ip, helo: 'mail.agency.gov', sender: 'pat@agency.gov' }, resolve, 'lists.example.gov');
  assert.ok(auth.arc, 'the ARC state and results are kept for the seal');
  const sealed = await arcSeal(decorate(original), { key: list, authResults: auth.arc.authResults, chain: auth.arc.result, original });
  const p = preparePersonalizer(sealed, [list]);
  return {
    sealed,
    copies: ['a', 'b'].map((t) =>
      p.forRecipient({ unsubscribeUrl: `https://socialgov.example.gov/u/${t}`, unsubscribeMailto: `mailto:sm-leave+${t}@lists.example.gov` }),
    ),
  };
}

const verify = (copy: Buffer) =>
  mailauth.authenticate(copy, {
    resolver: resolve,
    ip: '198.51.100.7',
    helo: 'lists.example.gov',
    sender: 'sm-bounces@lists.example.gov',
    mta: 'mx.receiver.example',
    disableBimi: true,
  });

test('every copy carries one ARC set that a verifier passes, repeating the results the list saw', async () => {
  const {
    copies: [a, b],
  } = await copies(await signedByPoster(plain));
  for (const copy of [a!, b!]) {
    const h = splitMessage(copy).headers;
    assert.equal(getHeaders(h, 'arc-seal').length, 1);
    assert.match(getHeaders(h, 'arc-seal')[0]!, /\bi=1;.*\bcv=none;/s);
    assert.match(getHeaders(h, 'arc-message-signature')[0]!, /\bd=lists\.example\.gov;/);
    assert.doesNotMatch(getHeaders(h, 'arc-message-signature')[0]!, /list-unsubscribe/i, 'the personal field is not sealed');
    const aar = getHeaders(h, 'arc-authentication-results')[0]!;
    assert.match(aar, /^i=1; lists\.example\.gov;/);
    assert.match(aar, /spf=pass/);
    assert.match(aar, /dkim=pass[^;]*header\.i=@agency\.gov/);
    assert.match(aar, /dmarc=pass/);
    const v = await verify(copy);
    assert.equal(v.arc.status.result, 'pass', v.arc.status.comment);
    assert.equal(v.arc.authenticationResults?.dmarc?.result, 'pass');
    assert.equal(v.arc.authenticationResults?.spf?.result, 'pass');
  }
});

test('a seal made while the clock crosses a second still verifies (the t= signed is the t= written)', async (t) => {
  const original = await signedByPoster(plain);
  // Each reading of the clock is a second after the one before, so two readings never round to the
  // same second: the seal must read it once.
  let now = Date.parse('2026-12-03T12:00:00.000Z');
  t.mock.method(Date, 'now', () => (now += 1000));
  const {
    copies: [a],
  } = await copies(original);
  mock.restoreAll();
  const v = await verify(a!);
  assert.equal(v.arc.status.result, 'pass', v.arc.status.comment);
});

test('a forged post is sealed with the failures the list saw, so receivers are not misled', async () => {
  const {
    copies: [a],
  } = await copies(plain, '203.0.113.66');
  const aar = getHeaders(splitMessage(a!).headers, 'arc-authentication-results')[0]!;
  assert.match(aar, /spf=fail/);
  assert.match(aar, /dmarc=fail/);
  assert.equal((await verify(a!)).arc.status.result, 'pass');
});

test('an ARC chain that passed on arrival is carried on: the list adds i=2 with cv=pass', async () => {
  const original = await signedByPoster(plain);
  const forwarded = Buffer.concat([
    await mailauth.sealMessage(original, {
      signingDomain: forwarder.domain,
      selector: forwarder.selector,
      privateKey: forwarder.privateKeyPem,
      algorithm: 'rsa-sha256',
      authResults: 'forwarder.example; dkim=pass header.d=agency.gov',
      cv: 'none',
      signTime: new Date(),
    }),
    original,
  ]);
  const {
    copies: [a],
  } = await copies(forwarded, '198.51.100.99');
  const h = splitMessage(a!).headers;
  assert.equal(getHeaders(h, 'arc-seal').length, 2);
  assert.match(getHeaders(h, 'arc-seal').join('\n'), /\bi=2;.*\bcv=pass;/s);
  assert.match(getHeaders(h, 'arc-authentication-results').join('\n'), /i=2; lists\.example\.gov;[^]*arc=pass/);
  const v = await verify(a!);
  assert.equal(v.arc.status.result, 'pass', v.arc.status.comment);
  assert.equal(v.arc.i, 2);
});

test('a broken chain is not carried on: the list starts a new one and says arc=fail', async () => {
  const original = await signedByPoster(plain);
  const seal = await mailauth.sealMessage(original, {
    signingDomain: forwarder.domain,
    selector: forwarder.selector,
    privateKey: forwarder.privateKeyPem,
    algorithm: 'rsa-sha256',
    authResults: 'forwarder.example; dkim=pass',
    cv: 'none',
    signTime: new Date(),
  });
  const broken = Buffer.concat([
    Buffer.from(seal.toString('latin1').replace(/forwarder\.example; dkim=pass/, 'forwarder.example; dkim=fail'), 'latin1'),
    original,
  ]);
  const {
    copies: [a],
  } = await copies(broken);
  const h = splitMessage(a!).headers;
  assert.equal(getHeaders(h, 'arc-seal').length, 1);
  assert.match(getHeaders(h, 'arc-seal')[0]!, /\bi=1;.*\bcv=none;/s);
  assert.match(getHeaders(h, 'arc-authentication-results')[0]!, /arc=fail/);
  assert.equal((await verify(a!)).arc.status.result, 'pass');
});

test('an Ed25519 key cannot seal (RFC 8617 has RSA only), and the error says what to do', async () => {
  const ed = loadDkimKey('lists.example.gov', 'ed', pemOf('ed25519'));
  await assert.rejects(
    arcSeal(decorate(plain), { key: ed, authResults: 'lists.example.gov; none', chain: 'none', original: plain }),
    (e: Error) => e instanceof ArcKeyError && /RSA key.*ARC_SEAL=off/.test(e.message),
  );
});
