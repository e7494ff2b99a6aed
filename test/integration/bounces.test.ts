/**
 * Bounce care end to end: real bounce notices (GNU Mailman's flufl.bounce samples) sent over SMTP
 * to the list's -bounces address and to a VERP address, counted by the worker's job; delivery
 * turned off at the threshold, notices received by a real SMTP server, the mailed re-enable link
 * used over HTTP, removal after the last notice, reset by a delivered post; an out-of-office
 * reply to a VERP address changes nothing and is never answered.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import type { Config } from '../../src/platform/config.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { runBounceWarnings, type BounceCareContext } from '../../src/lists/bounce-care.ts';
import { startTestDns, type TestDns } from '../dns-server.ts';
import { addMembers, postMail } from '../list-helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { NO_SHARED, SHARED, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { csrfToken, WebClient } from '../web-client.ts';

const SAMPLES = path.join(SHARED, 'data/bounces');
const NO_SAMPLES = NO_SHARED || (existsSync(path.join(SAMPLES, 'EXPECTED.tsv')) ? false : 'needs ../shared/data/bounces (real bounce samples); present in CI');
const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;
const BOUNCES = `social-media-bounces@${DOMAIN}`;
const SITE = 'https://socialgov.test.gov';

// Samples with one known address each (EXPECTED.tsv): two permanent failures, one temporary.
const HARD_A = { file: 'postfix_02.txt', address: 'yyyyy@digicool.com' };
const HARD_B = { file: 'postfix_01.txt', address: 'xxxxx@local.ie' };
const SOFT = { file: 'dsn_05.txt', address: 'pkocmid@atlas.cz' };

/** A sample as the mail system sent it: without the mbox "From " line, CRLF line ends. */
function sample(file: string): Buffer {
  const text = readFileSync(path.join(SAMPLES, file), 'latin1').replace(/^From [^\n]*\n/, '');
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
}

const REFUSED = 'gone@state.gov';
let refusedOnce = false;

/**
 * The relay the platform hands mail to: a real SMTP server that refuses one recipient once with
 * 550, as a receiving server does for an unknown user, and passes everything else on to the sink.
 */
async function refusingRelay(sinkPort: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() === REFUSED && !refusedOnce)
        return (
          (refusedOnce = true),
          callback(Object.assign(new Error(`5.1.1 <${REFUSED}>: Recipient address rejected: User unknown in virtual mailbox table`), { responseCode: 550 }))
        );
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        sendRaw(
          sinkPort,
          session.envelope.rcptTo.map((r) => r.address),
          Buffer.concat(chunks),
          from,
        ).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Send raw bytes over SMTP from the null sender, as a mail system returns a bounce. */
async function sendRaw(port: number, to: string | string[], raw: Buffer, from = ''): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from, to: Array.isArray(to) ? to : [to] }, raw });
  } finally {
    transport.close();
  }
}

describe('bounce care end to end', { skip: NO_SAMPLES }, () => {
  let platform: RunningPlatform;
  let config: Config;
  let sink: MailSink;
  let relay: { url: string; close(): Promise<void> };
  let dns: TestDns;
  let cleanup: () => Promise<void>;
  let smtpPort: number;
  let care: BounceCareContext;
  const today = DateTime.utc().toISODate()!;
  const dayOffset = (n: number) => DateTime.fromISO(today, { zone: 'utc' }).plus({ days: n }).toISODate()!;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dns = await startTestDns({});
    sink = await startMailSink();
    relay = await refusingRelay(sink.port);
    config = testConfig({
      ...database.env,
      SMTP_URL: relay.url,
      PUBLIC_URL: SITE,
      LIST_DOMAIN: DOMAIN,
      SMTP_IN_PORT: '0',
      LMTP_PORT: '0',
      DNS_SERVERS: dns.address,
    });
    platform = await startPlatform(config);
    smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
    await addMembers(platform.db.pool, 'social-media', ['kim@state.gov', 'lee@state.gov', REFUSED, HARD_A.address, HARD_B.address, SOFT.address]);
    care = { config, queue: platform.queue, secret: await cookieSecret(platform.db.pool, config.secret), baseUrl: SITE, domain: DOMAIN };
  });
  after(async () => {
    await platform?.close();
    await relay?.close();
    await sink?.close();
    await dns?.close();
    await cleanup?.();
  });

  const pool = () => platform.db.pool;
  const memberId = async (email: string) => (await pool().query<{ id: number }>('select id from members where lower(email) = lower($1)', [email])).rows[0]!.id;
  const scoreOf = async (email: string) =>
    (
      await pool().query<{ score: number; disabled_on: string | null; warnings_sent: number; last_source: string }>(
        `select b.score::float8 as score, to_char(b.disabled_on, 'YYYY-MM-DD') as disabled_on, b.warnings_sent, b.last_source from bounce_scores b join members m on m.id = b.member_id where lower(m.email) = lower($1)`,
        [email],
      )
    ).rows[0];
  const membership = async (email: string) =>
    (
      await pool().query<{ status: string; delivery_disabled_at: Date | null }>(
        `select ms.status, s.delivery_disabled_at from memberships ms join members m on m.id = ms.member_id join communities c on c.id = ms.community_id
         left join list_subscriptions s on s.list_id = community_list_id(c.id) and s.member_id = m.id where c.slug = 'social-media' and lower(m.email) = lower($1)`,
        [email],
      )
    ).rows[0]!;
  /** Bounces already counted on the days before today, as if the member had bounced all week. */
  async function earlierBounces(email: string, days: number) {
    const id = await memberId(email);
    for (let i = days; i >= 1; i--) {
      await pool().query(
        `insert into bounce_events (list_id, member_id, address, temporary, source, diagnostic, at)
         select l.id, $1, $2, false, 'dsn', '550 user unknown', ($3::date + time '12:00') at time zone 'UTC' from lists l where l.local_part = 'social-media'`,
        [id, email, dayOffset(-i)],
      );
    }
  }

  test('a real temporary DSN to -bounces counts 0.5 for the member it names', async () => {
    await sendRaw(smtpPort, BOUNCES, sample(SOFT.file));
    const s = await waitFor('the score', () => scoreOf(SOFT.address));
    assert.equal(s.score, 0.5);
    assert.equal(s.disabled_on, null);
    assert.equal(s.last_source, 'dsn');
  });

  test('the bounce that reaches the threshold turns delivery off and mails the first notice', async () => {
    await earlierBounces(HARD_A.address, 4);
    await sendRaw(smtpPort, BOUNCES, sample(HARD_A.file));
    const notice = await sink.next(HARD_A.address, 20_000);
    assert.match(notice.subject, /Social Media: messages to you are turned off \(notice 1 of 3\)/);
    assert.match(notice.text, /returned to us as undeliverable/);
    assert.match(notice.text, new RegExp(`${SITE}/bounces/reenable/\\S+`));
    assert.match(notice.raw, /^Auto-Submitted: auto-generated/m);
    assert.deepEqual(await scoreOf(HARD_A.address), { score: 5, disabled_on: today, warnings_sent: 1, last_source: 'dsn' });
    assert.ok((await membership(HARD_A.address)).delivery_disabled_at);
    const audit = await pool().query(`select actor from audit_log where action = 'membership.disable-bounces'`);
    assert.equal(audit.rowCount, 1);
  });

  test('a post is not sent to a member whose delivery is off', async () => {
    const messageId = '<while-disabled@state.gov>';
    await postMail({ port: smtpPort, from: 'kim@state.gov', to: LIST, subject: 'Weekly roundup', text: 'Links for this week.\n', messageId });
    await waitFor('copies', async () => sink.messages.filter((m) => m.headers.get('message-id') === messageId).length >= 4);
    await new Promise((r) => setTimeout(r, 500));
    const to = sink.messages
      .filter((m) => m.headers.get('message-id') === messageId)
      .map((m) => m.to[0])
      .sort();
    assert.deepEqual(to, ['kim@state.gov', 'lee@state.gov', SOFT.address, HARD_B.address].sort());
  });

  test('a copy refused with 550 at hand-off counts as a permanent bounce', async () => {
    const s = await waitFor('the score', () => scoreOf(REFUSED));
    assert.equal(s.score, 1);
    assert.equal(s.last_source, 'smtp');
    const row = (await pool().query(`select status_code, diagnostic from bounce_events where source = 'smtp'`)).rows[0];
    assert.equal(row.status_code, '550');
    assert.match(row.diagnostic, /User unknown/);
  });

  test('the next copy accepted for that member clears the score; a score from a bounce report stays', async () => {
    const messageId = '<second-post@state.gov>';
    await postMail({ port: smtpPort, from: 'kim@state.gov', to: LIST, subject: 'Second post', text: 'More links.\n', messageId });
    await waitFor('the copy to the refused member', async () => sink.messages.some((m) => m.headers.get('message-id') === messageId && m.to[0] === REFUSED));
    await waitFor('reset', async () => (await scoreOf(REFUSED)) === undefined);
    assert.equal((await scoreOf(SOFT.address))?.score, 0.5, 'a 250 from the relay says nothing about a report that came back later');
  });

  test('a VERP bounce counts for the member the address names, whatever the report says', async () => {
    const copy = sink.messages.find((m) => m.headers.get('message-id') === '<while-disabled@state.gov>' && m.to[0] === 'lee@state.gov')!;
    assert.match(copy.from, /^social-media-bounces\+[0-9a-z]+-[0-9a-f]{12}@lists\.test\.gov$/);
    // A real DSN about another address, sent back to Lee's VERP address: the address names Lee.
    await sendRaw(smtpPort, copy.from, sample(HARD_B.file));
    const s = await waitFor("Lee's score", () => scoreOf('lee@state.gov'));
    assert.equal(s.score, 1);
    assert.equal(s.last_source, 'verp');
    assert.equal(await scoreOf(HARD_B.address), undefined, 'the address inside the report is not counted');
  });

  test('an out-of-office reply to a VERP address changes nothing and is not answered', async () => {
    const copy = sink.messages.find((m) => m.headers.get('message-id') === '<while-disabled@state.gov>' && m.to[0] === 'kim@state.gov')!;
    const before = sink.messages.length;
    const events = (await pool().query('select count(*)::int as n from bounce_events')).rows[0].n;
    await postMail({
      port: smtpPort,
      from: 'Kim <kim@state.gov>',
      to: copy.from,
      envelopeFrom: 'kim@state.gov',
      subject: 'Out of Office: Weekly roundup',
      text: 'I am out of the office until Monday with limited access to email.\n',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    const row = await waitFor(
      'processed',
      async () =>
        (
          await pool().query(
            `select status, decision_reason from incoming_messages where address_kind = 'bounces' and from_address = 'kim@state.gov' and status <> 'received'`,
          )
        ).rows[0],
    );
    assert.equal(row.status, 'discarded');
    assert.match(row.decision_reason, /auto-reply/);
    assert.equal((await pool().query('select count(*)::int as n from bounce_events')).rows[0].n, events, 'no bounce recorded');
    assert.equal(await scoreOf('kim@state.gov'), undefined);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sink.messages.length, before, 'nothing was sent in answer');
    assert.equal((await pool().query(`select count(*)::int as n from mail_queue where message->>'to' = 'kim@state.gov'`)).rows[0].n, 0);
  });

  test('the mailed link turns delivery back on: GET shows a button, POST does it (audited)', async () => {
    await earlierBounces(HARD_B.address, 4);
    await sendRaw(smtpPort, BOUNCES, sample(HARD_B.file));
    const notice = await waitFor('the notice', async () => sink.messages.find((m) => m.to.includes(HARD_B.address) && /turned off/.test(m.subject)));
    const link = /https:\/\/socialgov\.test\.gov(\/bounces\/reenable\/\S+)/.exec(notice.text)![1]!;
    const web = new WebClient(`http://127.0.0.1:${platform.port}`);
    const page = await web.get(link);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Get Social Media messages again<\/h1>/);
    assert.ok((await membership(HARD_B.address)).delivery_disabled_at, 'a GET changes nothing');
    const forged = await web.request('POST', link, { _csrf: 'forged' });
    assert.equal(forged.status, 403);
    const done = await web.request('POST', link, { _csrf: csrfToken(page.text) });
    assert.equal(done.status, 200);
    assert.match(done.text, /Delivery is back on/);
    assert.equal((await membership(HARD_B.address)).delivery_disabled_at, null);
    assert.equal(await scoreOf(HARD_B.address), undefined);
    const audit = await pool().query(`select actor, after->>'by' as by from audit_log where action = 'membership.reenable-delivery'`);
    assert.deepEqual(audit.rows, [{ actor: HARD_B.address, by: 'member' }]);
    assert.equal((await web.get('/bounces/reenable/1.1.AAAAAAAAAAAAAAAAAAAAAA')).status, 404, 'a forged link does not work');
  });

  test('the daily check mails notices a week apart, then removes the member (audited)', async () => {
    assert.equal((await runBounceWarnings(pool(), care, dayOffset(6))).warned, 0);
    assert.equal((await runBounceWarnings(pool(), care, dayOffset(7))).warned, 1);
    assert.match((await sink.next(HARD_A.address, 20_000)).subject, /notice 2 of 3/);
    assert.equal((await runBounceWarnings(pool(), care, dayOffset(7))).warned, 0, 'once a day');
    assert.equal((await runBounceWarnings(pool(), care, dayOffset(14))).warned, 1);
    const last = await sink.next(HARD_A.address, 20_000);
    assert.match(last.subject, /notice 3 of 3/);
    assert.match(last.text, new RegExp(`removed from Social Media on ${DateTime.fromISO(dayOffset(21)).toFormat('MMMM d, yyyy')}\\.`));
    assert.equal((await runBounceWarnings(pool(), care, dayOffset(21))).removed, 1);
    assert.equal((await membership(HARD_A.address)).status, 'removed');
    const audit = await pool().query(`select actor, subject_id from audit_log where action = 'membership.remove-bounces'`);
    assert.equal(audit.rowCount, 1);
    assert.equal((await membership('lee@state.gov')).status, 'active', 'a score below the threshold removes nobody');
  });

  test('the daily check is scheduled in the job queue', async () => {
    const { rows } = await pool().query(`select cron, timezone from pgboss.schedule where name = 'list.bounce-warnings'`);
    assert.deepEqual(rows, [{ cron: '15 6 * * *', timezone: 'UTC' }]);
  });
});
