/**
 * Taking in a message for the lists, whichever way it came (SMTP, LMTP, or a form on the web):
 * the recipients must be list addresses, the message within the size limit and a sane MIME
 * shape; then its raw bytes (one row per list address) and the job that will process each row
 * are committed, and only then is it accepted. Everything else (rules, moderation, delivery)
 * happens in the worker, from those rows.
 *
 * Messages arriving within a few milliseconds of one another are committed together in one
 * transaction (group-commit.ts): one multi-row insert, one job for them all, one disk flush.
 * If that transaction fails, every message in it is refused with a temporary failure and none
 * was kept, so each sender's retry stores it once.
 */
import type pg from 'pg';
import { inTransaction } from '../platform/db/queryable.ts';
import type { Queue } from '../platform/queue.ts';
import { parseListAddress, type ListAddress } from './addresses.ts';
import { GroupCommit } from './group-commit.ts';
import { checkStructure } from './message/structure.ts';
import { listByLocalPart } from './store.ts';

export const INCOMING_JOB = 'list.incoming';
/** First retry of a failed incoming job, doubling after; a message still failing is held (jobs.ts). */
export const INCOMING_RETRY_SECONDS = 5;
/**
 * Messages one incoming job names at most. One job per message cost more than the message's own
 * row: a committed batch of ten posts wrote ten job rows, and the worker fetched and completed
 * each (0.2-0.3 ms of PostgreSQL's CPU a post). A job for the messages committed together costs
 * that once; the worker handles them in order, and one that fails gets a job of its own (jobs.ts).
 */
export const INCOMING_IDS_PER_JOB = 20;

/**
 * What an incoming job carries: the messages' ids, and how many attempts already failed for a
 * job that names one message a batch job failed on. Jobs queued before batching carry `id`.
 */
export interface IncomingJob {
  ids?: number[];
  id?: number;
  failedBefore?: number;
}

/**
 * The options of every incoming job. A job still running after 2 minutes (its process was
 * killed, or DNS lookups hang) is run again; a message is decided once all the same, under a
 * lock on its row (incoming.ts), so a second run of a slow batch only skips what is done.
 */
export const INCOMING_JOB_OPTIONS = { retryLimit: 10, retryDelay: INCOMING_RETRY_SECONDS, expireInSeconds: 120 } as const;

/** A recipient that is one of our list addresses. */
export interface ListRecipient extends ListAddress {
  listId: number;
  /** As the sender wrote it (kept in incoming_messages.rcpt). */
  address: string;
}

/** A message with its envelope, as the sender's server (or the web form) hands it over. */
export interface Arrival {
  raw: Buffer;
  /** MAIL FROM; empty for a bounce. */
  envelopeFrom: string;
  recipients: ListRecipient[];
  remoteIp: string | null;
  helo: string | null;
  protocol: 'smtp' | 'lmtp';
}

/** What the sender is told: accepted (with the stored rows' ids), or a reply code and text. */
export type IntakeResult = { accepted: true; ids: number[] } | { accepted: false; responseCode: 451 | 452 | 550 | 552 | 554; message: string };

export interface IntakeOptions {
  pool: pg.Pool;
  queue: Queue;
  /** The list domain (LIST_DOMAIN or the site's host). */
  domain: string;
  /** MAIL_IN_MAX_BYTES. */
  maxBytes: number;
  /** Group commit tuning; the defaults suit a listener (see docs/operations.md, Performance). */
  batch?: { windowMs?: number; maxItems?: number; maxBytes?: number; maxInFlight?: number; timer?: (fire: () => void, ms: number) => void };
  /** How long a list address found in the database is taken as known without asking again (ms). */
  listCacheMs?: number;
  onError?: (err: Error) => void;
}

/**
 * List addresses one message may name. Each is stored as its own copy, so a message naming
 * thousands (any number of `-bounces+token` addresses resolve) would make one huge transaction.
 */
export const MAX_RECIPIENTS = 50;

const TRY_LATER = '4.3.0 Could not store the message; try again later';

export interface Intake {
  /** The list address `address` names, or undefined when it is not one of ours (550). Throws when the database cannot say. */
  resolveRecipient(address: string): Promise<ListRecipient | undefined>;
  /** Check and durably store a message whose recipients are resolved already (SMTP after RCPT TO). */
  accept(arrival: Arrival): Promise<IntakeResult>;
  /**
   * The whole path for a raw message and its envelope, as mail takes it: resolve each recipient
   * (refusing the message when none is a list address), then `accept`. For posting from the web.
   */
  receiveMessage(
    raw: Buffer,
    envelope: { from: string; to: string[]; remoteIp?: string | null; helo?: string | null; protocol?: Arrival['protocol'] },
  ): Promise<IntakeResult>;
  /** Wait for messages being committed (before closing the pool). */
  drained(): Promise<void>;
}

export function createIntake(o: IntakeOptions): Intake {
  const commits = new GroupCommit<Arrival, number[]>({
    commit: (arrivals) => storeArrivals(o.pool, o.queue, arrivals),
    windowMs: o.batch?.windowMs ?? 2,
    maxItems: o.batch?.maxItems ?? 200,
    maxWeight: o.batch?.maxBytes ?? 16 * 1024 * 1024,
    weigh: (a) => a.raw.length * a.recipients.length,
    maxInFlight: o.batch?.maxInFlight ?? 3,
    ...(o.batch?.timer ? { timer: o.batch.timer } : {}),
  });

  // Which list a local part names, for a few seconds: every post's RCPT TO asked the database
  // before, one round trip per post. Only lists that exist are kept (a new list is found at
  // once); one deleted meanwhile gets its row with no list, marked failed by the worker, as a
  // post that arrived just before the deletion would be.
  const known = new Map<string, { listId: number; until: number }>();
  async function resolveRecipient(address: string): Promise<ListRecipient | undefined> {
    const parsed = parseListAddress(address, o.domain);
    if (!parsed) return undefined;
    const now = Date.now();
    let entry = known.get(parsed.localPart);
    if (!entry || entry.until < now) {
      const list = await listByLocalPart(o.pool, parsed.localPart);
      if (!list) {
        known.delete(parsed.localPart);
        return undefined;
      }
      if (known.size >= 10_000) known.clear();
      entry = { listId: list.id, until: now + (o.listCacheMs ?? 5000) };
      known.set(parsed.localPart, entry);
    }
    return { ...parsed, listId: entry.listId, address };
  }

  async function accept(arrival: Arrival): Promise<IntakeResult> {
    if (arrival.raw.length > o.maxBytes) return { accepted: false, responseCode: 552, message: `5.3.4 Message too big; the limit is ${o.maxBytes} bytes` };
    const problem = checkStructure(arrival.raw);
    if (problem) return { accepted: false, responseCode: problem.responseCode, message: problem.message };
    if (!arrival.recipients.length) return { accepted: false, responseCode: 550, message: '5.1.1 No list address among the recipients' };
    if (arrival.recipients.length > MAX_RECIPIENTS)
      return { accepted: false, responseCode: 452, message: `4.5.3 Too many recipients: send to at most ${MAX_RECIPIENTS} list addresses at once` };
    // PostgreSQL text cannot hold NUL: one such field would fail the whole batch it is in.
    // (smtp-server refuses NUL in addresses and HELO already; this guards the other callers.)
    if ([arrival.envelopeFrom, arrival.helo ?? '', arrival.remoteIp ?? '', ...arrival.recipients.map((r) => r.address)].some((v) => v.includes('\0'))) {
      return { accepted: false, responseCode: 554, message: '5.6.0 NUL characters in the envelope are not allowed' };
    }
    try {
      return { accepted: true, ids: await commits.add(arrival) };
    } catch (err) {
      o.onError?.(err as Error);
      return { accepted: false, responseCode: 451, message: TRY_LATER };
    }
  }

  async function receiveMessage(
    raw: Buffer,
    envelope: { from: string; to: string[]; remoteIp?: string | null; helo?: string | null; protocol?: Arrival['protocol'] },
  ): Promise<IntakeResult> {
    const recipients: ListRecipient[] = [];
    for (const to of envelope.to) {
      let recipient: ListRecipient | undefined;
      try {
        recipient = await resolveRecipient(to);
      } catch (err) {
        o.onError?.(err as Error);
        return { accepted: false, responseCode: 451, message: '4.3.0 Temporary problem looking up the address; try again later' };
      }
      if (!recipient) return { accepted: false, responseCode: 550, message: `5.1.1 <${to}>: no such list address here` };
      if (!recipients.some((r) => r.address.toLowerCase() === to.toLowerCase())) recipients.push(recipient);
    }
    return accept({
      raw,
      envelopeFrom: envelope.from,
      recipients,
      remoteIp: envelope.remoteIp ?? null,
      helo: envelope.helo ?? null,
      protocol: envelope.protocol ?? 'smtp',
    });
  }

  return { resolveRecipient, accept, receiveMessage, drained: () => commits.drained() };
}

const COLUMNS = 10;
const ROWS_PER_INSERT = 5_000;
/** Inserts of up to this many rows run as named statements (one per row count). */
const NAMED_INSERT_ROWS = 16;

/**
 * One transaction for a batch: the rows in one insert (more only past the parameter limit), one job for every INCOMING_IDS_PER_JOB of them, in one insert. Returns each
 * arrival's row ids. PostgreSQL returns a multi-row VALUES insert's rows in the order given
 * (Django's and Rails' bulk inserts rely on the same), which maps ids back to arrivals.
 */
async function storeArrivals(pool: pg.Pool, queue: Queue, arrivals: Arrival[]): Promise<number[][]> {
  const rows: unknown[][] = [];
  for (const a of arrivals) {
    for (const r of a.recipients)
      rows.push([r.listId, r.kind, r.address, r.token ?? null, a.envelopeFrom, a.remoteIp, a.helo, a.protocol, a.raw, a.raw.length]);
  }
  return inTransaction(pool, async (tx) => {
    // One statement takes at most 65,535 parameters: a batch of many recipients goes in several.
    const ids: number[] = [];
    for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
      const chunk = rows.slice(from, from + ROWS_PER_INSERT);
      // The list id through a lookup: a list deleted since RCPT TO leaves list_id null (see resolveRecipient).
      const tuples = chunk.map(
        (_, i) =>
          `((select id from lists where id = $${i * COLUMNS + 1}), ${Array.from({ length: COLUMNS - 1 }, (_, c) => `$${i * COLUMNS + c + 2}`).join(', ')})`,
      );
      const text = `insert into incoming_messages (list_id, address_kind, rcpt, token, envelope_from, remote_ip, helo, protocol, raw, size) values ${tuples.join(', ')} returning id`;
      // The text depends only on the number of rows: the usual small batches are named statements,
      // planned once per connection (planning cost about as much as running the insert).
      const named = chunk.length <= NAMED_INSERT_ROWS ? { name: `incoming-insert-${chunk.length}` } : {};
      const { rows: stored } = await tx.query<{ id: number }>({ ...named, text, values: chunk.flat() });
      for (const r of stored) ids.push(Number(r.id));
    }
    const jobs: IncomingJob[] = [];
    for (let from = 0; from < ids.length; from += INCOMING_IDS_PER_JOB) jobs.push({ ids: ids.slice(from, from + INCOMING_IDS_PER_JOB) });
    await queue.sendMany(INCOMING_JOB, jobs, { db: tx, ...INCOMING_JOB_OPTIONS });
    let next = 0;
    return arrivals.map((a) => ids.slice(next, (next += a.recipients.length)));
  });
}
