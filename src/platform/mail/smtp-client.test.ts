/**
 * The pipelined relay client against a real SMTP server (smtp-server): plain and pipelined
 * sessions, STARTTLS with a private CA, AUTH, refusals at each step, a relay that drops an idle
 * connection, and dot-stuffing that survives the round trip byte for byte.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createSmtpPool, dataBlock, dataPieces } from './smtp-client.ts';

interface Got {
  from: string;
  to: string[];
  data: Buffer;
}

async function server(
  opts: Partial<SMTPServerOptions> & { refuse?: (rcpt: string) => Error | undefined; refuseData?: (rcpt: string) => Error | undefined } = {},
) {
  const got: Got[] = [];
  const { refuse, refuseData, ...options } = opts;
  const s = new SMTPServer({
    logger: false,
    // no reverse DNS for each connection (up to 1.5 s where the resolver is slow)
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    ...options,
    onRcptTo(address, _session, cb) {
      cb(refuse?.(address.address) ?? null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const err = refuseData?.(session.envelope.rcptTo[0]?.address ?? '');
        if (err) return cb(err);
        got.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  s.on('error', () => undefined);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.server.address() as { port: number }).port;
  /** What a relay's idle timeout does (421, then hang up), to every open connection; resolves once the relay has let go of them. */
  const dropIdle = async (): Promise<void> => {
    for (const c of s.connections) {
      c.send(421, 'Timeout - closing connection');
      c.close();
    }
    while (s.connections.size) await new Promise((r) => setImmediate(r));
  };
  return { got, port, dropIdle, close: () => new Promise<void>((r) => s.close(() => r())) };
}

/**
 * A relay that offers PIPELINING and takes one message per connection (as some services limit
 * messages per connection): it answers the message 250, then 421, and hangs up.
 */
async function oneMessagePerConnectionRelay() {
  const got: string[] = [];
  let connections = 0;
  const srv = net.createServer((sock) => {
    connections++;
    sock.on('error', () => undefined);
    sock.write('220 relay.test ESMTP\r\n');
    let buf = '';
    let inData = false;
    let rcpt = '';
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end === -1) return;
          got.push(rcpt);
          sock.end('250 2.0.0 queued\r\n421 4.7.0 one message per connection\r\n');
          return;
        }
        const nl = buf.indexOf('\r\n');
        if (nl === -1) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (/^EHLO/i.test(line)) sock.write('250-relay.test\r\n250 PIPELINING\r\n');
        else if (/^MAIL/i.test(line)) sock.write('250 2.1.0 ok\r\n');
        else if (/^RCPT/i.test(line)) {
          rcpt = /<(.*)>/.exec(line)![1]!;
          sock.write('250 2.1.5 ok\r\n');
        } else if (/^DATA/i.test(line)) {
          inData = true;
          sock.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) return void sock.end('221 bye\r\n');
        else sock.write('502 5.5.2 not here\r\n');
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return { got, port, connections: () => connections, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

const message = (n: number) =>
  Buffer.from(`From: a@agency.gov\r\nTo: b@agency.gov\r\nSubject: copy ${n}\r\n\r\nHello ${n}\r\n.starts with a dot\r\n..two dots\r\n`);

describe('dataBlock', () => {
  test('leaves a clean CRLF message as it is and ends it with a dot', () => {
    assert.equal(dataBlock(Buffer.from('A: b\r\n\r\nbody\r\n')).toString(), 'A: b\r\n\r\nbody\r\n.\r\n');
  });
  test('doubles leading dots, also on the first line, and adds a missing final CRLF', () => {
    assert.equal(dataBlock(Buffer.from('.x\r\ny\r\n.\r\nz')).toString(), '..x\r\ny\r\n..\r\nz\r\n.\r\n');
  });
  test('turns bare LF into CRLF', () => {
    assert.equal(dataBlock(Buffer.from('a\nb\n.c\n')).toString(), 'a\r\nb\r\n..c\r\n.\r\n');
  });
  test('a message in pieces: written as the very pieces when clean, stuffed across a piece boundary when not', () => {
    const body = Buffer.from(`${'body line\r\n'.repeat(200)}`);
    const [pieces, end] = dataPieces([Buffer.from('A: b\r\n'), Buffer.from('\r\n'), body]);
    assert.equal(pieces[2], body, 'the body is not copied');
    assert.equal(end, '.\r\n');
    assert.equal(dataBlock([Buffer.from('A: b\r\n\r\nx\r\n'), Buffer.from('.dot\r\n'), Buffer.from('y')]).toString(), 'A: b\r\n\r\nx\r\n..dot\r\ny\r\n.\r\n');
    assert.equal(dataBlock([Buffer.from('a\r'), Buffer.from('\nb\n')]).toString(), 'a\r\nb\r\n.\r\n');
    assert.equal(dataBlock([Buffer.from('a\r\n'), body, Buffer.from('tail')]).toString(), `a\r\n${body}tail\r\n.\r\n`);
  });
  test('keeps 8-bit bytes', () => {
    const raw = Buffer.from('Subject: caf\u00e9\r\n\r\n\u00e9t\u00e9\r\n', 'utf8');
    assert.deepEqual(dataBlock(raw).subarray(0, raw.length), raw);
  });
});

describe('pipelined relay client', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smtp-client-'));
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
        '/CN=relay.test',
        '-addext',
        'subjectAltName=DNS:relay.test,IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('many copies over few pipelined connections arrive intact, each with its own envelope', async () => {
    const s = await server();
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 3 });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => pool.send({ from: `list-bounces+${i}@lists.agency.gov`, to: `m${i}@agency.gov` }, message(i))),
    );
    await pool.close();
    await s.close();
    assert.ok(
      results.every((r) => r.ok && r.code === 250),
      JSON.stringify(results.find((r) => !r.ok)),
    );
    assert.equal(s.got.length, 60);
    for (let i = 0; i < 60; i++) {
      const g = s.got.find((x) => x.to[0] === `m${i}@agency.gov`)!;
      assert.equal(g.from, `list-bounces+${i}@lists.agency.gov`);
      assert.deepEqual(g.data, message(i), 'the message arrives byte for byte (dots unstuffed by the server)');
    }
  });

  test('works one command at a time with a relay that does not offer PIPELINING', async () => {
    const s = await server({ hidePIPELINING: true } as Partial<SMTPServerOptions>);
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => pool.send({ from: 'l@x.gov', to: `m${i}@agency.gov` }, message(i))));
    await pool.close();
    await s.close();
    assert.ok(results.every((r) => r.ok));
    assert.equal(s.got.length, 4);
  });

  test('a refused recipient or message gives the relay code and text; the connection goes on', async () => {
    const s = await server({
      refuse: (rcpt) =>
        rcpt.startsWith('gone') ? smtpError(550, 'No such user here') : rcpt.startsWith('busy') ? smtpError(451, 'Try again later') : undefined,
    });
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1 });
    const gone = await pool.send({ from: 'l@x.gov', to: 'gone@agency.gov' }, message(1));
    const busy = await pool.send({ from: 'l@x.gov', to: 'busy@agency.gov' }, message(2));
    const fine = await pool.send({ from: 'l@x.gov', to: 'fine@agency.gov' }, message(3));
    await pool.close();
    await s.close();
    assert.equal(gone.ok, false);
    assert.equal(gone.code, 550);
    assert.match(gone.response, /No such user/);
    assert.equal(busy.code, 451);
    assert.equal(fine.ok, true);
    assert.deepEqual(
      s.got.map((g) => g.to[0]),
      ['fine@agency.gov'],
    );
  });

  test('a refusal after the message is sent is reported with its code', async () => {
    const s = await server({ refuseData: () => smtpError(552, 'Message too big for this mailbox') });
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1 });
    const r = await pool.send({ from: 'l@x.gov', to: 'm@agency.gov' }, message(1));
    await pool.close();
    await s.close();
    assert.equal(r.ok, false);
    assert.equal(r.code, 552);
  });

  test('a copy refused after its message, with the next envelope pipelined behind it, leaves the next copy delivered', async () => {
    const s = await server({ refuseData: (rcpt) => (rcpt === 'full@agency.gov' ? smtpError(552, 'Mailbox full') : undefined) });
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1 });
    const results = await Promise.all(['a', 'full', 'b', 'c'].map((m, i) => pool.send({ from: 'l@x.gov', to: `${m}@agency.gov` }, message(i))));
    await pool.close();
    await s.close();
    assert.deepEqual(
      results.map((r) => r.code),
      [250, 552, 250, 250],
    );
    assert.deepEqual(
      s.got.map((g) => g.to[0]),
      ['a@agency.gov', 'b@agency.gov', 'c@agency.gov'],
    );
  });

  test('a relay that hangs up after each message: the copy pipelined behind it goes on a fresh connection, none lost or failed', async () => {
    const s = await oneMessagePerConnectionRelay();
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1 });
    const results = await Promise.all(['a', 'b', 'c'].map((m, i) => pool.send({ from: 'l@x.gov', to: `${m}@agency.gov` }, message(i))));
    await pool.close();
    await s.close();
    assert.ok(
      results.every((r) => r.ok),
      JSON.stringify(results),
    );
    assert.deepEqual(s.got, ['a@agency.gov', 'b@agency.gov', 'c@agency.gov']);
    assert.equal(s.connections(), 3);
  });

  test('STARTTLS with the relay certificate checked, then AUTH PLAIN from the URL', async () => {
    const auths: Array<{ user: string; pass: string; secure: boolean }> = [];
    const s = await server({
      disabledCommands: [],
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      key: readFileSync(path.join(dir, 'key.pem')),
      cert: readFileSync(path.join(dir, 'cert.pem')),
      onAuth(auth, session, cb) {
        auths.push({ user: auth.username!, pass: auth.password!, secure: session.secure });
        cb(auth.username === 'lists' && auth.password === 'p@ss word' ? null : new Error('bad credentials'), { user: auth.username });
      },
    });
    const ca = readFileSync(path.join(dir, 'cert.pem'));
    const pool = createSmtpPool({ url: `smtp://lists:p%40ss%20word@127.0.0.1:${s.port}`, connections: 1, requireTls: true, tls: { ca } });
    const r = await pool.send({ from: 'l@x.gov', to: 'm@agency.gov' }, message(1));
    await pool.close();
    assert.equal(r.ok, true, r.response);
    assert.deepEqual(auths, [{ user: 'lists', pass: 'p@ss word', secure: true }]);

    // An untrusted certificate is refused, with a message that says why.
    const untrusted = createSmtpPool({ url: `smtp://lists:p%40ss%20word@127.0.0.1:${s.port}`, connections: 1 });
    const bad = await untrusted.send({ from: 'l@x.gov', to: 'm@agency.gov' }, message(2));
    await untrusted.close();
    await s.close();
    assert.equal(bad.ok, false);
    assert.match(bad.response, /TLS|certificate/i);
    assert.equal(s.got.length, 1);
  });

  test('without STARTTLS on offer, requireTls refuses to send', async () => {
    const s = await server();
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1, requireTls: true });
    const r = await pool.send({ from: 'l@x.gov', to: 'm@agency.gov' }, message(1));
    await pool.close();
    await s.close();
    assert.equal(r.ok, false);
    assert.match(r.response, /STARTTLS/);
    assert.equal(s.got.length, 0);
  });

  test('a connection the relay dropped while idle is replaced without losing the copy', async () => {
    // (Dropped by hand, not by a short socketTimeout: on a busy machine a 200 ms idle limit
    // also cut the first message, and the test failed for a reason it does not test.)
    const s = await server();
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${s.port}`, connections: 1 });
    assert.equal((await pool.send({ from: 'l@x.gov', to: 'a@agency.gov' }, message(1))).ok, true);
    await s.dropIdle();
    const r = await pool.send({ from: 'l@x.gov', to: 'b@agency.gov' }, message(2));
    await pool.close();
    await s.close();
    assert.equal(r.ok, true, r.response);
    assert.deepEqual(
      s.got.map((g) => g.to[0]),
      ['a@agency.gov', 'b@agency.gov'],
    );
  });

  test('an unreachable relay gives a failure that names it', async () => {
    const s = await server();
    const port = s.port;
    await s.close();
    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${port}`, connections: 2, connectionTimeoutMs: 2000 });
    const r = await pool.send({ from: 'l@x.gov', to: 'm@agency.gov' }, message(1));
    await pool.close();
    assert.equal(r.ok, false);
    assert.equal(r.code, undefined);
    assert.match(r.response, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});
