/**
 * A lean SMTP client for bulk hand-off to a relay: a pool of long-lived connections, each
 * sending one message at a time with ESMTP PIPELINING (RFC 2920) — MAIL, RCPT and DATA go out
 * in one write, the dot-stuffed message in another — so a copy costs two round trips instead of
 * four and a handful of writes instead of hundreds. Falls back to one command at a time when the
 * relay does not offer PIPELINING. STARTTLS when offered (required with `requireTls`), implicit
 * TLS for smtps://, AUTH PLAIN or LOGIN from the URL's user and password.
 *
 * Transactional mail keeps using nodemailer (src/platform/mail/transport.ts); nodemailer does not
 * pipeline, and at list sizes its per-message overhead was the largest cost after DKIM signing.
 */
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

export interface SmtpResult {
  ok: boolean;
  /** The relay's reply code, when it answered. */
  code?: number;
  response: string;
}

export interface SmtpPoolOptions {
  /** smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://... (TLS). */
  url: string;
  connections: number;
  requireTls?: boolean;
  /** Extra TLS options (a private CA in tests or for an internal relay). */
  tls?: tls.ConnectionOptions;
  /** The EHLO name; default: this host's name when it is a domain name, else its address literal. */
  ehloName?: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export interface SmtpPool {
  /** `raw`: the message, or its pieces in order (written as they are, without joining them). */
  send(envelope: { from: string; to: string }, raw: Buffer | Buffer[]): Promise<SmtpResult>;
  close(): Promise<void>;
}

interface Reply {
  code: number;
  text: string;
}

/** One copy waiting for, or on, a connection. */
interface Job {
  from: string;
  to: string;
  /** Dot-stuffed pieces; followed by `end` they end in CRLF.CRLF (kept apart: a copy is not copied again). */
  data: Buffer[];
  end: string;
  /** Already moved once to another connection after its own broke before the message. */
  moved: boolean;
  resolve: (r: SmtpResult) => void;
}

class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** Dot-stuffs a message (RFC 5321 §4.5.2), makes every line end in CRLF, and adds the final ".". */
export function dataBlock(raw: Buffer | Buffer[]): Buffer {
  const [data, end] = dataPieces(raw);
  return Buffer.concat([...data, Buffer.from(end, 'latin1')]);
}

/** What `dataPieces` found in a piece (kept for pieces every copy of a post shares). */
const scanned = new WeakMap<Buffer, boolean>();

/** A piece that can be written as it is, wherever it stands: no bare LF, no line starting with "." (nor the piece). */
function cleanPiece(b: Buffer): boolean {
  if (b.length === 0) return true;
  let clean = scanned.get(b);
  if (clean === undefined) {
    clean = b[0] !== 0x2e && b[0] !== 0x0a;
    for (let i = b.indexOf(0x0a); clean && i !== -1; i = b.indexOf(0x0a, i + 1)) {
      if (i === 0 || b[i - 1] !== 0x0d || b[i + 1] === 0x2e) clean = false;
    }
    // only pieces worth remembering: the large ones are a post's shared body
    if (b.length >= 1024) scanned.set(b, clean);
  }
  return clean;
}

/**
 * `dataBlock` as the message's pieces (the very buffers given, when they need no change: the
 * usual case) and the text that ends it, so a copy is written as it is rather than copied into
 * a new buffer.
 */
export function dataPieces(message: Buffer | Buffer[]): [Buffer[], string] {
  const pieces = Array.isArray(message) ? message : [message];
  if (pieces.every(cleanPiece)) {
    let last: Buffer | undefined;
    for (const b of pieces) if (b.length) last = b;
    const endsWithCrlf = last !== undefined && last.length >= 2 && last[last.length - 2] === 0x0d && last[last.length - 1] === 0x0a;
    // (a lone "\r" ending one piece before a "\n" piece is not clean: "\n" starts that piece)
    return [pieces, endsWithCrlf || last === undefined ? '.\r\n' : '\r\n.\r\n'];
  }
  const raw = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  let hasBareLf = false;
  let needsStuffing = raw[0] === 0x2e;
  for (let i = raw.indexOf(0x0a); i !== -1; i = raw.indexOf(0x0a, i + 1)) {
    if (i === 0 || raw[i - 1] !== 0x0d) hasBareLf = true;
    if (raw[i + 1] === 0x2e) needsStuffing = true;
    if (hasBareLf && needsStuffing) break;
  }
  const endsWithCrlf = raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a;
  if (!hasBareLf && !needsStuffing) return [[raw], endsWithCrlf || raw.length === 0 ? '.\r\n' : '\r\n.\r\n'];
  const text = raw
    .toString('latin1')
    .replace(/\r?\n/g, '\r\n')
    .replace(/(^|\r\n)\./g, '$1..');
  return [[Buffer.from(text, 'latin1')], text.endsWith('\r\n') || text.length === 0 ? '.\r\n' : '\r\n.\r\n'];
}

function defaultEhloName(socket: net.Socket): string {
  const host = os.hostname();
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host)) return host;
  const addr = socket.localAddress ?? '127.0.0.1';
  return net.isIPv6(addr) ? `[IPv6:${addr}]` : `[${addr}]`;
}

/** One connection: reads replies in order, one waiter per expected reply. */
class Connection {
  private socket: net.Socket;
  private buffered = '';
  private lines: string[] = [];
  private waiters: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;
  extensions = new Set<string>();
  authMethods = new Set<string>();
  dead = false;

  private constructor(
    socket: net.Socket,
    private readonly o: SmtpPoolOptions,
  ) {
    this.socket = socket;
    this.attach();
  }

  static async open(o: SmtpPoolOptions, url: URL): Promise<Connection> {
    const implicitTls = url.protocol === 'smtps:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (implicitTls ? 465 : 587));
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = implicitTls ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...o.tls }) : net.connect({ host, port });
      const timer = setTimeout(
        () => (s.destroy(), reject(new SmtpError(`could not connect to the relay ${host}:${port} within ${(o.connectionTimeoutMs ?? 15000) / 1000} s`))),
        o.connectionTimeoutMs ?? 15000,
      );
      s.once(implicitTls ? 'secureConnect' : 'connect', () => (clearTimeout(timer), resolve(s)));
      s.once('error', (e) => (clearTimeout(timer), reject(new SmtpError(`could not connect to the relay ${host}:${port}: ${e.message}`))));
    });
    socket.setNoDelay(true);
    const c = new Connection(socket, o);
    try {
      await c.handshake(url, host, implicitTls);
    } catch (err) {
      c.destroy(err as Error);
      throw err;
    }
    return c;
  }

  private attach(): void {
    this.socket.setTimeout(this.o.socketTimeoutMs ?? 60_000);
    this.socket.on('data', this.onData);
    this.socket.on('timeout', this.onTimeout);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  private detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('timeout', this.onTimeout);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered += chunk.toString('latin1');
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, '');
      this.buffered = this.buffered.slice(nl + 1);
      this.lines.push(line);
      // "250-..." continues a reply; "250 ..." or "250" ends it.
      if (/^\d{3}(?: |$)/.test(line) || !/^\d{3}-/.test(line)) {
        const code = Number(line.slice(0, 3)) || 0;
        const text = this.lines.map((l) => l.slice(4)).join('\n');
        this.lines = [];
        const w = this.waiters.shift();
        if (w) w.resolve({ code, text: `${code} ${text}`.trim() });
        else if (code === 421) this.destroy(new SmtpError(`the relay closed the connection: ${line}`, 421));
      }
    }
  };

  private readonly onTimeout = (): void => this.destroy(new SmtpError(`the relay did not answer within ${(this.o.socketTimeoutMs ?? 60_000) / 1000} s`));
  private readonly onError = (e: Error): void => this.destroy(new SmtpError(`relay connection error: ${e.message}`));
  private readonly onClose = (): void => this.destroy(new SmtpError('the relay closed the connection'));

  destroy(err: Error): void {
    if (!this.dead) {
      this.dead = true;
      this.failure = err;
      this.socket.destroy();
    }
    for (const w of this.waiters.splice(0)) w.reject(this.failure ?? err);
  }

  private read(): Promise<Reply> {
    if (this.dead) return Promise.reject(this.failure ?? new SmtpError('the relay connection is closed'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Text, or a message's pieces and what follows them (its end, the next envelope), in one system call. */
  private write(data: string | Buffer[], then?: string): void {
    if (typeof data === 'string') {
      this.socket.write(data);
      return;
    }
    this.socket.cork();
    for (const b of data) if (b.length) this.socket.write(b);
    if (then) this.socket.write(then);
    this.socket.uncork();
  }

  private async command(line: string, expect: number): Promise<Reply> {
    const r = this.read();
    this.write(`${line}\r\n`);
    const reply = await r;
    if (Math.floor(reply.code / 100) !== expect) throw new SmtpError(reply.text, reply.code);
    return reply;
  }

  private async ehlo(name: string): Promise<void> {
    const r = await this.command(`EHLO ${name}`, 2).catch(async (err: SmtpError) => {
      if (err.code && err.code >= 500) return this.command(`HELO ${name}`, 2);
      throw err;
    });
    this.extensions.clear();
    this.authMethods.clear();
    for (const line of r.text.split('\n').slice(1)) {
      const [kw, ...args] = line
        .replace(/^\d{3}[ -]?/, '')
        .trim()
        .toUpperCase()
        .split(/\s+/);
      if (!kw) continue;
      this.extensions.add(kw);
      if (kw === 'AUTH') for (const m of args) this.authMethods.add(m);
    }
  }

  private async handshake(url: URL, host: string, implicitTls: boolean): Promise<void> {
    const greetingTimer = setTimeout(
      () => this.destroy(new SmtpError(`the relay sent no greeting within ${(this.o.greetingTimeoutMs ?? 15000) / 1000} s`)),
      this.o.greetingTimeoutMs ?? 15000,
    );
    const greeting = await this.read().finally(() => clearTimeout(greetingTimer));
    if (greeting.code !== 220) throw new SmtpError(`the relay refused the connection: ${greeting.text}`, greeting.code);
    const name = this.o.ehloName ?? defaultEhloName(this.socket);
    await this.ehlo(name);
    if (!implicitTls) {
      if (this.extensions.has('STARTTLS')) {
        await this.command('STARTTLS', 2);
        this.detach();
        const plain = this.socket;
        this.socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = tls.connect({ socket: plain, host, servername: net.isIP(host) ? undefined : host, ...this.o.tls });
          s.once('secureConnect', () => resolve(s));
          s.once('error', (e) => reject(new SmtpError(`TLS with the relay failed: ${e.message}`)));
        });
        this.attach();
        await this.ehlo(name);
      } else if (this.o.requireTls) {
        throw new SmtpError('the relay does not offer STARTTLS and SMTP_REQUIRE_TLS is set');
      }
    }
    const user = decodeURIComponent(url.username);
    if (user) {
      const pass = decodeURIComponent(url.password);
      if (this.authMethods.has('PLAIN')) {
        await this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`, 2);
      } else if (this.authMethods.has('LOGIN')) {
        await this.command('AUTH LOGIN', 3);
        await this.command(Buffer.from(user).toString('base64'), 3);
        await this.command(Buffer.from(pass).toString('base64'), 2);
      } else {
        throw new SmtpError('the relay offers neither AUTH PLAIN nor AUTH LOGIN, but SMTP_URL has a user name');
      }
    }
  }

  /** MAIL, RCPT and DATA for one job (BODY=8BITMIME when the relay offers it). */
  private envelopeCommands(job: Job): string {
    const body = this.extensions.has('8BITMIME') ? ' BODY=8BITMIME' : '';
    return `MAIL FROM:<${job.from}>${body}\r\nRCPT TO:<${job.to}>\r\nDATA\r\n`;
  }

  /** The envelope's replies; one write with PIPELINING, else one command at a time (up to the first refusal). */
  private async envelope(job: Job): Promise<Reply[]> {
    if (this.pipelining) {
      const waits = [this.read(), this.read(), this.read()];
      this.write(this.envelopeCommands(job));
      return Promise.all(waits);
    }
    const replies: Reply[] = [];
    for (const line of this.envelopeCommands(job).split('\r\n').filter(Boolean)) {
      const r = this.read();
      this.write(`${line}\r\n`);
      const reply = await r;
      replies.push(reply);
      if (reply.code >= 400) break;
    }
    return replies;
  }

  private get pipelining(): boolean {
    return this.extensions.has('PIPELINING');
  }

  /**
   * Sends jobs until `take` has none left or the connection breaks. With PIPELINING the next
   * job's envelope goes out in the same write as the message before it (RFC 2920 lets message
   * content open a group), so a copy costs one round trip. A job whose message was not yet
   * written when the connection broke goes to `again` (safe to send elsewhere); one whose message
   * was written is answered with the failure (the relay may have it: the caller retries later).
   */
  async run(first: Job, take: () => Job | undefined, again: (job: Job, err: SmtpError) => void): Promise<void> {
    let job: Job | undefined = first;
    let envelope = this.envelope(job);
    while (job) {
      let replies: Reply[];
      try {
        replies = await envelope;
      } catch (err) {
        again(job, err as SmtpError);
        return;
      }
      // 421: the relay is closing this connection (idle timeout, too many messages on it).
      const closing = replies.find((x) => x.code === 421);
      if (closing) {
        const e = new SmtpError(`the relay closed the connection: ${closing.text}`, 421);
        this.destroy(e);
        again(job, e);
        return;
      }
      const [m, r, d] = replies;
      const refused = [m, r].find((x) => x && x.code >= 400);
      if (refused || !d || d.code !== 354) {
        const why = refused ?? d!;
        job.resolve({ ok: false, code: why.code, response: why.text });
        try {
          // If the relay said 354 anyway, end the (empty) message before resetting.
          if (d?.code === 354) {
            const end = this.read();
            this.write('.\r\n');
            await end;
          }
          await this.reset();
        } catch {
          return; // the connection is gone; the pool opens another for what is left
        }
        job = this.dead ? undefined : take();
        if (job) envelope = this.envelope(job);
        continue;
      }
      const next = this.pipelining ? take() : undefined;
      const done = this.read();
      let nextEnvelope: Promise<Reply[]> | undefined;
      if (next) {
        nextEnvelope = Promise.all([this.read(), this.read(), this.read()]);
        nextEnvelope.catch(() => undefined); // awaited in the next round
        this.write(job.data, job.end + this.envelopeCommands(next));
      } else {
        this.write(job.data, job.end);
      }
      try {
        const reply = await done;
        job.resolve({ ok: reply.code < 400, code: reply.code, response: reply.text });
      } catch (err) {
        const e = err as SmtpError;
        job.resolve({ ok: false, ...(e.code ? { code: e.code } : {}), response: e.message });
        if (next) again(next, e);
        return;
      }
      if (next) {
        job = next;
        envelope = nextEnvelope!;
      } else {
        job = take();
        if (job) envelope = this.envelope(job);
      }
    }
  }

  private async reset(): Promise<void> {
    const r = this.read();
    this.write('RSET\r\n');
    const reply = await r;
    if (reply.code >= 400) this.destroy(new SmtpError(`the relay refused RSET: ${reply.text}`, reply.code));
  }

  async quit(): Promise<void> {
    if (this.dead) return;
    const r = this.read().catch(() => undefined);
    this.write('QUIT\r\n');
    await Promise.race([r, new Promise((res) => setTimeout(res, 1000))]);
    this.detach();
    this.socket.on('error', () => undefined);
    this.socket.end();
    this.dead = true;
  }
}

export function createSmtpPool(o: SmtpPoolOptions): SmtpPool {
  const url = new URL(o.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`The relay URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  // Copies wait here until a connection takes them: an idle one, a new one, or a busy one as the
  // next job to pipeline behind the message it is writing.
  const jobs: Job[] = [];
  const idle: Connection[] = [];
  let open = 0;
  let closing = false;

  const failure = (err: Error): SmtpResult => {
    const code = (err as SmtpError).code;
    return { ok: false, ...(code ? { code } : {}), response: err.message };
  };
  const take = (): Job | undefined => (closing ? undefined : jobs.shift());
  // A connection that broke before a job's message was written (the relay closed it while idle,
  // or with 421) hands the job on once, to a fresh connection, rather than count it as a failure.
  const again = (job: Job, err: SmtpError): void => {
    if (job.moved || closing) return job.resolve(failure(err));
    job.moved = true;
    jobs.unshift(job);
  };

  async function serve(c: Connection, job: Job): Promise<void> {
    await c.run(job, take, again);
    if (c.dead || closing) {
      open--;
      if (!c.dead) void c.quit();
    } else {
      idle.push(c);
    }
    dispatch();
  }

  async function openFor(job: Job): Promise<void> {
    let c: Connection;
    try {
      c = await Connection.open(o, url);
    } catch (err) {
      open--;
      job.resolve(failure(err as Error));
      dispatch();
      return;
    }
    await serve(c, job);
  }

  function dispatch(): void {
    while (jobs.length && !closing) {
      const c = idle.pop();
      if (c?.dead) {
        open--;
        continue;
      }
      if (c) {
        void serve(c, jobs.shift()!);
      } else if (open < o.connections) {
        open++;
        void openFor(jobs.shift()!);
      } else {
        break;
      }
    }
  }

  return {
    send(envelope, raw) {
      if (closing) return Promise.resolve({ ok: false, response: 'the relay connection pool is closed' });
      return new Promise<SmtpResult>((resolve) => {
        const [data, end] = dataPieces(raw);
        jobs.push({ from: envelope.from, to: envelope.to, data, end, moved: false, resolve });
        dispatch();
      });
    },
    async close() {
      closing = true;
      const closed = failure(new SmtpError('the relay connection pool is closed'));
      for (const job of jobs.splice(0)) job.resolve(closed);
      await Promise.all(idle.splice(0).map((c) => c.quit()));
    },
  };
}
