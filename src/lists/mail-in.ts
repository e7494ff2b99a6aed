/**
 * The mail-in role: an SMTP listener and, optionally, an LMTP listener (for Postfix's `lmtp:`
 * transport) for the list addresses. RCPT TO an address that is not a list's is refused with 550
 * at once. A message is answered 250 only after its raw bytes (one row per list address it was
 * sent to) and the job that will process it are committed in PostgreSQL (intake.ts, which groups
 * the commits of messages arriving together): everything after that happens in the worker.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { SMTPServer, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type pg from 'pg';
import { listDomainOf, type Config } from '../platform/config.ts';
import type { RoleHandle } from '../platform/roles.ts';
import type { Queue } from '../platform/queue.ts';
import { createIntake, MAX_RECIPIENTS, type Intake, type ListRecipient } from './intake.ts';
import { noteArrival } from './listener-load.ts';
import { PromptSMTPServer } from './prompt-smtp-server.ts';

export { INCOMING_JOB, INCOMING_JOB_OPTIONS, INCOMING_RETRY_SECONDS, type IncomingJob } from './intake.ts';

type Session = SMTPServerSession & { socialgovRcpt?: Map<string, ListRecipient> };

function smtpError(code: number, message: string): Error {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}

export interface MailInOptions {
  pool: pg.Pool;
  config: Config;
  queue: Queue;
  onError?: (err: Error) => void;
}

function listener(o: MailInOptions, intake: Intake, lmtp: boolean): SMTPServer {
  const { config } = o;
  const domain = listDomainOf(config);
  const tls = config.mailInTlsCert && config.mailInTlsKey ? { cert: readFileSync(config.mailInTlsCert), key: readFileSync(config.mailInTlsKey) } : undefined;
  // smtp-server takes a list of trusted peers for useXForward; its typings know only a boolean.
  const options: Omit<SMTPServerOptions, 'useXForward'> & { useXForward: string[] } = {
    lmtp,
    name: domain === 'localhost' ? os.hostname() : domain,
    banner: 'socialgov list server',
    size: config.mailInMaxBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    maxClients: config.mailInMaxConnections,
    // RCPT TO past this many is answered 452 (RFC 5321 4.5.3.1.10): the sender sends the rest later.
    maxRecipients: MAX_RECIPIENTS,
    socketTimeout: config.mailInIdleSeconds * 1000,
    closeTimeout: 10_000,
    logger: false,
    // No reverse DNS lookup of each client: nothing reads the name, and with a slow or unreachable
    // resolver every connection waited up to 1.5 s for it before the greeting (92 posts/s).
    disableReverseLookup: true,
    hideSTARTTLS: !tls,
    // Postfix passes on the client it received the post from (XFORWARD), so SPF judges the poster's
    // host rather than Postfix; smtp-server answers 550 to anyone not in the list.
    useXForward: config.mailInTrustedPeers,
    onRcptTo(address, session: Session, callback) {
      intake.resolveRecipient(address.address).then(
        (recipient) => {
          if (!recipient) return callback(smtpError(550, `5.1.1 <${address.address}>: no such list address here`));
          (session.socialgovRcpt ??= new Map()).set(address.address.toLowerCase(), recipient);
          callback();
        },
        () => callback(smtpError(451, '4.3.0 Temporary problem looking up the address; try again later')),
      );
    },
    onData(stream, session: Session, done) {
      // the worker in this process waits while a post waits for its answer (listener-load.ts)
      const answered = noteArrival(o.pool);
      const callback: typeof done = (...args) => {
        answered();
        done(...args);
      };
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(smtpError(552, `5.3.4 Message too big; the limit is ${config.mailInMaxBytes} bytes`));
        }
        const recipients = session.envelope.rcptTo.map((r) => session.socialgovRcpt?.get(r.address.toLowerCase())).filter((t): t is ListRecipient => !!t);
        intake
          .accept({
            raw: Buffer.concat(chunks),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            recipients,
            remoteIp: session.remoteAddress,
            helo: session.hostNameAppearsAs || null,
            protocol: lmtp ? 'lmtp' : 'smtp',
          })
          .then(
            (result) => (result.accepted ? callback(null, 'OK: queued') : callback(smtpError(result.responseCode, result.message))),
            (err: Error) => {
              o.onError?.(err);
              callback(smtpError(451, '4.3.0 Could not take the message; try again later'));
            },
          );
      });
    },
  };
  const server = new PromptSMTPServer(options as SMTPServerOptions);
  server.on('error', (err) => o.onError?.(err));
  return server;
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is already in use: set SMTP_IN_PORT or LMTP_PORT to a free port (0 picks one).`) : err,
      );
    server.server.once('error', onError);
    server.listen(port, host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as { port: number }).port);
    });
  });
}

/** Start the listeners; the handle's info has `smtpPort` and, with LMTP, `lmtpPort`. */
export async function startMailIn(o: MailInOptions): Promise<RoleHandle> {
  const servers: SMTPServer[] = [];
  const intake = createIntake({
    pool: o.pool,
    queue: o.queue,
    domain: listDomainOf(o.config),
    maxBytes: o.config.mailInMaxBytes,
    ...(o.onError ? { onError: o.onError } : {}),
  });
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await intake.drained();
  };
  try {
    const smtp = listener(o, intake, false);
    servers.push(smtp);
    const smtpPort = await listen(smtp, o.config.smtpInPort, o.config.mailInHost);
    let lmtpPort: number | undefined;
    if (o.config.lmtpPort !== undefined) {
      const lmtp = listener(o, intake, true);
      servers.push(lmtp);
      lmtpPort = await listen(lmtp, o.config.lmtpPort, o.config.mailInHost);
    }
    const domain = listDomainOf(o.config);
    return {
      name: 'mail-in',
      description: `Mail-in: lists at @${domain}; SMTP on ${o.config.mailInHost}:${smtpPort}${lmtpPort !== undefined ? `, LMTP on ${o.config.mailInHost}:${lmtpPort}` : ''}.`,
      info: { smtpPort, lmtpPort, domain },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
