/**
 * Moderation as moderators meet it: a non-member post is held with "not a member" as the
 * reason, the moderators get a notice, and the post is approved from the page, from the mailed
 * link and by replying — each delivered once; rejections tell the sender; list settings apply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { expireHolds } from '../../src/lists/moderation.ts';
import { listContext } from '../../src/lists/jobs.ts';
import { addMembers, postMail } from '../list-helpers.ts';
import { linkIn, startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;
const SITE = 'https://socialgov.test.gov';

describe('moderation', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let port: number;
  let local: string;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    sink = await startMailSink();
    platform = await startPlatform(
      testConfig({ ...database.env, SMTP_URL: sink.url, PUBLIC_URL: SITE, LIST_DOMAIN: DOMAIN, SMTP_IN_PORT: '0', DNS_SERVERS: '127.0.0.1:9' }),
    );
    port = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
    local = `http://127.0.0.1:${platform.port}`;
    await addMembers(platform.db.pool, 'social-media', ['mod@agency.gov', 'reader@agency.gov']);
    await platform.db.pool.query(`update memberships set role = 'moderator' where member_id = (select id from members where email = 'mod@agency.gov')`);
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const hold = async (messageId: string, from = 'Sam <sam@example.com>') => {
    await postMail({ port, from, to: LIST, subject: `Question ${messageId}`, text: 'Could I share this with your members?', messageId });
    return waitFor(
      'held',
      async () =>
        (await platform.db.pool.query(`select id, status, decision_reason from incoming_messages where message_id = $1 and status = 'held'`, [messageId]))
          .rows[0],
    );
  };
  const copies = (messageId: string) => sink.messages.filter((m) => m.headers.get('message-id') === messageId && !m.subject.startsWith('Your message'));
  const notice = (subjectPart: string) =>
    waitFor('notice', async () => sink.messages.find((m) => m.to.includes('mod@agency.gov') && m.subject.includes(subjectPart)));

  const usedLinks = new Set<ReceivedMail>();
  async function signIn(email: string): Promise<WebClient> {
    const client = new WebClient(local);
    await client.submit('/signin', '/signin', { email });
    const seen = usedLinks.size;
    const mail = await waitFor('sign-in mail', async () =>
      sink.messages.find((m) => m.to.includes(email) && /sign-in link/.test(m.subject) && !usedLinks.has(m)),
    );
    usedLinks.add(mail);
    assert.equal(usedLinks.size, seen + 1);
    const link = linkIn(mail, `${SITE}/signin/confirm?token=`).replace(SITE, local);
    const page = await client.get(link);
    await client.request('POST', '/signin/confirm', { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
    return client;
  }

  test('a non-member post waits with "not a member"; approve it by replying to the notice', async () => {
    const held = await hold('<reply-approve@example.com>');
    assert.match(held.decision_reason, /is not a member/);
    const mail: ReceivedMail = await notice('reply-approve');
    assert.match(mail.text, /Why it is held: The sender, sam@example\.com, is not a member/);
    const replyTo = (mail.headers.get('reply-to') as { value: Array<{ address: string }> }).value[0]!.address;
    assert.match(replyTo, /^social-media-confirm\+[A-Za-z0-9_-]{43}@lists\.test\.gov$/);
    // Someone who is not a moderator cannot use the address.
    await postMail({ port, from: 'reader@agency.gov', to: replyTo, subject: 'Re: approve', text: 'ok' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status, 'held');
    await postMail({ port, from: 'mod@agency.gov', to: replyTo, subject: 'Re: approve', text: 'ok' });
    await waitFor('two copies', async () => copies('<reply-approve@example.com>').length === 2);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(copies('<reply-approve@example.com>').length, 2, 'delivered once to each member');
    const audit = await platform.db.pool.query(`select actor, action from audit_log where action like 'list.hold.%' and subject_id = $1`, [String(held.id)]);
    assert.deepEqual(audit.rows, [{ actor: 'mod@agency.gov', action: 'list.hold.approve' }]);
  });

  test('approve from the mailed link: one use only', async () => {
    await platform.db.pool.query(`update lists set hold_notice_at = null`);
    const held = await hold('<link-approve@example.com>');
    const mail = await notice('link-approve');
    const link = linkIn(mail, `${SITE}/moderate/`).replace(SITE, local);
    const client = new WebClient(local);
    const page = await client.get(link);
    assert.equal(page.status, 200);
    assert.match(page.text, /is not a member/);
    assert.doesNotMatch(page.text, /<script(?! src="\/assets)/);
    const done = await client.request('POST', link, { _csrf: csrfToken(page.text), action: 'approve' });
    assert.match(done.text, /approved/);
    assert.equal((await client.get(link)).status, 404, 'the link works once');
    await waitFor('copies', async () => copies('<link-approve@example.com>').length === 2);
    assert.equal((await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status, 'accepted');
  });

  test('the queue page: reject with a reason (sender told), bulk discard, ban; moderators only', async () => {
    const a = await hold('<reject-me@example.com>');
    const b = await hold('<discard-1@example.com>', 'Bo <bo@example.com>');
    const c = await hold('<discard-2@example.com>', 'Cy <cy@example.com>');
    const anonymous = await new WebClient(local).get('/communities/social-media/admin/held');
    assert.ok(anonymous.url.includes('/signin'), 'visitors are sent to sign in');
    const reader = await signIn('reader@agency.gov');
    assert.equal((await reader.get('/communities/social-media/admin/held')).status, 403);
    const mod = await signIn('mod@agency.gov');
    const queue = await mod.get('/communities/social-media/admin/held');
    assert.equal(queue.status, 200);
    assert.match(queue.text, /reject-me@example\.com|Question &lt;reject-me@example\.com&gt;/);
    const token = csrfToken(queue.text);
    const none = await mod.request('POST', '/communities/social-media/admin/held', { _csrf: token, action: 'approve' });
    assert.equal(none.status, 400);
    assert.match(none.text, /Select at least one message/);
    const rejected = await mod.request('POST', '/communities/social-media/admin/held', {
      _csrf: token,
      action: 'reject',
      id: String(a.id),
      reason: 'Vendors may not advertise on this list.',
    });
    assert.match(rejected.text, /Done: 1 message/);
    const told = await waitFor('rejection', async () => sink.messages.find((m) => m.to.includes('sam@example.com') && /was not sent/.test(m.subject)));
    assert.match(told.text, /Vendors may not advertise on this list\./);
    const form = new URLSearchParams([
      ['_csrf', token],
      ['action', 'discard'],
      ['id', String(b.id)],
      ['id', String(c.id)],
    ]);
    const res = await fetch(`${local}/communities/social-media/admin/held`, {
      method: 'POST',
      body: form.toString(),
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...mod.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    assert.equal(res.status, 303);
    const statuses = await platform.db.pool.query(`select status from incoming_messages where id = any($1) order by id`, [[a.id, b.id, c.id]]);
    assert.deepEqual(
      statuses.rows.map((r) => r.status),
      ['rejected', 'discarded', 'discarded'],
    );
    const d = await hold('<ban-me@example.com>', 'Spam <spam@example.com>');
    await mod.submit('/communities/social-media/admin/held', '/communities/social-media/admin/held', { action: 'ban', id: String(d.id) });
    const banned = await platform.db.pool.query(`select banned from lists where local_part = 'social-media'`);
    assert.deepEqual(banned.rows[0].banned, ['spam@example.com']);
    await postMail({ port, from: 'spam@example.com', to: LIST, subject: 'Again', text: 'x', messageId: '<banned-again@example.com>' });
    const again = await waitFor(
      'processed',
      async () =>
        (await platform.db.pool.query(`select status from incoming_messages where message_id = '<banned-again@example.com>' and status <> 'received'`)).rows[0],
    );
    assert.equal(again.status, 'discarded');
  });

  test('banning the sender of a post held as forged does not ban the member it claims to be: refused, discard offered', async () => {
    // From names a member and a stranger (rule from-header): the From cannot be trusted.
    const messageId = '<forged-member@example.com>';
    await postMail({
      port,
      from: 'reader@agency.gov, Spam <spam2@example.com>',
      envelopeFrom: 'spam2@example.com',
      to: LIST,
      subject: 'Cheap pills',
      text: 'x',
      messageId,
    });
    const held = await waitFor(
      'held',
      async () => (await platform.db.pool.query(`select id from incoming_messages where message_id = $1 and status = 'held'`, [messageId])).rows[0],
    );
    const mod = await signIn('mod@agency.gov');
    const detail = await mod.get(`/communities/social-media/admin/held/${held.id}`);
    assert.equal(detail.status, 200);
    assert.doesNotMatch(detail.text, /name="action" value="ban"/, 'no ban button for a message whose From is not verified');
    assert.match(detail.text, /not verified/);
    const queue = await mod.get('/communities/social-media/admin/held');
    const res = await mod.request('POST', '/communities/social-media/admin/held', { _csrf: csrfToken(queue.text), action: 'ban', id: String(held.id) });
    assert.equal(res.status, 409);
    assert.match(res.text, /Not banned.*reader@agency\.gov.*not verified.*Discard/s);
    const list = await platform.db.pool.query(`select banned from lists where local_part = 'social-media'`);
    assert.ok(!list.rows[0].banned.includes('reader@agency.gov'), `the impersonated member is not banned: ${JSON.stringify(list.rows[0].banned)}`);
    assert.equal(
      (await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status,
      'held',
      'the message still waits',
    );
    await mod.request('POST', '/communities/social-media/admin/held', { _csrf: csrfToken(queue.text), action: 'discard', id: String(held.id) });
    assert.equal((await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status, 'discarded');
  });

  test('a held HTML message: its text, and its formatted version made safe', async () => {
    const messageId = '<html-held@example.com>';
    await postMail({
      port,
      from: 'Sam <sam@example.com>',
      to: LIST,
      subject: 'Formatted',
      messageId,
      text: 'Plain words',
      html: '<p>Rich <b>words</b><script>alert(1)</script><img src="https://tracker.example.com/p.gif" alt="pixel"><form action="https://evil.example.com"><input name="x"></form><a href="https://example.gov/x" onclick="steal()">link</a></p>',
    });
    const held = await waitFor(
      'held',
      async () => (await platform.db.pool.query(`select id from incoming_messages where message_id = $1 and status = 'held'`, [messageId])).rows[0],
    );
    const mod = await signIn('mod@agency.gov');
    const page = await mod.get(`/communities/social-media/admin/held/${held.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Plain words/);
    const formatted = page.text.slice(page.text.indexOf('<details'), page.text.indexOf('</details>'));
    assert.match(formatted, /Rich <b>words<\/b>/);
    for (const bad of ['<script', 'alert(1)', 'tracker.example.com', '<form', '<input', 'onclick']) assert.ok(!formatted.includes(bad), `${bad} is removed`);
    assert.match(formatted, /href="https:\/\/example\.gov\/x"/);
  });

  test('list settings: coordinators switch on emergency moderation; bad values are named', async () => {
    await platform.db.pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'mod@agency.gov')`);
    const coord = await signIn('mod@agency.gov');
    const page = await coord.get('/communities/social-media/admin/list');
    assert.equal(page.status, 200);
    const bad = await coord.request('POST', '/communities/social-media/admin/list', {
      _csrf: csrfToken(page.text),
      maxKb: 'lots',
      maxRecipients: '10',
      replyTo: 'poster',
      dmarcMitigation: 'auto',
      banned: 'not an address',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Enter a whole number of KB/);
    assert.match(bad.text, /These are not addresses or @domains: not/);
    const ok = await coord.request('POST', '/communities/social-media/admin/list', {
      _csrf: csrfToken(page.text),
      maxKb: '5120',
      maxRecipients: '10',
      replyTo: 'poster',
      dmarcMitigation: 'auto',
      emergency: 'yes',
      banned: 'spam@example.com',
    });
    assert.match(ok.text, /The list settings are saved/);
    await postMail({ port, from: 'reader@agency.gov', to: LIST, subject: 'During an emergency', text: 'x', messageId: '<emergency@agency.gov>' });
    const row = await waitFor(
      'held',
      async () =>
        (
          await platform.db.pool.query(
            `select status, decision_reason from incoming_messages where message_id = '<emergency@agency.gov>' and status <> 'received'`,
          )
        ).rows[0],
    );
    assert.equal(row.status, 'held');
    assert.match(row.decision_reason, /Emergency moderation is on/);
    const audit = await platform.db.pool.query(`select count(*)::int as n from audit_log where action = 'list.settings'`);
    assert.equal(audit.rows[0].n, 1);
  });

  test('held posts expire after HOLD_DAYS, and the sender is told', async () => {
    await platform.db.pool.query(`update lists set emergency = false`);
    const held = await hold('<old@example.com>', 'Old <old@example.com>');
    const ctx = await listContext({
      pool: platform.db.pool,
      config: testConfig({ HOLD_DAYS: '14' }),
      queue: platform.queue,
      worker: platform.queue,
      mail: platform.mail,
      baseUrl: SITE,
      log: () => undefined,
    });
    assert.equal(await expireHolds(ctx, new Date(Date.now() + 13 * 86_400_000)), 0);
    assert.ok((await expireHolds(ctx, new Date(Date.now() + 15 * 86_400_000))) >= 1);
    assert.equal((await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status, 'discarded');
    const told = await waitFor('expiry notice', async () => sink.messages.find((m) => m.to.includes('old@example.com') && /was not sent/.test(m.subject)));
    assert.match(told.text, /waited 14 days/);
  });
});
