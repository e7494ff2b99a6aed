/**
 * A working group's page in Chromium, with its members, its discussion list and the playbook it
 * produced: a lead starts the group and schedules a meeting with the events form; a member with
 * JavaScript off joins, reads the group list's archive, goes from the meeting to the group, and
 * leaves. axe finds no WCAG 2.1 A/AA violation on any page (checked with JavaScript on).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { checkPage, newBrowserContext, signInByMail, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { applyImport } from '../../src/library/import.ts';
import { planImport } from '../../src/library/import-files.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { addMember, writeLibraryFixture } from '../library-fixture.ts';

const GROUP = '/communities/social-media/groups/plain-language';

describe('working group pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let dir: string;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, SMTP_IN_PORT: '0', LIST_DOMAIN: 'lists.test.gov', ...database.env }));
    dir = tempDir('sg-groups-browser-');
    const plan = planImport(writeLibraryFixture(dir));
    assert.deepEqual(plan.errors, []);
    const community = await platform.db.pool.query<{ id: number }>(`select id from communities where slug = 'social-media'`);
    await applyImport(platform.db.pool, SYSTEM, plan, { communityId: Number(community.rows[0]!.id) });
    await addMember(platform.db.pool, 'social-media', { email: 'lena.lead@gsa.gov', name: 'Lena Lead', agency: 'General Services Administration' });
    await addMember(platform.db.pool, 'social-media', { email: 'max.member@epa.gov', name: 'Max Member', agency: 'Environmental Protection Agency' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  const check = (page: Page, name: string) => checkPage(page, `groups-${name}`);
  const newContext = (javaScriptEnabled = true) => newBrowserContext(browser, { javaScriptEnabled });
  const signIn = (page: Page, email: string) => signInByMail(page, platform.url, sink, email);

  test('a lead starts a group with its list and schedules a meeting; a member with JavaScript off joins, reads the archive and leaves', async () => {
    const leadCtx = await newContext();
    const l = await leadCtx.newPage();
    await signIn(l, 'lena.lead@gsa.gov');
    await l.goto(`${platform.url}/communities/social-media/groups/new`);
    await l.getByLabel('Name', { exact: true }).fill('Plain Language');
    await l.getByLabel('Charter (Markdown)').fill('We help agencies write posts people understand.');
    await l.getByRole('button', { name: 'Start the working group' }).click();
    await l.getByLabel('Library address of the guide or article').fill('/library/guides/public-participation');
    await l.getByRole('button', { name: 'Add it to the group page' }).click();
    await shown(l.getByRole('link', { name: 'plain-language@lists.test.gov', exact: false }).first(), 'the list address is on the page');
    assert.equal(
      await l.getByRole('link', { name: 'social-media-plain-language@lists.test.gov' }).getAttribute('href'),
      'mailto:social-media-plain-language@lists.test.gov',
    );
    await shown(l.getByText('No meetings are scheduled.'));
    await check(l, 'group-with-list');

    // The group's list pages, for its leads.
    await l.getByRole('link', { name: 'Messages held for a lead' }).click();
    assert.equal(await l.locator('h1').innerText(), 'Held messages: Plain Language');
    await check(l, 'group-held');
    await l.goto(`${platform.url}${GROUP}`);
    await l.getByRole('link', { name: 'The list’s settings' }).click();
    await check(l, 'group-list-settings');
    await l.getByLabel('Footer', { exact: false }).first().fill('Plain Language working group');
    await l.getByRole('button', { name: /Save/ }).click();
    await shown(l.getByText('The list settings are saved.'));

    // A meeting, with the events form.
    await l.goto(`${platform.url}${GROUP}`);
    await l.getByRole('link', { name: 'Schedule a meeting' }).click();
    assert.equal(await l.locator('h1').innerText(), 'Schedule a meeting of Plain Language');
    assert.equal(await l.getByLabel('Title', { exact: true }).inputValue(), 'Plain Language meeting');
    await check(l, 'meeting-new');
    await l.getByLabel('Date of the first session').fill('next week');
    await l.getByRole('button', { name: 'Schedule the meeting' }).click();
    await check(l, 'meeting-errors');
    await shown(l.getByText('Enter the date as year-month-day').first());
    await l.getByLabel('Date of the first session').fill('2027-02-10');
    await l.getByLabel('Start time').fill('13:00');
    await l.getByLabel('End time').fill('14:00');
    await l.getByRole('button', { name: 'Schedule the meeting' }).click();
    await shown(l.getByText('The meeting is scheduled.'));
    await shown(l.getByRole('link', { name: 'Plain Language meeting' }));
    await check(l, 'group-with-meeting');
    await leadCtx.close();

    // A member, with JavaScript off.
    const memberCtx = await newContext(false);
    const m = await memberCtx.newPage();
    await signIn(m, 'max.member@epa.gov');
    await m.goto(`${platform.url}${GROUP}`);
    await shown(m.getByText('The list’s archive is for the group’s members.'));
    await m.getByRole('button', { name: 'Join the working group' }).click();
    await shown(m.getByText('You joined the working group.'));
    await shown(m.getByText('Max Member, Environmental Protection Agency'));
    await shown(m.getByRole('link', { name: 'U.S. public participation playbook' }), 'the playbook it produced');
    await m.getByRole('link', { name: 'Read the list’s archive' }).click();
    assert.equal(await m.locator('h1').count(), 1);
    assert.match(await m.locator('h1').innerText(), /Plain Language/);
    await m.goto(`${platform.url}${GROUP}`);
    await m.getByRole('link', { name: 'Plain Language meeting' }).click();
    await m.getByRole('link', { name: 'Plain Language', exact: true }).first().click();
    assert.equal(await m.locator('h1').innerText(), 'Plain Language');
    await m.getByRole('button', { name: 'Leave the working group' }).click();
    await shown(m.getByText('You left the working group.'));
    await shown(m.getByText('The list’s archive is for the group’s members.'));
    await memberCtx.close();

    // axe on what the member saw, with JavaScript on.
    const view = await newContext();
    const v = await view.newPage();
    await signIn(v, 'max.member@epa.gov');
    await v.goto(`${platform.url}${GROUP}`);
    await check(v, 'group-member-view');
    await v.goto(`${platform.url}/events/plain-language-meeting`);
    assert.equal(await v.getByRole('link', { name: 'Plain Language', exact: true }).getAttribute('href'), GROUP);
    await check(v, 'meeting-event');
    await view.close();
  });
});
