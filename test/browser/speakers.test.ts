/**
 * The speakers bureau in Chromium: a visitor finds a speaker and requests them with JavaScript
 * off (errors keep the answers); the coordinator proposes the speaker, the speaker accepts, a
 * member asks the experts a question. axe finds nothing on every new page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { checkPage, newBrowserContext, signInByMail, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import type { Config } from '../../src/platform/config.ts';
import { saveSpeakerProfile } from '../../src/speakers/profiles.ts';
import { formStamp, STAMP_FIELD } from '../../src/speakers/spam.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';

describe('speakers bureau pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let config: Config;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let statusLink = '';

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    config = testConfig({ SMTP_URL: sink.url, SPEAKER_REQUEST_MIN_SECONDS: '1', ...database.env });
    platform = await startPlatform(config);
    const pool = platform.db.pool;
    const people: Array<[string, string, string, string]> = [
      ['casey.lead@gsa.gov', 'Casey Lead', 'GSA', 'coordinator'],
      ['robin.expert@hhs.gov', 'Robin Park', 'Department of Health and Human Services', 'member'],
      ['pat.doe@ed.gov', 'Pat Doe', 'Department of Education', 'member'],
    ];
    for (const [email, name, agency, role] of people) {
      const m = await pool.query<{ id: string }>('insert into members (email, name, agency, job_title) values ($1, $2, $3, $4) returning id', [
        email,
        name,
        agency,
        'Digital lead',
      ]);
      await pool.query(
        `insert into memberships (community_id, member_id, status, role) select id, $1, 'active', $2 from communities where slug = 'social-media'`,
        [m.rows[0]!.id, role],
      );
      if (email.startsWith('robin')) {
        await saveSpeakerProfile(pool, SYSTEM, Number(m.rows[0]!.id), {
          active: true,
          topics: ['crisis communication', 'accessibility'],
          formats: ['keynote', 'workshop', 'consultation'],
          bio: 'Leads social media at HHS and speaks on crisis communication.',
          availability: 'Weekdays, online anywhere',
          public: true,
        });
      }
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const check = (page: Page, name: string) => checkPage(page, `speakers-${name}`);
  const newContext = (javaScriptEnabled = true) => newBrowserContext(browser, { javaScriptEnabled });
  const signIn = (page: Page, email: string) => signInByMail(page, platform.url, sink, email);

  async function fillRequest(tab: Page) {
    await tab.getByLabel('Your full name').fill('Jordan Rivera');
    await tab.getByLabel('Organization or agency').fill('State Communicators Association');
    await tab.getByLabel('Email address').fill('jordan.rivera@statecomms.example.org');
    await tab.getByLabel('Event name').fill('Digital Government Summit 2027');
    await tab.getByLabel('Date', { exact: true }).fill('2027-04-15');
    await tab.getByLabel('Start time').fill('14:00');
    await tab.getByLabel('Time zone').selectOption('America/Chicago');
    await tab.locator('label[for=where-in-person]').click();
    await tab.getByLabel('Location').fill('Austin Convention Center, Austin, TX');
    await tab.getByLabel('Audience', { exact: true }).fill('State and local communicators');
    await tab.getByLabel('Expected audience size').fill('1200');
    await tab.getByLabel('Topic').fill('Crisis communication on social media');
    await tab.getByLabel('Format', { exact: true }).selectOption('keynote');
    await tab.locator('label[for=press-yes]').click();
  }

  test('a visitor finds a speaker and requests them with JavaScript off', async () => {
    const noJs = await newContext(false);
    const tab = await noJs.newPage();
    await tab.goto(`${platform.url}/communities/social-media`);
    await tab.getByRole('region', { name: 'Speakers bureau' }).getByRole('link', { name: 'Find a speaker or expert' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Speakers bureau');
    await tab.locator('#format').selectOption('panel');
    await tab.getByRole('button', { name: 'Find speakers' }).click();
    await shown(tab.getByRole('heading', { name: '0 speakers' }), 'the GET form filters');
    await tab.locator('#format').selectOption('workshop');
    await tab.getByRole('button', { name: 'Find speakers' }).click();
    await tab.getByRole('link', { name: 'Robin Park' }).click();
    await shown(tab.getByText('Weekdays, online anywhere'));
    assert.equal(await tab.getByText('robin.expert@hhs.gov').count(), 0);
    await tab.getByRole('link', { name: 'Ask for Robin Park to speak' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Request a speaker');
    assert.match(await tab.getByLabel('Preferred speaker').locator('option:checked').innerText(), /Robin Park/);
    assert.equal(await tab.getByLabel('Leave this empty').isHidden(), true, 'the honeypot is hidden');

    await tab.getByLabel('Your full name').fill('Jordan Rivera');
    await tab.waitForTimeout(1100); // SPEAKER_REQUEST_MIN_SECONDS is 1 here: a person is never this fast
    await tab.getByRole('button', { name: 'Send request' }).click();
    // (waits for the answer page: the click returns once the form is sent)
    await tab.getByText('There is a problem').waitFor({ state: 'visible' });
    assert.equal(await tab.getByLabel('Your full name').inputValue(), 'Jordan Rivera', 'kept');
    await tab.getByText('Enter the name of your event.').first().waitFor({ state: 'visible' });

    await fillRequest(tab);
    await tab.waitForTimeout(1100);
    await tab.getByRole('button', { name: 'Send request' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Thank you: your request is with the coordinators');
    await noJs.close();
    statusLink = linkIn(await sink.next('jordan.rivera@statecomms.example.org'), `${platform.url}/speaker-requests/`);
  });

  test('every new page passes axe: directory, profile, form with errors, status, coordinator, speaker and consultation pages', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/communities/social-media`);
    await check(page, 'community');
    await page.goto(`${platform.url}/communities/social-media/speakers?topic=accessibility`);
    await check(page, 'directory');
    await page.getByRole('link', { name: 'Robin Park' }).click();
    await check(page, 'profile');
    await page.getByRole('link', { name: 'Ask for Robin Park to speak' }).click();
    await check(page, 'request-form');
    await page.waitForTimeout(1100); // SPEAKER_REQUEST_MIN_SECONDS is 1 here: sooner is refused as too fast
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('There is a problem').waitFor({ state: 'visible' });
    await check(page, 'request-errors');
    // A script that sends the form the moment it loads is refused as too fast. (Its stamp says the
    // form was shown an hour from now, so however slow this machine is, the answer comes "too soon".)
    await page.goto(`${platform.url}/communities/social-media/speakers/request`);
    const soon = formStamp(await cookieSecret(platform.db.pool, config.secret), new Date(Date.now() + 60 * 60_000));
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/speakers/request')),
      page.evaluate(
        ([field, stamp]) => {
          (document.querySelector(`input[name="${field}"]`) as HTMLInputElement).value = stamp;
          (document.querySelector('form.usa-form') as HTMLFormElement).submit();
        },
        [STAMP_FIELD, soon] as const,
      ),
    ]);
    await page.getByText('faster than a person can fill in this form').waitFor({ state: 'visible' });
    await check(page, 'request-too-fast');
    await page.goto(statusLink);
    await shown(page.getByText('New', { exact: true }).first());
    await check(page, 'status');
    await ctx.close();

    const coordinator = await (await newContext()).newPage();
    await signIn(coordinator, 'casey.lead@gsa.gov');
    await coordinator.goto(`${platform.url}/communities/social-media/admin/speaker-requests`);
    await check(coordinator, 'admin-list');
    await coordinator.getByRole('link', { name: 'Digital Government Summit 2027' }).click();
    await check(coordinator, 'admin-request');
    await coordinator.getByRole('button', { name: 'Start review' }).click();
    await shown(coordinator.getByText('The request is in review'));
    await coordinator.getByLabel('Propose a speaker').selectOption({ label: 'Robin Park – crisis communication, accessibility' });
    await coordinator.getByRole('button', { name: 'Propose this speaker' }).click();
    await shown(coordinator.getByText('The speaker was asked'));
    await check(coordinator, 'admin-matched');

    const speaker = await (await newContext()).newPage();
    await signIn(speaker, 'robin.expert@hhs.gov');
    await speaker.goto(`${platform.url}/account/speaker`);
    await check(speaker, 'my-profile');
    await speaker.getByRole('link', { name: /Digital Government Summit 2027/ }).click();
    await check(speaker, 'proposal');
    await speaker.getByRole('button', { name: 'Accept' }).click();
    await shown(speaker.getByText('There is a problem'));
    await check(speaker, 'proposal-errors');
    await speaker.locator('label[for=approval]').click();
    await speaker.getByRole('button', { name: 'Accept' }).click();
    await shown(speaker.getByText('Your speaker profile is saved.'));

    await coordinator.reload();
    await coordinator.getByRole('button', { name: 'Confirm the engagement' }).click();
    await coordinator.getByRole('button', { name: 'Make this engagement an event' }).click();
    await shown(coordinator.getByRole('link', { name: 'manage Digital Government Summit 2027' }));
    await check(coordinator, 'admin-event');

    const member = await (await newContext()).newPage();
    await signIn(member, 'pat.doe@ed.gov');
    await member.goto(`${platform.url}/communities/social-media/consultations/new`);
    await check(member, 'ask');
    await member.getByLabel('Topic').fill('Accessibility');
    await member.getByRole('button', { name: 'Send to the experts' }).click();
    await shown(member.getByText('Write your question.').first());
    await check(member, 'ask-errors');
    await member.getByLabel('Your question').fill('How do we caption live video on our agency accounts?');
    await member.getByRole('button', { name: 'Send to the experts' }).click();
    await shown(member.getByText('Your question was sent to the experts.'));
    await check(member, 'consultation');
    const url = member.url().replace(/\?.*$/, '');
    await speaker.goto(url);
    await speaker.getByRole('button', { name: 'Take this question' }).click();
    await speaker.getByLabel('Your answer').fill('Use CART captioning and the live caption feature.');
    await check(speaker, 'consultation-taken');
    await speaker.getByRole('button', { name: 'Send answer' }).click();
    await shown(speaker.getByText('Your answer was sent.'));
    await check(speaker, 'consultation-answered');
    for (const p of [coordinator, speaker, member]) await p.context().close();
  });
});
