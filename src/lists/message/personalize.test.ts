import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { decoratePost } from './decorate.ts';
import { loadDkimKey, type DkimKey } from './dkim.ts';
import { verifyDkim, type DnsResolver } from './dkim-verify.ts';
import { preparePersonalizer, PersonalizeError } from './personalize.ts';
import { getHeader, getHeaders, joinMessage, makeHeader, splitMessage } from './raw.ts';

const rsa = loadDkimKey(
  'lists.example.gov',
  'rsa2026',
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
);
const ed = loadDkimKey('lists.example.gov', 'ed2026', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

/** The test keys' DNS records: input data for mailauth's verifier, not a stand-in for our code. */
const resolver: DnsResolver = async (name) => {
  const key = [rsa, ed].find((k) => name === `${k.selector}._domainkey.${k.domain}`);
  if (!key) throw Object.assign(new Error('no such record'), { code: 'ENOTFOUND' });
  return [[key.dnsRecord!]];
};

const recipient = { unsubscribeUrl: 'https://socialgov.example.gov/u/tok123', unsubscribeMailto: 'mailto:sm-leave+tok123@lists.example.gov' };

async function results(message: Buffer) {
  return (await verifyDkim(message, resolver)).results.map((r) => ({ algo: r.algo, result: r.status.result, comment: r.status.comment || '' }));
}

async function assertBothPass(message: Buffer, what: string) {
  assert.deepEqual(
    await results(message),
    [
      { algo: 'rsa-sha256', result: 'pass', comment: '' },
      { algo: 'ed25519-sha256', result: 'pass', comment: '' },
    ],
    what,
  );
}

const decorated = decoratePost(
  Buffer.from(
    'From: Pat Smith <pat@agency.gov>\r\nTo: sm@lists.example.gov\r\nCc: kim@agency.gov\r\nSubject: Budget\r\nDate: Mon, 23 Nov 2026 08:59:00 -0500\r\nMessage-ID: <m1@agency.gov>\r\n\r\nHello all.\r\n',
  ),
  {
    listAddress: 'sm@lists.example.gov',
    listName: 'Social Media',
    listId: 'sm.lists.example.gov',
    subjectPrefix: '[SM]',
    postNumber: 7,
    footer: { text: 'Leave the list: https://socialgov.example.gov/lists/sm' },
    urls: {
      help: 'https://socialgov.example.gov/help',
      subscribe: 'https://socialgov.example.gov/lists/sm',
      archive: 'https://socialgov.example.gov/lists/sm/archive',
      owner: 'mailto:sm-owner@lists.example.gov',
    },
    dmarcMitigation: true,
    replyTo: 'poster',
    loopTag: 'sm@lists.example.gov',
  },
);

test('each copy has the personal one-click unsubscribe fields instead of the general one, and both signatures verify', async () => {
  const p = preparePersonalizer(decorated, [rsa, ed]);
  const a = p.forRecipient(recipient);
  const b = p.forRecipient({ unsubscribeUrl: 'https://socialgov.example.gov/u/other', unsubscribeMailto: 'mailto:sm-leave+other@lists.example.gov' });
  const h = splitMessage(a).headers;
  assert.deepEqual(getHeaders(h, 'list-unsubscribe'), ['<https://socialgov.example.gov/u/tok123>, <mailto:sm-leave+tok123@lists.example.gov>']);
  assert.deepEqual(getHeaders(h, 'list-unsubscribe-post'), ['List-Unsubscribe=One-Click']);
  assert.equal(getHeaders(h, 'dkim-signature').length, 2);
  await assertBothPass(a, 'first recipient');
  await assertBothPass(b, 'second recipient');
  const parsed = await simpleParser(a);
  assert.equal(parsed.subject, '[SM] Budget');
  assert.ok(parsed.text!.startsWith('Hello all.'));
});

test('the signature covers the required fields and oversigns From and List-Unsubscribe*', () => {
  const out = preparePersonalizer(decorated, [ed]).forRecipient(recipient);
  const sig = getHeader(splitMessage(out).headers, 'dkim-signature')!;
  assert.match(sig, /c=relaxed\/relaxed; d=lists\.example\.gov;/);
  assert.match(sig, / t=\d{10};/);
  const h = /h=([^;]+);/
    .exec(sig)![1]!
    .split(':')
    .map((s) => s.trim());
  const count = (n: string) => h.filter((x) => x === n).length;
  for (const n of [
    'from',
    'to',
    'cc',
    'subject',
    'date',
    'message-id',
    'reply-to',
    'list-id',
    'list-unsubscribe',
    'list-unsubscribe-post',
    'mime-version',
    'content-type',
  ]) {
    assert.ok(count(n) >= 1, `${n} signed`);
  }
  assert.equal(count('from'), 2);
  assert.equal(count('list-unsubscribe'), 2);
  assert.equal(count('list-unsubscribe-post'), 2);
});

/** The message with header fields changed by `edit`, body kept. */
function editHeaders(message: Buffer, edit: (h: ReturnType<typeof splitMessage>['headers']) => ReturnType<typeof splitMessage>['headers']) {
  const { headers, body } = splitMessage(message);
  return joinMessage(edit(headers), body);
}

test('changes after signing fail verification: subject, an added From or List-Unsubscribe, the body', async () => {
  const out = preparePersonalizer(decorated, [rsa, ed]).forRecipient(recipient);
  const failed = async (m: Buffer, what: string) => {
    for (const r of await results(m)) assert.notEqual(r.result, 'pass', what);
  };
  await failed(
    editHeaders(out, (h) => h.map((f) => (f.name === 'Subject' ? makeHeader('Subject', '[SM] Changed') : f))),
    'subject changed',
  );
  await failed(
    editHeaders(out, (h) => [...h, makeHeader('From', 'evil@example.com')]),
    'second From added',
  );
  await failed(
    editHeaders(out, (h) => [...h, makeHeader('List-Unsubscribe', '<https://evil.example.com/>')]),
    'second List-Unsubscribe added',
  );
  await failed(
    editHeaders(out, (h) => [...h, makeHeader('Reply-To', 'evil@example.com')]),
    'Reply-To added',
  );
  await failed(Buffer.concat([out, Buffer.from('P.S. added\r\n')]), 'body changed');
  // Re-folding and white space changes are allowed by relaxed canonicalization.
  await assertBothPass(
    editHeaders(out, (h) => h.map((f) => (f.name === 'Subject' ? { ...f, raw: 'subject:   [SM]\r\n\t Budget  \r\n' } : f))),
    're-folded subject',
  );
});

const longSubject = `Subject: ${Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')}`;
const variants: Record<string, Buffer> = {
  'CRLF body': Buffer.from('From: a@agency.gov\r\nTo: b@agency.gov\r\nSubject: s\r\n\r\nline one\r\nline two\r\n'),
  'trailing blank lines and white space': Buffer.from('From: a@agency.gov\r\nSubject: s\r\n\r\nline  with   spaces \t \r\n\r\n\r\n\r\n'),
  'no final line break': Buffer.from('From: a@agency.gov\r\nSubject: s\r\n\r\nno newline at end'),
  'long folded headers': Buffer.from(
    `From: a@agency.gov\r\n${longSubject.replace(/(.{70}) /g, '$1\r\n ')}\r\nReferences: ${Array.from({ length: 30 }, (_, i) => `<ref${i}@agency.gov>`).join('\r\n\t')}\r\nX-Long: ${'y'.repeat(990)}\r\n\r\nbody\r\n`,
  ),
  '8-bit header and body': Buffer.concat([
    Buffer.from('From: =?UTF-8?Q?Jos=C3=A9?= <jose@agency.gov>\r\nSubject: Caf'),
    Buffer.from('é ✓'),
    Buffer.from('\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from('Grüße, ☕\r\n\r\n'),
  ]),
  'empty body': Buffer.from('From: a@agency.gov\r\nSubject: empty\r\n\r\n'),
  'no body at all': Buffer.from('From: a@agency.gov\r\nSubject: nothing\r\n'),
  'LF-only input': Buffer.from('From: a@agency.gov\nSubject: s\n\nlf\nonly\n\n'),
  'repeated To and Cc': Buffer.from(
    'From: a@agency.gov\r\nTo: one@agency.gov\r\nTo: two@agency.gov\r\nCc: c1@agency.gov\r\nCc: c2@agency.gov\r\nSubject: s\r\n\r\nx\r\n',
  ),
};

for (const [name, message] of Object.entries(variants)) {
  test(`signatures verify: ${name}`, async () => {
    const p = preparePersonalizer(message, [rsa, ed]);
    await assertBothPass(p.forRecipient(recipient), name);
    await assertBothPass(p.forRecipient({ ...recipient, to: 'Kim Lee <kim@agency.gov>' }), `${name}, personal To`);
  });
}

test("a personal To replaces the post's To in its place", () => {
  const out = preparePersonalizer(variants['repeated To and Cc']!, [ed]).forRecipient({ ...recipient, to: '"Lee, Kim" <kim@agency.gov>' });
  const h = splitMessage(out).headers;
  assert.deepEqual(getHeaders(h, 'to'), ['"Lee, Kim" <kim@agency.gov>']);
  assert.deepEqual(
    h.slice(1, 3).map((f) => f.name),
    ['From', 'To'],
  );
});

test('bad recipient values are refused; with no keys the copy is personalized but unsigned', () => {
  const p = preparePersonalizer(decorated, []);
  assert.equal(getHeader(splitMessage(p.forRecipient(recipient)).headers, 'dkim-signature'), undefined);
  // A trial install on http: the RFC 2369 link, but no one-click (RFC 8058 needs https).
  const plain = p.forRecipient({ ...recipient, unsubscribeUrl: 'http://socialgov.example.gov/u/x' }).toString('latin1');
  assert.match(plain, /^List-Unsubscribe: <http:\/\/socialgov\.example\.gov\/u\/x>/m);
  assert.doesNotMatch(plain, /^List-Unsubscribe-Post:/m);
  assert.throws(() => p.forRecipient({ ...recipient, unsubscribeUrl: 'ftp://socialgov.example.gov/u/x' }), PersonalizeError);
  assert.throws(() => p.forRecipient({ ...recipient, unsubscribeUrl: 'https://x.gov/a>, <https://evil.com' }), /an http\(s\) URL/);
  assert.throws(() => p.forRecipient({ ...recipient, unsubscribeMailto: 'leave@lists.example.gov' }), /mailto: URL/);
  assert.throws(() => p.forRecipient({ ...recipient, to: 'kim@agency.gov\r\nBcc: evil@example.com' }), PersonalizeError);
  assert.throws(() => p.forRecipient({ ...recipient, to: 'Kím <kim@agency.gov>' }), /encode display names/);
});

test('keys built by hand (without loadDkimKey) work, and a key of the wrong type is refused up front', async () => {
  const bare: DkimKey = { domain: ed.domain, selector: ed.selector, privateKeyPem: ed.privateKeyPem, algorithm: 'ed25519-sha256' };
  const out = preparePersonalizer(decorated, [bare]).forRecipient(recipient);
  assert.deepEqual(
    (await results(out)).map((r) => r.result),
    ['pass'],
  );
  assert.throws(() => preparePersonalizer(decorated, [{ ...bare, algorithm: 'rsa-sha256' }]), /is ed25519 but is set to sign with rsa-sha256/);
});
