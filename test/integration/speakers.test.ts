/**
 * The speakers bureau end to end over HTTP, as the "Done when" tells it: experts opt in;
 * a visitor finds one in the public directory (no addresses shown) and requests them for a
 * conference through the spam-checked form; the coordinator reviews and proposes the expert; the
 * expert is reminded once, accepts with supervisor and press office approval; the requester is
 * told by mail and follows the request on a signed status page; the coordinator confirms and the
 * engagement becomes an event. A member's private question goes to matching experts only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { findEvent } from '../../src/events/store.ts';
import { sendProposalReminder, speakerRequestCounts, type SpeakersDeps } from '../../src/speakers/store.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

describe('speakers bureau end to end', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let deps: SpeakersDeps;
  const ids: Record<string, number> = {};
  const coordinator = new WebClient('');
  const robin = new WebClient('');
  const sam = new WebClient('');
  const pat = new WebClient('');
  const lee = new WebClient('');
  const visitor = new WebClient('');
  let requestId = 0;
  let statusUrl = '';

  /** Post a form with repeated fields (checkbox groups), as a browser sends it. */
  async function postForm(client: WebClient, path: string, form: URLSearchParams): Promise<Response> {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(`${platform.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }

  async function signIn(client: WebClient, email: string) {
    await client.submit('/signin', '/signin', { email });
    const page = await client.get(linkIn(await sink.next(email), `${platform.url}/signin/confirm?token=`));
    const res = await client.request('POST', '/signin/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token'), next: '' });
    assert.equal(res.status, 200, res.text);
  }

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(
      testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'SocialGov <no-reply@socialgov.test>', SPEAKER_REQUEST_MIN_SECONDS: '1', ...database.env }),
    );
    for (const c of [coordinator, robin, sam, pat, lee, visitor]) Object.assign(c, { base: platform.url });
    const pool = platform.db.pool;
    const people: Array<[string, string, string, string, string]> = [
      ['casey', 'casey.lead@gsa.gov', 'Casey Lead', 'GSA', 'coordinator'],
      ['robin', 'robin.expert@hhs.gov', 'Robin Park', 'Department of Health and Human Services', 'member'],
      ['sam', 'sam.quiet@nasa.gov', 'Sam Quiet', 'NASA', 'member'],
      ['pat', 'pat.doe@ed.gov', 'Pat Doe', 'Department of Education', 'member'],
      ['lee', 'lee.other@dol.gov', 'Lee Other', 'Department of Labor', 'member'],
    ];
    for (const [key, email, name, agency, role] of people) {
      const m = await pool.query<{ id: string }>('insert into members (email, name, agency) values ($1, $2, $3) returning id', [email, name, agency]);
      ids[key] = Number(m.rows[0]!.id);
      await pool.query(
        `insert into memberships (community_id, member_id, status, role) select id, $1, 'active', $2 from communities where slug = 'social-media'`,
        [ids[key], role],
      );
    }
    deps = { queue: platform.queue, baseUrl: platform.url, secret: await cookieSecret(pool, undefined), reminderDays: 5 };
    await signIn(coordinator, 'casey.lead@gsa.gov');
    await signIn(robin, 'robin.expert@hhs.gov');
    await signIn(sam, 'sam.quiet@nasa.gov');
    await signIn(pat, 'pat.doe@ed.gov');
    await signIn(lee, 'lee.other@dol.gov');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  test('experts opt in on their members-only page; mistakes are explained and kept', async () => {
    assert.match((await visitor.get('/account/speaker')).url, /\/signin\?next=/, 'members only: visitors are sent to sign in');
    const bad = await robin.submit('/account/speaker', '/account/speaker', { active: 'yes', topics: '', bio: 'Leads social media at HHS.', public: 'yes' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Enter at least one topic/);
    assert.match(bad.text, /Choose at least one format/);
    assert.match(bad.text, /Leads social media at HHS\./, 'the bio is kept');
    const page = await robin.get('/account/speaker');
    const body = new URLSearchParams({
      _csrf: csrfToken(page.text),
      active: 'yes',
      topics: 'Crisis Communication, accessibility',
      bio: 'Leads social media at HHS and speaks on crisis communication.',
      availability: 'Weekdays; Washington D.C. area or online',
      public: 'yes',
    });
    body.append('formats', 'keynote');
    body.append('formats', 'consultation');
    assert.equal((await postForm(robin, '/account/speaker', body)).status, 303);
    const after = await robin.get('/account/speaker');
    assert.match(after.text, /value="crisis communication, accessibility"/);
    assert.match(after.text, /id="format-keynote" type="checkbox" name="formats" value="keynote" checked/);
    const row = await platform.db.pool.query('select formats, availability, active from speakers where member_id = $1', [ids.robin]);
    assert.deepEqual(row.rows[0], { formats: ['keynote', 'consultation'], availability: 'Weekdays; Washington D.C. area or online', active: true });

    // Sam answers questions but keeps the public profile off.
    const samPage = await sam.get('/account/speaker');
    const samBody = new URLSearchParams({ _csrf: csrfToken(samPage.text), active: 'yes', topics: 'accessibility, section 508', bio: '', availability: '' });
    samBody.append('formats', 'consultation');
    const samRes = await postForm(sam, '/account/speaker', samBody);
    assert.equal(samRes.status, 303);
  });

  test('the public directory lists public profiles only, filters with plain GET forms, and never shows an address', async () => {
    const dir = await visitor.get('/communities/social-media/speakers');
    assert.equal(dir.status, 200);
    assert.match(dir.text, /Robin Park/);
    assert.doesNotMatch(dir.text, /Sam Quiet/, 'public profile off');
    assert.doesNotMatch(dir.text, /@(hhs|nasa|gsa|ed|dol)\.gov/, 'no addresses');
    assert.match((await visitor.get('/communities/social-media/speakers?topic=accessibility')).text, /1 speaker<\/h2>[\s\S]*Robin Park/);
    assert.match((await visitor.get('/communities/social-media/speakers?format=workshop')).text, /0 speakers<\/h2>/);
    assert.match((await visitor.get('/communities/social-media/speakers?agency=NASA')).text, /0 speakers<\/h2>/);
    assert.match((await visitor.get('/communities/social-media/speakers?q=crisis')).text, /Robin Park/);
    const profile = await visitor.get(`/communities/social-media/speakers/${ids.robin}`);
    assert.equal(profile.status, 200);
    assert.match(profile.text, /Weekdays; Washington D\.C\. area or online/);
    assert.doesNotMatch(profile.text, /robin\.expert@hhs\.gov/);
    assert.equal((await visitor.get(`/communities/social-media/speakers/${ids.sam}`)).status, 404);
    const community = await visitor.get('/communities/social-media');
    assert.match(community.text, /href="\/communities\/social-media\/speakers\/request"/);
  });

  const conference = {
    requesterName: 'Jordan Rivera',
    organization: 'State Communicators Association',
    email: 'jordan.rivera@statecomms.example.org',
    eventName: 'Digital Government Summit 2027',
    date: '2027-04-15',
    startTime: '14:00',
    endTime: '15:00',
    timeZone: 'America/Chicago',
    where: 'in-person',
    location: 'Austin Convention Center, Austin, TX',
    audience: 'State and local communicators',
    audienceSize: '1200',
    topic: 'Crisis communication on social media',
    format: 'keynote',
    press: 'yes',
    notes: 'Keynote on day one.',
  };

  test('a visitor requests a speaker: spam checks and validation keep the answers; the request is stored and mailed', async () => {
    const form = await visitor.get(`/communities/social-media/speakers/request?speaker=${ids.robin}`);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`<option value="${ids.robin}" selected>Robin Park`), 'pre-filled from the profile');
    const stamp = hidden(form.text, 'formStamp');
    const fields = { _csrf: csrfToken(form.text), formStamp: stamp, website: '', ...conference, preferredSpeaker: String(ids.robin) };

    const fast = await visitor.request('POST', '/communities/social-media/speakers/request', fields);
    assert.equal(fast.status, 400);
    assert.match(fast.text, /faster than a person can fill in this form/);
    assert.match(fast.text, /value="Digital Government Summit 2027"/, 'input kept');
    await new Promise((r) => setTimeout(r, 1100));

    const bot = await visitor.request('POST', '/communities/social-media/speakers/request', { ...fields, website: 'http://cheap-pills.example' });
    assert.equal(bot.status, 400);
    const forged = await visitor.request('POST', '/communities/social-media/speakers/request', { ...fields, formStamp: '1.abc' });
    assert.equal(forged.status, 400);
    const invalid = await visitor.request('POST', '/communities/social-media/speakers/request', { ...fields, email: 'jordan at example', press: '' });
    assert.equal(invalid.status, 400);
    assert.match(invalid.text, /usa-error-message" id="email-error">Enter an email address like name@example\.org\./);
    assert.match(invalid.text, /Say whether press will attend/);
    assert.match(invalid.text, /value="Austin Convention Center, Austin, TX"/);
    assert.equal((await platform.db.pool.query('select count(*)::int as n from speaker_requests')).rows[0].n, 0, 'nothing stored from refused forms');

    const sent = await visitor.request('POST', '/communities/social-media/speakers/request', fields);
    assert.equal(sent.status, 200, sent.text);
    assert.match(sent.text, /your request is with the coordinators/);
    const stored = await platform.db.pool.query('select id, status, starts_at, preferred_speaker_id, press from speaker_requests');
    assert.equal(stored.rows.length, 1);
    requestId = Number(stored.rows[0].id);
    assert.equal(stored.rows[0].status, 'new');
    assert.equal(stored.rows[0].starts_at.toISOString(), '2027-04-15T19:00:00.000Z');
    assert.equal(Number(stored.rows[0].preferred_speaker_id), ids.robin);

    const ack = await sink.next(conference.email);
    assert.equal(ack.subject, 'We received your speaker request: Digital Government Summit 2027');
    statusUrl = linkIn(ack, `${platform.url}/speaker-requests/${requestId}?token=`);
    assert.match((await sink.next('casey.lead@gsa.gov')).subject, /^New speaker request: Digital Government Summit 2027$/);
  });

  test('the coordinator reviews and proposes the expert; illegal steps are refused; the expert is reminded once', async () => {
    const list = await coordinator.get('/communities/social-media/admin/speaker-requests');
    assert.equal(list.status, 200);
    assert.match(list.text, /Digital Government Summit 2027/);
    assert.equal((await robin.get('/communities/social-media/admin/speaker-requests')).status, 403, 'coordinators only');
    const path = `/communities/social-media/admin/speaker-requests/${requestId}`;
    const page = await coordinator.get(path);
    assert.match(page.text, /jordan\.rivera@statecomms\.example\.org/, 'coordinators see the contact');

    const skip = await coordinator.request('POST', path, { _csrf: csrfToken(page.text), to: 'confirmed' });
    assert.equal(skip.status, 409);
    assert.match(skip.text, /cannot become “Confirmed”/);

    const reviewed = await coordinator.request('POST', path, { _csrf: csrfToken(page.text), to: 'in_review' });
    assert.match(reviewed.text, /The request is in review/);
    assert.match((await sink.next(conference.email)).subject, /being reviewed/);
    const noSpeaker = await coordinator.request('POST', path, { _csrf: csrfToken(page.text), to: 'matched', speakerId: '' });
    assert.equal(noSpeaker.status, 400);
    assert.match(noSpeaker.text, /Choose the speaker to propose/);
    const matched = await coordinator.request('POST', path, {
      _csrf: csrfToken(page.text),
      to: 'matched',
      speakerId: String(ids.robin),
      note: 'You would be great for this.',
    });
    assert.match(matched.text, /The speaker was asked/);
    const proposal = await sink.next('robin.expert@hhs.gov');
    assert.equal(proposal.subject, 'Can you speak at Digital Government Summit 2027?');
    assert.match(proposal.text, /supervisor and your press office/);

    // The reminder waits in the queue for SPEAKER_REMINDER_DAYS (5 by default).
    const job = await platform.db.pool.query(`select start_after, data from pgboss.job where name = 'speakers.proposal-reminder'`);
    assert.equal(job.rows.length, 1);
    const days = (job.rows[0].start_after.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 4.9 && days < 5.1, `reminder in ${days} days`);
    assert.deepEqual(job.rows[0].data, { requestId, proposalNo: 1 });
    // Five days pass: the worker runs the job and the speaker is reminded, once however often it runs.
    await platform.db.pool.query(`update pgboss.job set start_after = now() where name = 'speakers.proposal-reminder'`);
    assert.equal((await sink.next('robin.expert@hhs.gov', 15_000)).subject, 'Reminder: can you speak at Digital Government Summit 2027?');
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendProposalReminder(tx, deps, requestId, 1)), false);
    const sent = await platform.db.pool.query('select reminder_sent_at from speaker_requests where id = $1', [requestId]);
    assert.ok(sent.rows[0].reminder_sent_at);
  });

  test('the expert accepts only with supervisor and press office approval; the requester is told and sees it on the status page', async () => {
    const path = `/account/speaker/requests/${requestId}`;
    assert.equal((await sam.get(path)).status, 404, 'only the proposed speaker');
    const page = await robin.get(path);
    assert.equal(page.status, 200);
    const noApproval = await robin.request('POST', path, { _csrf: csrfToken(page.text), answer: 'accept', approvalNote: 'Cleared by my branch chief.' });
    assert.equal(noApproval.status, 400);
    assert.match(noApproval.text, /Tick the box to confirm your supervisor and press office approved/);
    assert.match(noApproval.text, /value="Cleared by my branch chief\."/);
    const accepted = await robin.request('POST', path, {
      _csrf: csrfToken(page.text),
      answer: 'accept',
      approval: 'yes',
      approvalNote: 'Cleared by my branch chief and HHS press office on 2027-02-01.',
    });
    assert.equal(accepted.status, 200);
    assert.match(accepted.text, /Your speaker profile is saved|Requests for you/);
    const row = await platform.db.pool.query('select status, approval_obtained, approval_note from speaker_requests where id = $1', [requestId]);
    assert.deepEqual(row.rows[0], {
      status: 'accepted',
      approval_obtained: true,
      approval_note: 'Cleared by my branch chief and HHS press office on 2027-02-01.',
    });

    const told = await sink.next(conference.email);
    assert.equal(told.subject, 'A speaker has agreed: Digital Government Summit 2027');
    assert.match(told.text, /Robin Park has agreed to speak at your event/);
    assert.match((await sink.next('casey.lead@gsa.gov')).subject, /^Speaker accepted/);
    // A second answer is refused.
    const again = await robin.request('POST', path, { _csrf: csrfToken(page.text), answer: 'decline' });
    assert.equal(again.status, 409);
    assert.match(again.text, /cannot become “Speaker declined”/);

    const status = await visitor.get(statusUrl);
    assert.equal(status.status, 200);
    assert.match(status.text, /Speaker accepted/);
    assert.doesNotMatch(status.text, /robin\.expert@hhs\.gov/);
    assert.equal((await visitor.get(statusUrl.replace(/token=.{5}/, 'token=AAAAA'))).status, 404, 'a changed token does not work');
    assert.equal((await visitor.get(`/speaker-requests/${requestId}`)).status, 404);
  });

  test('the coordinator confirms; the engagement becomes an event linked from the request; the history says who did what', async () => {
    const path = `/communities/social-media/admin/speaker-requests/${requestId}`;
    const page = await coordinator.get(path);
    assert.doesNotMatch(page.text, /Make this engagement an event/, 'not before it is confirmed');
    const confirmed = await coordinator.request('POST', path, { _csrf: csrfToken(page.text), to: 'confirmed' });
    assert.match(confirmed.text, /The engagement is confirmed/);
    assert.equal((await sink.next(conference.email)).subject, 'Your speaker is confirmed: Digital Government Summit 2027');
    assert.equal((await sink.next('robin.expert@hhs.gov')).subject, 'Confirmed: you are speaking at Digital Government Summit 2027');

    const made = await coordinator.request('POST', `${path}/event`, { _csrf: csrfToken(confirmed.text) });
    assert.equal(made.status, 200);
    assert.match(made.text, /href="\/events\/digital-government-summit-2027\/manage"/);
    const event = await findEvent(platform.db.pool, 'digital-government-summit-2027');
    assert.ok(event);
    assert.equal(event.status, 'draft');
    assert.equal(event.startsAt.toISOString(), '2027-04-15T19:00:00.000Z');
    assert.equal(event.timeZone, 'America/Chicago');
    assert.deepEqual(
      event.presenters.map((p) => [p.memberId, p.name]),
      [[ids.robin, 'Robin Park']],
    );
    assert.deepEqual(
      event.communities.map((c) => c.slug),
      ['social-media'],
    );
    const twice = await coordinator.request('POST', `${path}/event`, { _csrf: csrfToken(made.text) });
    assert.equal(twice.status, 409);

    const history = await platform.db.pool.query(
      'select from_status, to_status, actor_role, actor from speaker_request_history where request_id = $1 order by id',
      [requestId],
    );
    assert.deepEqual(
      history.rows.map((h) => `${h.from_status ?? '-'}>${h.to_status} ${h.actor_role} ${h.actor}`),
      [
        `->new requester ${conference.email}`,
        'new>in_review coordinator casey.lead@gsa.gov',
        'in_review>matched coordinator casey.lead@gsa.gov',
        'matched>accepted speaker robin.expert@hhs.gov',
        'accepted>confirmed coordinator casey.lead@gsa.gov',
      ],
    );
    assert.deepEqual(await speakerRequestCounts(platform.db.pool, {}), [{ status: 'confirmed', n: 1 }]);
    const community = (await platform.db.pool.query(`select id from communities where slug = 'social-media'`)).rows[0].id;
    assert.deepEqual(
      await speakerRequestCounts(platform.db.pool, { communityId: Number(community), from: new Date('2020-01-01'), to: new Date('2021-01-01') }),
      [],
    );
    // Every mail went once: the keys are unique.
    const keys = await platform.db.pool.query(`select count(*)::int as n, count(distinct key)::int as d from mail_queue where key like 'speaker-request:%'`);
    assert.equal(keys.rows[0].n, keys.rows[0].d);
  });

  test('a member asks the experts privately: routed to matching experts, one takes and answers; nobody else can read it', async () => {
    const form = await pat.get('/communities/social-media/consultations/new');
    assert.equal(form.status, 200);
    assert.match((await visitor.get('/communities/social-media/consultations/new')).url, /\/signin\?next=/);
    const empty = await pat.request('POST', '/communities/social-media/consultations/new', {
      _csrf: csrfToken(form.text),
      topic: 'Accessibility',
      question: '',
    });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Write your question\./);
    const asked = await pat.request('POST', '/communities/social-media/consultations/new', {
      _csrf: csrfToken(form.text),
      topic: 'Accessibility',
      question: 'How do we caption live video on our agency accounts?',
    });
    assert.equal(asked.status, 200);
    const id = /\/consultations\/(\d+)\?done=asked/.exec(asked.url)![1]!;
    const routed = await platform.db.pool.query('select member_id from consultation_experts where consultation_id = $1 order by member_id', [id]);
    assert.deepEqual(
      routed.rows.map((r) => Number(r.member_id)),
      [ids.robin!, ids.sam!].sort((a, b) => a - b),
    );
    assert.match((await sink.next('sam.quiet@nasa.gov')).subject, /A member asks the experts: Accessibility/);
    assert.match((await sink.next('robin.expert@hhs.gov')).subject, /A member asks the experts/);

    const anon = await visitor.get(`/consultations/${id}`);
    assert.match(anon.url, /\/signin\?next=/);
    assert.doesNotMatch(anon.text, /caption live video/);
    const other = await lee.get(`/consultations/${id}`);
    assert.equal(other.status, 404);
    assert.doesNotMatch(other.text, /caption live video/);
    assert.equal((await coordinator.get(`/consultations/${id}`)).status, 200, 'coordinators see it');

    const samPage = await sam.get(`/consultations/${id}`);
    const taken = await sam.request('POST', `/consultations/${id}`, { _csrf: csrfToken(samPage.text), to: 'taken' });
    assert.match(taken.text, /You took this question/);
    assert.match((await sink.next('pat.doe@ed.gov')).text, /Sam Quiet is answering your question/);
    const robinPage = await robin.get(`/consultations/${id}`);
    assert.doesNotMatch(robinPage.text, /Send answer|Take this question/, 'no buttons for the other expert');
    // Robin tries anyway, with a form token from another page.
    const grab = await robin.request('POST', `/consultations/${id}`, {
      _csrf: csrfToken((await robin.get('/account/speaker')).text),
      to: 'answered',
      answer: 'Mine!',
    });
    assert.equal(grab.status, 409);
    assert.match(grab.text, /Sam Quiet has taken this question/);
    const noAnswer = await sam.request('POST', `/consultations/${id}`, { _csrf: csrfToken(samPage.text), to: 'answered', answer: '' });
    assert.equal(noAnswer.status, 400);
    const answered = await sam.request('POST', `/consultations/${id}`, {
      _csrf: csrfToken(samPage.text),
      to: 'answered',
      answer: 'Use CART captioning and the platform’s live caption feature.',
    });
    assert.match(answered.text, /Your answer was sent/);
    assert.match((await sink.next('pat.doe@ed.gov')).text, /Use CART captioning/);
    const patPage = await pat.get(`/consultations/${id}`);
    const closed = await pat.request('POST', `/consultations/${id}`, { _csrf: csrfToken(patPage.text), to: 'closed' });
    assert.match(closed.text, /The question is closed/);
    // A topic no expert lists goes to every consultation expert, never back to the one asking.
    const robinAsk = await robin.get('/communities/social-media/consultations/new');
    const fallback = await robin.request('POST', '/communities/social-media/consultations/new', {
      _csrf: csrfToken(robinAsk.text),
      topic: 'Budget formulation',
      question: 'Who has written a social media budget justification?',
    });
    const fallbackId = /\/consultations\/(\d+)\?done=asked/.exec(fallback.url)![1]!;
    const fallbackRouted = await platform.db.pool.query('select member_id from consultation_experts where consultation_id = $1', [fallbackId]);
    assert.deepEqual(
      fallbackRouted.rows.map((r) => Number(r.member_id)),
      [ids.sam],
    );
    const history = await platform.db.pool.query('select to_status, actor_role from consultation_history where consultation_id = $1 order by id', [id]);
    assert.deepEqual(
      history.rows.map((h) => `${h.to_status} ${h.actor_role}`),
      ['open asker', 'taken expert', 'answered expert', 'closed asker'],
    );
    // "Download my data" holds the speaker profile and the questions on both sides.
    const samData = JSON.parse((await sam.get('/account/data.json')).text) as {
      speakerProfile: { formats: string[] } | null;
      expertQuestions: Array<{ question: string; status: string }>;
    };
    assert.ok(samData.speakerProfile?.formats.includes('consultation'));
    assert.ok(samData.expertQuestions.some((q) => /caption live video/.test(q.question) && q.status === 'closed'));
    const patData = JSON.parse((await pat.get('/account/data.json')).text) as { speakerProfile: unknown; expertQuestions: Array<{ answer: string | null }> };
    assert.equal(patData.speakerProfile, null);
    assert.match(patData.expertQuestions[0]!.answer ?? '', /CART captioning/);
  });

  test('the request form is rate-limited per IP address, keeping what was typed', async () => {
    const form = await visitor.get('/communities/social-media/speakers/request');
    const fields = { _csrf: csrfToken(form.text), formStamp: hidden(form.text, 'formStamp'), website: '', ...conference, eventName: 'Another summit' };
    await new Promise((r) => setTimeout(r, 1100));
    // One request was sent from this address already; four more are allowed within the hour.
    for (let i = 0; i < 4; i++) assert.equal((await visitor.request('POST', '/communities/social-media/speakers/request', fields)).status, 200);
    const limited = await visitor.request('POST', '/communities/social-media/speakers/request', fields);
    assert.equal(limited.status, 429);
    assert.match(limited.text, /Too many requests were sent from your network\. Try again in \d+ minutes\./);
    assert.match(limited.text, /value="Another summit"/);
  });
});
