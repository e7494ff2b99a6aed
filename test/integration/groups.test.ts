/**
 * A working group's own list and meetings, as members meet them: the group gets a sub-list when
 * it starts; members who join on the web get its posts over SMTP and others do not; a post from
 * outside the group waits for a lead, who moderates it from the group's pages; leaving the group
 * stops delivery; "join" by mail points to the group's page; a lead schedules a meeting with the
 * events form and it shows on the group's page and links back from the event page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import type { Config } from '../../src/platform/config.ts';
import { sendDueDigests } from '../../src/lists/digests/send.ts';
import { addMembers, chooseDelivery, postMail } from '../list-helpers.ts';
import { linkIn, startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { NO_SERVER, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

const DOMAIN = 'lists.test.gov';
const SITE = 'https://socialgov.test.gov';
const G = '/communities/social-media/groups/plain-language';
const GROUP_LIST = `social-media-plain-language@${DOMAIN}`;

describe('working group list and meetings', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let port: number;
  let local: string;
  let config: Config;
  const clients = new Map<string, WebClient>();

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    sink = await startMailSink();
    config = testConfig({ ...database.env, SMTP_URL: sink.url, PUBLIC_URL: SITE, LIST_DOMAIN: DOMAIN, SMTP_IN_PORT: '0', DNS_SERVERS: '127.0.0.1:9' });
    platform = await startPlatform(config);
    port = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
    local = `http://127.0.0.1:${platform.port}`;
    await addMembers(platform.db.pool, 'social-media', ['lead@agency.gov', 'ana@agency.gov', 'ben@agency.gov', 'dee@agency.gov']);
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const usedLinks = new Set<ReceivedMail>();
  async function signIn(email: string): Promise<WebClient> {
    const known = clients.get(email);
    if (known) return known;
    const client = new WebClient(local);
    await client.submit('/signin', '/signin', { email });
    const mail = await waitFor('sign-in mail', async () =>
      sink.messages.find((m) => m.to.includes(email) && /sign-in link/.test(m.subject) && !usedLinks.has(m)),
    );
    usedLinks.add(mail);
    const page = await client.get(linkIn(mail, `${SITE}/signin/confirm?token=`).replace(SITE, local));
    await client.request('POST', '/signin/confirm', { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
    clients.set(email, client);
    return client;
  }

  /** Who got a copy of the post with this Message-ID (not notices about it). */
  const receivers = (messageId: string) =>
    sink.messages
      .filter((m) => m.headers.get('message-id') === messageId && !m.subject.startsWith('Your message'))
      .flatMap((m) => m.to)
      .sort();

  async function delivered(messageId: string, count: number): Promise<string[]> {
    await waitFor(`${count} copies of ${messageId}`, async () => receivers(messageId).length >= count);
    // Every delivery record is done: nothing more will go out.
    await waitFor(
      'deliveries done',
      async () =>
        (await platform.db.pool.query(`select 1 from deliveries d join posts p on p.id = d.ref_id where p.message_id = $1 and d.status <> 'sent'`, [messageId]))
          .rows.length === 0,
    );
    return receivers(messageId);
  }

  test('a group starts with its own list; members who join on the web get its posts, others do not', async () => {
    const lead = await signIn('lead@agency.gov');
    const created = await lead.submit('/communities/social-media/groups/new', '/communities/social-media/groups/new', {
      name: 'Plain Language',
      slug: 'plain-language',
      charter: 'We help agencies write posts people understand.',
      status: 'active',
      joinPolicy: 'open',
    });
    assert.match(created.url, /\?done=created$/);
    const list = await platform.db.pool.query(
      `select l.local_part, l.name, l.group_id is not null as for_group from lists l where l.local_part = 'social-media-plain-language'`,
    );
    assert.deepEqual(list.rows, [{ local_part: 'social-media-plain-language', name: 'Plain Language', for_group: true }]);
    assert.match(created.text, new RegExp(`<a href="mailto:${GROUP_LIST}">${GROUP_LIST}</a>`));
    assert.match(created.text, /<a href="\/archives\/social-media-plain-language">Read the list’s archive<\/a> \(for the group’s members\)/);

    for (const who of ['ana@agency.gov', 'ben@agency.gov']) {
      const joined = await (await signIn(who)).submit(G, `${G}/join`, {});
      assert.match(joined.text, /You joined the working group\./);
    }
    const outsider = await (await signIn('dee@agency.gov')).get(G);
    assert.match(outsider.text, /The list’s archive is for the group’s members\./);
    assert.doesNotMatch(outsider.text, /Read the list’s archive/);

    await postMail({
      port,
      from: 'Ana <ana@agency.gov>',
      to: GROUP_LIST,
      subject: 'Draft of the checklist',
      text: 'Here is the first draft.',
      messageId: '<group-post-1@agency.gov>',
    });
    assert.deepEqual(await delivered('<group-post-1@agency.gov>', 3), ['ana@agency.gov', 'ben@agency.gov', 'lead@agency.gov']);
    const copy = sink.messages.find((m) => m.headers.get('message-id') === '<group-post-1@agency.gov>')!;
    assert.match(copy.raw, /^List-Id: .*<social-media-plain-language\.lists\.test\.gov>/im);
    assert.match(copy.subject, /^\[Plain Language\] Draft of the checklist$/);

    // The group's archive is keyed by its list: members read it, the rest of the community does not.
    const archived = await (await signIn('ana@agency.gov')).get('/archives/social-media-plain-language/1');
    assert.equal(archived.status, 200);
    assert.match(archived.text, /Draft of the checklist/);
    const deeClient = await signIn('dee@agency.gov');
    const dee = await deeClient.get('/archives/social-media-plain-language/1');
    assert.equal(dee.status, 403);
    assert.match(dee.text, /archive is for members of the working group\. Join the group on its page to read it\./);
    assert.doesNotMatch(dee.text, /Draft of the checklist/);
    // Site search follows the same rule: the group's members find the post, the rest of the community does not.
    const found = await waitFor('indexed', async () => {
      const r = await (await signIn('ana@agency.gov')).get('/search?q=checklist');
      return r.text.includes('/archives/social-media-plain-language/1') && r;
    });
    assert.ok(found);
    const hidden = await deeClient.get('/search?q=checklist');
    assert.equal(hidden.status, 200);
    assert.ok(!hidden.text.includes('/archives/social-media-plain-language/'), 'a community member outside the group gets no hit from its archive');
  });

  test('a post from outside the group waits for a lead, who decides on the group’s held page', async () => {
    await postMail({
      port,
      from: 'dee@agency.gov',
      to: GROUP_LIST,
      subject: 'Can I see the draft?',
      text: 'I am not in the group.',
      messageId: '<outsider-1@agency.gov>',
    });
    const held = await waitFor(
      'held',
      async () =>
        (await platform.db.pool.query(`select id, decision_reason from incoming_messages where message_id = '<outsider-1@agency.gov>' and status = 'held'`))
          .rows[0],
    );
    assert.match(held.decision_reason, /dee@agency\.gov, is not a member of this list/);
    const notice = await waitFor('hold notice to the lead', async () =>
      sink.messages.find(
        (m) => m.to.includes('lead@agency.gov') && /Can I see the draft\?/.test(m.text) && m.text.includes('/groups/plain-language/admin/held'),
      ),
    );
    assert.ok(notice);
    assert.equal((await (await signIn('ana@agency.gov')).get(`${G}/admin/held`)).status, 403, 'group members who are not leads cannot moderate');
    const lead = await signIn('lead@agency.gov');
    const queue = await lead.get(`${G}/admin/held`);
    assert.equal(queue.status, 200);
    assert.match(queue.text, /Can I see the draft\?/);
    assert.match(queue.text, new RegExp(`action="${G}/admin/held"`));
    const done = await lead.request('POST', `${G}/admin/held`, { _csrf: csrfToken(queue.text), action: 'discard', id: String(held.id) });
    assert.match(done.text, /Done: 1 message/);
    assert.equal((await platform.db.pool.query(`select status from incoming_messages where id = $1`, [held.id])).rows[0].status, 'discarded');
    assert.equal((await lead.get(`${G}/admin/list`)).status, 200, 'leads change the group list’s settings');
    assert.equal((await (await signIn('dee@agency.gov')).get(`${G}/admin/list`)).status, 403);
    assert.deepEqual(receivers('<outsider-1@agency.gov>'), []);
  });

  test('"join" by mail to the group list points to the group page; leaving the group on the web stops delivery', async () => {
    await postMail({ port, from: 'dee@agency.gov', to: `social-media-plain-language-request@${DOMAIN}`, subject: 'join', text: 'join' });
    const answer = await waitFor('answer', async () =>
      sink.messages.find((m) => m.to.includes('dee@agency.gov') && /sign in and use "Join the working group"/.test(m.text)),
    );
    assert.match(answer.text, new RegExp(`${SITE}${G}`));
    assert.equal(
      (
        await platform.db.pool.query(
          `select count(*)::int as n from working_group_members w join members m on m.id = w.member_id where m.email = 'dee@agency.gov'`,
        )
      ).rows[0].n,
      0,
    );

    const left = await (await signIn('ben@agency.gov')).submit(G, `${G}/leave`, {});
    assert.match(left.text, /You left the working group\./);
    await postMail({ port, from: 'ana@agency.gov', to: GROUP_LIST, subject: 'Second draft', text: 'Changes marked.', messageId: '<group-post-2@agency.gov>' });
    assert.deepEqual(await delivered('<group-post-2@agency.gov>', 2), ['ana@agency.gov', 'lead@agency.gov']);
    // The community's own list still reaches everyone.
    const ben = await platform.db.pool.query(`select ms.status from memberships ms join members m on m.id = ms.member_id where m.email = 'ben@agency.gov'`);
    assert.equal(ben.rows[0].status, 'active');
  });

  test('a lead schedules a meeting with the events form; it shows on the group page and the event page', async () => {
    const lead = await signIn('lead@agency.gov');
    const form = await lead.get(`${G}/meetings/new`);
    assert.equal(form.status, 200);
    assert.match(form.text, /<h1>Schedule a meeting of Plain Language<\/h1>/);
    assert.equal((await (await signIn('ana@agency.gov')).get(`${G}/meetings/new`)).status, 403);
    const fields = {
      title: 'Plain Language monthly meeting',
      slug: 'plain-language-2027-01',
      kind: 'meeting',
      status: 'published',
      timeZone: 'America/New_York',
      date: '2027-01-13',
      startTime: '14:00',
      endTime: '15:00',
      repeat: 'none',
      format: 'online',
      platform: 'teams',
      registration: 'members',
      summary: 'Review the checklist.',
    };
    const bad = await lead.request('POST', `${G}/meetings/new`, { _csrf: csrfToken(form.text), ...fields, date: '13/01/2027' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Enter the date as year-month-day/);
    assert.match(bad.text, /value="Plain Language monthly meeting"/, 'nothing typed is lost');
    const saved = await lead.request('POST', `${G}/meetings/new`, { _csrf: csrfToken(form.text), ...fields });
    assert.match(saved.url, /\?done=meeting$/);
    assert.match(saved.text, /The meeting is scheduled\./);
    assert.match(
      saved.text,
      /<h2>Upcoming meetings<\/h2><ul class="usa-collection">[\s\S]*?<a class="usa-link" href="\/events\/plain-language-2027-01">Plain Language monthly meeting<\/a>/,
    );
    const event = await new WebClient(local).get('/events/plain-language-2027-01');
    assert.equal(event.status, 200);
    assert.match(event.text, /<dt>Working group<\/dt><dd><a class="usa-link" href="\/communities\/social-media\/groups\/plain-language">Plain Language<\/a>/);
    // The lead organizes the meeting without being a coordinator.
    assert.equal((await lead.get('/events/plain-language-2027-01/manage')).status, 200);
    // A past meeting moves to "Past meetings".
    await platform.db.pool.query(
      `update event_occurrences set starts_at = now() - interval '2 days', ends_at = now() - interval '2 days' + interval '1 hour' where event_id = (select id from events where slug = 'plain-language-2027-01')`,
    );
    const page = await new WebClient(local).get(G);
    assert.match(page.text, /<h2>Upcoming meetings<\/h2><p>No meetings are scheduled\.<\/p>/);
    assert.match(page.text, /<h2>Past meetings<\/h2><ul class="usa-collection">[\s\S]*?Plain Language monthly meeting/);
    // A draft is for the leads to finish: listed in their tools, hidden from everyone else.
    const draft = await lead.request('POST', `${G}/meetings/new`, {
      _csrf: csrfToken(form.text),
      ...fields,
      title: 'Plain Language retreat',
      slug: 'plain-language-retreat',
      status: 'draft',
    });
    assert.match(draft.url, /\?done=draft$/);
    assert.match(draft.text, /The meeting is saved as a draft\. Only the group’s leads see it/);
    assert.match(draft.text, /<a href="\/events\/plain-language-retreat\/manage">Draft meeting: Plain Language retreat<\/a>/);
    assert.doesNotMatch((await (await signIn('ana@agency.gov')).get(G)).text, /retreat/);
    assert.doesNotMatch((await new WebClient(local).get(G)).text, /retreat/);
  });

  test('members on digests get the group list in their own digest of it; others get none', async () => {
    await chooseDelivery(platform.db.pool, ['ana@agency.gov', 'dee@agency.gov'], 'daily');
    await postMail({ port, from: 'lead@agency.gov', to: GROUP_LIST, subject: 'Third draft', text: 'Nearly done.', messageId: '<group-post-3@agency.gov>' });
    assert.deepEqual(await delivered('<group-post-3@agency.gov>', 1), ['lead@agency.gov'], 'ana is on digests now; ben left');
    const now = DateTime.now().setZone('America/New_York');
    const run = await sendDueDigests(
      platform.db.pool,
      { baseUrl: SITE, domain: DOMAIN, config, log: () => undefined },
      now.plus({ days: 1 }).set({ hour: config.digestHour, minute: 5 }),
    );
    assert.ok(run.messages >= 1);
    const digests = await platform.db.pool.query(
      `select m.email, l.local_part, dm.first_post, dm.last_post from deliveries d join members m on m.id = d.member_id join lists l on l.id = d.list_id
         join digest_messages dm on dm.id = d.ref_id where d.kind = 'digest' order by m.email`,
    );
    assert.deepEqual(digests.rows, [{ email: 'ana@agency.gov', local_part: 'social-media-plain-language', first_post: 3, last_post: 3 }]);
    const mail = await waitFor('digest', async () => sink.messages.find((m) => m.to.includes('ana@agency.gov') && /Digest/i.test(m.subject)));
    assert.match(mail.raw, /Third draft/);
  });

  test('a member chooses how they get the group list apart from the community list; the digests follow that choice', async () => {
    const pool = platform.db.pool;
    const ana = await signIn('ana@agency.gov'); // daily digests of the community's list (above)
    const lead = await signIn('lead@agency.gov'); // each message of the community's list
    assert.match((await ana.get(G)).text, /As for the community’s list \(now: a daily digest\)<\/option>/);
    const saved = await ana.submit(G, `${G}/delivery`, { deliveryMode: 'each' });
    assert.match(saved.text, /Saved: this is how you get the group’s list now/);
    assert.match(saved.text, /<option value="each" selected>Each message as it is sent<\/option>/);
    await lead.submit(G, `${G}/delivery`, { deliveryMode: 'daily' });
    const bad = await ana.submit(G, `${G}/delivery`, { deliveryMode: 'hourly' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Choose how you want to get the group’s messages from the list/);

    await postMail({ port, from: 'lead@agency.gov', to: GROUP_LIST, subject: 'Fourth draft', text: 'Last changes.', messageId: '<group-post-4@agency.gov>' });
    assert.deepEqual(
      await delivered('<group-post-4@agency.gov>', 1),
      ['ana@agency.gov'],
      'ana gets each group message; the lead, on digests of the group list, gets none',
    );
    // The community's list keeps to the community setting: ana (daily) gets no copy, ben (each) does.
    await postMail({
      port,
      from: 'lead@agency.gov',
      to: `social-media@${DOMAIN}`,
      subject: 'For everyone',
      text: 'Hello all.',
      messageId: '<community-post-9@agency.gov>',
    });
    const everyone = await delivered('<community-post-9@agency.gov>', 2);
    assert.ok(everyone.includes('ben@agency.gov') && !everyone.includes('ana@agency.gov'), everyone.join(', '));

    const now = DateTime.now().setZone('America/New_York');
    await sendDueDigests(
      pool,
      { baseUrl: SITE, domain: DOMAIN, config, log: () => undefined },
      now.plus({ days: 2 }).set({ hour: config.digestHour, minute: 5 }),
    );
    const digests = await pool.query(
      `select m.email, dm.first_post, dm.last_post from deliveries d join members m on m.id = d.member_id join lists l on l.id = d.list_id
         join digest_messages dm on dm.id = d.ref_id where d.kind = 'digest' and l.local_part = 'social-media-plain-language' and dm.last_post = 4 order by m.email`,
    );
    assert.deepEqual(
      digests.rows,
      [{ email: 'lead@agency.gov', first_post: 4, last_post: 4 }],
      'the lead’s group digest starts at the first post after the change',
    );

    await ana.submit(G, `${G}/delivery`, { deliveryMode: 'community' });
    await lead.submit(G, `${G}/delivery`, { deliveryMode: 'community' });
    const { rows } = await pool.query(
      `select count(*)::int as n from list_subscriptions s join lists l on l.id = s.list_id where l.group_id is not null and s.delivery_mode is not null`,
    );
    assert.equal(rows[0].n, 0, 'back to the community setting');
    const audit = await pool.query(`select count(*)::int as n from audit_log where action = 'group.delivery'`);
    assert.equal(audit.rows[0].n, 4);
    const data = JSON.parse((await ana.get('/account/data.json')).text) as {
      workingGroups: Array<{ group: string; status: string; delivery_mode: string | null }>;
    };
    assert.deepEqual(
      data.workingGroups.map((w) => [w.group, w.status, w.delivery_mode]),
      [['plain-language', 'active', null]],
      'in “download my data”',
    );
  });

  test('group list addresses never collide and never end in a command suffix', async () => {
    const pool = platform.db.pool;
    await pool.query(`insert into communities (slug, title) values ('social-media-events', 'Social Media Events')`);
    const c = (await pool.query(`select id from communities where slug = 'social-media'`)).rows[0].id;
    await pool.query(`insert into working_groups (community_id, slug, name) values ($1, 'events', 'Events'), ($1, 'help-request', 'Help Request')`, [c]);
    const { rows } = await pool.query(
      `select g.slug, l.local_part from working_groups g join lists l on l.group_id = g.id where g.slug in ('events', 'help-request') order by g.slug`,
    );
    assert.deepEqual(rows, [
      { slug: 'events', local_part: 'social-media-events-2' },
      { slug: 'help-request', local_part: 'social-media-help-request-list' },
    ]);
    await pool.query(`update working_groups set name = 'Events and Webinars' where slug = 'events'`);
    assert.equal((await pool.query(`select name from lists where local_part = 'social-media-events-2'`)).rows[0].name, 'Events and Webinars');
  });

  test('one-click unsubscribe in a group list copy leaves the group, not the community; help explains the group list', async () => {
    const copy = sink.messages.find((m) => m.headers.get('message-id') === '<group-post-1@agency.gov>' && m.to.includes('ana@agency.gov'))!;
    const link = /^List-Unsubscribe: <(https[^>]+)>/m.exec(copy.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    const url = link.replace(SITE, local);
    const page = await (await fetch(url)).text();
    assert.match(page, /a working group’s list: press the button to leave the working group/);
    assert.match(page, /<button class="usa-button" type="submit">Leave the working group<\/button>/);
    const res = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 200);
    const ana = await platform.db.pool.query(
      `select ms.status as community, w.status as in_group from members m join memberships ms on ms.member_id = m.id
         join working_group_members w on w.member_id = m.id join working_groups g on g.id = w.group_id and g.slug = 'plain-language' where m.email = 'ana@agency.gov'`,
    );
    assert.deepEqual(ana.rows, [{ community: 'active', in_group: 'left' }]);
    await postMail({ port, from: 'ana@agency.gov', to: `social-media-plain-language-request@${DOMAIN}`, subject: 'help', text: 'help' });
    const help = await waitFor('help', async () =>
      sink.messages.find((m) => m.to.includes('ana@agency.gov') && /the discussion list of a working group/.test(m.text)),
    );
    assert.match(help.text, new RegExp(`join the working group on its page: ${SITE}${G}`));
  });
});
