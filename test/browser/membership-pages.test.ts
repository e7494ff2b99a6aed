/**
 * The membership pages in Chromium, as a person uses them: join with JavaScript off, confirm
 * from the mail, account, the coordinators' queue and directory. axe finds nothing on each.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { combineRegistryFiles, importRegistry, parseRegistryFile } from '../../src/membership/gov-registry.ts';
import { ROOT, testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('membership pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;

  before(async () => {
    sink = await startMailSink();
    const env: Record<string, string> = { SMTP_URL: sink.url };
    const database = await testDatabaseEnv();
    Object.assign(env, database.env);
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig(env));
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  async function check(page: Page, name: string) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    const axe = { violations: await axeViolations(page) };
    assert.deepEqual(
      axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      name,
    );
  }

  async function newContext(javaScriptEnabled = true): Promise<BrowserContext> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    return context;
  }

  test('join with JavaScript off: errors, check your email, confirm, welcome', async () => {
    const noJs = await newContext(false);
    const tab = await noJs.newPage();
    await tab.goto(`${platform.url}/communities/social-media`);
    await tab.getByRole('link', { name: 'Join Social Media', exact: true }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Join Social Media');
    await tab.getByRole('button', { name: 'Ask to join' }).click();
    await shown(tab.getByText('There is a problem'));
    await shown(tab.getByText('Enter your full name.').first());
    await tab.getByLabel('Full name').fill('Robin Park');
    await tab.getByLabel('Work email address').fill('robin.park@hhs.gov');
    await tab.getByLabel('Job title').fill('Digital engagement specialist');
    await tab.locator('label[for=accept]').click();
    await tab.getByRole('button', { name: 'Ask to join' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Check your email');
    const link = linkIn(await sink.next('robin.park@hhs.gov'), `${platform.url}/join/confirm?token=`);
    await tab.goto(link);
    await tab.getByRole('button', { name: 'Confirm' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Welcome to Social Media');
    assert.match((await sink.next('robin.park@hhs.gov')).subject, /Welcome/);
    await noJs.close();

    // The same pages, with JavaScript, checked by axe (axe itself needs JavaScript).
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/communities/social-media/join`);
    await check(page, 'join');
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await page.waitForURL(/join$/);
    await shown(page.getByText('There is a problem'));
    await check(page, 'join-errors');
    await page.getByLabel('Full name').fill('Sam Lee');
    await page.getByLabel('Work email address').fill('sam@vendor-example.com');
    await page.getByLabel('Job title').fill('Contractor');
    await page.getByLabel('Why you should join').fill('I support the CDC social team under contract.');
    await page.locator('label[for=accept]').click();
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await check(page, 'join-check-email');
    await page.goto(linkIn(await sink.next('sam@vendor-example.com'), `${platform.url}/join/confirm?token=`));
    await check(page, 'join-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.locator('h1').innerText(), /with a coordinator/);
    await check(page, 'join-awaiting-approval');
    await ctx.close();
  });

  test('with JavaScript, the agency is filled in from the .gov registry while the address is typed; a typed agency is kept', async () => {
    const parsed = parseRegistryFile(
      [
        'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email',
        'usda.gov,Federal - Executive,Department of Agriculture,,Washington,DC,sec@usda.gov',
      ].join('\n'),
    );
    assert.ok(parsed.ok);
    await importRegistry(platform.db.pool, combineRegistryFiles([{ file: 'current-full.csv', kind: parsed.kind, rows: parsed.rows }]), {
      actor: { name: 'test', source: 'test' },
    });
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/communities/social-media/join`);
    await page.getByLabel('Work email address').pressSequentially('dana@fs.usda.gov');
    await page.waitForFunction(() => (document.getElementById('agency') as HTMLInputElement).value !== '');
    assert.equal(await page.getByLabel('Agency or organization').inputValue(), 'Department of Agriculture');
    assert.match(await page.locator('#agency-lookup').innerText(), /Filled in from the \.gov registry for usda\.gov/);
    await check(page, 'join-agency-filled');
    // the person's own words are theirs: another address does not replace them
    await page.getByLabel('Agency or organization').fill('USDA Forest Service');
    await page.getByLabel('Work email address').fill('dana@usda.gov');
    await page.waitForTimeout(800);
    assert.equal(await page.getByLabel('Agency or organization').inputValue(), 'USDA Forest Service');
    // an address outside the registry leaves the field alone
    await page.getByLabel('Agency or organization').fill('');
    await page.getByLabel('Work email address').fill('dana@example.com');
    await page.waitForTimeout(800);
    assert.equal(await page.getByLabel('Agency or organization').inputValue(), '');
    await ctx.close();
  });

  test('sign in, account, coordinator queue and directory', async () => {
    await platform.db.pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'robin.park@hhs.gov')`);
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/signin`);
    await check(page, 'signin');
    await page.getByLabel('Work email address').fill('robin.park@hhs.gov');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await check(page, 'signin-check-email');
    await page.goto(linkIn(await sink.next('robin.park@hhs.gov'), `${platform.url}/signin/confirm?token=`));
    await check(page, 'signin-confirm');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    await check(page, 'account');
    await page.getByLabel('Topics you know well').fill('crisis communication, accessibility');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await shown(page.getByText('Your profile is saved.'));

    await page.goto(`${platform.url}/communities/social-media/admin/requests`);
    await shown(page.getByText('sam@vendor-example.com'));
    await check(page, 'requests');
    await page.getByRole('button', { name: 'Approve Sam Lee' }).click();
    await shown(page.getByText('Approved: the applicant is now a member'));

    await page.goto(`${platform.url}/communities/social-media/members`);
    await shown(page.getByRole('rowheader', { name: 'Sam Lee' }));
    await check(page, 'directory');
    await page.goto(`${platform.url}/communities/social-media`);
    await shown(page.getByText('You are a member.'));
    await check(page, 'community-as-member');

    await page.getByRole('link', { name: 'Manage this community' }).click();
    await check(page, 'admin-hub');
    await page.getByRole('link', { name: 'Edit the community page' }).click();
    await check(page, 'admin-edit');
    await page.getByLabel('Deck').fill('Share and learn with practitioners across government.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await shown(page.getByText('Preview (not saved yet)'));
    await check(page, 'admin-edit-preview');
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('The page is saved.'));

    await page.goto(`${platform.url}/communities/social-media/admin/import`);
    await check(page, 'admin-import');
    await page.getByLabel('Members (CSV)').fill('email,name,title\nchris@fema.dhs.gov,Chris Doe,Planner\nbad-row\n');
    await page.getByRole('button', { name: 'Check only' }).click();
    await shown(page.getByText('What an import would do'));
    await check(page, 'admin-import-report');
    await ctx.close();
  });
});
