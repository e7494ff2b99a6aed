/**
 * The mail-in listeners as an operator configures them: STARTTLS with the configured
 * certificate, the size limit answered during the transfer, the message stored before 250, and
 * LMTP from Postfix's own client (smtp-source -L) when Postfix's tools are installed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { postMail } from '../list-helpers.ts';

const DOMAIN = 'lists.test.gov';
const SMTP_SOURCE = '/usr/sbin/smtp-source';

/** Run a program without blocking this process (the listener under test lives here too). */
function run(file: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('mail-in listeners', () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let smtpPort: number;
  let lmtpPort: number;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${DOMAIN}`,
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    // mail-in only: messages are stored and queued, and stay 'received' for these checks.
    platform = await startPlatform(
      testConfig({
        ...database.env,
        SOCIALGOV_ROLES: 'mail-in',
        LIST_DOMAIN: DOMAIN,
        SMTP_IN_PORT: '0',
        LMTP_PORT: '0',
        MAIL_IN_MAX_BYTES: '20000',
        MAIL_IN_TLS_CERT: path.join(dir, 'cert.pem'),
        MAIL_IN_TLS_KEY: path.join(dir, 'key.pem'),
      }),
    );
    const info = platform.roles['mail-in']!.info as { smtpPort: number; lmtpPort: number };
    smtpPort = info.smtpPort;
    lmtpPort = info.lmtpPort;
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('the greeting comes without a reverse DNS lookup of the client (a slow resolver held each connection up to 1.5 s)', async () => {
    const reverse = dns.reverse;
    let lookups = 0;
    // A resolver that never answers: the listener must not wait for it.
    dns.reverse = ((_ip: string, _cb: unknown) => void lookups++) as typeof dns.reverse;
    try {
      const started = Date.now();
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(smtpPort, '127.0.0.1');
        socket.once('data', (d) => (socket.destroy(), resolve(d.toString('utf8'))));
        socket.once('error', reject);
      });
      assert.match(greeting, /^220 /);
      assert.equal(lookups, 0, 'no reverse lookup');
      process.stdout.write(`# greeting after ${Date.now() - started} ms\n`);
    } finally {
      dns.reverse = reverse;
    }
  });

  test('STARTTLS with the configured certificate; the message is stored before the 250', async () => {
    // requireTLS: the client refuses to send unless STARTTLS is offered and succeeds.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false, servername: DOMAIN },
    });
    const info = await transport.sendMail({
      from: 'pat@agency.gov',
      to: `social-media@${DOMAIN}`,
      subject: 'Over TLS',
      text: 'x',
      messageId: '<tls@agency.gov>',
    });
    transport.close();
    assert.match(info.response, /^250 /);
    const { rows } = await platform.db.pool.query(
      `select protocol, address_kind, status, size from incoming_messages where position('tls@agency.gov'::bytea in raw) > 0`,
    );
    assert.equal(rows.length, 1);
    assert.deepEqual({ ...rows[0], size: rows[0].size > 0 }, { protocol: 'smtp', address_kind: 'post', status: 'received', size: true });
  });

  test('a message over MAIL_IN_MAX_BYTES is refused with 552 and not stored', async () => {
    const before = (await platform.db.pool.query('select count(*)::int as n from incoming_messages')).rows[0].n;
    await assert.rejects(
      postMail({ port: smtpPort, from: 'pat@agency.gov', to: `social-media@${DOMAIN}`, subject: 'Too big', text: 'x'.repeat(40_000) }),
      (err: Error & { responseCode?: number }) => err.responseCode === 552,
    );
    assert.equal((await platform.db.pool.query('select count(*)::int as n from incoming_messages')).rows[0].n, before);
  });

  test("LMTP from Postfix's smtp-source -L", { skip: existsSync(SMTP_SOURCE) ? false : 'Postfix tools not installed (apt-get install postfix)' }, async () => {
    const before = (await platform.db.pool.query(`select count(*)::int as n from incoming_messages where protocol = 'lmtp'`)).rows[0].n;
    const r = await run(SMTP_SOURCE, ['-L', '-m', '3', '-f', 'pat@agency.gov', '-t', `social-media@${DOMAIN}`, `127.0.0.1:${lmtpPort}`]);
    assert.equal(r.code, 0, r.out);
    assert.equal((await platform.db.pool.query(`select count(*)::int as n from incoming_messages where protocol = 'lmtp'`)).rows[0].n, before + 3);
    const refused = await run(SMTP_SOURCE, ['-L', '-m', '1', '-f', 'pat@agency.gov', '-t', `nobody@${DOMAIN}`, `127.0.0.1:${lmtpPort}`]);
    assert.match(refused.out, /550/);
  });
});
