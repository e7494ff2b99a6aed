/**
 * The listserv against hostile or unlucky mail (issue 18): sender checks behind Postfix (XFORWARD
 * from trusted peers only), over-long lines, repeated Message-IDs, and messages built to choke
 * the worker. Real SMTP/LMTP in, a real DNS server for SPF/DMARC, a real SMTP sink out.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createIntake } from '../../src/lists/intake.ts';
import { decodeHeaderValue } from '../../src/lists/message/raw.ts';
import { startTestDns, type TestDns } from '../dns-server.ts';
import { addMembers } from '../list-helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;

/** A hand-driven SMTP/LMTP conversation: each command's full reply (multi-line joined). */
async function converse(o: { port: number; localAddress?: string; commands: string[] }): Promise<string[]> {
  const socket = net.connect({ host: '127.0.0.1', port: o.port, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
  let buffer = '';
  const waiting: Array<(reply: string) => void> = [];
  const replies: string[] = [];
  let pending: string[] = [];
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      pending.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const reply = pending.join('\n');
        pending = [];
        const w = waiting.shift();
        if (w) w(reply);
        else replies.push(reply);
      }
    }
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const ready = replies.shift();
      if (ready !== undefined) return resolve(ready);
      const timer = setTimeout(() => reject(new Error(`no reply; so far: ${pending.join('|')}`)), 10_000);
      waiting.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const out: string[] = [await next()];
  try {
    for (const command of o.commands) {
      socket.write(command.endsWith('\r\n') ? command : `${command}\r\n`);
      out.push(await next());
    }
  } finally {
    socket.end('QUIT\r\n');
  }
  return out;
}

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const POSTFIX = '/usr/sbin/postfix';
/** A real Postfix needs its binary and root (it drops to its own user). */
const canRunPostfix = existsSync(POSTFIX) && process.getuid?.() === 0;

/**
 * A private Postfix instance (its own config and queue directories, on a free loopback port)
 * that relays the list domain to our LMTP listener with XFORWARD, as docs/operations.md says,
 * and believes XCLIENT from loopback so a test can play a remote mail server.
 */
async function startPostfix(lmtpPort: number): Promise<{ port: number; stop(): void }> {
  const dir = tempDir();
  for (const d of ['conf', 'queue', 'data']) mkdirSync(path.join(dir, d));
  chownSync(path.join(dir, 'data'), Number(execFileSync('id', ['-u', 'postfix']).toString().trim()), 0);
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'conf', 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = postfix.test.gov',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      `relay_domains = ${DOMAIN}`,
      `transport_maps = inline:{ ${DOMAIN}=lmtp:inet:127.0.0.1:${lmtpPort} }`,
      'lmtp_send_xforward_command = yes',
      'smtpd_authorized_xclient_hosts = 127.0.0.0/8',
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${dir}/maillog`,
      'smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination',
      'alias_maps =',
      'alias_database =',
      'local_recipient_maps =',
      'smtputf8_enable = no',
      '',
    ].join('\n'),
  );
  const services = [
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  writeFileSync(path.join(dir, 'conf', 'master.cf'), [`127.0.0.1:${port} inet n - n - - smtpd`, ...services, ''].join('\n'));
  execFileSync(POSTFIX, ['-c', path.join(dir, 'conf'), 'start'], { stdio: 'ignore' });
  return {
    port,
    stop() {
      try {
        execFileSync(POSTFIX, ['-c', path.join(dir, 'conf'), 'stop'], { stdio: 'ignore' });
      } finally {
        removeDir(dir);
      }
    },
  };
}

/** A message's DATA block (dot-stuffed, with the final dot). */
function dataOf(lines: string[]): string {
  return `${lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n')}\r\n.\r\n`;
}

describe('the listserv, hardened', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let dns: TestDns;
  let cleanup: () => Promise<void>;
  let smtpPort: number;
  let lmtpPort: number;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dns = await startTestDns({
      // spf.gov sends only from 192.0.2.10 and asks receivers to reject failures
      'spf.gov': 'v=spf1 ip4:192.0.2.10 -all',
      '_dmarc.spf.gov': 'v=DMARC1; p=reject',
    });
    sink = await startMailSink();
    platform = await startPlatform(
      testConfig({ ...database.env, SMTP_URL: sink.url, LIST_DOMAIN: DOMAIN, SMTP_IN_PORT: '0', LMTP_PORT: '0', DNS_SERVERS: dns.address }),
    );
    const info = platform.roles['mail-in']!.info as { smtpPort: number; lmtpPort: number };
    smtpPort = info.smtpPort;
    lmtpPort = info.lmtpPort;
    await addMembers(platform.db.pool, 'social-media', ['pat@spf.gov', 'lee@agency.gov']);
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await dns?.close();
    await cleanup?.();
  });

  const decided = (messageId: string) =>
    waitFor(
      `decision on ${messageId}`,
      async () =>
        (await platform.db.pool.query(`select status, decision_reason from incoming_messages where message_id = $1 and status <> 'received'`, [messageId]))
          .rows[0] as { status: string; decision_reason: string | null } | undefined,
    );

  const post = (messageId: string, subject: string) =>
    dataOf([
      'From: Pat <pat@spf.gov>',
      `To: ${LIST}`,
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'Date: Thu, 03 Dec 2026 07:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello from the mail host.',
    ]);

  describe('behind Postfix (XFORWARD)', () => {
    test('a post Postfix received from a host the SPF record authorises is delivered, not held', async () => {
      const messageId = '<xforward-genuine@spf.gov>';
      const replies = await converse({
        port: lmtpPort,
        commands: [
          'LHLO postfix.test.gov',
          'XFORWARD ADDR=192.0.2.10 NAME=mail.spf.gov HELO=mail.spf.gov PROTO=ESMTP',
          'MAIL FROM:<pat@spf.gov>',
          `RCPT TO:<${LIST}>`,
          'DATA',
          post(messageId, 'Genuine'),
        ],
      });
      assert.match(replies[1]!, /XFORWARD/, 'LHLO advertises XFORWARD to a trusted peer');
      assert.match(replies[2]!, /^250/, `XFORWARD accepted: ${replies[2]}`);
      assert.match(replies[6]!, /^250/);
      const row = await decided(messageId);
      assert.equal(row.status, 'accepted', String(row.decision_reason));
      const stored = (await platform.db.pool.query(`select remote_ip, helo from incoming_messages where message_id = $1`, [messageId])).rows[0];
      assert.deepEqual(stored, { remote_ip: '192.0.2.10', helo: 'mail.spf.gov' });
    });

    test('a forwarded address the SPF record does not authorise is held as possibly forged', async () => {
      const messageId = '<xforward-spoofed@spf.gov>';
      const replies = await converse({
        port: lmtpPort,
        commands: [
          'LHLO postfix.test.gov',
          'XFORWARD ADDR=198.51.100.7 HELO=spoof.example',
          'MAIL FROM:<pat@spf.gov>',
          `RCPT TO:<${LIST}>`,
          'DATA',
          post(messageId, 'Spoofed'),
        ],
      });
      assert.match(replies[2]!, /^250/);
      const row = await decided(messageId);
      assert.equal(row.status, 'held');
      assert.match(String(row.decision_reason), /may be forged/);
    });

    describe('through a real Postfix', { skip: !canRunPostfix && 'needs /usr/sbin/postfix and root' }, () => {
      let postfix: { port: number; stop(): void } | undefined;
      before(async () => {
        postfix = await startPostfix(lmtpPort);
      });
      after(() => postfix?.stop());
      // XCLIENT makes Postfix believe the post came from the given host, as if it were on the Internet.
      const viaPostfix = (addr: string, messageId: string, subject: string) =>
        converse({
          port: postfix!.port,
          commands: [
            'EHLO test.gov',
            `XCLIENT ADDR=${addr} NAME=mail.spf.gov HELO=mail.spf.gov`,
            'EHLO mail.spf.gov',
            'MAIL FROM:<pat@spf.gov>',
            `RCPT TO:<${LIST}>`,
            'DATA',
            post(messageId, subject),
          ],
        });

      test('a post from a host the SPF record authorises is delivered', async () => {
        const messageId = '<postfix-genuine@spf.gov>';
        const replies = await viaPostfix('192.0.2.10', messageId, 'Through Postfix');
        assert.match(replies[7]!, /^250/, replies.join(' | '));
        const row = await decided(messageId);
        assert.equal(row.status, 'accepted', String(row.decision_reason));
        const stored = (await platform.db.pool.query(`select remote_ip, protocol from incoming_messages where message_id = $1`, [messageId])).rows[0];
        assert.deepEqual(stored, { remote_ip: '192.0.2.10', protocol: 'lmtp' });
      });

      test('a post from a host the SPF record does not authorise is held', async () => {
        const messageId = '<postfix-spoofed@spf.gov>';
        const replies = await viaPostfix('198.51.100.7', messageId, 'Spoofed through Postfix');
        assert.match(replies[7]!, /^250/, replies.join(' | '));
        const row = await decided(messageId);
        assert.equal(row.status, 'held');
        assert.match(String(row.decision_reason), /may be forged/);
      });
    });

    test('XFORWARD from a peer that is not trusted is refused and not honoured', async () => {
      const messageId = '<xforward-untrusted@spf.gov>';
      // 127.0.0.2 is loopback too, but not in MAIL_IN_TRUSTED_PEERS (127.0.0.1 and ::1 by default)
      const replies = await converse({
        port: smtpPort,
        localAddress: '127.0.0.2',
        commands: [
          'EHLO mail.spf.gov',
          'XFORWARD ADDR=192.0.2.10 HELO=mail.spf.gov',
          'MAIL FROM:<pat@spf.gov>',
          `RCPT TO:<${LIST}>`,
          'DATA',
          post(messageId, 'Untrusted'),
        ],
      });
      assert.doesNotMatch(replies[1]!, /XFORWARD/);
      assert.match(replies[2]!, /^550/);
      assert.match(replies[6]!, /^250/);
      const row = await decided(messageId);
      assert.equal(row.status, 'held', 'SPF judged the real peer, 127.0.0.2');
      const stored = (await platform.db.pool.query(`select remote_ip from incoming_messages where message_id = $1`, [messageId])).rows[0];
      assert.equal(stored.remote_ip, '127.0.0.2');
    });
  });

  describe('over-long lines (RFC 5322 §2.1.1: at most 998 octets)', () => {
    const copiesOf = (messageId: string) => sink.messages.filter((m) => m.headers.get('message-id') === messageId);
    const longestLine = (raw: string) => Math.max(...raw.split('\r\n').map((l) => Buffer.byteLength(l, 'utf8')));
    const send = (lines: string[]) =>
      converse({ port: smtpPort, commands: ['EHLO mail.agency.gov', 'MAIL FROM:<lee@agency.gov> BODY=8BITMIME', `RCPT TO:<${LIST}>`, 'DATA', dataOf(lines)] });

    test('an 8bit post with a 1,500-character line reaches every member as valid mail, with the same text', async () => {
      const messageId = '<long-line@agency.gov>';
      const long = `${'Très longue ligne, '.repeat(80)}fin.`;
      assert.ok(long.length >= 1500);
      const replies = await send([
        'From: Lee <lee@agency.gov>',
        `To: ${LIST}`,
        'Subject: One long line',
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Before.',
        long,
        'After.',
      ]);
      assert.match(replies[5]!, /^250/);
      const copies = await waitFor('two copies', async () => (copiesOf(messageId).length >= 2 ? copiesOf(messageId) : undefined));
      for (const copy of copies) {
        assert.ok(longestLine(copy.raw) <= 998, `copy to ${copy.to[0]} has a line of ${longestLine(copy.raw)} octets`);
        assert.ok(copy.text.includes(`Before.\n${long}\nAfter.`), copy.text.slice(0, 200));
      }
    });

    test('header lines over 998 octets are folded (or encoded, when a word is that long) on every copy', async () => {
      const messageId = '<long-headers@agency.gov>';
      const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
      const ids = Array.from({ length: 40 }, (_, i) => `<thread-${i}.${'a'.repeat(20)}@agency.gov>`);
      const token = 'x'.repeat(1200);
      const replies = await send([
        'From: Lee <lee@agency.gov>',
        `To: ${LIST}`,
        `Subject: ${words}`,
        `References: ${ids.join(' ')}`,
        `X-Token: ${token}`,
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Short body.',
      ]);
      assert.match(replies[5]!, /^250/);
      const copies = await waitFor('two copies', async () => (copiesOf(messageId).length >= 2 ? copiesOf(messageId) : undefined));
      const { simpleParser } = await import('mailparser');
      for (const copy of copies) {
        assert.ok(longestLine(copy.raw) <= 998, `copy to ${copy.to[0]} has a line of ${longestLine(copy.raw)} octets`);
        const parsed = await simpleParser(copy.raw);
        assert.equal(parsed.subject, `[Social Media] ${words}`);
        assert.deepEqual(parsed.references, ids);
        // Unstructured, so RFC 2047 encoded-words are its legal form; mailparser leaves X- fields undecoded.
        assert.equal(decodeHeaderValue(String(parsed.headers.get('x-token'))), token);
      }
    });

    test('a long line inside a multipart part is re-encoded too, the other parts untouched', async () => {
      const messageId = '<long-line-multipart@agency.gov>';
      const long = `<p>${'x'.repeat(1400)}</p>`;
      const replies = await send([
        'From: Lee <lee@agency.gov>',
        `To: ${LIST}`,
        'Subject: Long HTML',
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Short text.',
        '--b1',
        'Content-Type: text/html; charset=us-ascii',
        '',
        `<html><body>${long}</body></html>`,
        '--b1--',
      ]);
      assert.match(replies[5]!, /^250/);
      const copies = await waitFor('two copies', async () => (copiesOf(messageId).length >= 2 ? copiesOf(messageId) : undefined));
      for (const copy of copies) {
        assert.ok(longestLine(copy.raw) <= 998, `copy to ${copy.to[0]} has a line of ${longestLine(copy.raw)} octets`);
        const { simpleParser } = await import('mailparser');
        const parsed = await simpleParser(copy.raw);
        assert.ok(String(parsed.html).includes(long));
        assert.match(parsed.text ?? '', /Short text\./);
      }
    });
  });

  describe('a repeated Message-ID', () => {
    test('the same post sent twice (an MTA retry) is distributed and archived once; the second is dropped, not bounced', async () => {
      const messageId = '<retried@agency.gov>';
      const message = dataOf([
        'From: Lee <lee@agency.gov>',
        `To: ${LIST}`,
        'Subject: Sent twice',
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Once is enough.',
      ]);
      const send = () => converse({ port: smtpPort, commands: ['EHLO mail.agency.gov', 'MAIL FROM:<lee@agency.gov>', `RCPT TO:<${LIST}>`, 'DATA', message] });
      assert.match((await send())[5]!, /^250/);
      await waitFor(
        'the first accepted',
        async () => (await platform.db.pool.query(`select 1 from incoming_messages where message_id = $1 and status = 'accepted'`, [messageId])).rows[0],
      );
      assert.match((await send())[5]!, /^250/, 'accepted at SMTP: the sender is not told of an error');
      const rows = await waitFor('both decided', async () => {
        const r = (await platform.db.pool.query(`select status, decision_reason from incoming_messages where message_id = $1 order by id`, [messageId])).rows;
        return r.length === 2 && r.every((m) => m.status !== 'received') ? r : undefined;
      });
      assert.deepEqual(
        rows.map((r) => r.status),
        ['accepted', 'discarded'],
      );
      assert.match(String(rows[1]!.decision_reason), /already/);
      await new Promise((r) => setTimeout(r, 1000));
      const posts = await platform.db.pool.query(`select count(*)::int as n from posts where message_id = $1`, [messageId]);
      assert.equal(posts.rows[0].n, 1, 'archived once');
      assert.equal(sink.messages.filter((m) => m.headers.get('message-id') === messageId).length, 2, 'one copy for each of the two members');
    });
  });

  describe('nothing accepted is lost', () => {
    const head = (messageId: string, subject = 'Hostile') => [
      'From: Lee <lee@agency.gov>',
      `To: ${LIST}`,
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
    ];
    const send = (data: string) =>
      converse({ port: smtpPort, commands: ['EHLO mail.agency.gov', 'MAIL FROM:<lee@agency.gov>', `RCPT TO:<${LIST}>`, 'DATA', data] });
    const settled = (messageId: string) =>
      waitFor(
        `${messageId} settled`,
        async () =>
          (await platform.db.pool.query(`select status, decision_reason from incoming_messages where message_id = $1 and status <> 'received'`, [messageId]))
            .rows[0] as { status: string; decision_reason: string | null } | undefined,
        60_000,
      );

    test('MIME nested 1,000 deep is refused at SMTP with 554', async () => {
      const depth = 1000;
      const lines = [...head('<deep@agency.gov>'), 'Content-Type: multipart/mixed; boundary="d0"', ''];
      for (let i = 1; i <= depth; i++) lines.push(`--d${i - 1}`, `Content-Type: multipart/mixed; boundary="d${i}"`, '');
      lines.push(`--d${depth}`, 'Content-Type: text/plain', '', 'bottom');
      for (let i = depth; i >= 0; i--) lines.push(`--d${i}--`);
      const replies = await send(dataOf(lines));
      assert.match(replies[5]!, /^554 5\.6\.0 .*nested/);
    });

    test('a message of 5,000 MIME parts is refused at SMTP with 554', async () => {
      const lines = [...head('<many-parts@agency.gov>'), 'Content-Type: multipart/mixed; boundary="p"', ''];
      for (let i = 0; i < 5000; i++) lines.push('--p', 'Content-Type: text/plain', '', `part ${i}`);
      lines.push('--p--');
      const replies = await send(dataOf(lines));
      assert.match(replies[5]!, /^554 5\.6\.0 .*parts/);
    });

    test('a 1 MB Subject is refused at SMTP with 552', async () => {
      const big = 'x'.repeat(1024 * 1024);
      const lines = [...head('<huge-subject@agency.gov>', `${big.slice(0, 900)}`), 'Content-Type: text/plain', '', 'body'];
      // folded, as a sender would write it: 1 MB of continuation lines
      lines.splice(2, 1, `Subject: start`, ...Array.from({ length: big.length / 900 }, () => ` ${'x'.repeat(900)}`));
      const replies = await send(dataOf(lines));
      assert.match(replies[5]!, /^552 5\.3\.4 .*header/);
    });

    test('NUL bytes in the Subject or the From name do not leave the message stuck: it is decided', async () => {
      for (const [messageId, lines] of [
        ['<nul-subject@agency.gov>', ['From: Lee <lee@agency.gov>', `To: ${LIST}`, 'Subject: Hello\u0000there', 'Message-ID: <nul-subject@agency.gov>']],
        ['<nul-name@agency.gov>', ['From: "Lee\u0000Null" <lee@agency.gov>', `To: ${LIST}`, 'Subject: NUL in the name', 'Message-ID: <nul-name@agency.gov>']],
        // encoded words get past a check of the raw bytes and decode to NUL
        [
          '<nul-encoded@agency.gov>',
          ['From: =?utf-8?q?Lee=00Null?= <lee@agency.gov>', `To: ${LIST}`, 'Subject: =?utf-8?q?Hello=00there?=', 'Message-ID: <nul-encoded@agency.gov>'],
        ],
      ] as const) {
        const replies = await send(dataOf([...lines, 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'body']));
        if (/^5/.test(replies[5]!)) {
          assert.match(replies[5]!, /^554 5\.6\.0 .*NUL/, `${messageId} refused at SMTP, saying why`);
          continue;
        }
        const row = await settled(messageId);
        assert.equal(row.status, 'accepted', `${messageId}: ${row.decision_reason}`);
      }
    });

    test('messages committed together are handled by one job; one that always fails is held alone, after its own retries, and the others go out', async () => {
      await platform.db.pool.query(`
        create function test_fail_middle() returns trigger language plpgsql as $$
        begin
          if new.status = 'received' and new.subject = 'Batch middle fails' then raise exception 'simulated failure in a batch'; end if;
          return new;
        end $$;
        create trigger test_fail_middle before update on incoming_messages for each row execute function test_fail_middle();`);
      try {
        // The listener's own intake path, three posts handed in at once: one transaction, one job.
        const intake = createIntake({ pool: platform.db.pool, queue: platform.queue, domain: DOMAIN, maxBytes: 1_000_000, batch: { windowMs: 50 } });
        const recipient = (await intake.resolveRecipient(LIST))!;
        const subjects = ['Batch first', 'Batch middle fails', 'Batch last'];
        const results = await Promise.all(
          subjects.map((subject, i) =>
            intake.accept({
              raw: Buffer.from(dataOf([...head(`<batch-${i}@agency.gov>`, subject), 'Content-Type: text/plain', '', 'body']).replace(/\r\n\.\r\n$/, '\r\n')),
              envelopeFrom: 'lee@agency.gov',
              recipients: [recipient],
              remoteIp: '127.0.0.1',
              helo: 'mail.agency.gov',
              protocol: 'smtp',
            }),
          ),
        );
        const ids = results.map((r) => (r.accepted ? r.ids[0]! : assert.fail(`not accepted: ${JSON.stringify(r)}`)));
        const { rows: jobs } = await platform.db.pool.query(`select data from pgboss.job where name = 'list.incoming' and data->'ids' @> $1::jsonb`, [
          JSON.stringify([ids[0]]),
        ]);
        assert.deepEqual(jobs[0]?.data.ids, ids, 'one job names the three, in order');
        assert.equal((await settled('<batch-0@agency.gov>')).status, 'accepted');
        assert.equal((await settled('<batch-2@agency.gov>')).status, 'accepted');
        const middle = await waitFor(
          'the failing one held',
          async () =>
            (await platform.db.pool.query(`select status, decision_reason from incoming_messages where id = $1 and status <> 'received'`, [ids[1]])).rows[0] as
              { status: string; decision_reason: string } | undefined,
          90_000,
        );
        assert.equal(middle.status, 'held');
        assert.match(middle.decision_reason, /could not be processed \(3 attempts\).*simulated failure in a batch/i);
      } finally {
        await platform.db.pool.query('drop trigger test_fail_middle on incoming_messages; drop function test_fail_middle()');
      }
    });
    test('a message the worker fails on again and again is held for the moderators with the error as its reason', async () => {
      // Every attempt to handle this message fails in the database, as a bug would.
      await platform.db.pool.query(`
        create function test_fail_processing() returns trigger language plpgsql as $$
        begin
          if new.status = 'received' and new.subject = 'Make the worker fail' then raise exception 'simulated processing failure'; end if;
          return new;
        end $$;
        create trigger test_fail_processing before update on incoming_messages for each row execute function test_fail_processing();`);
      try {
        const messageId = '<always-fails@agency.gov>';
        const replies = await send(dataOf([...head(messageId, 'Make the worker fail'), 'Content-Type: text/plain', '', 'body']));
        assert.match(replies[5]!, /^250/);
        const row = await waitFor(
          'held',
          async () =>
            (
              await platform.db.pool.query(
                `select status, decision_reason from incoming_messages where position('always-fails'::bytea in raw) > 0 and status <> 'received'`,
              )
            ).rows[0],
          90_000,
        ).catch(async (err: Error) => {
          const jobs = await platform.db.pool.query(
            `select state, retry_count, output from pgboss.job where name = 'list.incoming' order by created_on desc limit 1`,
          );
          throw new Error(`${err.message}: ${JSON.stringify(jobs.rows)}`);
        });
        assert.equal(row.status, 'held');
        assert.match(row.decision_reason, /could not be processed.*simulated processing failure/i);
      } finally {
        await platform.db.pool.query('drop trigger test_fail_processing on incoming_messages; drop function test_fail_processing()');
      }
    });
  });
});
