import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, test } from 'node:test';
import { loadDkimKey } from './message/dkim.ts';
import { verifyDkim, type DnsResolver } from './message/dkim-verify.ts';
import { inlineSigner, threadSigner } from './signing-pool.ts';

const key = loadDkimKey('lists.example.gov', 'ed2026', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
/** The test key's DNS record: input data for mailauth's verifier, not a stand-in for our code. */
const resolver: DnsResolver = async () => [[key.dnsRecord!]];
const post = (n: number) =>
  Buffer.from(
    `From: Pat <pat@agency.gov>\r\nTo: sm@lists.example.gov\r\nSubject: Post ${n}\r\nMessage-ID: <p${n}@agency.gov>\r\n\r\n${`Line of post ${n}.\r\n`.repeat(300)}`,
  );
const params = (i: number) => ({ unsubscribeUrl: `https://socialgov.example.gov/u/t${i}`, unsubscribeMailto: `mailto:sm-leave+t${i}@lists.example.gov` });

const threads = threadSigner([key], 2);
// the threads do not keep a process alive on their own (a worker's database session does)
const alive = setInterval(() => undefined, 1000);
after(async () => (clearInterval(alive), await threads.close()));

test('copies signed in threads come back as pieces: the same bytes as signed here, the body shared, not copied', async () => {
  await threads.ready();
  const here = inlineSigner([key]);
  const copies = await Promise.all(Array.from({ length: 40 }, (_, i) => threads.copy(1 + (i % 2), post(1 + (i % 2)), params(i))));
  for (const [i, pieces] of copies.entries()) {
    const raw = Buffer.concat(pieces);
    const mine = Buffer.concat(await here.copy(1 + (i % 2), post(1 + (i % 2)), params(i)));
    // the same but for the signature's time and value
    const unsigned = (b: Buffer) => b.toString('latin1').replace(/^DKIM-Signature:[^]*?\r\n(?=[^\t ])/, '');
    assert.equal(unsigned(raw), unsigned(mine), `copy ${i}`);
    assert.ok(raw.toString('latin1').includes(`/u/t${i}>`), `copy ${i} has its own unsubscribe link`);
    const [result] = (await verifyDkim(raw, resolver)).results;
    assert.equal(result?.status.result, 'pass', `copy ${i} verifies`);
  }
  // every copy of a post ends with the very same body buffer
  assert.equal(copies[0]!.at(-1), copies[2]!.at(-1));
  assert.notEqual(copies[0]!.at(-1), copies[1]!.at(-1));
});

test('a copy that cannot be made is refused, and the others still come', async () => {
  const bad = threads.copy(3, post(3), { ...params(0), unsubscribeUrl: 'ftp://x' });
  const good = threads.copy(3, post(3), params(1));
  await assert.rejects(bad, /http\(s\) URL/);
  assert.ok(Buffer.concat(await good).includes('/u/t1>'));
});
