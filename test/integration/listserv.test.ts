/**
 * The listserv end to end, as a new user meets it: real SMTP and LMTP in, the worker's rules and
 * pipeline, delivery to a real SMTP server with headers and a DKIM signature checked by mailauth,
 * holds with reasons, joining by mail with confirm-by-reply, and one-click unsubscribe over HTTP.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { startTestDns, type TestDns } from '../dns-server.ts';
import { addMembers, chooseDelivery, ed25519Key, postMail, rsaKey, writeKey, type RsaKey } from '../list-helpers.ts';
import { startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';

const require = createRequire(import.meta.url);
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify(
    raw: Buffer,
    o: { resolver: (name: string, type: string) => Promise<unknown> },
  ): Promise<{ results: Array<{ status: { result: string; header?: Record<string, string> }; signingDomain: string; signingHeaders?: { keys: string } }> }>;
};
const { authenticate } = require('mailauth') as {
  authenticate(
    raw: Buffer,
    o: object,
  ): Promise<{ arc: { status: { result: string; comment?: string }; authenticationResults?: { dmarc?: { result: string } } } }>;
};

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;
const SITE = 'https://socialgov.test.gov';

/**
 * An independent ARC verifier: dkimpy's arc_verify (Debian's python3-dkim, so /usr/bin/python3), when installed; its
 * DNS answers are the test's records. Skipped with a note where python3-dkim is missing.
 */
async function assertArcPassesDkimpy(raw: string, records: Record<string, string>): Promise<void> {
  const script = [
    'import sys, json, dkim',
    'records = json.loads(sys.argv[1])',
    'def dnsfunc(name, timeout=5):',
    '    n = name.decode() if isinstance(name, bytes) else name',
    '    return records.get(n.rstrip("."), "").encode()',
    'msg = sys.stdin.buffer.read()',
    'cv, results, comment = dkim.arc_verify(msg, dnsfunc=dnsfunc)',
    'print(cv.decode() if isinstance(cv, bytes) else cv, comment)',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script, JSON.stringify(records)], { input: raw, encoding: 'utf8' });
  if (/No module named .?dkim/.test(run.stderr ?? '') || run.error) {
    dkimpyMissing ||= (console.log('# dkimpy (python3-dkim) not installed: the independent ARC check is skipped'), true);
    return;
  }
  assert.match(run.stdout, /^pass\b/, `dkimpy arc_verify: ${run.stdout}${run.stderr}`);
}
let dkimpyMissing = false;

describe('the listserv', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let dns: TestDns;
  let dir: string;
  let cleanup: () => Promise<void>;
  let smtpPort: number;
  let lmtpPort: number;
  let listKey: RsaKey;
  let listEdKey: RsaKey;
  let agencyKey: RsaKey;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    listKey = rsaKey();
    listEdKey = ed25519Key();
    agencyKey = rsaKey();
    dns = await startTestDns(
      {
        '_dmarc.agency.gov': 'v=DMARC1; p=reject; rua=mailto:dmarc@agency.gov',
        'mail._domainkey.agency.gov': agencyKey.txt,
        '_dmarc.example.com': 'v=DMARC1; p=none',
        // no DMARC record, and no server may send for it
        'nodmarc.gov': 'v=spf1 -all',
      },
      ['_dmarc.flaky.gov'],
    );
    sink = await startMailSink();
    platform = await startPlatform(
      testConfig({
        ...database.env,
        SMTP_URL: sink.url,
        // As behind a TLS proxy: one-click unsubscribe (RFC 8058) needs https links.
        PUBLIC_URL: SITE,
        LIST_DOMAIN: DOMAIN,
        SMTP_IN_PORT: '0',
        LMTP_PORT: '0',
        DNS_SERVERS: dns.address,
        // two keys, as RFC 8463 suggests: RSA for every receiver, Ed25519 for those that check it
        DKIM_SELECTOR: 'sg,sged',
        DKIM_PRIVATE_KEY_FILE: `${writeKey(dir, listKey)},${writeKey(dir, listEdKey, 'dkim-ed25519.pem')}`,
      }),
    );
    const info = platform.roles['mail-in']!.info as { smtpPort: number; lmtpPort: number };
    smtpPort = info.smtpPort;
    lmtpPort = info.lmtpPort;
    await addMembers(platform.db.pool, 'social-media', ['pat@agency.gov', 'lee@agency.gov', 'kim@state.gov', 'digest@agency.gov']);
    await chooseDelivery(platform.db.pool, ['digest@agency.gov'], 'daily');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await dns?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  const copiesOf = (messageId: string) => sink.messages.filter((m) => m.headers.get('message-id') === messageId);

  test('an address that is not a list is refused at RCPT time with 550', async () => {
    await assert.rejects(
      postMail({ port: smtpPort, from: 'pat@agency.gov', to: `nobody@${DOMAIN}`, subject: 'x', text: 'x' }),
      (err: Error & { responseCode?: number }) => err.responseCode === 550,
    );
    await assert.rejects(
      postMail({ port: smtpPort, from: 'pat@agency.gov', to: 'social-media@elsewhere.gov', subject: 'x', text: 'x' }),
      (err: Error & { responseCode?: number }) => err.responseCode === 550,
    );
  });

  test('a member post reaches every member once, personalized, DKIM-signed, with list headers', async () => {
    const messageId = '<first-post@agency.gov>';
    const sent = await postMail({
      port: smtpPort,
      from: 'Pat Smith <pat@agency.gov>',
      to: LIST,
      subject: 'Caption tools for short video',
      text: 'Which caption tools does your agency use?\n',
      messageId,
      dkim: { domainName: 'agency.gov', keySelector: 'mail', privateKey: agencyKey.privatePem },
    });
    assert.deepEqual(sent.accepted, [LIST]);
    const copies = await waitFor('three copies', async () => (copiesOf(messageId).length >= 3 ? copiesOf(messageId) : undefined)).catch(async (err) => {
      const state = await platform.db.pool.query(`select id, status, decision_reason, rule_hits from incoming_messages`);
      const d = await platform.db.pool.query(`select status, last_response from deliveries`);
      throw new Error(`${err.message}: ${JSON.stringify(state.rows)} ${JSON.stringify(d.rows)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    const all = copiesOf(messageId);
    assert.deepEqual(
      all.map((m) => m.to[0]).sort(),
      ['kim@state.gov', 'lee@agency.gov', 'pat@agency.gov'],
      'each-message members only, the poster included, digest readers not',
    );
    const tokens = new Set<string>();
    for (const copy of copies) {
      assert.match(copy.subject, /^\[Social Media\] Caption tools for short video$/);
      const raw = copy.raw;
      assert.match(raw, /^List-Id: .*<social-media\.lists\.test\.gov>/m);
      assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      const unsub = /^List-Unsubscribe: <(http[^>]+)>,\s*<mailto:([^>]+)>/m.exec(raw.replace(/\r?\n[ \t]+/g, ' '));
      assert.ok(unsub, 'List-Unsubscribe has an https and a mailto link');
      tokens.add(unsub[1]!);
      assert.match(raw, /^Precedence: list\r?$/m);
      assert.match(raw, /^List-Post: <mailto:social-media@lists\.test\.gov>/m);
      assert.match(copy.from, /^social-media-bounces\+[0-9a-z]+-[0-9a-f]{12}@lists\.test\.gov$/, 'VERP envelope sender');
      // agency.gov publishes p=reject: From is rewritten to the list, the poster goes to Reply-To.
      assert.match(raw, /^From: "?Pat Smith via Social Media"? <social-media@lists\.test\.gov>/m);
      assert.match(raw, /^Reply-To: .*pat@agency\.gov/m);
      assert.match(copy.text, /Which caption tools/);
      assert.match(copy.text, /FOIA/);
      const verified = await dkimVerify(Buffer.from(raw), {
        resolver: async (name: string) => {
          if (name === `sg._domainkey.${DOMAIN}`) return [[listKey.txt]];
          if (name === `sged._domainkey.${DOMAIN}`) return [[listEdKey.txt]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      });
      const ours = verified.results.filter((r) => r.signingDomain === DOMAIN);
      assert.deepEqual(
        ours.map((r) => [r.status.header?.s, r.status.header?.a, r.status.result]),
        [
          ['sg', 'rsa-sha256', 'pass'],
          ['sged', 'ed25519-sha256', 'pass'],
        ],
        `DKIM for ${copy.to[0]}: ${JSON.stringify(verified.results.map((r) => r.status))}`,
      );
      for (const r of ours) assert.match(r.status.header?.h ?? JSON.stringify(r), /list-unsubscribe/i);
      // ARC (RFC 8617): one set, sealed with the RSA key, repeating what the list saw on arrival.
      assert.match(raw.replace(/\r?\n[ \t]+/g, ' '), /^ARC-Authentication-Results: i=1; lists\.test\.gov; dkim=pass header\.i=@agency\.gov.*dmarc=pass/m);
      const arc = await authenticate(Buffer.from(raw), {
        ip: '198.51.100.7',
        helo: 'relay.test.gov',
        sender: copy.from,
        mta: 'mx.receiver.test',
        disableBimi: true,
        resolver: async (name: string) => {
          if (name === `sg._domainkey.${DOMAIN}`) return [[listKey.txt]];
          if (name === `sged._domainkey.${DOMAIN}`) return [[listEdKey.txt]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      });
      assert.equal(arc.arc.status.result, 'pass', `ARC for ${copy.to[0]}: ${arc.arc.status.comment}`);
      assert.equal(arc.arc.authenticationResults?.dmarc?.result, 'pass');
      await assertArcPassesDkimpy(raw, { [`sg._domainkey.${DOMAIN}`]: listKey.txt });
    }
    assert.equal(tokens.size, 3, 'each copy has its own unsubscribe link');
    const { rows } = await platform.db.pool.query(`select status from incoming_messages where message_id = $1`, [messageId]);
    assert.equal(rows[0].status, 'accepted');
  });

  test('a reply keeps one prefix (moved to the front, as Mailman does)', async () => {
    const messageId = '<reply-1@agency.gov>';
    await postMail({
      port: smtpPort,
      from: 'Lee <lee@agency.gov>',
      to: LIST,
      subject: 'Re: [Social Media] Caption tools for short video',
      text: 'We use the built-in ones.\n',
      messageId,
      inReplyTo: '<first-post@agency.gov>',
      dkim: { domainName: 'agency.gov', keySelector: 'mail', privateKey: agencyKey.privatePem },
    });
    const copy = await waitFor('reply copy', async () => copiesOf(messageId)[0]);
    assert.equal(copy.subject, '[Social Media] Re: Caption tools for short video');
  });

  test('a non-member post is held with the reason, and the sender is told', async () => {
    const messageId = '<outsider@example.com>';
    await postMail({ port: smtpPort, from: 'Sam <sam@example.com>', to: LIST, subject: 'Buy our tool', text: 'Hello', messageId });
    const row = await waitFor(
      'held',
      async () =>
        (
          await platform.db.pool.query(`select status, decision_reason, rule_hits from incoming_messages where message_id = $1 and status <> 'received'`, [
            messageId,
          ])
        ).rows[0],
    );
    assert.equal(row.status, 'held');
    assert.match(row.decision_reason, /sam@example\.com, is not a member/);
    assert.deepEqual(
      row.rule_hits.hits.map((h: { rule: string }) => h.rule),
      ['membership'],
    );
    const notice = await sink.next('sam@example.com');
    assert.match(notice.subject, /waiting for a moderator/);
    assert.match(notice.raw, /^Auto-Submitted: auto-replied/m);
    assert.equal(copiesOf(messageId).length, 0);
  });

  test("a post claiming a member's address that fails DMARC is held as possibly forged", async () => {
    const messageId = '<forged@agency.gov>';
    await postMail({ port: smtpPort, from: 'Pat Smith <pat@agency.gov>', to: LIST, subject: 'Urgent: wire transfer', text: 'Please pay.', messageId });
    const row = await waitFor(
      'held',
      async () =>
        (await platform.db.pool.query(`select status, decision_reason from incoming_messages where message_id = $1 and status <> 'received'`, [messageId]))
          .rows[0],
    );
    assert.equal(row.status, 'held');
    assert.match(row.decision_reason, /DMARC/);
  });

  test('automatic mail to the list is discarded and never answered', async () => {
    const messageId = '<ooo@agency.gov>';
    await postMail({
      port: smtpPort,
      from: 'lee@agency.gov',
      to: LIST,
      subject: 'Out of office',
      text: 'Away',
      messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
      dkim: { domainName: 'agency.gov', keySelector: 'mail', privateKey: agencyKey.privatePem },
    });
    const row = await waitFor(
      'discarded',
      async () => (await platform.db.pool.query(`select status from incoming_messages where message_id = $1 and status <> 'received'`, [messageId])).rows[0],
    );
    assert.equal(row.status, 'discarded');
  });

  test('LMTP hand-off (as from Postfix) is accepted and delivered', async () => {
    const messageId = '<lmtp@agency.gov>';
    const sent = await postMail({ port: lmtpPort, lmtp: true, from: 'kim@state.gov', to: LIST, subject: 'Over LMTP', text: 'Hi', messageId });
    assert.deepEqual(sent.accepted, [LIST]);
    await waitFor('lmtp copies', async () => copiesOf(messageId).length === 3);
  });

  test('joining by mail: "Join #SocialGov", then confirm by replying', async () => {
    await postMail({
      port: smtpPort,
      from: 'Robin Diaz <robin@agency.gov>',
      to: `social-media-request@${DOMAIN}`,
      subject: 'Join #SocialGov',
      text: 'Name: Robin Diaz\nJob title: Social media lead\n',
    });
    const confirm = await sink.next('robin@agency.gov');
    assert.match(confirm.subject, /Confirm your request to join/);
    const replyTo = String((confirm.headers.get('reply-to') as { value: Array<{ address: string }> }).value[0]!.address);
    assert.match(replyTo, /^social-media-confirm\+[A-Za-z0-9_-]{43}@lists\.test\.gov$/);
    await postMail({ port: smtpPort, from: 'robin@agency.gov', to: replyTo, subject: `Re: ${confirm.subject}`, text: 'Yes\n' });
    const welcome: ReceivedMail = await sink.next('robin@agency.gov');
    assert.match(welcome.subject, /Welcome to/);
    const { rows } = await platform.db.pool.query(
      `select ms.status, m.name, m.job_title from memberships ms join members m on m.id = ms.member_id where m.email = 'robin@agency.gov'`,
    );
    assert.deepEqual(rows[0], { status: 'active', name: 'Robin Diaz', job_title: 'Social media lead' });
  });

  test('help by mail is answered once, as an auto-reply', async () => {
    await postMail({ port: smtpPort, from: 'kim@state.gov', to: `social-media-request@${DOMAIN}`, subject: 'help', text: '' });
    const answer = await waitFor('the answer', async () => sink.messages.find((m) => m.to.includes('kim@state.gov') && m.subject === 'Re: help'));
    assert.match(answer.text, /Commands go to social-media-request@lists\.test\.gov/);
    assert.match(answer.raw, /^Auto-Submitted: auto-replied/m);
  });

  test('"unsubscribe" sent to the list address is held: no member gets it, the sender is told how to leave', async () => {
    const messageId = '<administrivia@agency.gov>';
    await postMail({
      port: smtpPort,
      from: 'Lee <lee@agency.gov>',
      to: LIST,
      subject: 'unsubscribe',
      text: '\n',
      messageId,
      dkim: { domainName: 'agency.gov', keySelector: 'mail', privateKey: agencyKey.privatePem },
    });
    const row = await waitFor(
      'held',
      async () =>
        (await platform.db.pool.query(`select status, rule_hits from incoming_messages where message_id = $1 and status <> 'received'`, [messageId])).rows[0],
    );
    assert.equal(row.status, 'held');
    assert.deepEqual(
      row.rule_hits.hits.map((h: { rule: string }) => h.rule),
      ['administrivia'],
    );
    const answer = await waitFor('the answer', async () => sink.messages.find((m) => m.to.includes('lee@agency.gov') && m.subject === 'Re: unsubscribe'));
    assert.match(answer.text, /send "leave" to social-media-request@lists\.test\.gov/);
    assert.match(answer.text, new RegExp(`${SITE}/communities/social-media`));
    assert.match(answer.raw, /^Auto-Submitted: auto-replied/m);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(copiesOf(messageId).length, 0, 'no member gets it');
  });

  test('mail to -owner reaches the coordinators readable inline, and Reply goes to the person who wrote', async () => {
    await platform.db.pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'pat@agency.gov')`);
    await postMail({
      port: smtpPort,
      from: 'Sam Rivera <sam.rivera@example.com>',
      to: `social-media-owner@${DOMAIN}`,
      subject: 'Can our office join?',
      text: 'We are a state office. May we join the list?\n',
    });
    const forward = await waitFor('the forward', async () =>
      sink.messages.find((m) => m.to.includes('pat@agency.gov') && /Can our office join\?/.test(m.subject)),
    );
    const replyTo = forward.headers.get('reply-to') as { value: Array<{ address: string }> } | undefined;
    assert.equal(replyTo?.value[0]?.address, 'sam.rivera@example.com', 'Reply reaches the original sender');
    assert.match(forward.raw.replace(/\r?\n[ \t]+/g, ' '), /^From: .*social-media-owner@lists\.test\.gov/m, 'from the owner address, not -request');
    assert.match(forward.text, /We are a state office\. May we join the list\?/, 'the original is readable inline');
    assert.match(forward.raw, /^Content-Type: message\/rfc822/m, 'and attached');
  });

  test("a member's address from a domain with no DMARC record whose SPF fails hard is held", async () => {
    await addMembers(platform.db.pool, 'social-media', ['ron@nodmarc.gov']);
    const messageId = '<spf-fail@nodmarc.gov>';
    await postMail({ port: smtpPort, from: 'Ron <ron@nodmarc.gov>', to: LIST, subject: 'Invoice attached', text: 'Please pay.', messageId });
    const row = await waitFor(
      'held',
      async () =>
        (
          await platform.db.pool.query(`select status, decision_reason, rule_hits from incoming_messages where message_id = $1 and status <> 'received'`, [
            messageId,
          ])
        ).rows[0],
    );
    assert.equal(row.status, 'held');
    assert.deepEqual(
      row.rule_hits.hits.map((h: { rule: string }) => h.rule),
      ['spf-fail'],
    );
    assert.match(row.decision_reason, /SPF fails/);
  });

  test('when the DMARC lookup fails (SERVFAIL), From is rewritten as for p=reject', async () => {
    await addMembers(platform.db.pool, 'social-media', ['flo@flaky.gov']);
    const messageId = '<servfail@flaky.gov>';
    await postMail({ port: smtpPort, from: 'Flo Park <flo@flaky.gov>', to: LIST, subject: 'Accessibility checklist', text: 'Here is ours.', messageId });
    const copy = await waitFor('a copy', async () => copiesOf(messageId).find((m) => m.to[0] === 'lee@agency.gov'));
    const raw = copy.raw.replace(/\r?\n[ \t]+/g, ' ');
    assert.match(raw, /^From: "?Flo Park via Social Media"? <social-media@lists\.test\.gov>/m);
    assert.match(raw, /^Reply-To: .*flo@flaky\.gov/m);
  });

  test('several addresses in From are held with the reason', async () => {
    const messageId = '<two-senders@agency.gov>';
    await postMail({
      port: smtpPort,
      from: 'pat@agency.gov, lee@agency.gov',
      envelopeFrom: 'pat@agency.gov',
      to: LIST,
      subject: 'From both of us',
      text: 'Hello',
      messageId,
    });
    const row = await waitFor(
      'held',
      async () =>
        (
          await platform.db.pool.query(`select status, decision_reason, rule_hits from incoming_messages where message_id = $1 and status <> 'received'`, [
            messageId,
          ])
        ).rows[0],
    );
    assert.equal(row.status, 'held');
    assert.ok(
      row.rule_hits.hits.some((h: { rule: string }) => h.rule === 'from-header'),
      JSON.stringify(row.rule_hits.hits),
    );
    assert.match(row.decision_reason, /several addresses/);
  });

  test('free text to -request gets the help answer and reaches the coordinators, who can reply', async () => {
    await postMail({
      port: smtpPort,
      from: 'Dana Cole <dana@agency.gov>',
      to: `social-media-request@${DOMAIN}`,
      subject: 'Question',
      text: 'Please add me to the list.\n',
    });
    const answer = await waitFor('the answer', async () => sink.messages.find((m) => m.to.includes('dana@agency.gov') && m.subject === 'Re: Question'));
    assert.match(answer.text, /passed your message to the coordinators/);
    assert.match(answer.text, /Commands go to social-media-request@lists\.test\.gov/);
    const forward = await waitFor('the forward', async () => sink.messages.find((m) => m.to.includes('pat@agency.gov') && /owners\] Question/.test(m.subject)));
    assert.equal((forward.headers.get('reply-to') as { value: Array<{ address: string }> }).value[0]!.address, 'dana@agency.gov');
    assert.match(forward.text, /Please add me to the list\./);
    assert.match(forward.text, /wrote to social-media-request@lists\.test\.gov with no command we know/);
  });

  test('confirming by reply a join that needs approval tells the applicant a coordinator will review it', async () => {
    await postMail({
      port: smtpPort,
      from: 'Casey <casey@contractor-example.com>',
      to: `social-media-request@${DOMAIN}`,
      subject: 'Join #SocialGov',
      text: 'Name: Casey Lin\nJob title: Contractor\n',
    });
    const confirm = await sink.next('casey@contractor-example.com');
    assert.match(confirm.subject, /Confirm your request to join/);
    const replyTo = String((confirm.headers.get('reply-to') as { value: Array<{ address: string }> }).value[0]!.address);
    await postMail({ port: smtpPort, from: 'casey@contractor-example.com', to: replyTo, subject: `Re: ${confirm.subject}`, text: 'Yes\n' });
    const ack = await sink.next('casey@contractor-example.com');
    assert.match(ack.text, /your address is confirmed\. A coordinator will review your request/);
    const { rows } = await platform.db.pool.query(`select status from join_requests where email = 'casey@contractor-example.com'`);
    assert.equal(rows[0].status, 'awaiting-approval');
  });

  test('set digest weekly, set each and set nomail by mail change delivery, only for a message that passes DMARC', async () => {
    const request = `social-media-request@${DOMAIN}`;
    const dkim = { domainName: 'agency.gov', keySelector: 'mail', privateKey: agencyKey.privatePem };
    const mode = async () =>
      (
        await platform.db.pool.query(
          `select ms.delivery_mode from list_subscriptions ms join members m on m.id = ms.member_id where m.email = 'lee@agency.gov'`,
        )
      ).rows[0].delivery_mode;
    const answerTo = (subject: string) =>
      waitFor(subject, async () => sink.messages.find((m) => m.to.includes('lee@agency.gov') && m.subject === `Re: ${subject}`));
    await postMail({ port: smtpPort, from: 'lee@agency.gov', to: request, subject: 'set digest weekly', text: '', dkim });
    assert.match((await answerTo('set digest weekly')).text, /you now get a weekly digest/);
    assert.equal(await mode(), 'weekly');
    await postMail({ port: smtpPort, from: 'lee@agency.gov', to: request, subject: 'set nomail', text: '' });
    assert.match((await answerTo('set nomail')).text, /Nothing changed/, 'a message that fails DMARC changes nothing');
    assert.equal(await mode(), 'weekly');
    await postMail({ port: smtpPort, from: 'lee@agency.gov', to: request, subject: 'set each', text: '', dkim });
    await answerTo('set each');
    assert.equal(await mode(), 'each');
    const audit = await platform.db.pool.query(`select count(*)::int as n from audit_log where action = 'membership.delivery' and after->>'source' = 'email'`);
    assert.equal(audit.rows[0].n, 2);
  });

  test('info answers what the list is; who is refused unless the list allows it, then answers members only', async () => {
    const request = `social-media-request@${DOMAIN}`;
    await postMail({ port: smtpPort, from: 'pat@agency.gov', to: request, subject: 'info', text: '' });
    const info = await waitFor('info', async () => sink.messages.find((m) => m.to.includes('pat@agency.gov') && m.subject === 'Re: info'));
    assert.match(info.text, /To post: social-media@lists\.test\.gov/);
    await postMail({ port: smtpPort, from: 'pat@agency.gov', to: request, subject: 'who', text: '' });
    const refused = await waitFor('who refused', async () => sink.messages.find((m) => m.to.includes('pat@agency.gov') && m.subject === 'Re: who'));
    assert.match(refused.text, /does not send its list of members by mail/);
    assert.doesNotMatch(refused.text, /lee@agency\.gov/);
    await platform.db.pool.query(`update lists set who_by_mail = true where local_part = 'social-media'`);
    await postMail({ port: smtpPort, from: 'pat@agency.gov', to: request, subject: 'Re: who', text: 'who\n' });
    const roster = await waitFor('who answered', async () => sink.messages.find((m) => m.to.includes('pat@agency.gov') && m.subject === 'Re: Re: who'));
    assert.match(roster.text, /<lee@agency\.gov>/);
    await postMail({ port: smtpPort, from: 'outsider@example.com', to: request, subject: 'who', text: '' });
    const outsider = await waitFor('who from a non-member', async () =>
      sink.messages.find((m) => m.to.includes('outsider@example.com') && m.subject === 'Re: who'),
    );
    assert.match(outsider.text, /Only members/);
    assert.doesNotMatch(outsider.text, /lee@agency\.gov/);
  });

  test('List-Help gives the web page first, then the help command by mail', async () => {
    const copy = copiesOf('<first-post@agency.gov>')[0]!;
    const help = /^List-Help: (.*)$/m.exec(copy.raw.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim();
    assert.equal(help, `<${SITE}/communities/social-media>, <mailto:social-media-request@lists.test.gov?subject=help>`);
  });

  test('one-click unsubscribe: GET shows a button, POST leaves at once', async () => {
    const copy = copiesOf('<first-post@agency.gov>').find((m) => m.to[0] === 'kim@state.gov')!;
    const link = /^List-Unsubscribe: <(https[^>]+)>/m.exec(copy.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    assert.ok(link.startsWith(`${SITE}/u/`));
    const url = link.replace(SITE, `http://127.0.0.1:${platform.port}`);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Leave the list/);
    const forged = await fetch(
      url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    assert.equal(forged.status, 404);
    const res = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 200);
    const { rows } = await platform.db.pool.query(`select ms.status from memberships ms join members m on m.id = ms.member_id where m.email = 'kim@state.gov'`);
    assert.equal(rows[0].status, 'left');
    const audit = await platform.db.pool.query(
      `select action, after->>'source' as source from audit_log where action = 'membership.leave' order by id desc limit 1`,
    );
    assert.deepEqual(audit.rows[0], { action: 'membership.leave', source: 'one-click' });
  });
});
