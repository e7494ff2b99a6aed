/**
 * Per-recipient cost of a list copy: `forRecipient` (personal unsubscribe fields + DKIM) on a
 * decorated 5 KB post, for RSA-2048, Ed25519, both, and unsigned, on one core.
 * Run: node --import tsx bench/personalize.ts [recipients per case, default 3000]
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decoratePost } from '../src/lists/message/decorate.ts';
import { loadDkimKey, type DkimKey } from '../src/lists/message/dkim.ts';
import { preparePersonalizer } from '../src/lists/message/personalize.ts';

const recipients = Number(process.argv[2] ?? 3000);
if (!Number.isInteger(recipients) || recipients < 100) {
  console.error('Give the number of recipients per case as a whole number of at least 100, e.g. 3000.');
  process.exit(2);
}

const paragraph =
  'Agencies across government shared how they plan, review and measure their social media work this quarter. ' +
  'Please read the notes below and reply to the list with your own lessons learned.\n';
let text = '';
while (Buffer.byteLength(text) < 4600) text += paragraph;
const post = Buffer.from(
  [
    'Received: from mx.agency.gov (mx.agency.gov [192.0.2.1]) by lists.example.gov; Mon, 23 Nov 2026 09:00:00 +0000',
    'From: Pat Smith <pat@agency.gov>',
    'To: sm@lists.example.gov',
    'Subject: Quarterly social media metrics',
    'Date: Mon, 23 Nov 2026 08:59:00 -0500',
    'Message-ID: <bench-1@agency.gov>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
  ].join('\r\n'),
);
const decorated = decoratePost(post, {
  listAddress: 'sm@lists.example.gov',
  listName: 'Social Media',
  listId: 'sm.lists.example.gov',
  subjectPrefix: '[Social Media]',
  postNumber: 1234,
  footer: { text: 'You get this as a member of the Social Media list.\nChange delivery or leave: {subscribe}' },
  urls: {
    help: 'https://socialgov.example.gov/lists/sm/help',
    subscribe: 'https://socialgov.example.gov/lists/sm',
    archive: 'https://socialgov.example.gov/lists/sm/archive',
    owner: 'mailto:sm-owner@lists.example.gov',
  },
  dmarcMitigation: true,
  replyTo: 'poster',
  loopTag: 'sm@lists.example.gov',
});

const pem = (type: 'rsa' | 'ed25519') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
const rsa = loadDkimKey('lists.example.gov', 'rsa', pem('rsa'));
const ed = loadDkimKey('lists.example.gov', 'ed', pem('ed25519'));

function run(name: string, keys: DkimKey[]) {
  const t0 = performance.now();
  const p = preparePersonalizer(decorated, keys);
  const prepareMs = performance.now() - t0;
  const one = (i: number) =>
    p.forRecipient({
      unsubscribeUrl: `https://socialgov.example.gov/u/${i.toString(36)}tok`,
      unsubscribeMailto: `mailto:sm-leave+${i.toString(36)}@lists.example.gov`,
      to: `member${i}@agency.gov`,
    });
  for (let i = 0; i < Math.min(200, recipients); i++) one(i); // warm-up
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < recipients; i++) bytes += one(i).length;
  const ms = performance.now() - start;
  const perSecond = (recipients / ms) * 1000;
  console.log(
    `${name.padEnd(16)} ${perSecond.toFixed(0).padStart(7)} messages/s  ${((ms * 1000) / recipients).toFixed(1).padStart(7)} µs/message  ` +
      `10,000 recipients: ${(10_000 / perSecond).toFixed(2)} s on one core  (prepare ${prepareMs.toFixed(2)} ms, ${(bytes / recipients / 1024).toFixed(1)} KB/message)`,
  );
}

console.log(
  `forRecipient on a ${(decorated.length / 1024).toFixed(1)} KB decorated post, ${recipients} recipients per case, one core (Node ${process.version})`,
);
run('unsigned', []);
run('ed25519-sha256', [ed]);
run('rsa-sha256 2048', [rsa]);
run('rsa + ed25519', [rsa, ed]);
