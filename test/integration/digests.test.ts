/**
 * Digests end to end: posts arrive over real SMTP, the platform's worker plans and sends each-
 * message copies, `sendDueDigests` (what the 15-minute schedule runs) is called with chosen
 * times around the digest hour, and the platform's delivery runner sends the digests to a real
 * SMTP server, personalized and DKIM-signed. Times are relative to the real clock (posts are
 * stamped when they arrive), so the test runs on any date.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { simpleParser } from 'mailparser';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import type { Config } from '../../src/platform/config.ts';
import { sendDueDigests, type DigestContext } from '../../src/lists/digests/send.ts';
import { startTestDns, type TestDns } from '../dns-server.ts';
import { addMembers, chooseDelivery, postMail, rsaKey, writeKey, type RsaKey } from '../list-helpers.ts';
import { startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { removeDir, runCli, tempDir, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';

const require = createRequire(import.meta.url);
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify(
    raw: Buffer,
    o: { resolver: (name: string, type: string) => Promise<unknown> },
  ): Promise<{ results: Array<{ status: { result: string }; signingDomain: string }> }>;
};

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;
const SITE = 'https://socialgov.test.gov';
const ZONE = 'America/New_York';

/** The first 7:00 in New York after the real now: the next digest hour. */
const nextSend = (() => {
  const now = DateTime.now().setZone(ZONE);
  const today = now.set({ hour: 7, minute: 0, second: 0, millisecond: 0 });
  return today > now ? today : today.plus({ days: 1 }).set({ hour: 7 });
})();

describe('digests', () => {
  let platform: RunningPlatform;
  let config: Config;
  let sink: MailSink;
  let dns: TestDns;
  let dir: string;
  let cleanup: () => Promise<void>;
  let smtpPort: number;
  let listKey: RsaKey;
  let ctx: DigestContext;
  /** The settings the platform runs with, for the CLI. */
  let env: Record<string, string>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    listKey = rsaKey();
    dns = await startTestDns({});
    sink = await startMailSink();
    env = {
      ...database.env,
      SMTP_URL: sink.url,
      PUBLIC_URL: SITE,
      LIST_DOMAIN: DOMAIN,
      SMTP_IN_PORT: '0',
      LMTP_PORT: '0',
      DNS_SERVERS: dns.address,
      DKIM_SELECTOR: 'sg',
      DKIM_PRIVATE_KEY_FILE: writeKey(dir, listKey),
      // Weekly digests on the weekday of the next digest hour; the day after is not one.
      DIGEST_WEEKDAY: String(nextSend.weekday),
    };
    config = testConfig(env);
    platform = await startPlatform(config);
    smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
    ctx = { baseUrl: SITE, domain: DOMAIN, config, log: () => undefined };
    await addMembers(platform.db.pool, 'social-media', ['pat@agency.gov', 'each@agency.gov', 'late@agency.gov']);
    await addMembers(platform.db.pool, 'social-media', ['daily@agency.gov'], 'daily');
    await addMembers(platform.db.pool, 'social-media', ['weekly@agency.gov'], 'weekly');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await dns?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  const to = (address: string) => sink.messages.filter((m) => m.to.includes(address));
  const digestsTo = (address: string) => to(address).filter((m) => /digest/i.test(m.subject));
  const settle = () => new Promise((r) => setTimeout(r, 700));
  async function deliveredAll(): Promise<void> {
    await waitFor('deliveries sent', async () => {
      const { rows } = await platform.db.pool.query(`select count(*)::int as n from deliveries where status not in ('sent', 'failed')`);
      return rows[0].n === 0;
    });
    await settle();
  }
  async function post(n: number): Promise<void> {
    const messageId = `<post-${n}@agency.gov>`;
    await postMail({
      port: smtpPort,
      from: 'Pat Smith <pat@agency.gov>',
      to: LIST,
      subject: `Topic ${n}: <b>caption</b> tools`,
      text: `Post number ${n} body.\n`,
      messageId,
    });
    await waitFor(`post ${n} at each@`, async () => to('each@agency.gov').some((m) => m.headers.get('message-id') === messageId));
  }
  async function attachedPosts(m: ReceivedMail): Promise<string[]> {
    const parsed = await simpleParser(m.raw);
    const inner = await Promise.all(parsed.attachments.filter((a) => a.contentType === 'message/rfc822').map((a) => simpleParser(a.content)));
    return inner.map((i) => i.messageId ?? '');
  }

  test('three posts: each-message members get them at once, digest members get nothing yet', async () => {
    for (const n of [1, 2, 3]) await post(n);
    await deliveredAll();
    assert.equal(to('each@agency.gov').length, 3);
    assert.equal(to('daily@agency.gov').length, 0);
    assert.equal(to('weekly@agency.gov').length, 0);
    // late@ read posts 1-3 one by one, then chooses a daily digest: it must not repeat them.
    await chooseDelivery(platform.db.pool, ['late@agency.gov'], 'daily');
  });

  test('before the digest hour nothing is sent', async () => {
    const run = await sendDueDigests(platform.db.pool, ctx, nextSend.minus({ minutes: 1 }));
    assert.equal(run.deliveries, 0);
    await settle();
    assert.equal(digestsTo('daily@agency.gov').length, 0);
  });

  test('at the digest hour: one daily digest with the three posts, one weekly on its weekday', async () => {
    const run = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ minutes: 5 }));
    assert.equal(run.deliveries, 2, JSON.stringify(run));
    const daily = await waitFor('daily digest', async () => digestsTo('daily@agency.gov')[0]);
    await waitFor('weekly digest', async () => digestsTo('weekly@agency.gov')[0]);
    await deliveredAll();
    assert.equal(digestsTo('daily@agency.gov').length, 1);
    assert.equal(to('daily@agency.gov').length, 1, 'no individual copies');
    assert.equal(digestsTo('late@agency.gov').length, 0, 'a member who just switched gets no old posts');

    const date = nextSend.setLocale('en-US').toFormat('LLL d, yyyy');
    assert.equal(daily.subject, `[Social Media] Daily digest, ${date} (3 messages)`);
    assert.deepEqual(await attachedPosts(daily), ['<post-1@agency.gov>', '<post-2@agency.gov>', '<post-3@agency.gov>']);
    assert.match(daily.text, /Today's Topics:\n\n +1\. Topic 1: <b>caption<\/b> tools \(Pat Smith\)\n +2\. Topic 2/);
    assert.match(daily.text, /Post number 3 body\./);
    const html = (await simpleParser(daily.raw)).html as string;
    assert.match(html, /Topic 1: &lt;b&gt;caption&lt;\/b&gt; tools/);

    const weekly = digestsTo('weekly@agency.gov')[0]!;
    assert.match(weekly.subject, /^\[Social Media\] Weekly digest, week of .* \(3 messages\)$/);

    // Personal: VERP sender, one-click unsubscribe, DKIM over the member's own copy.
    assert.match(daily.from, /^social-media-bounces\+[0-9a-z]+-[0-9a-f]{12}@lists\.test\.gov$/);
    const unfolded = daily.raw.replace(/\r?\n[ \t]+/g, ' ');
    const leave = /^List-Unsubscribe: <(https:[^>]+)>/m.exec(unfolded)?.[1];
    assert.ok(leave?.startsWith(`${SITE}/u/`));
    assert.match(unfolded, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    assert.ok(daily.text.includes(`\n${leave}/each\n`), 'the text has the member\'s own "each message" link');
    assert.notEqual(/^List-Unsubscribe: <(https:[^>]+)>/m.exec(weekly.raw.replace(/\r?\n[ \t]+/g, ' '))?.[1], leave);
    const verified = await dkimVerify(Buffer.from(daily.raw), {
      resolver: async (name: string) => {
        if (name === `sg._domainkey.${DOMAIN}`) return [[listKey.txt]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    assert.equal(verified.results.find((r) => r.signingDomain === DOMAIN)?.status.result, 'pass');
  });

  test('running again, or twice at once, sends nothing more', async () => {
    const again = await Promise.all([
      sendDueDigests(platform.db.pool, ctx, nextSend.plus({ minutes: 5 })),
      sendDueDigests(platform.db.pool, ctx, nextSend.plus({ minutes: 20 })),
      sendDueDigests(platform.db.pool, ctx, nextSend.plus({ hours: 12 })),
    ]);
    assert.deepEqual(
      again.map((r) => r.deliveries),
      [0, 0, 0],
    );
    const { rows } = await platform.db.pool.query(`select mode, count(*)::int as n from digests group by mode order by mode`);
    assert.deepEqual(
      rows,
      [
        { mode: 'daily', n: 2 },
        { mode: 'weekly', n: 2 },
      ],
      'the period before the hour and this one, once each',
    );
    await settle();
    assert.equal(digestsTo('daily@agency.gov').length, 1);
    assert.equal(digestsTo('weekly@agency.gov').length, 1);
  });

  test('the next day: daily members get only the new post, weekly members nothing', async () => {
    await post(4);
    const run = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ days: 1, minutes: 5 }));
    assert.equal(run.deliveries, 2, 'daily@ and late@');
    await waitFor('second daily digest', async () => digestsTo('daily@agency.gov')[1]);
    const late = await waitFor('late digest', async () => digestsTo('late@agency.gov')[0]);
    await deliveredAll();
    assert.deepEqual(await attachedPosts(digestsTo('daily@agency.gov')[1]!), ['<post-4@agency.gov>']);
    assert.deepEqual(await attachedPosts(late), ['<post-4@agency.gov>'], 'the member who switched gets exactly the posts since');
    assert.match(late.subject, /\(1 message\)$/);
    assert.equal(digestsTo('weekly@agency.gov').length, 1, 'not the weekly day');
  });

  test('a week later the weekly member gets the post; the daily member, with nothing new, nothing', async () => {
    const run = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ days: 7, minutes: 5 }));
    assert.equal(run.deliveries, 1);
    const weekly = await waitFor('second weekly digest', async () => digestsTo('weekly@agency.gov')[1]);
    await deliveredAll();
    assert.deepEqual(await attachedPosts(weekly), ['<post-4@agency.gov>']);
    assert.equal(digestsTo('daily@agency.gov').length, 2);
  });

  test('"get each message" link: GET asks, POST switches (audited); posts then come one by one, and a final digest brings the ones before', async () => {
    await post(5);
    await deliveredAll();
    assert.equal(to('daily@agency.gov').length, 2, 'post 5 waits for the digest');
    const digest = digestsTo('daily@agency.gov')[0]!;
    const link = /\n(https:\/\/socialgov\.test\.gov\/u\/[^\s]+\/each)\n/.exec(digest.text)![1]!;
    const url = link.replace(SITE, `http://127.0.0.1:${platform.port}`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const body = await page.text();
    assert.match(body, /<h1>Get each message from Social Media<\/h1>/);
    assert.match(body, /<button class="usa-button" type="submit">Get each message<\/button>/);
    const forged = await fetch(
      url.replace(/.\/each$/, (c) => (c[0] === 'A' ? 'B' : 'A') + '/each'),
      { method: 'POST', body: '' },
    );
    assert.equal(forged.status, 404);
    const { rows: unchanged } = await platform.db.pool.query(
      `select delivery_mode from list_subscriptions where member_id = (select id from members where email = 'daily@agency.gov')`,
    );
    assert.equal(unchanged[0].delivery_mode, 'daily', 'GET and a forged POST change nothing');

    const res = await fetch(url, { method: 'POST', body: 'token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /will get every new message from Social Media/);
    const { rows } = await platform.db.pool.query(
      `select delivery_mode from list_subscriptions where member_id = (select id from members where email = 'daily@agency.gov')`,
    );
    assert.equal(rows[0].delivery_mode, 'each');
    const audit = await platform.db.pool.query(
      `select action, actor, before->>'deliveryMode' as before, after->>'deliveryMode' as after, after->>'source' as source from audit_log where action = 'membership.delivery' order by id desc limit 1`,
    );
    assert.deepEqual(audit.rows[0], { action: 'membership.delivery', actor: 'daily@agency.gov', before: 'daily', after: 'each', source: 'digest-link' });

    await post(6);
    await waitFor('post 6 at daily@', async () => to('daily@agency.gov').some((m) => m.headers.get('message-id') === '<post-6@agency.gov>'));

    // The next digest hour (not the weekly day): daily@ gets a last digest with post 5 only;
    // late@, still on digests, gets 5 and 6.
    const run = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ days: 8, minutes: 5 }));
    assert.equal(run.deliveries, 2, JSON.stringify(run));
    const last = await waitFor('final digest', async () => digestsTo('daily@agency.gov')[2]);
    const late = await waitFor('late digest', async () => digestsTo('late@agency.gov')[1]);
    await deliveredAll();
    assert.deepEqual(await attachedPosts(last), ['<post-5@agency.gov>']);
    assert.match(last.text, /This is your last digest of Social Media/);
    assert.deepEqual(await attachedPosts(late), ['<post-5@agency.gov>', '<post-6@agency.gov>']);
    assert.equal(digestsTo('weekly@agency.gov').length, 2);
    const after = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ days: 9, minutes: 5 }));
    assert.equal(after.deliveries, 0, 'the final digest goes once');
  });

  test('socialgov lists digest --preview shows the next digest and changes nothing; --send sends it once, now', async () => {
    await post(7);
    await deliveredAll();
    const before = await platform.db.pool.query(
      `select m.email, ms.last_digest_post from list_subscriptions ms join members m on m.id = ms.member_id order by m.email`,
    );
    const mails = sink.messages.length;

    const preview = await runCli(['lists', 'digest', 'social-media', '--preview'], env);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /^Daily digest of Social Media: 1 post \(#7–#7\), for 1 member$/m);
    assert.match(preview.stdout, /^Weekly digest of Social Media: 3 posts \(#5–#7\), for 1 member$/m);
    assert.match(preview.stdout, /^Subject: \[Social Media\] /m);
    assert.match(preview.stdout, /Post number 7 body\./);
    assert.match(preview.stdout, /each member's own link to leave the list/);
    assert.doesNotMatch(preview.stdout, /@@SOCIALGOV/);
    assert.match(preview.stderr, /Nothing was sent/);
    await settle();
    assert.equal(sink.messages.length, mails, 'a preview sends nothing');
    assert.deepEqual(
      (await platform.db.pool.query(`select m.email, ms.last_digest_post from list_subscriptions ms join members m on m.id = ms.member_id order by m.email`))
        .rows,
      before.rows,
      'and marks no one',
    );
    assert.equal((await platform.db.pool.query(`select count(*)::int as n from digests where manual`)).rows[0].n, 0);

    const usage = await runCli(['lists', 'digest', 'social-media'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--preview shows the next digest, --send sends it now/);

    const sent = await runCli(['lists', 'digest', 'social-media', '--send', '--mode', 'daily'], env);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^Daily digest of Social Media: 1 post \(#7–#7\), queued for 1 member$/m);
    const digest = await waitFor('digest sent by hand', async () => digestsTo('late@agency.gov')[2]);
    await deliveredAll();
    assert.deepEqual(await attachedPosts(digest), ['<post-7@agency.gov>']);
    assert.equal(digestsTo('weekly@agency.gov').length, 2, 'only the mode asked for');

    const again = await runCli(['lists', 'digest', 'social-media', '--send', '--mode', 'daily'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Nothing to send/);
    // The scheduled digest still runs, and does not repeat what was sent by hand.
    const scheduled = await sendDueDigests(platform.db.pool, ctx, nextSend.plus({ days: 10, minutes: 5 }));
    assert.equal(scheduled.periods, 1, JSON.stringify(scheduled));
    assert.equal(scheduled.deliveries, 0);
    await settle();
    assert.equal(digestsTo('late@agency.gov').length, 3, 'sent once');
  });
});
