import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { dkimSigned, txtResolver } from '../../test/dkim-helpers.ts';
import { NO_SHARED, SHARED } from '../../test/helpers.ts';
import { mboxBytes, splitMbox } from '../archives/mbox.ts';
import { authenticateSender, senderAuthenticationOf, type DnsResolve, type MailauthResult } from './authenticate.ts';
import { loadDkimKey } from './message/dkim.ts';

// mailauth's own `authenticate` (its index, BIMI and all): what our composition of its checks
// must answer the same as.
const require = createRequire(import.meta.url);
const mailauth = require('mailauth') as {
  authenticate(input: Buffer, opts: object): Promise<MailauthResult>;
  sealMessage(input: Buffer, opts: object): Promise<Buffer>;
};

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const poster = loadDkimKey('agency.gov', 'mail', pem());
const forwarder = loadDkimKey('forwarder.example', 'fw', pem());

/**
 * The test domains' DNS, input data for the checks: every domain publishes SPF for 192.0.2.0/24
 * and a DMARC policy (quarantine), so SPF passes or fails with the address and DMARC is decided
 * on every message; only the two test keys exist.
 */
const keys: Record<string, string> = Object.fromEntries([poster, forwarder].map((k) => [`${k.selector}._domainkey.${k.domain}`, k.dnsRecord!]));
const resolve: DnsResolve = txtResolver((n) =>
  n.includes('._domainkey.') ? keys[n] : n.startsWith('_dmarc.') ? 'v=DMARC1; p=quarantine' : 'v=spf1 ip4:192.0.2.0/24 -all',
);

interface Envelope {
  ip?: string;
  helo?: string;
  sender: string;
}

/** Our answer and mailauth's `authenticate`'s, for one message as it arrived. */
async function both(raw: Buffer, envelope: Envelope) {
  const ours = await authenticateSender(raw, envelope, resolve, 'lists.example.gov');
  const theirs = senderAuthenticationOf(await mailauth.authenticate(raw, { ...envelope, resolver: resolve, mta: 'lists.example.gov', disableBimi: true }));
  return { ours, theirs };
}

const plain = Buffer.from(
  'From: Pat Smith <pat@agency.gov>\r\nTo: sm@lists.example.gov\r\nSubject: Budget\r\nDate: Mon, 23 Nov 2026 08:59:00 -0500\r\nMessage-ID: <m1@agency.gov>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello all.\r\n',
);

const signed = (raw: Buffer) => dkimSigned(raw, poster);

test('the checks answer as mailauth.authenticate does: signed, forged, unsigned, forwarded with ARC, no address or HELO', async () => {
  const good = await signed(plain);
  const forwarded = await mailauth.sealMessage(good, {
    signingDomain: forwarder.domain,
    selector: forwarder.selector,
    privateKey: forwarder.privateKeyPem,
    authResults: 'forwarder.example; dkim=pass header.d=agency.gov; spf=pass smtp.mailfrom=agency.gov',
    cv: 'none',
    signTime: new Date(),
  });
  const cases: Array<[string, Buffer, Envelope, Partial<Record<'dmarc' | 'spf', string>>]> = [
    ['signed, from an allowed address', good, { ip: '192.0.2.10', helo: 'mail.agency.gov', sender: 'pat@agency.gov' }, { dmarc: 'pass', spf: 'pass' }],
    ['signed, from elsewhere', good, { ip: '203.0.113.5', helo: 'mail.agency.gov', sender: 'pat@agency.gov' }, { dmarc: 'pass', spf: 'fail' }],
    ['unsigned, from elsewhere', plain, { ip: '203.0.113.5', helo: 'x.example', sender: 'pat@agency.gov' }, { dmarc: 'fail', spf: 'fail' }],
    ['forwarded with an ARC set', Buffer.concat([forwarded, good]), { ip: '198.51.100.9', helo: 'mx.forwarder.example', sender: 'fw@forwarder.example' }, {}],
    ['no HELO name: the address stands for it', plain, { ip: '192.0.2.10', sender: 'pat@agency.gov' }, { spf: 'pass' }],
    ['no address at all', good, { sender: 'pat@agency.gov' }, {}],
  ];
  for (const [what, raw, envelope, expect] of cases) {
    const { ours, theirs } = await both(raw, envelope);
    assert.deepEqual(ours, theirs, what);
    for (const [k, v] of Object.entries(expect)) assert.equal(ours[k as 'dmarc' | 'spf'], v, `${what}: ${k}`);
    assert.ok(ours.arc?.authResults.startsWith('lists.example.gov;\r\n '), `${what}: the results name who checked`);
  }
});

test('the checks answer as mailauth.authenticate does on 1,500 real list messages', { skip: NO_SHARED }, async () => {
  const messages = splitMbox(mboxBytes(readFileSync(path.join(SHARED, 'data/mail-corpus/usrp-users-1500.mbox.gz'))));
  assert.equal(messages.length, 1500);
  const seen = new Set<string>();
  // A run that repeats the suite on another Node.js (TEST_REPEAT, scripts/run-tests.js) compares
  // every fifth message: the point is our composition against mailauth's, not the Node.js.
  const step = process.env.TEST_REPEAT === '1' ? 5 : 1;
  for (const [i, { raw }] of messages.entries()) {
    if (i % step) continue;
    const from = /^From:.*?([^\s<>"]+@[^\s<>"]+)/im.exec(raw.toString('latin1'))?.[1] ?? 'someone@example.com';
    // Half from an address the sender's domain allows, half not.
    const envelope = { ip: i % 2 ? '192.0.2.10' : '203.0.113.5', helo: 'mail.example.com', sender: from };
    const { ours, theirs } = await both(raw, envelope);
    assert.deepEqual(ours, theirs, `message ${i + 1} (${from})`);
    seen.add(`spf=${ours.spf} dmarc=${ours.dmarc} arc=${ours.arc?.result}`);
  }
  // The corpus reaches several outcomes, so the comparison is not of one path only.
  assert.ok(seen.size >= 4, [...seen].join(', '));
});
