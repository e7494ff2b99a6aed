/**
 * The delivery runner (worker role): claims due delivery records with `FOR UPDATE SKIP LOCKED`,
 * so any number of workers on any number of machines share the work without sending a copy
 * twice; personalizes each copy (VERP sender, one-click unsubscribe, DKIM), hands it to the
 * relay, and marks it sent as soon as the relay says 250.
 *
 * Crash safety: a claimed record is 'sending' with the claiming runner's id. Each runner holds a
 * PostgreSQL advisory lock named after its id for as long as it lives; PostgreSQL drops the lock
 * the moment the process dies (even kill -9). A sweep returns the claims of runners whose lock
 * is free to 'pending', so a restarted worker (or another one) resumes exactly where the dead
 * one stopped. The one window no SMTP client can close — the relay has said 250 and the process
 * dies before the database hears of it — holds the copies in flight (one per connection) and the
 * acknowledged copies not yet recorded. Those are recorded in batches (one statement at a time,
 * on the runner's own session); a lane waits for the update before its next hand-off once
 * `maxUnrecorded` acknowledgements (eight per connection) are waiting. So a kill leaves at most
 * about ten copies per connection to be sent again (in flight, waiting, and in the update being
 * written), with the same Message-ID, which receiving systems treat as the same message. Waiting
 * at one per connection cost about 30% of the fan-out rate in the benchmark; at eight the cost was
 * within the benchmark's noise.
 *
 * There are more lanes than connections (eight per connection): a copy waiting in the relay's
 * queue costs nothing at a kill (its message was not written), and a connection finding one
 * there as it writes a message sends that copy's envelope in the same write. With two lanes per
 * connection a sixth of the copies found none, and paid a round trip more.
 *
 * The runner's session commits those records without waiting for the disk (synchronous_commit
 * off): PostgreSQL has them the moment it answers, so killing this process loses none, and it
 * writes them to disk within a fraction of a second. Only a crash of PostgreSQL itself in that
 * fraction can lose some, and a lost record means a copy sent again, never a copy missed: the
 * same promise as above. Waiting for a disk flush per batch of records was the largest wait of a
 * fan-out without DKIM. Claims stay durable (the pool's sessions wait for the disk as usual).
 *
 * The session is open only while there is work, and for SESSION_IDLE_MS after (a second post
 * soon after the first is heard of at once, on the same connection); then it is closed, so an
 * idle install keeps no PostgreSQL process for list delivery (each is 5-7 MB of memory). While it
 * is closed the runner holds no claims, so no lock is needed; it asks the pool once a second
 * whether anything is due (as it claimed once a second before), and a fan-out or digest queued
 * in this process wakes it at once (onDeliveriesQueued, after the commit). One queued by another
 * process is found within the second: as soon as Mailman's runners, which look once a second.
 *
 * The next batch is claimed (and its copies signed) while half of the current one is still
 * waiting to be sent, and the lanes go straight on to it, so the relay never waits for the
 * database between batches.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import type { RoleHandle } from '../platform/roles.ts';
import { listAddresses } from './addresses.ts';
import { digestCopies } from './digests/copies.ts';
import type { SenderAuthentication } from './authenticate.ts';
import { arcSeal } from './message/arc.ts';
import type { DkimKey } from './message/dkim.ts';
import { recordDelivered } from './bounce-care.ts';
import { createSigner } from './signing-pool.ts';
import { DELIVERY_CHANNEL, onDeliveriesQueued } from './fanout.ts';
import type { ListRelay } from './relay.ts';
import { unsubscribeToken, verpToken } from './tokens.ts';

export interface RunnerOptions {
  pool: pg.Pool;
  relay: ListRelay;
  secret: string;
  baseUrl: string;
  domain: string;
  dkim: DkimKey[];
  /** The RSA key that ARC-seals posts (message/arc.ts); none: copies are not sealed. */
  arc?: DkimKey | null;
  /** Copies being personalized and handed off at once (lanes). */
  concurrency: number;
  /** 250s not yet written down before a lane waits for the write (default 4 × concurrency). */
  maxUnrecorded?: number;
  /** Worker threads that personalize and sign copies (0: this thread). */
  signingThreads?: number;
  /** Records claimed per round. */
  batchSize?: number;
  /** Days to keep retrying a temporary failure (4xx) before giving up. */
  retryDays?: number;
  log: (msg: string, extra?: object) => void;
  /** Called after a bounce_events row is written (bounce care queues its count). */
  bounced?: () => Promise<void>;
}

interface Claimed {
  id: number;
  kind: 'post' | 'digest';
  ref_id: number;
  list_id: number;
  member_id: number;
  address: string;
  attempts: number;
  first_attempt_at: Date;
}

interface PreparedPost {
  id: number;
  localPart: string;
  number: number;
  decorated: Buffer;
  /** The list's addresses (made once a post, not once a copy). */
  addresses: ReturnType<typeof listAddresses>;
}

/** Minutes to wait after the n-th temporary failure: 5, 10, 20 ... up to 4 hours. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(attempts - 1, 0), 240);
}

/** Milliseconds between sweeps for copies claimed by runners that stopped. */
const SWEEP_MS = 5000;
/**
 * How long the runner keeps its session after its last work: a post or digest soon after is
 * heard of by LISTEN at once and needs no new connection. Then it is closed (see the top).
 */
export const SESSION_IDLE_MS = 5000;

export async function startDeliveryRunner(o: RunnerOptions): Promise<RoleHandle & { runnerId: string; idle(): Promise<void> }> {
  const runnerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const batchSize = o.batchSize ?? 500;
  const retryDays = o.retryDays ?? 5;
  const maxUnrecorded = o.maxUnrecorded ?? 4 * o.concurrency;
  let wake: (() => void) | undefined;
  // Set by every wake-up, so one that comes while the runner is busy is not lost.
  let notified = false;
  const woken = () => {
    notified = true;
    wake?.();
  };

  // The runner's own session: holds its advisory lock, listens for new fan-outs, records 250s.
  // Open while there is work and for SESSION_IDLE_MS after, then closed (see the top).
  let session: pg.PoolClient | undefined;
  let opening: Promise<pg.PoolClient> | undefined;
  let lastWork = 0;
  function openSession(): Promise<pg.PoolClient> {
    if (session) return Promise.resolve(session);
    opening ??= (async () => {
      const s = await o.pool.connect();
      // The pool listens for errors only on idle clients: a cut connection would otherwise end
      // the process. The statement in flight fails; the next round opens a new session.
      s.on('error', () => {
        if (session !== s) return;
        session = undefined;
        s.release(true);
      });
      try {
        // the lock first: no delivery is claimed under this runner's id without it held
        await s.query('select pg_advisory_lock(hashtextextended($1, 0))', [runnerId]);
        await s.query('set synchronous_commit = off'); // records of 250s: see the top
        s.on('notification', woken);
        await s.query(`listen ${DELIVERY_CHANNEL}`);
      } catch (err) {
        s.release(true);
        throw err;
      }
      session = s;
      return s;
    })().finally(() => (opening = undefined));
    return opening;
  }
  /** Closed, not handed back to the pool (synchronous_commit off must not carry over to a mail-in commit); its lock and LISTEN end with it. */
  function closeSession(): void {
    const s = session;
    session = undefined;
    s?.release(true);
  }
  const unsubscribe = onDeliveriesQueued(woken);

  const posts = new Map<number, PreparedPost>();
  const signer = createSigner(o.dkim, o.signingThreads ?? 0);
  await signer.ready(); // threads loaded now, not in the middle of the first fan-out
  let stopping = false;
  let lastSweep = 0;
  let idleWaiters: Array<() => void> = [];
  // Digests (src/lists/digests): kind 'digest' records point at a composed digest.
  const digestCopyFor = digestCopies(o.pool, o.baseUrl);

  async function prepared(postId: number): Promise<PreparedPost | undefined> {
    const cached = posts.get(postId);
    if (cached) return cached;
    const { rows } = await o.pool.query<{ decorated: Buffer; number: number; local_part: string; raw: Buffer | null; auth: SenderAuthentication | null }>({
      name: o.arc ? 'delivery-post-arc' : 'delivery-post',
      text: `select p.decorated, p.number, l.local_part, ${o.arc ? `p.raw, i.rule_hits->'auth' as auth` : 'null as raw, null as auth'}
         from posts p join lists l on l.id = p.list_id left join incoming_messages i on i.id = p.incoming_id where p.id = $1`,
      values: [postId],
    });
    if (!rows[0]) return undefined;
    const p = {
      id: postId,
      localPart: rows[0].local_part,
      number: rows[0].number,
      decorated: rows[0].decorated,
      addresses: listAddresses(rows[0].local_part, o.domain),
    };
    // Sealed once per post here, where the keys are (so a post approved on the web is sealed
    // too); a post with no results from arrival (imported, or checked before ARC) is not.
    const arc = rows[0].auth?.arc;
    if (o.arc && arc && rows[0].raw) {
      p.decorated = await arcSeal(p.decorated, { key: o.arc, authResults: arc.authResults, chain: arc.result, original: rows[0].raw });
    }
    posts.set(postId, p);
    if (posts.size > 16) posts.delete(posts.keys().next().value!);
    return p;
  }

  async function sweep(): Promise<void> {
    lastSweep = Date.now();
    const { rows } = await o.pool.query<{ claimed_by: string }>(`select distinct claimed_by from deliveries where status = 'sending' and claimed_by <> $1`, [
      runnerId,
    ]);
    const session = await openSession();
    for (const { claimed_by: other } of rows) {
      const got = await session.query<{ got: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as got', [other]);
      if (!got.rows[0]!.got) continue; // that runner is alive
      await session.query('select pg_advisory_unlock(hashtextextended($1, 0))', [other]);
      const released = await o.pool.query(
        `update deliveries set status = 'pending', claimed_by = null, claimed_at = null where status = 'sending' and claimed_by = $1`,
        [other],
      );
      o.log('released deliveries claimed by a runner that stopped', { runner: other, deliveries: released.rowCount });
    }
  }

  async function claim(): Promise<Claimed[]> {
    const { rows } = await o.pool.query<Claimed>({
      name: 'claim-deliveries', // prepared once per session: it runs every batch
      text: `update deliveries d set status = 'sending', claimed_by = $1, claimed_at = now(), attempts = d.attempts + 1,
              first_attempt_at = coalesce(d.first_attempt_at, now())
        where d.id in (select id from deliveries where status in ('pending', 'deferred') and next_attempt_at <= now()
                        order by next_attempt_at, id limit $2 for update skip locked)
        returning d.id, d.kind, d.ref_id, d.list_id, d.member_id, d.address, d.attempts, d.first_attempt_at`,
      values: [runnerId, batchSize],
    });
    return rows.sort((a, b) => a.id - b.id);
  }

  // Sent copies are marked in as few round trips as the database allows: one statement in flight
  // at a time, taking every id acknowledged since the last one. A statement costs PostgreSQL
  // about 0.4 ms of CPU whatever its size, so fewer than a quarter of `maxUnrecorded` wait up to
  // 10 ms for company (the bound on what a kill can leave unrecorded is the same).
  let acks: number[] = [];
  let writing = 0;
  let current: Promise<void> | undefined;
  const worthWriting = Math.max(1, Math.floor(maxUnrecorded / 4));
  let soon: NodeJS.Timeout | undefined;
  /** Writes the waiting 250s now when there are enough of them, else within 10 ms. */
  function flushSoon(): void {
    if (acks.length >= worthWriting) {
      flush().catch(() => undefined); // failures surface in acknowledged() or settle()
      return;
    }
    soon ??= setTimeout(() => {
      soon = undefined;
      flush().catch(() => undefined);
    }, 10).unref();
  }
  /** Writes the waiting 250s, or joins the write in flight; resolves when that statement ends. */
  function flush(): Promise<void> {
    if (!current && acks.length) {
      clearTimeout(soon);
      soon = undefined;
      const ids = acks;
      acks = [];
      writing = ids.length;
      current = openSession()
        .then((s) => recordDelivered(s, ids)) // also bounce care: a 250 clears a score from refusals at hand-off
        .then(
          () => {
            current = undefined;
            writing = 0;
            if (acks.length) flushSoon();
          },
          (err: Error) => {
            current = undefined;
            writing = 0;
            acks = ids.concat(acks); // kept for the next write
            throw err;
          },
        );
    }
    return current ?? Promise.resolve();
  }

  /** Every 250 so far written down (at the end of a batch, and on close). */
  async function settle(): Promise<void> {
    while (current || acks.length) await flush();
  }

  /**
   * Record a 250 (batched). Bounds how many 250s a kill can leave unrecorded (see the top): while
   * `maxUnrecorded` are waiting or being written, the lane waits for the write in flight to end
   * (and, if the database cannot be reached, retries each second rather than send on).
   */
  async function acknowledged(id: number): Promise<void> {
    acks.push(id);
    if (!current) flushSoon();
    while (acks.length + writing >= maxUnrecorded) {
      await flush().catch(() => new Promise((r) => setTimeout(r, 1000)));
    }
  }

  async function failed(d: Claimed, response: string, code: number | undefined): Promise<void> {
    const permanent = code !== undefined && code >= 500;
    const expired = Date.now() - d.first_attempt_at.getTime() > retryDays * 86_400_000;
    if (permanent || expired) {
      await o.pool.query(`update deliveries set status = 'failed', claimed_by = null, last_response = $2 where id = $1`, [d.id, response]);
      await o.pool.query(
        `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic, delivery_id) values ($1, $2, $3, $4, 'smtp', $5, $6, $7)`,
        [d.list_id, d.member_id, d.address, !permanent, code ? String(code) : null, response, d.id],
      );
      await o.bounced?.(); // bounce care (bounce-care.ts)
      return;
    }
    await o.pool.query(
      `update deliveries set status = 'deferred', claimed_by = null, last_response = $2, next_attempt_at = now() + make_interval(mins => $3) where id = $1`,
      [d.id, response, retryDelayMinutes(d.attempts)],
    );
  }

  // Digests (src/lists/digests): each member's digest differs (personal links in the body), so
  // it is prepared under the delivery's own key (negative: never a post id) and signed alone.
  async function deliverDigest(d: Claimed): Promise<void> {
    const token = unsubscribeToken(o.secret, d.member_id, d.list_id);
    const copy = await digestCopyFor(d.ref_id, d.member_id, token);
    if (!copy) {
      await o.pool.query(`update deliveries set status = 'failed', claimed_by = null, last_response = 'nothing to send' where id = $1`, [d.id]);
      return;
    }
    const a = listAddresses(copy.localPart, o.domain);
    const raw = await signer.copy(-d.id, copy.message, {
      unsubscribeUrl: `${o.baseUrl}/u/${token}`,
      unsubscribeMailto: `mailto:${a.request}?subject=unsubscribe%20${token}`,
    });
    const result = await o.relay.send({ from: a.bounces(verpToken(o.secret, d.id)), to: d.address }, raw, copy.name);
    if (result.ok) {
      await acknowledged(d.id);
    } else {
      await failed(d, result.response, result.code);
    }
  }

  function postCopy(post: PreparedPost, d: Claimed): Promise<Buffer[]> {
    const a = post.addresses;
    const token = unsubscribeToken(o.secret, d.member_id, d.list_id);
    return signer.copy(post.id, post.decorated, {
      unsubscribeUrl: `${o.baseUrl}/u/${token}`,
      unsubscribeMailto: `mailto:${a.request}?subject=unsubscribe%20${token}`,
    });
  }

  async function deliver(d: Claimed, signed?: Promise<Buffer[]>): Promise<void> {
    if (d.kind === 'digest') return deliverDigest(d);
    const post = d.kind === 'post' ? await prepared(d.ref_id) : undefined;
    if (!post) {
      await o.pool.query(`update deliveries set status = 'failed', claimed_by = null, last_response = 'nothing to send' where id = $1`, [d.id]);
      return;
    }
    const a = post.addresses;
    const raw = await (signed ?? postCopy(post, d));
    const result = await o.relay.send({ from: a.bounces(verpToken(o.secret, d.id)), to: d.address }, raw, `${post.localPart}-${post.number}-${d.member_id}`);
    if (result.ok) {
      await acknowledged(d.id);
    } else {
      await failed(d, result.response, result.code);
    }
  }

  // Claimed copies no lane has taken yet, in id order; the copies of posts being signed for them.
  const queue: Claimed[] = [];
  const signed = new Map<number, Promise<Buffer[]>>();
  /** The claim in flight; resolves true when it filled a batch (more may be due). */
  let claiming: Promise<boolean> | undefined;

  /** Claims the next batch into the queue and starts personalizing and signing its copies. */
  function refill(): Promise<boolean> {
    claiming ??= (async () => {
      try {
        await openSession(); // its lock held before anything is claimed under this runner's id
        if (Date.now() - lastSweep > SWEEP_MS) await sweep();
        const batch = await claim();
        queue.push(...batch);
        // Copies of posts are personalized and signed ahead of the hand-off, the whole batch at
        // once, so the signing threads never wait for the relay and the relay never waits for
        // them. (A post that cannot be read here is read again, and its failure handled, by the
        // lane that sends the copy.)
        for (const d of batch) {
          const post = d.kind === 'post' ? await prepared(d.ref_id).catch(() => undefined) : undefined;
          if (!post) continue;
          const copy = postCopy(post, d);
          copy.catch(() => undefined); // awaited (and its error handled) by the lane that sends it
          signed.set(d.id, copy);
        }
        return batch.length === batchSize;
      } finally {
        claiming = undefined;
      }
    })();
    return claiming;
  }

  /**
   * Sends what is due until a claim finds less than a batch and the queue is empty; returns how
   * many copies it took. The next batch is claimed (and signed) while the queue still holds half
   * a batch, so the lanes never stop between batches to wait for the database; 250s are written
   * down as they come (acknowledged) and all of them before this returns.
   */
  async function work(): Promise<number> {
    let more = await refill();
    let failure: unknown;
    let taken = 0;
    const lane = async () => {
      for (;;) {
        if (stopping) return;
        if (more && !claiming && queue.length < batchSize / 2) {
          refill().then(
            (full) => (more = full),
            (err: unknown) => ((more = false), (failure ??= err)), // the lanes send what is queued, then the loop retries
          );
        }
        const d = queue.shift();
        if (!d) {
          if (!claiming) return;
          await claiming.catch(() => undefined);
          continue;
        }
        taken++;
        const copy = signed.get(d.id);
        signed.delete(d.id);
        try {
          await deliver(d, copy);
        } catch (err) {
          await failed(d, (err as Error).message, undefined).catch(() => undefined);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, lane));
    await settle();
    if (failure) throw failure;
    return taken;
  }

  /** Claimed but not sent (the runner is stopping): back to the queue, as if never claimed. */
  async function unclaim(batch: Claimed[]): Promise<void> {
    if (!batch.length) return;
    await o.pool.query(
      `update deliveries set status = 'pending', claimed_by = null, claimed_at = null, attempts = attempts - 1,
              first_attempt_at = case when attempts = 1 then null else first_attempt_at end
        where id = any($1) and status = 'sending' and claimed_by = $2`,
      [batch.map((d) => d.id), runnerId],
    );
  }

  /**
   * Whether a round would find anything, asked on the pool while the session is closed: copies
   * due, or (when a sweep is due) copies another runner has claimed, which may have stopped.
   */
  async function due(): Promise<boolean> {
    const { rows } = await o.pool.query<{ due: boolean }>({
      name: 'deliveries-due',
      text: `select exists (select 1 from deliveries where status in ('pending', 'deferred') and next_attempt_at <= now())
                 or ($2 and exists (select 1 from deliveries where status = 'sending' and claimed_by <> $1)) as due`,
      values: [runnerId, Date.now() - lastSweep > SWEEP_MS],
    });
    return rows[0]!.due;
  }

  const loop = (async () => {
    while (!stopping) {
      try {
        notified = false; // a wake-up from here on means the claim below may have missed something
        if ((session || (await due())) && (await work())) {
          lastWork = Date.now();
          continue;
        }
        for (const w of idleWaiters) w();
        idleWaiters = [];
        if (session && Date.now() - lastWork >= SESSION_IDLE_MS) closeSession();
        if (notified || stopping) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          wake = () => (clearTimeout(t), resolve());
        });
        wake = undefined;
      } catch (err) {
        if (stopping) break;
        o.log('delivery runner error; retrying in a second', { err: (err as Error).message });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    name: 'delivery-runner',
    runnerId,
    description: `Worker: list delivery ${o.relay.kind === 'relay' ? `through the relay (${o.concurrency} in flight)` : 'into the outbox folder (no SMTP_URL)'}${o.dkim.length ? `, DKIM-signed${o.signingThreads ? ` in ${o.signingThreads} thread(s)` : ''}` : ', not DKIM-signed (no DKIM_SELECTOR)'}${o.arc ? ', ARC-sealed' : ''}.`,
    info: { runnerId },
    /** Resolves the next time the runner finds nothing due (tests and benchmarks wait on it). */
    idle: () => new Promise<void>((r) => idleWaiters.push(r)),
    async close() {
      stopping = true;
      wake?.();
      await loop;
      await claiming?.catch(() => undefined);
      signed.clear();
      await unclaim(queue.splice(0)).catch(() => undefined);
      await settle().catch(() => undefined);
      unsubscribe();
      closeSession();
      o.relay.close();
      await signer.close();
    },
  };
}
