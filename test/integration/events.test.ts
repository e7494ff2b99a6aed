/**
 * Events end to end, as people use them: a coordinator creates weekly office hours in the web
 * form, skips a week; a member registers from the community page and receives the confirmation
 * at a real SMTP server with an .ics that ical.js expands across the November DST change; the
 * reminder goes once; a capped summit fills, a cancellation promotes the waiting list, an offer
 * expires to the next person; feeds, the API and organizer tools answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { simpleParser } from 'mailparser';
import { DateTime } from 'luxon';
import { startPlatform, type RunningPlatform } from '../../src/platform/app.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { expireOffers, sendDueReminders, sendFollowUps, type EventsDeps } from '../../src/events/registration.ts';
import { icalStarts, unfold } from '../ical.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toJSDate();

async function icsOf(mail: ReceivedMail): Promise<string> {
  const parsed = await simpleParser(mail.raw);
  const ics = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  assert.ok(ics, `no .ics in "${mail.subject}"`);
  return ics.content.toString('utf8');
}

describe('events end to end', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let deps: EventsDeps;
  const coordinator = new WebClient('');
  const member = new WebClient('');

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
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'SocialGov <no-reply@socialgov.test>', ...database.env }));
    Object.assign(coordinator, { base: platform.url });
    Object.assign(member, { base: platform.url });
    const pool = platform.db.pool;
    for (const [email, name, role] of [['casey.lead@gsa.gov', 'Casey Lead', 'coordinator'], ['pat.doe@hhs.gov', 'Pat Doe', 'member']]) {
      const m = await pool.query<{ id: string }>('insert into members (email, name) values ($1, $2) returning id', [email, name]);
      await pool.query(`insert into memberships (community_id, member_id, status, role) select id, $1, 'active', $2 from communities where slug = 'social-media'`, [m.rows[0]!.id, role]);
    }
    deps = { queue: platform.queue, config: testConfig({}), baseUrl: platform.url, secret: await cookieSecret(pool, undefined) };
    await signIn(coordinator, 'casey.lead@gsa.gov');
    await signIn(member, 'pat.doe@hhs.gov');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const officeHours = {
    title: 'SocialGov office hours', slug: '', kind: 'office-hours', status: 'published', summary: 'Bring your social media questions.', deck: '', body: '## Agenda\n\nOpen questions.',
    timeZone: NY, date: '2027-10-20', startTime: '14:00', endTime: '15:00', repeat: 'weekly', until: '', count: '', rrule: '', format: 'online',
    venueName: '', venueRoom: '', venueAddress: '', venueCity: '', venueState: '', venueZip: '', venueMap: '', platform: 'zoom-gov', platformOther: '',
    joinUrl: 'https://gsa.zoomgov.com/j/1234567890', captionsUrl: 'https://www.captionedtext.com/client/event.aspx?EventID=1', registration: 'members',
    externalRegistrationUrl: '', capacity: '', offerHours: '', conductUrl: '', evaluationUrl: 'https://forms.example.gov/eval', host: 'SocialGov', organizer: 'GSA',
    topics: 'social-media', presenters: 'Casey Lead | Community lead | GSA | casey.lead@gsa.gov\nGuest Speaker | Analyst | NARA', questions: '',
  };

  test('the event form explains every mistake next to its field and keeps what was typed', async () => {
    const page = await coordinator.get('/events/new?community=social-media');
    assert.equal(page.status, 200, page.text);
    const communityId = /name="communities" value="(\d+)"/.exec(page.text)![1]!;
    const res = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...officeHours, communities: communityId, title: '', date: '2027-13-40', endTime: '13:00', joinUrl: 'zoom link' });
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter a title\./);
    assert.match(res.text, /Enter the date as year-month-day/);
    assert.match(res.text, /Enter a full web address starting with https:\/\//);
    assert.match(res.text, /value="zoom link"/);
    const unknown = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...officeHours, communities: communityId, presenters: 'Sam | Lead | GSA | nobody@gsa.gov' });
    assert.match(unknown.text, /No member has the address nobody@gsa.gov/);
    const noTime = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...officeHours, communities: communityId, date: '2027-03-14', startTime: '02:30' });
    assert.match(noTime.text, /a time clocks skip is not allowed/, 'the hour skipped by DST is refused');
    // A member who does not coordinate cannot create events.
    assert.equal((await member.get('/events/new')).status, 403);
  });

  test('weekly office hours: create, skip a week, register from the community page, .ics across the DST change, reminder once', async () => {
    const page = await coordinator.get('/events/new?community=social-media');
    const communityId = /name="communities" value="(\d+)"/.exec(page.text)![1]!;
    const created = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...officeHours, communities: communityId });
    assert.equal(created.status, 200, created.text);
    assert.match(created.url, /\/events\/socialgov-office-hours\/manage\?saved=1$/);
    assert.match(created.text, /The event is saved\./);
    const presenters = await platform.db.pool.query(`select p.name, m.email from event_presenters p left join members m on m.id = p.member_id order by p.position`);
    assert.deepEqual(presenters.rows, [{ name: 'Casey Lead', email: 'casey.lead@gsa.gov' }, { name: 'Guest Speaker', email: null }]);

    // Skip the second week (October 27).
    const manage = await coordinator.get('/events/socialgov-office-hours/manage');
    const skipForm = /<form method="post" action="(\/events\/socialgov-office-hours\/sessions\/\d+)"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+"\/?>\s*<input type="hidden" name="action" value="skip"\/?>\s*<button[^>]*>Skip Wednesday, October 27<\/button>/.exec(manage.text);
    assert.ok(skipForm, 'a Skip button for October 27');
    const skipped = await coordinator.request('POST', skipForm[1]!, { _csrf: csrfToken(manage.text), action: 'skip' });
    assert.match(skipped.text, /The session is skipped\./);

    // The member finds it on the community page and registers for every session.
    const community = await member.get('/communities/social-media');
    assert.match(community.text, /Upcoming events/);
    const href = /href="(\/events\/socialgov-office-hours\?session=\d+)"/.exec(community.text)![1]!;
    const eventPage = await member.get(href);
    assert.match(eventPage.text, /Wednesday, October 20, 2027, 2:00 PM – 3:00 PM EDT/);
    assert.match(eventPage.text, /Repeats: Every Wednesday/);
    assert.doesNotMatch(eventPage.text, /zoomgov\.com\/j/, 'the join link is for registrants only');
    assert.match(eventPage.text, /Registering as <strong>Pat Doe<\/strong>/);
    const registered = await member.request('POST', '/events/socialgov-office-hours/register', { _csrf: csrfToken(eventPage.text), session: hidden(eventPage.text, 'session'), everySession: 'yes' });
    assert.equal(registered.status, 200, registered.text);
    assert.match(registered.text, /You are registered for SocialGov office hours \(\d+ sessions\)/);

    const confirmation = await sink.next('pat.doe@hhs.gov');
    assert.equal(confirmation.subject, 'You are registered: SocialGov office hours');
    assert.match(confirmation.text, /Join online: https:\/\/gsa\.zoomgov\.com\/j\/1234567890/);
    const ics = unfold(await icsOf(confirmation));
    assert.match(ics, /METHOD:REQUEST/);
    assert.match(ics, /RRULE:FREQ=WEEKLY;BYDAY=WE/);
    assert.match(ics, /ATTENDEE;CN="Pat Doe"/);
    const uid = /UID:(\S+)/.exec(ics)![1]!;
    const starts = icalStarts(ics, ny('2027-11-18T00:00')).map((d) => d.toISOString());
    assert.deepEqual(starts, [
      '2027-10-20T18:00:00.000Z', // 14:00 EDT
      // October 27 skipped
      '2027-11-03T18:00:00.000Z', // 14:00 EDT
      '2027-11-10T19:00:00.000Z', // 14:00 EST, after clocks go back on November 7
      '2027-11-17T19:00:00.000Z',
    ]);

    // Registered: the page now shows the join link.
    const after = await member.get(href);
    assert.match(after.text, /You are registered for this session\./);
    assert.match(after.text, /gsa\.zoomgov\.com\/j\/1234567890/);

    // The 1-week reminder, then the 1-day one; each once even when the job runs again.
    const weekBefore = ny('2027-10-13T14:30');
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendDueReminders(tx, deps, weekBefore)), 1);
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendDueReminders(tx, deps, weekBefore)), 0);
    const reminder = await sink.next('pat.doe@hhs.gov');
    assert.equal(reminder.subject, 'Reminder: SocialGov office hours starts in 1 week');
    assert.match(reminder.text, /Join online: https:\/\/gsa\.zoomgov\.com/);
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendDueReminders(tx, deps, ny('2027-10-19T15:00'))), 1);
    assert.equal((await sink.next('pat.doe@hhs.gov')).subject, 'Reminder: SocialGov office hours starts in 1 day');

    // Changing the time raises SEQUENCE and mails an updated invitation with the same UID.
    const edit = await coordinator.get('/events/socialgov-office-hours/edit');
    const changed = await coordinator.request('POST', '/events/socialgov-office-hours/edit', { _csrf: csrfToken(edit.text), ...officeHours, repeat: 'custom', rrule: 'FREQ=WEEKLY;BYDAY=WE', startTime: '15:00', endTime: '16:00', communities: communityId });
    assert.equal(changed.status, 200, changed.text);
    const update = await sink.next('pat.doe@hhs.gov');
    assert.equal(update.subject, 'Changed: SocialGov office hours');
    const updated = unfold(await icsOf(update));
    assert.match(updated, new RegExp(`UID:${uid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(updated, /SEQUENCE:[1-9]/);
    assert.match(updated, /DTSTART;TZID=America\/New_York:20271020T150000/);

    // Cancelling one session tells its registrants with a METHOD:CANCEL for that instance of the series.
    const occs = (await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours/occurrences`)).json()) as { data: Array<{ id: number; startsAt: string }> };
    const nov3 = occs.data.find((o) => o.startsAt === '2027-11-03T19:00:00.000Z')!;
    const sessionPage = await coordinator.get(`/events/socialgov-office-hours/sessions/${nov3.id}`);
    const cancelForm = await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov3.id}`, { _csrf: csrfToken(sessionPage.text), action: 'cancel', note: 'The team is at a conference.' });
    assert.match(cancelForm.text, /The session is cancelled; registrants were told\./);
    const cancelMail = await sink.next('pat.doe@hhs.gov');
    assert.match(cancelMail.subject, /^Cancelled: SocialGov office hours, Wednesday, November 3, 2027/);
    assert.match(cancelMail.text, /The team is at a conference\./);
    const cancelIcs = unfold(await icsOf(cancelMail));
    assert.match(cancelIcs, /METHOD:CANCEL/);
    assert.match(cancelIcs, /RECURRENCE-ID;TZID=America\/New_York:20271103T150000/);

    // Moving a session: a bad time is explained; a good one mails an updated invitation with the moved instance.
    const nov10 = occs.data.find((o) => o.startsAt === '2027-11-10T20:00:00.000Z')!;
    const movePage = await coordinator.get(`/events/socialgov-office-hours/sessions/${nov10.id}`);
    const badMove = await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov10.id}`, { _csrf: csrfToken(movePage.text), action: 'move', date: '2027-11-11', startTime: '11:00', endTime: '10:00' });
    assert.equal(badMove.status, 400);
    assert.match(badMove.text, /The end time must be after the start time\./);
    await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov10.id}`, { _csrf: csrfToken(movePage.text), action: 'move', date: '2027-11-11', startTime: '10:00', endTime: '11:00' });
    const moved = unfold(await icsOf(await sink.next('pat.doe@hhs.gov')));
    assert.deepEqual(icalStarts(moved, ny('2027-11-20T00:00')).map((d) => d.toISOString()), ['2027-10-20T19:00:00.000Z', '2027-11-11T15:00:00.000Z', '2027-11-17T20:00:00.000Z']);

    // A message from the organizer reaches every registrant of the session.
    const regsPage = await coordinator.get('/events/socialgov-office-hours/registrants');
    const sent = await coordinator.request('POST', '/events/socialgov-office-hours/message', { _csrf: csrfToken(regsPage.text), session: hidden(regsPage.text, 'session'), subject: 'Bring questions', body: 'Send us your questions in advance.' });
    assert.match(sent.text, /Your message is on its way\./);
    assert.equal((await sink.next('pat.doe@hhs.gov')).subject, 'SocialGov office hours: Bring questions');

    // Two days after the first session, the follow-up with the evaluation link; once only.
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendFollowUps(tx, deps, ny('2027-10-22T17:00'))), 1);
    assert.equal(await inTransaction(platform.db.pool, (tx) => sendFollowUps(tx, deps, ny('2027-10-22T18:00'))), 0);
    const followUp = await sink.next('pat.doe@hhs.gov');
    assert.equal(followUp.subject, 'Thank you for registering: SocialGov office hours');
    assert.match(followUp.text, /https:\/\/forms\.example\.gov\/eval/);

    // Feeds: per event, per community, all, and the member's own.
    for (const path of ['/events/socialgov-office-hours/calendar.ics', '/communities/social-media/events.ics', '/events/calendar.ics']) {
      const res = await fetch(platform.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/calendar/);
      const text = await res.text();
      assert.ok(!/[^\r]\n/.test(text), `${path}: CRLF`);
      assert.doesNotMatch(unfold(text), /zoomgov\.com\/j/, `${path}: public feeds leave out the join link`);
      assert.deepEqual(icalStarts(text, ny('2027-11-12T00:00')).map((d) => d.toISOString()), ['2027-10-20T19:00:00.000Z', '2027-11-11T15:00:00.000Z']);
    }
    const mine = await member.get('/events/mine');
    const feed = /(http:\/\/\S+\/events\/my\/[0-9]+-[A-Za-z0-9_-]{43}\/calendar\.ics)/.exec(mine.text)![1]!;
    const my = unfold(await (await fetch(feed)).text());
    assert.match(my, /gsa\.zoomgov\.com\/j\/1234567890/, 'the private feed carries the join link');
    assert.equal((await fetch(feed.replace(/-[A-Za-z0-9_-]{43}/, `-${'x'.repeat(43)}`))).status, 404);

    // The JSON API lists the sessions (without the join link) and the OpenAPI document describes it.
    type Listed = { total: number; links: { self: string; next: string | null; prev: string | null }; data: Array<{ event: { slug: string }; occurrence: { startsAt: string } }> };
    const list = (await (await fetch(`${platform.url}/api/v1/events?community=social-media&limit=3`)).json()) as Listed;
    assert.equal(list.data.length, 3);
    assert.equal(list.data[0]!.event.slug, 'socialgov-office-hours');
    // total counts every matching session, not the page; the links page through them.
    const all = (await (await fetch(`${platform.url}/api/v1/events?community=social-media&limit=500`)).json()) as Listed;
    assert.ok(all.total > 3, `${all.total} sessions`);
    assert.equal(list.total, all.total);
    assert.equal(all.data.length, all.total);
    assert.equal(list.links.prev, null);
    assert.equal(list.links.next, `${platform.url}/api/v1/events?community=social-media&limit=3&offset=3`);
    const second = (await (await fetch(list.links.next!)).json()) as Listed;
    assert.deepEqual(second.data.map((d) => d.occurrence.startsAt), all.data.slice(3, 6).map((d) => d.occurrence.startsAt));
    assert.equal(second.links.prev, `${platform.url}/api/v1/events?community=social-media&limit=3&offset=0`);
    const last = (await (await fetch(`${platform.url}/api/v1/events?community=social-media&limit=3&offset=${all.total - 1}`)).json()) as Listed;
    assert.equal(last.data.length, 1);
    assert.equal(last.links.next, null);
    const one = await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours`)).text();
    assert.doesNotMatch(one, /zoomgov\.com\/j/);
    const occ = (await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours/occurrences`)).json()) as { data: Array<{ status: string }> };
    assert.deepEqual(occ.data.slice(0, 3).map((o) => o.status), ['scheduled', 'skipped', 'cancelled']);
    const badDate = await fetch(`${platform.url}/api/v1/events?from=yesterday`);
    assert.equal(badDate.status, 400);
    assert.match(((await badDate.json()) as { message: string }).message, /querystring\/from must match format "date-time"/);
    const openapi = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/v1/events/{slug}/occurrences']);
    // Every answer matches the schema the OpenAPI document publishes for it.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(openapi, 'openapi');
    for (const [apiPath, url, status] of [
      ['/api/v1/events', '/api/v1/events?community=social-media', '200'], ['/api/v1/events', '/api/v1/events?past=true', '200'],
      ['/api/v1/events', '/api/v1/events?limit=2&offset=1', '200'], ['/api/v1/events', '/api/v1/events?limit=Infinity', '400'],
      ['/api/v1/events/{slug}', '/api/v1/events/socialgov-office-hours', '200'], ['/api/v1/events/{slug}', '/api/v1/events/nope', '404'],
      ['/api/v1/events/{slug}/occurrences', '/api/v1/events/socialgov-office-hours/occurrences', '200'],
    ] as const) {
      const res = await fetch(platform.url + url);
      assert.equal(String(res.status), status, url);
      const validate = ajv.getSchema(`openapi#/paths/${apiPath.replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`);
      assert.ok(validate, `no schema for ${apiPath} ${status}`);
      const body = await res.json();
      assert.ok(validate(body), `${url}: ${ajv.errorsText(validate.errors)}`);
    }

    // Cancelling every session from the link: one message that removes the whole series.
    const myReg = await member.get(linkIn(confirmation, `${platform.url}/events/registrations/`));
    assert.match(myReg.text, /All \d+ upcoming sessions/);
    const before = sink.messages.filter((m) => m.to.includes('pat.doe@hhs.gov')).length;
    const gone = await member.request('POST', /action="(\/events\/registrations\/\d+\/cancel)"/.exec(myReg.text)![1]!, { _csrf: csrfToken(myReg.text), t: hidden(myReg.text, 't'), scope: 'all' });
    assert.match(gone.text, /All your upcoming sessions are cancelled\./);
    const myData = JSON.parse((await member.get('/account/data.json')).text) as { eventRegistrations: Array<{ event: string; status: string }> };
    assert.ok(myData.eventRegistrations.length > 1 && myData.eventRegistrations.every((r) => r.event === 'socialgov-office-hours' && r.status === 'cancelled'), '"download my data" holds the registrations');
    const seriesCancel = unfold(await icsOf(await sink.next('pat.doe@hhs.gov')));
    assert.match(seriesCancel, /METHOD:CANCEL/);
    assert.match(seriesCancel, new RegExp(`UID:${uid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\r\n`));
    assert.match(seriesCancel, /RRULE:FREQ=WEEKLY;BYDAY=WE/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sink.messages.filter((m) => m.to.includes('pat.doe@hhs.gov')).length, before + 1, 'one message, not one per session');
  });

  test('a capped summit: the waiting list moves up when someone cancels, and an unconfirmed offer passes on', async () => {
    const page = await coordinator.get('/events/new');
    const communityId = /name="communities" value="(\d+)"/.exec(page.text)![1]!;
    const summit = {
      ...officeHours, title: 'SocialGov Summit 2027', kind: 'summit', repeat: 'none', date: '2027-11-04', startTime: '09:00', endTime: '16:30',
      format: 'in-person', venueName: 'U.S. General Services Administration', venueRoom: '1461', venueAddress: '1800 F Street NW', venueCity: 'Washington', venueState: 'DC', venueZip: '20405',
      platform: '', joinUrl: '', registration: 'public', capacity: '1', offerHours: '24', conductUrl: 'https://www.example.gov/conduct', questions: '* What do you hope to learn?', communities: communityId,
    };
    const res = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...summit });
    assert.equal(res.status, 200, res.text);
    const guest = new WebClient(platform.url);
    const register = async (name: string, email: string, extra: Record<string, string> = {}) => {
      const p = await guest.get('/events/socialgov-summit-2027');
      return guest.request('POST', '/events/socialgov-summit-2027/register', { _csrf: csrfToken(p.text), session: hidden(p.text, 'session'), name, email, agency: 'EPA', conductAck: 'yes', q_q1: 'Metrics', ...extra });
    };
    const bad = await register('', 'not-an-address', { conductAck: '', q_q1: '' });
    assert.equal(bad.status, 400);
    for (const m of ['Enter your name.', 'Enter an email address like name@agency.gov.', 'Confirm that you have read the code of conduct to register.', 'Answer “What do you hope to learn?”.']) assert.ok(bad.text.includes(m), m);
    assert.match(bad.text, /value="not-an-address"/);

    assert.match((await register('Ana Alvarez', 'ana@epa.gov', { needsAsl: 'yes' })).text, /You are registered/);
    const anaMail = await sink.next('ana@epa.gov');
    assert.match(anaMail.subject, /You are registered/);
    const single = await icsOf(anaMail);
    assert.match(single, /DTSTART;TZID=America\/New_York:20271104T090000/);
    assert.doesNotMatch(single, /RRULE:FREQ=WEEKLY/);
    assert.match((await sink.next('casey.lead@gsa.gov')).subject, /Accommodation request/);
    assert.match((await register('Ben Brown', 'ben@epa.gov')).text, /You are on the waiting list/);
    assert.match((await sink.next('ben@epa.gov')).text, /You are number 1 on the waiting list/);
    assert.match((await register('Cy Chen', 'cy@epa.gov')).text, /waiting list/);
    assert.match((await sink.next('cy@epa.gov')).text, /number 2/);

    // Ana cancels from her link: she gets a METHOD:CANCEL; Ben is offered the seat.
    const manage = await guest.get(linkIn(anaMail, `${platform.url}/events/registrations/`));
    assert.match(manage.text, /You are registered\./);
    const cancelled = await guest.request('POST', /action="(\/events\/registrations\/\d+\/cancel)"/.exec(manage.text)![1]!, { _csrf: csrfToken(manage.text), t: hidden(manage.text, 't') });
    assert.match(cancelled.text, /Your registration is cancelled\./);
    assert.match(await icsOf(await sink.next('ana@epa.gov')), /METHOD:CANCEL/);
    const offer = await sink.next('ben@epa.gov');
    assert.match(offer.subject, /A seat is free: confirm by/);

    // Ben does not confirm in time: the seat passes to Cy, who confirms.
    const later = DateTime.now().plus({ hours: 25 }).toJSDate();
    assert.equal(await inTransaction(platform.db.pool, (tx) => expireOffers(tx, deps, later)), 1);
    assert.match((await sink.next('ben@epa.gov')).subject, /has gone to the next person/);
    const cyOffer = await sink.next('cy@epa.gov');
    const cyPage = await guest.get(linkIn(cyOffer, `${platform.url}/events/registrations/`));
    assert.match(cyPage.text, /A seat is held for you/);
    const confirmed = await guest.request('POST', /action="(\/events\/registrations\/\d+\/confirm)"/.exec(cyPage.text)![1]!, { _csrf: csrfToken(cyPage.text), t: hidden(cyPage.text, 't') });
    assert.match(confirmed.text, /Your seat is confirmed\./);
    assert.match(await icsOf(await sink.next('cy@epa.gov')), /METHOD:REQUEST/);

    // The organizer's list, check-in and CSV.
    const regs = await coordinator.get('/events/socialgov-summit-2027/registrants');
    assert.match(regs.text, /Cy Chen/);
    const sessionId = /registrants\.csv\?session=(\d+)/.exec(regs.text)![1]!;
    const regId = /action="\/events\/socialgov-summit-2027\/registrants\/(\d+)\/attendance"/.exec(regs.text)![1]!;
    const checkIn = await coordinator.request('POST', `/events/socialgov-summit-2027/registrants/${regId}/attendance`, { _csrf: csrfToken(regs.text), attended: 'yes' });
    assert.match(checkIn.text, /Attendance is saved\./);
    const csv = await coordinator.get(`/events/socialgov-summit-2027/registrants.csv?session=${sessionId}`);
    assert.match(csv.text, /^name,email,agency,status/);
    assert.match(csv.text, /Cy Chen,cy@epa.gov,EPA,registered,[^,]+,no,no,,no,yes,yes,Metrics/);
    // Members and strangers cannot see the list; a tampered link does nothing.
    assert.equal((await member.get('/events/socialgov-summit-2027/registrants')).status, 403);
    assert.equal((await guest.get(`/events/registrations/${regId}?t=${'a'.repeat(43)}`)).status, 404);
    // Cancelling the whole event tells everyone registered, with a METHOD:CANCEL.
    const edit = await coordinator.get('/events/socialgov-summit-2027/edit');
    const cancelledEvent = await coordinator.request('POST', '/events/socialgov-summit-2027/edit', { _csrf: csrfToken(edit.text), ...summit, slug: 'socialgov-summit-2027', status: 'cancelled' });
    assert.equal(cancelledEvent.status, 200, cancelledEvent.text);
    const cyCancel = await sink.next('cy@epa.gov');
    assert.match(cyCancel.subject, /^Cancelled: SocialGov Summit 2027/);
    assert.match(cyCancel.text, /SocialGov Summit 2027 is cancelled\./);
    assert.match(await icsOf(cyCancel), /METHOD:CANCEL[\s\S]*STATUS:CANCELLED/);
    assert.match((await guest.get('/events/socialgov-summit-2027')).text, /This event is cancelled\./);
    await coordinator.request('POST', '/events/socialgov-summit-2027/edit', { _csrf: csrfToken(edit.text), ...summit, slug: 'socialgov-summit-2027', status: 'published' });
    assert.match((await sink.next('cy@epa.gov')).text, /changed the status \(the event is back on\) of SocialGov Summit 2027/);
    const audit = await platform.db.pool.query(`select action from audit_log where action like 'event.%' order by id`);
    for (const a of ['event.create.web', 'event.register', 'event.registration.cancel', 'event.waitlist.offer', 'event.waitlist.expire', 'event.waitlist.confirm', 'event.registration.attendance']) {
      assert.ok(audit.rows.some((r) => r.action === a), a);
    }
  });

  test('pages: list, month view, past events, draft hidden from the public', async () => {
    const anon = new WebClient(platform.url);
    const list = await anon.get('/events?kind=summit');
    assert.match(list.text, /SocialGov Summit 2027/);
    assert.doesNotMatch(list.text, /href="\/events\/socialgov-office-hours/);
    const month = await anon.get('/events/calendar/2027/11');
    assert.match(month.text, /<caption>Events in November 2027, one row per week<\/caption>/);
    assert.match(month.text, /SocialGov Summit 2027/);
    assert.equal((await anon.get('/events/calendar/2027/13')).status, 404);
    assert.equal((await anon.get('/events/past')).status, 200);
    await platform.db.pool.query(`update events set status = 'draft' where slug = 'socialgov-summit-2027'`);
    assert.equal((await anon.get('/events/socialgov-summit-2027')).status, 404);
    assert.equal((await coordinator.get('/events/socialgov-summit-2027')).status, 200);
    await platform.db.pool.query(`update events set status = 'published' where slug = 'socialgov-summit-2027'`);
    const ical = new ICAL.Component(ICAL.parse(await (await fetch(`${platform.url}/events/calendar.ics`)).text()));
    assert.equal(ical.getAllSubcomponents('vevent').length >= 2, true);
  });
});
