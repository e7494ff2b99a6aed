/**
 * Group commit at mail-in (src/lists/intake.ts) against a real PostgreSQL: posts that arrive
 * together are stored in one transaction, each with its job; when that transaction fails (here:
 * the database connection is cut while it waits for a lock), each post is tried again alone, so
 * one post the database refuses fails alone with 451 and none is kept twice. Also over SMTP.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createIntake, INCOMING_IDS_PER_JOB, INCOMING_JOB, type Arrival, type Intake, type IntakeResult, type ListRecipient } from '../../src/lists/intake.ts';
import { testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { postMail } from '../list-helpers.ts';

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;

/** A timer fired by the test: the batch is exactly what was handed in before `fire`. */
function manualTimer() {
  const waiting: Array<() => void> = [];
  return { timer: (fire: () => void) => void waiting.push(fire), fire: () => waiting.splice(0).forEach((f) => f()) };
}

function message(marker: string): Buffer {
  return Buffer.from(
    `From: Pat <pat.smith@agency.gov>\r\nTo: ${LIST}\r\nSubject: ${marker}\r\nMessage-ID: <${marker}@agency.gov>\r\n\r\nBody of ${marker}.\r\n`,
  );
}

/**
 * Rows whose raw message carries `marker`; how many of them an incoming job names (`jobs`: each
 * once, or more than the rows); how many jobs name them (`jobRows`); and in how many transactions.
 */
async function stored(pool: pg.Pool, marker: string): Promise<{ rows: number; jobs: number; transactions: number; jobRows: number }> {
  const { rows } = await pool.query<{ id: number; tx: string }>(
    `select id, xmin::text as tx from incoming_messages where position(convert_to($1, 'UTF8') in raw) > 0`,
    [marker],
  );
  const jobs = await pool.query<{ named: number; jobs: number }>(
    `select count(*)::int as named, count(distinct j.id)::int as jobs
       from pgboss.job j, jsonb_array_elements_text(coalesce(j.data->'ids', jsonb_build_array(j.data->'id'))) as named(id)
      where j.name = $1 and named.id::bigint = any($2::bigint[])`,
    [INCOMING_JOB, rows.map((r) => r.id)],
  );
  return { rows: rows.length, jobs: jobs.rows[0]!.named, transactions: new Set(rows.map((r) => r.tx)).size, jobRows: jobs.rows[0]!.jobs };
}

/**
 * Hold an exclusive lock on incoming_messages, run `act`, wait until a store is blocked on the
 * lock, cut that session's connection, then let go: the blocked transaction fails for certain.
 */
async function withStoreCut<T>(pool: pg.Pool, act: () => Promise<T>): Promise<T> {
  // (The blocked insert waits while its statement is parsed, before pg_stat_activity shows its text.)
  const locker = await pool.connect();
  try {
    await locker.query('begin');
    await locker.query('lock table incoming_messages in access exclusive mode');
    const result = act();
    const pid = await waitFor('a store waiting on the lock', async () => {
      // pg_stat_activity is read once per transaction and kept: without this the locker (inside
      // its transaction) sees the first look forever, and a store that blocks after it is missed.
      await locker.query('select pg_stat_clear_snapshot()');
      const { rows } = await locker.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      return rows[0]?.pid;
    });
    await locker.query('select pg_terminate_backend($1)', [pid]);
    await locker.query('rollback');
    return await result;
  } finally {
    locker.release();
  }
}

describe('mail-in group commit', () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let pool: pg.Pool;
  let smtpPort: number;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    // mail-in only: stored messages and their jobs stay as the listener left them.
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'mail-in', LIST_DOMAIN: DOMAIN }));
    pool = platform.db.pool;
    smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
  });

  function intakeWithManualTimer(): { intake: Intake; fire: () => void } {
    const t = manualTimer();
    return { intake: createIntake({ pool, queue: platform.queue, domain: DOMAIN, maxBytes: 1_000_000, batch: { timer: t.timer } }), fire: t.fire };
  }

  async function arrival(intake: Intake, raw: Buffer): Promise<Arrival> {
    const recipient = (await intake.resolveRecipient(LIST)) as ListRecipient;
    return { raw, envelopeFrom: 'pat.smith@agency.gov', recipients: [recipient], remoteIp: '127.0.0.1', helo: 'mail.agency.gov', protocol: 'smtp' };
  }

  test('posts handed in within one window are stored in one transaction, each once, and named by one job', async () => {
    const { intake, fire } = intakeWithManualTimer();
    const marker = `together-${randomBytes(4).toString('hex')}`;
    const arrivals = await Promise.all([1, 2, 3].map((i) => arrival(intake, message(`${marker}-${i}`))));
    const results = arrivals.map((a) => intake.accept(a));
    fire();
    const done = await Promise.all(results);
    assert.ok(done.every((r) => r.accepted && r.ids.length === 1));
    assert.equal(new Set(done.flatMap((r) => (r.accepted ? r.ids : []))).size, 3);
    assert.deepEqual(await stored(pool, marker), { rows: 3, jobs: 3, transactions: 1, jobRows: 1 });
  });

  test('when the batch transaction fails, each post is tried again alone: each is kept once with its job, none twice', async () => {
    const { intake, fire } = intakeWithManualTimer();
    const marker = `cut-${randomBytes(4).toString('hex')}`;
    const arrivals = await Promise.all([1, 2, 3].map((i) => arrival(intake, message(`${marker}-${i}`))));
    const results = await withStoreCut(pool, async () => {
      const results = arrivals.map((a) => intake.accept(a));
      fire();
      return Promise.all(results);
    });
    assert.ok(
      results.every((r) => r.accepted && r.ids.length === 1),
      JSON.stringify(results),
    );
    assert.deepEqual(await stored(pool, marker), { rows: 3, jobs: 3, transactions: 3, jobRows: 3 });
  });

  test('one post the database refuses fails alone: the others of its batch are kept (answered 250)', async () => {
    const { intake, fire } = intakeWithManualTimer();
    const marker = `poison-${randomBytes(4).toString('hex')}`;
    const arrivals = await Promise.all([1, 2, 3].map((i) => arrival(intake, message(`${marker}-${i}`))));
    // A protocol the table's check refuses: the one row that breaks the whole statement.
    const results = arrivals.map((a, i) => intake.accept(i === 1 ? { ...a, protocol: 'carrier-pigeon' as Arrival['protocol'] } : a));
    fire();
    const [first, second, third] = await Promise.all(results);
    assert.ok(first!.accepted && third!.accepted);
    assert.deepEqual(second, { accepted: false, responseCode: 451, message: '4.3.0 Could not store the message; try again later' });
    assert.deepEqual(await stored(pool, marker), { rows: 2, jobs: 2, transactions: 2, jobRows: 2 });
  });

  test("a batch past PostgreSQL's 65,535-parameter limit (135 posts to 50 addresses each) is still one transaction", async () => {
    const { intake, fire } = intakeWithManualTimer();
    const marker = `wide-${randomBytes(4).toString('hex')}`;
    const to = await Promise.all(Array.from({ length: 50 }, (_, i) => intake.resolveRecipient(i ? `social-media-bounces+w${i}@${DOMAIN}` : LIST)));
    const results = Array.from({ length: 135 }, (_, i) =>
      intake.accept({
        raw: message(`${marker}-${i}`),
        envelopeFrom: 'pat.smith@agency.gov',
        recipients: to as ListRecipient[],
        remoteIp: '127.0.0.1',
        helo: 'mail.agency.gov',
        protocol: 'smtp',
      }),
    );
    fire();
    assert.ok((await Promise.all(results)).every((r) => r.accepted && r.ids.length === 50));
    // One job for every INCOMING_IDS_PER_JOB rows.
    assert.deepEqual(await stored(pool, marker), { rows: 6750, jobs: 6750, transactions: 1, jobRows: Math.ceil(6750 / INCOMING_IDS_PER_JOB) });
  });

  test('a message naming more than 50 list addresses is refused with 452, at RCPT TO over SMTP', async () => {
    const intake = createIntake({ pool, queue: platform.queue, domain: DOMAIN, maxBytes: 1_000_000 });
    const tooMany = await intake.receiveMessage(message(`many-rcpt-${randomBytes(4).toString('hex')}`), {
      from: 'pat.smith@agency.gov',
      to: Array.from({ length: 51 }, (_, i) => `social-media-bounces+t${i}@${DOMAIN}`),
    });
    assert.deepEqual(tooMany, { accepted: false, responseCode: 452, message: '4.5.3 Too many recipients: send to at most 50 list addresses at once' });
    const marker = `smtp-rcpt-${randomBytes(4).toString('hex')}`;
    const to = [LIST, ...Array.from({ length: 60 }, (_, i) => `social-media-bounces+t${i}@${DOMAIN}`)];
    const sent = await postMail({ port: smtpPort, from: 'pat.smith@agency.gov', to, subject: marker, text: 'x', messageId: `<${marker}@agency.gov>` }).then(
      (r) => r,
      (e: Error) => e,
    );
    // nodemailer delivers to the recipients the server took and names the rest as rejected.
    const rejected = 'rejected' in sent ? (sent as { rejected: string[] }).rejected : [];
    assert.equal(rejected.length, 11, JSON.stringify(sent));
    assert.equal((await stored(pool, marker)).rows, 50);
    await intake.drained();
  });

  test('over SMTP: a post whose store fails is answered 451, never 250; the resend is stored once', async () => {
    const marker = `smtp-cut-${randomBytes(4).toString('hex')}`;
    const send = () =>
      postMail({
        port: smtpPort,
        from: 'Pat <pat.smith@agency.gov>',
        to: LIST,
        subject: marker,
        text: `Body of ${marker}.`,
        messageId: `<${marker}@agency.gov>`,
      });
    const refused = await withStoreCut(pool, () =>
      send().then(
        () => undefined,
        (err: Error & { responseCode?: number }) => err,
      ),
    );
    assert.equal(refused?.responseCode, 451, 'a temporary failure');
    assert.deepEqual(await stored(pool, marker), { rows: 0, jobs: 0, transactions: 0, jobRows: 0 });
    const sent = await send();
    assert.match(sent.response, /^250 /);
    assert.deepEqual(await stored(pool, marker), { rows: 1, jobs: 1, transactions: 1, jobRows: 1 });
  });

  test('forty posts over SMTP at once: every one answered 250, each stored once with one job', async () => {
    const marker = `many-${randomBytes(4).toString('hex')}`;
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postMail({ port: smtpPort, from: 'pat.smith@agency.gov', to: LIST, subject: `${marker}-${i}:`, text: 'x', messageId: `<${marker}-${i}@agency.gov>` }),
      ),
    );
    assert.ok(sent.every((s) => /^250 /.test(s.response)));
    assert.equal((await stored(pool, marker)).rows, 40);
    assert.equal((await stored(pool, marker)).jobs, 40);
    for (let i = 0; i < 40; i++) assert.equal((await stored(pool, `${marker}-${i}:`)).rows, 1, `post ${i} once`);
  });

  test('receiveMessage (for posting from the web) takes a raw message and its envelope as mail does', async () => {
    const intake = createIntake({ pool, queue: platform.queue, domain: DOMAIN, maxBytes: 1000 });
    const marker = `web-${randomBytes(4).toString('hex')}`;
    const ok: IntakeResult = await intake.receiveMessage(message(marker), { from: 'pat.smith@agency.gov', to: [LIST] });
    assert.ok(ok.accepted && ok.ids.length === 1);
    assert.deepEqual(await stored(pool, marker), { rows: 1, jobs: 1, transactions: 1, jobRows: 1 });
    assert.deepEqual(await intake.receiveMessage(message(marker), { from: 'pat.smith@agency.gov', to: [`nobody@${DOMAIN}`] }), {
      accepted: false,
      responseCode: 550,
      message: `5.1.1 <nobody@${DOMAIN}>: no such list address here`,
    });
    assert.equal(
      (await intake.receiveMessage(Buffer.concat([message(marker), Buffer.alloc(1000, 97)]), { from: 'pat.smith@agency.gov', to: [LIST] })).accepted,
      false,
    );
    assert.equal((await intake.receiveMessage(message(marker), { from: 'pat\0@agency.gov', to: [LIST] })).accepted, false);
    await intake.drained();
  });
});
