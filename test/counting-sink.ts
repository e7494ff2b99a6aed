/**
 * A fast SMTP server for fan-out tests and benchmarks (smtp-server, no MIME parsing): counts
 * copies per recipient and Message-ID, and can answer each message after a delay.
 */
import { SMTPServer } from 'smtp-server';

export interface CountingSink {
  url: string;
  port: number;
  total(): number;
  /** recipient → Message-ID → copies */
  copies: Map<string, Map<string, number>>;
  close(): Promise<void>;
}

export async function startCountingSink(opts: { delayMs?: number } = {}): Promise<CountingSink> {
  const copies = new Map<string, Map<string, number>>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // no reverse DNS for each connection (up to 1.5 s where the resolver is slow)
    disableReverseLookup: true,
    maxClients: 1000,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 16384) head += c.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '(none)';
        const done = () => {
          // Counted when the 250 goes out: that is when a real MTA has taken the message.
          for (const r of session.envelope.rcptTo) {
            const to = r.address.toLowerCase();
            const byId = copies.get(to) ?? new Map<string, number>();
            byId.set(id, (byId.get(id) ?? 0) + 1);
            copies.set(to, byId);
            total++;
          }
          callback();
        };
        if (opts.delayMs) setTimeout(done, opts.delayMs);
        else done();
      });
    },
  });
  // A client killed mid-transfer resets its connection: expected here, not a test failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, port, total: () => total, copies, close: () => new Promise<void>((r) => server.close(() => r())) };
}
