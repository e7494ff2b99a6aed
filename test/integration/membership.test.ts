/**
 * Joining as a new user would: web form → confirmation mail at a real SMTP server → link →
 * member; a contractor → approval queue → coordinator approves; look-alikes refused; sign-in,
 * member area, directory, CSRF and rate limits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';
import { hidden, WebClient } from '../web-client.ts';

const JOIN = '/communities/social-media/join';

describe('membership end to end', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  const memberCount = async () => ((await (await fetch(`${platform.url}/api/v1/communities/social-media`)).json()) as { memberCount: number }).memberCount;

  before(async () => {
    sink = await startMailSink();
    const env: Record<string, string> = { SMTP_URL: sink.url, MAIL_FROM: 'SocialGov <no-reply@socialgov.test>' };
    const database = await testDatabaseEnv();
    Object.assign(env, database.env);
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig(env));
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  async function join(client: WebClient, fields: Partial<Record<string, string>>) {
    return client.submit(JOIN, JOIN, { name: 'Pat Doe', jobTitle: 'Social media lead', agency: '', reason: '', accept: 'yes', email: '', ...fields } as Record<
      string,
      string
    >);
  }

  async function confirmFromMail(client: WebClient, address: string) {
    const mail = await sink.next(address);
    const link = linkIn(mail, `${platform.url}/join/confirm?token=`);
    const page = await client.get(link);
    assert.equal(page.status, 200, page.text);
    // Opening the link changes nothing: a mail scanner that follows links must not confirm.
    const res = await client.request('POST', '/join/confirm', { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
    return { mail, link, res };
  }

  test('a .gov address: confirmation mail, click, member; the count goes up', async () => {
    const pat = new WebClient(platform.url);
    assert.equal(await memberCount(), 0);
    const res = await join(pat, { email: 'Pat.Doe@GSA.gov' });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.text.includes('Check your email'));
    assert.equal(await memberCount(), 0, 'nothing is subscribed before the link is used');

    const { mail, link, res: confirmed } = await confirmFromMail(pat, 'pat.doe@gsa.gov');
    assert.match(mail.subject, /Confirm your request to join Social Media/);
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
    assert.match(mail.text, /Freedom of Information Act/);
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.ok(confirmed.text.includes('You are now a member of Social Media.'));
    assert.equal(await memberCount(), 1);
    assert.match((await sink.next('pat.doe@gsa.gov')).subject, /Welcome to Social Media/);

    // The link is single-use.
    const again = await pat.get(link);
    assert.equal(again.status, 410);
    assert.ok(again.text.includes('This link has already been used.'));

    // Confirming signed Pat in.
    const account = await pat.get('/account');
    assert.equal(account.status, 200);
    // The local part keeps its case (RFC 5321); the domain is lower-cased; matching ignores case.
    assert.ok(account.text.includes('Signed in as <strong>Pat.Doe@gsa.gov</strong>'), 'account shows the address');
    const page = await pat.get('/communities/social-media');
    assert.ok(/<span class="sg-count">1<\/span>/.test(page.text));
    assert.ok(page.text.includes('You are a member.'));
  });

  test('joining again never reveals membership: same answer, and the mail says so', async () => {
    const stranger = new WebClient(platform.url);
    const res = await join(stranger, { email: 'pat.doe@gsa.gov', name: 'Someone Else' });
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('Check your email'));
    assert.match((await sink.next('pat.doe@gsa.gov')).subject, /already a member/);
    assert.equal(await memberCount(), 1);
  });

  test('a contractor: confirm, approval queue with the reason, coordinator approves, member', async () => {
    // Pat becomes the community's coordinator.
    await platform.db.pool.query(
      `update memberships set role = 'coordinator' where member_id = (select id from members where lower(email) = 'pat.doe@gsa.gov')`,
    );
    const lee = new WebClient(platform.url);
    const res = await join(lee, {
      email: 'lee@contractor-example.com',
      name: 'Lee Contractor',
      agency: 'Acme, for GSA',
      reason: 'I run GSA social accounts under contract GS-00F-1234',
    });
    assert.equal(res.status, 200, res.text);
    const { res: confirmed } = await confirmFromMail(lee, 'lee@contractor-example.com');
    assert.ok(confirmed.text.includes('your request is with a coordinator'));
    assert.equal(await memberCount(), 1, 'not a member until approved');
    const notice = await sink.next('pat.doe@gsa.gov');
    assert.match(notice.subject, /Approval needed: Lee Contractor/);
    assert.match(notice.text, /contractor-example\.com|not a \.gov/i);

    // Lee cannot see the queue; Pat can.
    assert.equal((await lee.get('/communities/social-media/admin/requests')).status, 403);
    const pat = new WebClient(platform.url);
    await signIn(pat, 'pat.doe@gsa.gov');
    const queue = await pat.get('/communities/social-media/admin/requests');
    assert.equal(queue.status, 200);
    assert.ok(queue.text.includes('Lee Contractor'));
    assert.ok(queue.text.includes('GS-00F-1234'));
    const id = /action="\/communities\/social-media\/admin\/requests\/(\d+)"/.exec(queue.text)![1]!;

    // Denying needs a reason.
    const noReason = await pat.request('POST', `/communities/social-media/admin/requests/${id}`, {
      _csrf: hidden(queue.text, '_csrf'),
      decision: 'deny',
      [`note-${id}`]: '',
    });
    assert.equal(noReason.status, 400);
    assert.ok(noReason.text.includes('Give a reason'));

    const approved = await pat.request('POST', `/communities/social-media/admin/requests/${id}`, { _csrf: hidden(queue.text, '_csrf'), decision: 'approve' });
    assert.equal(approved.status, 200);
    assert.ok(approved.text.includes('Approved'));
    assert.match((await sink.next('lee@contractor-example.com')).subject, /Welcome to Social Media/);
    assert.equal(await memberCount(), 2);
    const audit = await platform.db.pool.query(
      `select actor, action from audit_log where action in ('join-request.approve', 'membership.approve') order by id`,
    );
    assert.deepEqual(
      audit.rows.map((r) => [r.actor, r.action]),
      [
        ['Pat.Doe@gsa.gov', 'join-request.approve'],
        ['Pat.Doe@gsa.gov', 'membership.approve'],
      ],
    );
  });

  test('look-alike and malformed addresses are refused with a clear message', async () => {
    const client = new WebClient(platform.url);
    for (const email of ['pat@gsа.gov', 'Pat Doe <pat@gsa.gov>', '"pat doe"@gsa.gov', 'pat@gsa@gov', 'pat@[192.168.0.1]', 'pat@.gov']) {
      const res = await join(client, { email });
      assert.equal(res.status, 400, `${email}: ${res.status}`);
      assert.ok(res.text.includes('usa-error-message'), email);
      assert.ok(res.text.includes('There is a problem'), email);
    }
    assert.equal(sink.messages.filter((m) => m.to.some((t) => t.includes('pat@'))).length, 0, 'no mail to refused addresses');
  });

  test('missing fields are named next to the field, and values are kept', async () => {
    const client = new WebClient(platform.url);
    const res = await client.submit(JOIN, JOIN, { name: '', email: 'kim@nasa.gov', jobTitle: '', agency: 'NASA', reason: '' });
    assert.equal(res.status, 400);
    assert.ok(res.text.includes('Enter your full name.'));
    assert.ok(res.text.includes('Enter your job title.'));
    assert.ok(res.text.includes('Accept the community guidelines to join.'));
    assert.ok(res.text.includes('value="kim@nasa.gov"'));
    assert.ok(res.text.includes('value="NASA"'));
  });

  test('every form needs its CSRF token', async () => {
    const client = new WebClient(platform.url);
    await client.get(JOIN);
    const res = await client.request('POST', JOIN, { name: 'X', email: 'x@gsa.gov', jobTitle: 'Y', accept: 'yes' });
    assert.equal(res.status, 403);
    assert.ok(res.text.includes('This form has expired'));
    const bad = await client.request('POST', '/signin', { _csrf: 'forged', email: 'x@gsa.gov' });
    assert.equal(bad.status, 403);
  });

  test('join is rate limited per address with a clear "try again"', async () => {
    const client = new WebClient(platform.url);
    for (let i = 0; i < 3; i++) assert.equal((await join(client, { email: 'limit@usda.gov' })).status, 200);
    const res = await join(client, { email: 'limit@usda.gov' });
    assert.equal(res.status, 429);
    assert.match(res.text, /Try again in \d+ (minutes|seconds)/);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });

  async function signIn(client: WebClient, address: string) {
    const res = await client.submit('/signin', '/signin', { email: address });
    assert.equal(res.status, 200);
    const mail = await sink.next(address);
    const link = linkIn(mail, `${platform.url}/signin/confirm?token=`);
    const page = await client.get(link);
    const done = await client.request('POST', '/signin/confirm', { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
    assert.equal(done.status, 200, done.text);
    assert.ok(done.url.endsWith('/account'));
    return link;
  }

  test('sign in by mailed link; a non-member gets the same answer and no mail', async () => {
    const lee = new WebClient(platform.url);
    const link = await signIn(lee, 'lee@contractor-example.com');
    assert.equal((await lee.get(link)).status, 410, 'single use');
    const before = sink.messages.length;
    const res = await new WebClient(platform.url).submit('/signin', '/signin', { email: 'nobody@gsa.gov' });
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('If nobody@gsa.gov belongs to a member'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.messages.length, before);
    const anonymous = await new WebClient(platform.url).get('/account');
    assert.ok(anonymous.url.includes('/signin?next=%2Faccount'));
  });

  test('member area: profile, delivery mode, my data, directory, leave, sign out everywhere', async () => {
    const lee = new WebClient(platform.url);
    await signIn(lee, 'lee@contractor-example.com');
    const profile = await lee.submit('/account', '/account/profile', {
      name: 'Lee Contractor',
      jobTitle: 'Analyst',
      agency: 'Acme',
      expertise: 'Accessibility, analytics, accessibility',
      bio: 'Hi',
      bioPublic: 'yes',
    });
    assert.ok(profile.text.includes('Your profile is saved.'));
    assert.ok(profile.text.includes('value="accessibility, analytics"'));
    const delivery = await lee.submit('/account', '/account/memberships/social-media', { deliveryMode: 'daily' });
    assert.ok(delivery.text.includes('Your delivery choice is saved.'));
    assert.ok(/<option value="daily" selected/.test(delivery.text));
    const bad = await lee.submit('/account', '/account/memberships/social-media', { deliveryMode: 'hourly' });
    assert.equal(bad.status, 400);

    const data = await lee.get('/account/data.json');
    assert.match(data.headers.get('content-disposition')!, /attachment/);
    const json = JSON.parse(data.text);
    assert.equal(json.member.email, 'lee@contractor-example.com');
    assert.equal(json.memberships[0].deliveryMode, 'daily');
    assert.ok(json.joinRequests.length >= 1);

    // Directory: members see names, not addresses; coordinators see addresses and export CSV.
    const dir = await lee.get('/communities/social-media/members?q=analytics');
    assert.equal(dir.status, 200);
    assert.ok(dir.text.includes('Lee Contractor'));
    assert.ok(!dir.text.includes('lee@contractor-example.com'));
    assert.ok(!dir.text.includes('Pat Doe'), 'search filters');
    assert.equal((await new WebClient(platform.url).get('/communities/social-media/members')).url.includes('/signin'), true);
    const pat = new WebClient(platform.url);
    await signIn(pat, 'pat.doe@gsa.gov');
    const csv = await pat.get('/communities/social-media/members.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.text, /^email,name,job_title,agency,expertise,role,joined_at\n/);
    assert.ok(csv.text.includes('lee@contractor-example.com,Lee Contractor,Analyst,Acme,accessibility; analytics,member'));
    assert.equal((await lee.get('/communities/social-media/members.csv')).status, 403);

    // Leave: the count goes down.
    const countBefore = await memberCount();
    const left = await lee.submit('/account', '/account/memberships/social-media/leave', {});
    assert.ok(left.text.includes('You have left the community.'));
    assert.equal(await memberCount(), countBefore - 1);
    assert.equal((await lee.get('/communities/social-media/members')).status, 403);

    // Sign out everywhere ends every session of that member.
    const second = new WebClient(platform.url);
    await signIn(second, 'pat.doe@gsa.gov');
    const out = await pat.submit('/account', '/signout/everywhere', {});
    assert.equal(out.status, 200);
    assert.ok((await second.get('/account')).url.includes('/signin'));
  });

  test('coordinators edit the page (preview, validation, audit) and import members from the web', async () => {
    const pat = new WebClient(platform.url);
    await signIn(pat, 'pat.doe@gsa.gov');
    const hub = await pat.get('/communities/social-media/admin');
    assert.equal(hub.status, 200);
    assert.ok(hub.text.includes('Edit the community page'), 'hub');
    assert.equal((await new WebClient(platform.url).get('/communities/social-media/admin/page')).url.includes('/signin'), true);

    const edit = await pat.get('/communities/social-media/admin/page');
    assert.equal(edit.status, 200);
    const form: Record<string, string> = { _csrf: hidden(edit.text, '_csrf'), channelRows: hidden(edit.text, 'channelRows') };
    for (const m of edit.text.matchAll(/<input class="usa-input[^"]*" id="([^"]+)" name="([^"]+)" type="(?:text|email)" value="([^"]*)"/g))
      form[m[2]!] = m[3]!
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'");
    const textarea = (name: string) =>
      new RegExp(`name="${name}"[^>]*>([\\s\\S]*?)</textarea>`)
        .exec(edit.text)![1]!
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'");
    Object.assign(form, {
      summary: textarea('summary'),
      body: textarea('body'),
      guidelines: textarea('guidelines'),
      weight: '1',
      highlight: 'yes',
      ch0_platform: 'listserv',
      ch0_audience: 'government',
      allowExceptions: 'yes',
    });
    const levels = ['federal', 'state', 'local', 'tribal', 'territorial', 'military', 'other'];

    const preview = await pat.request(
      'POST',
      '/communities/social-media/admin/page',
      new URLSearchParams({ ...form, deck: 'A new deck for review', intent: 'preview' }) as unknown as Record<string, string>,
    );
    assert.equal(preview.status, 200);
    assert.ok(preview.text.includes('Preview (not saved yet)'), 'preview heading');
    assert.ok(preview.text.includes('A new deck for review'), 'preview deck');
    assert.ok(!(await pat.get('/communities/social-media')).text.includes('A new deck for review'), 'a preview saves nothing');

    const bad = await pat.request('POST', '/communities/social-media/admin/page', { ...form, ch0_email: 'not an address', intent: 'save' });
    assert.equal(bad.status, 400);
    assert.ok(bad.text.includes('is not an e-mail address'), 'bad address message');

    const body = new URLSearchParams({ ...form, deck: 'Share what works in government social media.', intent: 'save' });
    for (const l of levels.filter((l) => l !== 'local')) body.append('levels', l);
    const res = await fetch(`${platform.url}/communities/social-media/admin/page`, {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { cookie: [...pat.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 303);
    const page = await pat.get('/communities/social-media?saved=1');
    assert.ok(page.text.includes('The page is saved.'), 'saved notice');
    assert.ok(page.text.includes('Share what works in government social media.'), 'new deck');
    assert.ok(page.text.includes('Earlier figure: <span>1,462</span>'), 'the historical figure survives an edit');
    const settings = await platform.db.pool.query(`select eligible_levels, allow_exceptions from communities where slug = 'social-media'`);
    assert.deepEqual(
      settings.rows[0].eligible_levels,
      levels.filter((l) => l !== 'local'),
    );
    const audit = await platform.db.pool.query(
      `select action from audit_log where subject_type = 'community' and actor = 'Pat.Doe@gsa.gov' and action like 'community.%' order by id`,
    );
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['community.edit', 'community.join-settings'],
    );

    // Import from the web: check first, then import.
    const csv = 'email,name,title\nnew.one@navy.mil,New One,Analyst\nvendor@example.com,Vendor Person,Contractor\nnope\n';
    const importPage = await pat.get('/communities/social-media/admin/import');
    const check = await pat.request('POST', '/communities/social-media/admin/import', { _csrf: hidden(importPage.text, '_csrf'), csv, intent: 'check' });
    assert.equal(check.status, 200);
    for (const want of ['What an import would do', 'Eligible: 1', 'Need approval: 1', 'Not usable: 1']) assert.ok(check.text.includes(want), want);
    const before = await memberCount();
    const welcomed = sink.next('new.one@navy.mil');
    const done = await pat.request('POST', '/communities/social-media/admin/import', {
      _csrf: hidden(importPage.text, '_csrf'),
      csv,
      intent: 'import',
      welcome: 'yes',
    });
    assert.ok(
      done.text.includes('1 new members; 1 sent to the requests queue.'),
      done.text.slice(done.text.indexOf('<main'), done.text.indexOf('<main') + 1500),
    );
    assert.equal(await memberCount(), before + 1);
    // The welcome mail was queued with the import and a worker sent it, once.
    assert.match((await welcomed).subject, /Welcome/i);
    const queued = await platform.db.pool.query(`select count(*)::int as n from mail_queue where key like 'welcome:import:%'`);
    assert.equal(queued.rows[0].n, 1);
  });
});
