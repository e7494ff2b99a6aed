/**
 * The event pages in Chromium, as people use them: a coordinator creates weekly office hours
 * and skips a week; a member registers from the community page with JavaScript off; guests
 * confirm their address from the mailed link, one taking the summit's seat, the next joining its
 * waiting list. axe finds nothing on every page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { checkPage, newBrowserContext, signInByMail, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { createEvent } from '../../src/events/store.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';

describe('event pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, ...database.env }));
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
    const community = await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`);
    const ny = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' }).toJSDate();
    await inTransaction(pool, (tx) =>
      createEvent(
        tx,
        SYSTEM,
        {
          slug: 'socialgov-summit-2027',
          kind: 'summit',
          status: 'published',
          title: 'SocialGov Summit 2027',
          summary: 'A day of talks and workshops.',
          body: '## Agenda\n\n- 9:00 Welcome',
          timeZone: 'America/New_York',
          startsAt: ny('2027-11-04T09:00'),
          endsAt: ny('2027-11-04T16:30'),
          topics: ['social-media'],
          format: 'in-person',
          venue: { name: 'U.S. General Services Administration', room: '1461', address: '1800 F Street NW', city: 'Washington', state: 'DC', zip: '20405' },
          registration: 'public',
          capacity: 1,
          recorded: true,
          questions: [],
          communityIds: [Number(community.rows[0]!.id)],
          presenters: [{ name: 'Robin Park', title: 'Digital lead', agency: 'HHS' }],
          extra: {},
        },
        { source: 'cli' },
      ),
    );
    await inTransaction(pool, (tx) =>
      createEvent(
        tx,
        SYSTEM,
        {
          slug: 'uswds-monthly-call-march-2024',
          kind: 'meeting',
          status: 'published',
          title: 'USWDS Monthly Call - March 2024',
          body: 'Slides and transcript.',
          timeZone: 'America/New_York',
          startsAt: ny('2024-03-21T14:00'),
          endsAt: ny('2024-03-21T15:00'),
          topics: ['design'],
          format: 'online',
          venue: {},
          platform: 'zoom-gov',
          registration: 'none',
          recorded: false,
          questions: [],
          communityIds: [Number(community.rows[0]!.id)],
          presenters: [],
          extra: {},
          recording: { youtubeId: 'M2_SVDc_eCM', title: 'How to build with U.S. Web Design System tools (2024)', transcript: '**Slide 1:** Welcome everyone.' },
        },
        { source: 'cli' },
      ),
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const check = (page: Page, name: string) => checkPage(page, `events-${name}`);
  /** Check a page at 1280 px and again at 320 px, the narrowest phone (screenshots *-320.png). */
  const checkBothWidths = async (page: Page, name: string) => {
    await check(page, name);
    await page.setViewportSize({ width: 320, height: 800 });
    await check(page, `${name}-320`);
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  /** The link a guest is mailed to confirm their address. */
  const confirmLink = async (email: string) => {
    const mail = await sink.next(email);
    assert.match(mail.subject, /^Confirm your registration: /);
    return linkIn(mail, `${platform.url}/events/registrations/confirm?token=`);
  };
  const newContext = (javaScriptEnabled = true) => newBrowserContext(browser, { javaScriptEnabled });
  const signIn = (page: Page, email: string) => signInByMail(page, platform.url, sink, email);

  test('a coordinator creates weekly office hours and skips a week', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await signIn(page, 'casey.lead@gsa.gov');
    await page.goto(`${platform.url}/events`);
    await check(page, 'index');
    await page.goto(`${platform.url}/communities/social-media`);
    await page.getByRole('region', { name: 'Upcoming events' }).getByRole('link', { name: 'Create an event' }).click();
    assert.ok(await page.getByLabel('Social Media', { exact: true }).isChecked(), 'the community is ticked');
    await check(page, 'new');
    await page.getByRole('button', { name: 'Create the event' }).click();
    await shown(page.getByText('There is a problem'));
    await check(page, 'new-errors');
    await page.getByLabel('Title', { exact: true }).fill('SocialGov office hours');
    await page.getByLabel('Kind', { exact: true }).selectOption('office-hours');
    await page.getByLabel('Status', { exact: true }).selectOption('published');
    await page.locator('#summary').fill('Bring your social media questions.');
    await page.getByLabel('Date of the first session').fill('2027-10-20');
    await page.getByLabel('Start time').fill('14:00');
    await page.getByLabel('End time').fill('15:00');
    await page.getByLabel('Repeats').selectOption('weekly');
    await page.getByLabel('Format', { exact: true }).selectOption('online');
    await page.locator('#platform').selectOption('zoom-gov');
    await page.locator('#joinUrl').fill('https://gsa.zoomgov.com/j/1234567890');
    await page.getByRole('button', { name: 'Create the event' }).click();
    await shown(page.getByText('The event is saved.'));
    await check(page, 'manage');
    await page.getByRole('button', { name: 'Skip Wednesday, October 27' }).click();
    await shown(page.getByText('The session is skipped.'));
    await page.getByRole('link', { name: /Change or record Wednesday, November 3/ }).click();
    await check(page, 'session');
    await page.goto(`${platform.url}/events/calendar/2027/10`);
    await shown(page.getByRole('link', { name: /2:00 PM SocialGov office hours/ }));
    assert.equal(await page.getByRole('link', { name: /SocialGov office hours/ }).count(), 2, 'October 20 only: the 27th is skipped');
    await check(page, 'month');
    await ctx.close();
  });

  test('a member registers from the community page with JavaScript off', async () => {
    const noJs = await newContext(false);
    const tab = await noJs.newPage();
    await signIn(tab, 'pat.doe@hhs.gov');
    await tab.goto(`${platform.url}/communities/social-media`);
    await tab.getByRole('region', { name: 'Upcoming events' }).getByRole('link', { name: 'SocialGov office hours' }).first().click();
    assert.equal(await tab.locator('h1').innerText(), 'SocialGov office hours');
    await tab.getByRole('link', { name: 'Register', exact: true }).click();
    await tab.locator('label[for=everySession-yes]').click();
    await tab.getByRole('button', { name: 'Register' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'You are registered');
    const mail = await sink.next('pat.doe@hhs.gov');
    assert.match(mail.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    await tab.getByRole('link', { name: 'Back to SocialGov office hours' }).click();
    await shown(tab.getByText('You are registered for this session.'));
    await shown(tab.getByRole('link', { name: 'Join on Zoom for Government' }));
    // The time-zone chooser works as a plain form.
    await tab.getByRole('link', { name: 'Show times in another time zone' }).click();
    await tab.getByLabel('Also show times in').selectOption('America/Los_Angeles');
    await tab.getByRole('button', { name: 'Show times' }).click();
    await shown(tab.getByText('Your time: Wednesday, October 20, 2027, 11:00 AM – 12:00 PM PDT'));
    const cookies = await noJs.cookies();
    await noJs.close();

    const ctx = await newContext();
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/communities/social-media`);
    await check(page, 'community');
    await page.getByRole('region', { name: 'Upcoming events' }).getByRole('link', { name: 'SocialGov office hours' }).first().click();
    await check(page, 'event-registered');
    await page.goto(`${platform.url}/events/mine`);
    await check(page, 'mine');
    await page.goto(linkIn(mail, `${platform.url}/events/registrations/`));
    await check(page, 'registration');
    await ctx.close();
  });

  test('a guest joins a full summit’s waiting list; a past event shows its recording', async () => {
    const noJs = await newContext(false);
    const tab = await noJs.newPage();
    await tab.goto(`${platform.url}/events/socialgov-summit-2027`);
    await tab.getByRole('link', { name: 'Register', exact: true }).click();
    await tab.getByLabel('Your name').fill('Ana Alvarez');
    await tab.getByLabel('Email address').fill('ana@epa.gov');
    await tab.getByRole('button', { name: 'Register' }).click();
    await shown(tab.getByText('There is a problem'), 'the recording consent is required');
    assert.equal(await tab.getByLabel('Your name').inputValue(), 'Ana Alvarez');
    await tab.locator('label[for=recordingConsent]').click();
    await tab.getByRole('button', { name: 'Register' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Check your email');
    await tab.goto(`${platform.url}/events/socialgov-summit-2027`);
    await shown(tab.getByText('1 of 1 seats left.'), 'a request holds no seat');
    const anaLink = await confirmLink('ana@epa.gov');
    // axe needs scripts: look at the page in a scripted context first (opening the link changes nothing).
    const look = await newContext();
    const lookPage = await look.newPage();
    await lookPage.goto(anaLink);
    assert.equal(await lookPage.locator('h1').innerText(), 'Confirm your registration');
    await checkBothWidths(lookPage, 'guest-confirm');
    await look.close();
    await tab.goto(anaLink);
    await tab.getByRole('button', { name: 'Confirm my registration' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'You are registered');
    assert.match((await sink.next('ana@epa.gov')).raw, /method=REQUEST/i);
    await noJs.close();

    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/events/socialgov-summit-2027`);
    await shown(page.getByText('0 of 1 seats left.'));
    await shown(page.getByText('This session is full.'));
    await check(page, 'summit-full');
    await page.getByRole('link', { name: 'Join the waiting list' }).click();
    await page.getByLabel('Your name').fill('Ben Brown');
    await page.getByLabel('Email address').fill('ben@epa.gov');
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await shown(page.getByText('There is a problem'));
    await check(page, 'summit-errors');
    await page.locator('label[for=recordingConsent]').click();
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    assert.equal(await page.locator('h1').innerText(), 'Check your email');
    await checkBothWidths(page, 'guest-check-email');
    const benLink = await confirmLink('ben@epa.gov');
    await page.goto(benLink);
    await shown(page.getByText('This session is full now.'));
    await checkBothWidths(page, 'guest-confirm-full');
    await page.getByRole('button', { name: 'Confirm my registration' }).click();
    assert.equal(await page.locator('h1').innerText(), 'You are on the waiting list');
    await check(page, 'waitlisted');
    // The link works once.
    await page.goto(benLink);
    assert.equal(await page.locator('h1').innerText(), 'You already confirmed this registration');
    await check(page, 'guest-link-used');

    // Over a limit, the form comes back with what was typed and says when to try again.
    const askForSeat = async (name: string, email: string) => {
      await page.goto(`${platform.url}/events/socialgov-summit-2027/register`);
      await page.getByLabel('Your name').fill(name);
      await page.getByLabel('Email address').fill(email);
      await page.locator('label[for=recordingConsent]').click();
      await page.getByRole('button', { name: 'Join the waiting list' }).click();
    };
    for (let i = 0; i < 3; i++) {
      await askForSeat('Cy Chen', 'cy@epa.gov');
      assert.equal(await page.locator('h1').innerText(), 'Check your email');
    }
    await askForSeat('Cy Chen', 'cy@epa.gov');
    await shown(page.getByRole('link', { name: /We have already sent several emails to this address/ }), 'in the error summary');
    assert.equal(await page.getByLabel('Your name').inputValue(), 'Cy Chen');
    assert.match(page.url(), /#register-heading$/, 'the answer opens at the form');
    await checkBothWidths(page, 'guest-too-many-address');
    // Use up this network's allowance.
    await platform.db.pool.query(
      `insert into rate_events (key) select k.key from (select distinct key from rate_events where key like 'event-register:ip:%') k cross join generate_series(1, 10)`,
    );
    await askForSeat('Dee Diaz', 'dee@epa.gov');
    await shown(page.getByRole('heading', { name: 'Too many registrations from your network' }));
    assert.equal(await page.getByLabel('Email address').inputValue(), 'dee@epa.gov');
    await checkBothWidths(page, 'guest-too-many-network');
    await page.goto(`${platform.url}/events/uswds-monthly-call-march-2024`);
    await shown(page.getByRole('link', { name: 'Watch: How to build with U.S. Web Design System tools (2024)' }));
    await shown(page.getByText('Welcome everyone.'));
    await check(page, 'past-event');
    await page.goto(`${platform.url}/events/past`);
    await check(page, 'past');
    await ctx.close();
  });

  test('the organizer’s registrant list', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await signIn(page, 'casey.lead@gsa.gov');
    await page.goto(`${platform.url}/events/socialgov-summit-2027/registrants`);
    await shown(page.getByRole('rowheader', { name: 'Ben Brown' }));
    await check(page, 'registrants');
    await page.getByRole('button', { name: 'Ana Alvarez attended', exact: true }).click();
    await shown(page.getByText('Attendance is saved.'));
    await page.getByRole('button', { name: 'Send' }).click();
    await check(page, 'registrants-errors');
    await ctx.close();
  });
});
