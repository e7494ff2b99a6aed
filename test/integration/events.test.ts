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
import { DateTime } from '../../src/platform/luxon.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { createEvent } from '../../src/events/store.ts';
import { forgetOldGuestRequests } from '../../src/events/guest-registration.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { expireOffers, type EventsDeps } from '../../src/events/registration.ts';
import { sendDueReminders, sendFollowUps } from '../../src/events/registration-mail.ts';
import { icalStarts, unfold } from '../ical.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { csrfToken, hidden, WebClient, type WebResponse } from '../web-client.ts';

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
    for (const [email, name, role] of [
      ['casey.lead@gsa.gov', 'Casey Lead', 'coordinator'],
      ['pat.doe@hhs.gov', 'Pat Doe', 'member'],
    ]) {
      const m = await pool.query<{ id: string }>('insert into members (email, name) values ($1, $2) returning id', [email, name]);
      await pool.query(
        `insert into memberships (community_id, member_id, status, role) select id, $1, 'active', $2 from communities where slug = 'social-media'`,
        [m.rows[0]!.id, role],
      );
    }
    deps = { queue: platform.queue, config: testConfig({}), baseUrl: platform.url, secret: await cookieSecret(pool, undefined) };
    await signIn(coordinator, 'casey.lead@gsa.gov');
    await signIn(member, 'pat.doe@hhs.gov');
  });
  /** A guest's registration is only a request until they open the link mailed to them and press the button. */
  async function confirmByMail(client: WebClient, email: string): Promise<WebResponse> {
    const mail = await sink.next(email);
    assert.match(mail.subject, /^Confirm your registration: /);
    const page = await client.get(linkIn(mail, `${platform.url}/events/registrations/confirm?token=`));
    assert.equal(page.status, 200, page.text);
    return client.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token') });
  }

  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const officeHours = {
    title: 'SocialGov office hours',
    slug: '',
    kind: 'office-hours',
    status: 'published',
    summary: 'Bring your social media questions.',
    deck: '',
    body: '## Agenda\n\nOpen questions.',
    timeZone: NY,
    date: '2027-10-20',
    startTime: '14:00',
    endTime: '15:00',
    repeat: 'weekly',
    until: '',
    count: '',
    rrule: '',
    format: 'online',
    venueName: '',
    venueRoom: '',
    venueAddress: '',
    venueCity: '',
    venueState: '',
    venueZip: '',
    venueMap: '',
    platform: 'zoom-gov',
    platformOther: '',
    joinUrl: 'https://gsa.zoomgov.com/j/1234567890',
    captionsUrl: 'https://www.captionedtext.com/client/event.aspx?EventID=1',
    registration: 'members',
    externalRegistrationUrl: '',
    capacity: '',
    offerHours: '',
    conductUrl: '',
    evaluationUrl: 'https://forms.example.gov/eval',
    host: 'SocialGov',
    organizer: 'GSA',
    topics: 'social-media',
    presenters: 'Casey Lead | Community lead | GSA | casey.lead@gsa.gov\nGuest Speaker | Analyst | NARA',
    questions: '',
  };

  test('the event form explains every mistake next to its field and keeps what was typed', async () => {
    const page = await coordinator.get('/events/new?community=social-media');
    assert.equal(page.status, 200, page.text);
    const communityId = /name="communities" value="(\d+)"/.exec(page.text)![1]!;
    const res = await coordinator.request('POST', '/events/new', {
      _csrf: csrfToken(page.text),
      ...officeHours,
      communities: communityId,
      title: '',
      date: '2027-13-40',
      endTime: '13:00',
      joinUrl: 'zoom link',
    });
    assert.equal(res.status, 400);
    assert.match(res.text, /Enter a title\./);
    assert.match(res.text, /Enter the date as year-month-day/);
    assert.match(res.text, /Enter a full web address starting with https:\/\//);
    assert.match(res.text, /value="zoom link"/);
    const unknown = await coordinator.request('POST', '/events/new', {
      _csrf: csrfToken(page.text),
      ...officeHours,
      communities: communityId,
      presenters: 'Sam | Lead | GSA | nobody@gsa.gov',
    });
    assert.match(unknown.text, /No member has the address nobody@gsa.gov/);
    const noTime = await coordinator.request('POST', '/events/new', {
      _csrf: csrfToken(page.text),
      ...officeHours,
      communities: communityId,
      date: '2027-03-14',
      startTime: '02:30',
    });
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
    const presenters = await platform.db.pool.query(
      `select p.name, m.email from event_presenters p left join members m on m.id = p.member_id order by p.position`,
    );
    assert.deepEqual(presenters.rows, [
      { name: 'Casey Lead', email: 'casey.lead@gsa.gov' },
      { name: 'Guest Speaker', email: null },
    ]);

    // Skip the second week (October 27).
    const manage = await coordinator.get('/events/socialgov-office-hours/manage');
    const skipForm =
      /<form method="post" action="(\/events\/socialgov-office-hours\/sessions\/\d+)"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+"\/?>\s*<input type="hidden" name="action" value="skip"\/?>\s*<button[^>]*>Skip Wednesday, October 27<\/button>/.exec(
        manage.text,
      );
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
    // The form is on its own page, so the event page carries no form token and can be kept for visitors.
    const registerHref = /<a class="usa-button" href="(\/events\/socialgov-office-hours\/register\?session=\d+)">Register<\/a>/.exec(eventPage.text)![1]!;
    const registerPage = await member.get(registerHref);
    assert.match(registerPage.text, /Registering as <strong>Pat Doe<\/strong>/);
    const registered = await member.request('POST', '/events/socialgov-office-hours/register', {
      _csrf: csrfToken(registerPage.text),
      session: hidden(registerPage.text, 'session'),
      everySession: 'yes',
    });
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
    const changed = await coordinator.request('POST', '/events/socialgov-office-hours/edit', {
      _csrf: csrfToken(edit.text),
      ...officeHours,
      repeat: 'custom',
      rrule: 'FREQ=WEEKLY;BYDAY=WE',
      startTime: '15:00',
      endTime: '16:00',
      communities: communityId,
    });
    assert.equal(changed.status, 200, changed.text);
    const update = await sink.next('pat.doe@hhs.gov');
    assert.equal(update.subject, 'Changed: SocialGov office hours');
    const updated = unfold(await icsOf(update));
    assert.match(updated, new RegExp(`UID:${uid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(updated, /SEQUENCE:[1-9]/);
    assert.match(updated, /DTSTART;TZID=America\/New_York:20271020T150000/);

    // Cancelling one session tells its registrants with a METHOD:CANCEL for that instance of the series.
    const occs = (await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours/occurrences`)).json()) as {
      data: Array<{ id: number; startsAt: string }>;
    };
    const nov3 = occs.data.find((o) => o.startsAt === '2027-11-03T19:00:00.000Z')!;
    const sessionPage = await coordinator.get(`/events/socialgov-office-hours/sessions/${nov3.id}`);
    const cancelForm = await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov3.id}`, {
      _csrf: csrfToken(sessionPage.text),
      action: 'cancel',
      note: 'The team is at a conference.',
    });
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
    const badMove = await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov10.id}`, {
      _csrf: csrfToken(movePage.text),
      action: 'move',
      date: '2027-11-11',
      startTime: '11:00',
      endTime: '10:00',
    });
    assert.equal(badMove.status, 400);
    assert.match(badMove.text, /The end time must be after the start time\./);
    await coordinator.request('POST', `/events/socialgov-office-hours/sessions/${nov10.id}`, {
      _csrf: csrfToken(movePage.text),
      action: 'move',
      date: '2027-11-11',
      startTime: '10:00',
      endTime: '11:00',
    });
    const moved = unfold(await icsOf(await sink.next('pat.doe@hhs.gov')));
    assert.deepEqual(
      icalStarts(moved, ny('2027-11-20T00:00')).map((d) => d.toISOString()),
      ['2027-10-20T19:00:00.000Z', '2027-11-11T15:00:00.000Z', '2027-11-17T20:00:00.000Z'],
    );

    // A message from the organizer reaches every registrant of the session.
    const regsPage = await coordinator.get('/events/socialgov-office-hours/registrants');
    const sent = await coordinator.request('POST', '/events/socialgov-office-hours/message', {
      _csrf: csrfToken(regsPage.text),
      session: hidden(regsPage.text, 'session'),
      subject: 'Bring questions',
      body: 'Send us your questions in advance.',
    });
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
      assert.deepEqual(
        icalStarts(text, ny('2027-11-12T00:00')).map((d) => d.toISOString()),
        ['2027-10-20T19:00:00.000Z', '2027-11-11T15:00:00.000Z'],
      );
    }
    const mine = await member.get('/events/mine');
    const feed = /(http:\/\/\S+\/events\/my\/[0-9]+-[A-Za-z0-9_-]{43}\/calendar\.ics)/.exec(mine.text)![1]!;
    const my = unfold(await (await fetch(feed)).text());
    assert.match(my, /gsa\.zoomgov\.com\/j\/1234567890/, 'the private feed carries the join link');
    assert.equal((await fetch(feed.replace(/-[A-Za-z0-9_-]{43}/, `-${'x'.repeat(43)}`))).status, 404);

    // The JSON API lists the sessions (without the join link) and the OpenAPI document describes it.
    type Listed = {
      total: number;
      links: { self: string; next: string | null; prev: string | null };
      data: Array<{ event: { slug: string }; occurrence: { startsAt: string } }>;
    };
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
    assert.deepEqual(
      second.data.map((d) => d.occurrence.startsAt),
      all.data.slice(3, 6).map((d) => d.occurrence.startsAt),
    );
    assert.equal(second.links.prev, `${platform.url}/api/v1/events?community=social-media&limit=3&offset=0`);
    const last = (await (await fetch(`${platform.url}/api/v1/events?community=social-media&limit=3&offset=${all.total - 1}`)).json()) as Listed;
    assert.equal(last.data.length, 1);
    assert.equal(last.links.next, null);
    const one = await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours`)).text();
    assert.doesNotMatch(one, /zoomgov\.com\/j/);
    const occ = (await (await fetch(`${platform.url}/api/v1/events/socialgov-office-hours/occurrences`)).json()) as { data: Array<{ status: string }> };
    assert.deepEqual(
      occ.data.slice(0, 3).map((o) => o.status),
      ['scheduled', 'skipped', 'cancelled'],
    );
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
      ['/api/v1/events', '/api/v1/events?community=social-media', '200'],
      ['/api/v1/events', '/api/v1/events?past=true', '200'],
      ['/api/v1/events', '/api/v1/events?limit=2&offset=1', '200'],
      ['/api/v1/events', '/api/v1/events?limit=Infinity', '400'],
      ['/api/v1/events/{slug}', '/api/v1/events/socialgov-office-hours', '200'],
      ['/api/v1/events/{slug}', '/api/v1/events/nope', '404'],
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
    const gone = await member.request('POST', /action="(\/events\/registrations\/\d+\/cancel)"/.exec(myReg.text)![1]!, {
      _csrf: csrfToken(myReg.text),
      t: hidden(myReg.text, 't'),
      scope: 'all',
    });
    assert.match(gone.text, /All your upcoming sessions are cancelled\./);
    const myData = JSON.parse((await member.get('/account/data.json')).text) as { eventRegistrations: Array<{ event: string; status: string }> };
    assert.ok(
      myData.eventRegistrations.length > 1 && myData.eventRegistrations.every((r) => r.event === 'socialgov-office-hours' && r.status === 'cancelled'),
      '"download my data" holds the registrations',
    );
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
      ...officeHours,
      title: 'SocialGov Summit 2027',
      kind: 'summit',
      repeat: 'none',
      date: '2027-11-04',
      startTime: '09:00',
      endTime: '16:30',
      format: 'in-person',
      venueName: 'U.S. General Services Administration',
      venueRoom: '1461',
      venueAddress: '1800 F Street NW',
      venueCity: 'Washington',
      venueState: 'DC',
      venueZip: '20405',
      platform: '',
      joinUrl: '',
      registration: 'public',
      capacity: '1',
      offerHours: '24',
      conductUrl: 'https://www.example.gov/conduct',
      questions: '* What do you hope to learn?',
      communities: communityId,
    };
    const res = await coordinator.request('POST', '/events/new', { _csrf: csrfToken(page.text), ...summit });
    assert.equal(res.status, 200, res.text);
    const guest = new WebClient(platform.url);
    const register = async (name: string, email: string, extra: Record<string, string> = {}) => {
      const p = await guest.get('/events/socialgov-summit-2027/register');
      return guest.request('POST', '/events/socialgov-summit-2027/register', {
        _csrf: csrfToken(p.text),
        session: hidden(p.text, 'session'),
        name,
        email,
        agency: 'EPA',
        conductAck: 'yes',
        q_q1: 'Metrics',
        ...extra,
      });
    };
    const bad = await register('', 'not-an-address', { conductAck: '', q_q1: '' });
    assert.equal(bad.status, 400);
    for (const m of [
      'Enter your name.',
      'Enter an email address like name@agency.gov.',
      'Confirm that you have read the code of conduct to register.',
      'Answer “What do you hope to learn?”.',
    ])
      assert.ok(bad.text.includes(m), m);
    assert.match(bad.text, /value="not-an-address"/);
    for (const name of ['Eve\r\nEvil', 'Eve\u001b[2J', 'Eve \u202eliveE']) {
      const refused = await register(name, 'eve@epa.gov');
      assert.equal(refused.status, 400, JSON.stringify(name));
      assert.match(
        refused.text,
        /Your name can’t contain (line breaks, tabs or other control characters|characters that change the direction of the text)/,
        JSON.stringify(name),
      );
    }

    assert.match((await register('Ana Alvarez', 'ana@epa.gov', { needsAsl: 'yes' })).text, /Check your email/);
    assert.match((await confirmByMail(guest, 'ana@epa.gov')).text, /You are registered/);
    const anaMail = await sink.next('ana@epa.gov');
    assert.match(anaMail.subject, /You are registered/);
    const single = await icsOf(anaMail);
    assert.match(single, /DTSTART;TZID=America\/New_York:20271104T090000/);
    assert.doesNotMatch(single, /RRULE:FREQ=WEEKLY/);
    assert.match((await sink.next('casey.lead@gsa.gov')).subject, /Accommodation request/);
    await register('Ben Brown', 'ben@epa.gov');
    assert.match((await confirmByMail(guest, 'ben@epa.gov')).text, /You are on the waiting list/);
    assert.match((await sink.next('ben@epa.gov')).text, /You are number 1 on the waiting list/);
    await register('Cy Chen', 'cy@epa.gov');
    assert.match((await confirmByMail(guest, 'cy@epa.gov')).text, /waiting list/);
    assert.match((await sink.next('cy@epa.gov')).text, /number 2/);

    // Ana cancels from her link: she gets a METHOD:CANCEL; Ben is offered the seat.
    const manage = await guest.get(linkIn(anaMail, `${platform.url}/events/registrations/`));
    assert.match(manage.text, /You are registered\./);
    const cancelled = await guest.request('POST', /action="(\/events\/registrations\/\d+\/cancel)"/.exec(manage.text)![1]!, {
      _csrf: csrfToken(manage.text),
      t: hidden(manage.text, 't'),
    });
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
    const confirmed = await guest.request('POST', /action="(\/events\/registrations\/\d+\/confirm)"/.exec(cyPage.text)![1]!, {
      _csrf: csrfToken(cyPage.text),
      t: hidden(cyPage.text, 't'),
    });
    assert.match(confirmed.text, /Your seat is confirmed\./);
    assert.match(await icsOf(await sink.next('cy@epa.gov')), /METHOD:REQUEST/);

    // The organizer's list, check-in and CSV.
    const regs = await coordinator.get('/events/socialgov-summit-2027/registrants');
    assert.match(regs.text, /Cy Chen/);
    const sessionId = /registrants\.csv\?session=(\d+)/.exec(regs.text)![1]!;
    const regId = /action="\/events\/socialgov-summit-2027\/registrants\/(\d+)\/attendance"/.exec(regs.text)![1]!;
    const checkIn = await coordinator.request('POST', `/events/socialgov-summit-2027/registrants/${regId}/attendance`, {
      _csrf: csrfToken(regs.text),
      attended: 'yes',
    });
    assert.match(checkIn.text, /Attendance is saved\./);
    const csv = await coordinator.get(`/events/socialgov-summit-2027/registrants.csv?session=${sessionId}`);
    assert.match(csv.text, /^name,email,agency,status/);
    assert.match(csv.text, /Cy Chen,cy@epa.gov,EPA,registered,[^,]+,no,no,,no,yes,yes,Metrics/);
    // Members and strangers cannot see the list; a tampered link does nothing.
    assert.equal((await member.get('/events/socialgov-summit-2027/registrants')).status, 403);
    assert.equal((await guest.get(`/events/registrations/${regId}?t=${'a'.repeat(43)}`)).status, 404);
    // Cancelling the whole event tells everyone registered, with a METHOD:CANCEL.
    const edit = await coordinator.get('/events/socialgov-summit-2027/edit');
    const cancelledEvent = await coordinator.request('POST', '/events/socialgov-summit-2027/edit', {
      _csrf: csrfToken(edit.text),
      ...summit,
      slug: 'socialgov-summit-2027',
      status: 'cancelled',
    });
    assert.equal(cancelledEvent.status, 200, cancelledEvent.text);
    const cyCancel = await sink.next('cy@epa.gov');
    assert.match(cyCancel.subject, /^Cancelled: SocialGov Summit 2027/);
    assert.match(cyCancel.text, /SocialGov Summit 2027 is cancelled\./);
    assert.match(await icsOf(cyCancel), /METHOD:CANCEL[\s\S]*STATUS:CANCELLED/);
    assert.match((await guest.get('/events/socialgov-summit-2027')).text, /This event is cancelled\./);
    await coordinator.request('POST', '/events/socialgov-summit-2027/edit', {
      _csrf: csrfToken(edit.text),
      ...summit,
      slug: 'socialgov-summit-2027',
      status: 'published',
    });
    assert.match((await sink.next('cy@epa.gov')).text, /changed the status \(the event is back on\) of SocialGov Summit 2027/);
    const audit = await platform.db.pool.query(`select action from audit_log where action like 'event.%' order by id`);
    for (const a of [
      'event.create.web',
      'event.register',
      'event.registration.cancel',
      'event.waitlist.offer',
      'event.waitlist.expire',
      'event.waitlist.confirm',
      'event.registration.attendance',
    ]) {
      assert.ok(
        audit.rows.some((r) => r.action === a),
        a,
      );
    }
  });

  // Issue 17: one visitor typed 15 made-up guests into a 10-seat event, and every address typed
  // in got a calendar invitation. A guest's seat now waits for the address to be confirmed.
  describe('guests of a public event confirm their address first', () => {
    const visitor = new WebClient('');
    const seats = async () =>
      Number(
        (
          await platform.db.pool.query<{ n: string }>(
            `select count(*) as n from event_registrations r join event_occurrences o on o.id = r.occurrence_id join events e on e.id = o.event_id
        where e.slug = 'open-data-webinar' and r.status in ('registered', 'offered')`,
          )
        ).rows[0]!.n,
      );
    const invitationsTo = async (pattern: string) =>
      Number(
        (
          await platform.db.pool.query<{ n: string }>(
            `select count(*) as n from mail_queue where message->>'to' ilike $1 and message::text like '%text/calendar%'`,
            [pattern],
          )
        ).rows[0]!.n,
      );
    const register = async (name: string, email: string, extra: Record<string, string> = {}) => {
      const p = await visitor.get('/events/open-data-webinar/register');
      return visitor.request('POST', '/events/open-data-webinar/register', {
        _csrf: csrfToken(p.text),
        session: hidden(p.text, 'session'),
        name,
        email,
        agency: 'Example',
        ...extra,
      });
    };
    /** Each test starts with no registrations counted against anyone's rate limit. */
    const freshLimits = () => platform.db.pool.query(`delete from rate_events where key like 'event-register:%'`);

    before(async () => {
      Object.assign(visitor, { base: platform.url });
      const pool = platform.db.pool;
      const community = await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`);
      await inTransaction(pool, (tx) =>
        createEvent(
          tx,
          SYSTEM,
          {
            slug: 'open-data-webinar',
            kind: 'webinar',
            status: 'published',
            title: 'Open data webinar',
            body: 'Finding and using federal open data.',
            timeZone: NY,
            startsAt: ny('2027-12-01T14:00'),
            endsAt: ny('2027-12-01T15:00'),
            topics: [],
            format: 'online',
            venue: {},
            platform: 'zoom-gov',
            joinUrl: 'https://gsa.zoomgov.com/j/5550001111',
            registration: 'public',
            capacity: 10,
            recorded: false,
            questions: [],
            communityIds: [Number(community.rows[0]!.id)],
            presenters: [],
            extra: {},
          },
          { source: 'cli' },
        ),
      );
    });

    test('15 guests typed in from one IP address cannot take the 10 seats', async () => {
      await freshLimits();
      const answers: WebResponse[] = [];
      for (let i = 1; i <= 15; i++) answers.push(await register(`Guest ${i}`, `guest${i}@example.com`));
      assert.deepEqual(
        answers.map((a) => a.status),
        [...Array<number>(10).fill(200), ...Array<number>(5).fill(429)],
      );
      assert.match(answers[0]!.text, /Check your email/);
      assert.equal(await seats(), 0, 'no seat is taken before an address is confirmed');
      assert.equal(await invitationsTo('guest%@example.com'), 0, 'no calendar invitation to an address nobody confirmed');
      assert.match((await visitor.get('/events/open-data-webinar')).text, /10 of 10 seats left/);
    });

    test('an unconfirmed guest holds no seat and gets only a mail asking to confirm, without an invitation', async () => {
      await freshLimits();
      const before = await seats();
      const res = await register('Buy cheap watches at spam.example', 'dana@example.org');
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /We sent a message with a link to dana@example\.org/);
      assert.match(res.text, /no seat is saved for you/);
      const ask = await sink.next('dana@example.org');
      assert.equal(ask.subject, 'Confirm your registration: Open data webinar');
      assert.doesNotMatch(ask.raw, /text\/calendar/i, 'no .ics');
      assert.doesNotMatch(ask.text, /zoomgov/, 'no join link before the address is confirmed');
      assert.doesNotMatch(ask.text, /spam\.example/, 'what a stranger typed as a name is not mailed to an address nobody confirmed');
      assert.match(ask.text, /If you did not ask for this, ignore this message/);
      assert.equal(await seats(), before);
      assert.equal(await invitationsTo('dana@example.org'), 0);
    });

    test('confirming the address gives the seat and the invitation; the link works once', async () => {
      await freshLimits();
      await register('Eli Evans', 'eli@example.org');
      const ask = await sink.next('eli@example.org');
      const before = await seats();
      const page = await visitor.get(linkIn(ask, `${platform.url}/events/registrations/confirm?token=`));
      assert.equal(page.status, 200);
      assert.match(page.text, /<h1>Confirm your registration<\/h1>/);
      assert.match(page.text, /Open data webinar/);
      assert.equal(await seats(), before, 'opening the link (as mail scanners do) confirms nothing: the button does');
      const done = await visitor.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token') });
      assert.equal(done.status, 200, done.text);
      assert.match(done.text, /You are registered/);
      assert.equal(await seats(), before + 1);
      const invite = await sink.next('eli@example.org');
      assert.equal(invite.subject, 'You are registered: Open data webinar');
      assert.match(await icsOf(invite), /METHOD:REQUEST/);
      assert.match(invite.text, /Join online: https:\/\/gsa\.zoomgov\.com\/j\/5550001111/);
      const again = await visitor.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token') });
      assert.match(again.text, /You already confirmed this registration/);
      assert.equal(await seats(), before + 1, 'a used link takes no second seat');
    });

    test('a second registration from the same address mails a new link and never takes a second seat', async () => {
      await freshLimits();
      await register('Fay Fox', 'fay@example.org');
      const first = await sink.next('fay@example.org');
      const res = await register('Fay Fox', 'FAY@Example.org');
      assert.equal(res.status, 200);
      assert.match(res.text, /Check your email/);
      const second = await sink.next('fay@example.org');
      assert.equal(second.subject, 'Confirm your registration: Open data webinar');
      const pending = await platform.db.pool.query(`select 1 from event_registration_requests where lower(email) = 'fay@example.org' and confirmed_at is null`);
      assert.equal(pending.rows.length, 1, 'one request per address and session');
      const stale = await visitor.get(linkIn(first, `${platform.url}/events/registrations/confirm?token=`));
      assert.equal(stale.status, 404);
      assert.match(stale.text, /use the link in the newest email/);
      const before = await seats();
      const page = await visitor.get(linkIn(second, `${platform.url}/events/registrations/confirm?token=`));
      assert.match(
        (await visitor.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token') })).text,
        /You are registered/,
      );
      assert.equal(await seats(), before + 1);
      await sink.next('fay@example.org'); // the invitation
      // Registering again once registered: the same answer on the page (it does not tell a stranger who is registered), the link by mail.
      const third = await register('Fay Fox', 'fay@example.org');
      assert.match(third.text, /Check your email/);
      const reminder = await sink.next('fay@example.org');
      assert.equal(reminder.subject, 'You are already registered: Open data webinar');
      assert.match(reminder.text, /\/events\/registrations\/\d+\?t=/);
      assert.equal(await seats(), before + 1);
      const rows = await platform.db.pool.query(`select 1 from event_registrations where lower(email) = 'fay@example.org'`);
      assert.equal(rows.rows.length, 1);
    });

    test('rate limits per IP and per address answer 429 with a plain page that keeps what was typed', async () => {
      await freshLimits();
      for (let i = 1; i <= 10; i++) assert.equal((await register(`Visitor ${i}`, `visitor${i}@example.net`)).status, 200);
      const byIp = await register('Gus Green', 'gus@example.net', { needsCaptions: 'yes', accommodationOther: 'A quiet room' });
      assert.equal(byIp.status, 429);
      assert.ok(Number(byIp.headers.get('retry-after')) > 0, 'Retry-After');
      assert.match(byIp.text, /Too many registrations from your network/);
      assert.match(byIp.text, /Try again in \d+ minutes\./);
      assert.match(byIp.text, /value="Gus Green"/);
      assert.match(byIp.text, /value="gus@example\.net"/);
      assert.match(byIp.text, /value="A quiet room"/);
      assert.match(byIp.text, /id="needsCaptions"[^>]*checked/);

      await freshLimits();
      for (let i = 0; i < 3; i++) assert.equal((await register('Hal Hill', 'hal@example.net')).status, 200);
      const byAddress = await register('Hal Hill', 'HAL@example.net');
      assert.equal(byAddress.status, 429);
      assert.ok(Number(byAddress.headers.get('retry-after')) > 0);
      assert.match(byAddress.text, /We have already sent several emails to this address/);
      assert.match(byAddress.text, /value="Hal Hill"/);
      assert.match(byAddress.text, /value="HAL@example\.net"/);
      assert.match(byAddress.text, /href="#email"/, 'the error summary leads to the field');
      for (let i = 0; i < 3; i++) await sink.next('hal@example.net');
    });

    test('an expired link holds nothing; a guest who confirms after the session filled joins the waiting list', async () => {
      await freshLimits();
      const pool = platform.db.pool;
      await register('Ida Ives', 'ida@example.org');
      const idaAsk = await sink.next('ida@example.org');
      await pool.query(`update event_registration_requests set expires_at = now() - interval '1 minute' where email = 'ida@example.org'`);
      const expired = await visitor.get(linkIn(idaAsk, `${platform.url}/events/registrations/confirm?token=`));
      assert.equal(expired.status, 410);
      assert.match(expired.text, /This link has expired/);
      assert.match(expired.text, /href="\/events\/open-data-webinar"/);

      await register('Jo Jones', 'jo@example.org');
      const joAsk = await sink.next('jo@example.org');
      await pool.query(`update events set capacity = $1 where slug = 'open-data-webinar'`, [await seats()]);
      try {
        const page = await visitor.get(linkIn(joAsk, `${platform.url}/events/registrations/confirm?token=`));
        assert.match(page.text, /This session is full now/);
        const done = await visitor.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(page.text), token: hidden(page.text, 'token') });
        assert.match(done.text, /You are on the waiting list/);
        assert.match((await sink.next('jo@example.org')).subject, /You are on the waiting list/);
        assert.equal(await invitationsTo('jo@example.org'), 0);
      } finally {
        await pool.query(`update events set capacity = 10 where slug = 'open-data-webinar'`);
      }
    });

    test('organizers see confirmed guests; requests waiting for confirmation are only counted', async () => {
      const list = await coordinator.get('/events/open-data-webinar/registrants');
      assert.equal(list.status, 200);
      assert.match(list.text, /Eli Evans/);
      assert.doesNotMatch(list.text, /watches|dana@example\.org/, 'a guest who has not confirmed is not listed');
      const waiting = (
        await platform.db.pool.query<{ n: string }>(
          `select count(*) as n from event_registration_requests q join event_occurrences o on o.id = q.occurrence_id join events e on e.id = o.event_id
          where e.slug = 'open-data-webinar' and q.confirmed_at is null and q.expires_at > now()`,
        )
      ).rows[0]!.n;
      assert.ok(Number(waiting) >= 1, `waiting: ${waiting}`);
      assert.ok(
        list.text.includes(`${Number(waiting) === 1 ? '1 guest has' : `${waiting} guests have`} asked to register but not yet confirmed their email address.`),
        /<p>[^<]*asked to register[^<]*<\/p>/.exec(list.text)?.[0] ?? 'no count on the page',
      );
      const session = /registrants\.csv\?session=(\d+)/.exec(list.text)![1]!;
      const csv = await coordinator.get(`/events/open-data-webinar/registrants.csv?session=${session}`);
      assert.match(csv.text, /Eli Evans,eli@example.org/);
      assert.doesNotMatch(csv.text, /dana@example\.org/);
    });

    test('the minute job forgets requests a week after their link expired, and no sooner', async () => {
      const pool = platform.db.pool;
      const stillThere = async (email: string) => (await pool.query('select 1 from event_registration_requests where email = $1', [email])).rows.length === 1;
      const idaExpired = (await pool.query<{ expires_at: Date }>(`select expires_at from event_registration_requests where email = 'ida@example.org'`)).rows[0]!
        .expires_at;
      const week = 7 * 24 * 3600 * 1000;
      assert.equal(await forgetOldGuestRequests(pool, new Date(idaExpired.getTime() + week - 60_000)), 0);
      assert.equal(await forgetOldGuestRequests(pool, new Date(idaExpired.getTime() + week + 60_000)), 1);
      assert.equal(await stillThere('ida@example.org'), false);
      assert.equal(await stillThere('dana@example.org'), true, 'a request whose link still works is kept');
    });

    test('a signed-in member registers at once: their address is already confirmed', async () => {
      const page = await member.get('/events/open-data-webinar/register');
      const res = await member.request('POST', '/events/open-data-webinar/register', { _csrf: csrfToken(page.text), session: hidden(page.text, 'session') });
      assert.match(res.text, /You are registered/);
      assert.equal((await sink.next('pat.doe@hhs.gov')).subject, 'You are registered: Open data webinar');
    });
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
    // The event page has no form (registering and choosing a time zone have pages of their own):
    // it sets no cookie and carries no form token, so it can be kept for signed-out visitors.
    const event = await fetch(`${platform.url}/events/socialgov-summit-2027`);
    assert.equal(event.headers.get('set-cookie'), null);
    const eventHtml = await event.text();
    assert.doesNotMatch(eventHtml, /name="_csrf"/);
    assert.match(eventHtml, /href="\/events\/socialgov-summit-2027\/register"/);
    const zoneHref = /href="(\/events\/time-zone\?[^"]+)"/.exec(eventHtml)![1]!.replace(/&amp;/g, '&');
    const zonePage = await anon.get(zoneHref);
    assert.match(zonePage.text, /<option value="America\/New_York" selected>/, 'the event’s own zone is chosen until the visitor picks one');
    const shown = await anon.request('POST', '/events/time-zone', {
      _csrf: csrfToken(zonePage.text),
      tz: 'America/Los_Angeles',
      back: hidden(zonePage.text, 'back'),
    });
    assert.match(shown.url, /\/events\/socialgov-summit-2027$/);
    assert.match(shown.text, /Your time: Thursday, November 4, 2027, 6:00 AM – 1:30 PM PDT/);
    await platform.db.pool.query(`update events set status = 'draft' where slug = 'socialgov-summit-2027'`);
    assert.equal((await anon.get('/events/socialgov-summit-2027')).status, 404);
    assert.equal((await coordinator.get('/events/socialgov-summit-2027')).status, 200);
    await platform.db.pool.query(`update events set status = 'published' where slug = 'socialgov-summit-2027'`);
    const ical = new ICAL.Component(ICAL.parse(await (await fetch(`${platform.url}/events/calendar.ics`)).text()));
    assert.equal(ical.getAllSubcomponents('vevent').length >= 2, true);
  });
});
