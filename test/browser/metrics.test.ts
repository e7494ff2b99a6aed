/**
 * The metrics dashboard and the public community page in Chromium: a coordinator reaches the
 * dashboard from the Manage page, reads both charts (accessible SVG with their tables), changes
 * the date range with the plain form, sees a mistake explained, and downloads a CSV; the same
 * with JavaScript off. axe finds nothing on each page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { checkPage, newBrowserContext, signInByMail, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { addDays, dayOf } from '../../src/metrics/days.ts';
import { rollUpMissing } from '../../src/metrics/rollup.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { addMember } from '../library-fixture.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';

const TODAY = dayOf(new Date());

describe('metrics pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url }));
    browser = await launchChromium();
    const pool = platform.db.pool;
    await addMember(pool, 'social-media', { email: 'robin@agency.gov', name: 'Robin Lead', agency: 'GSA', role: 'coordinator' });
    // members who joined over the last three weeks, two posts a week
    for (let i = 0; i < 12; i++) {
      const id = await addMember(pool, 'social-media', { email: `m${i}@agency.gov`, name: `Member ${i}`, agency: i % 3 ? 'HHS' : 'NASA' });
      await pool.query(`update membership_changes set at = now() - make_interval(days => $2) where member_id = $1`, [id, 20 - i]);
    }
    await pool.query(
      `insert into posts (list_id, number, message_id, subject, from_address, sent_at, accepted_at, raw, decorated, size)
       select l.id, n, '<p' || n || '@x>', 'Post ' || n, 'm' || (n % 4) || '@agency.gov', now() - make_interval(days => n * 3), now() - make_interval(days => n * 3), 'x', 'x', 1
         from lists l, generate_series(1, 7) n where l.local_part = 'social-media'`,
    );
    await rollUpMissing(pool);
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  const check = (page: Page, name: string) => checkPage(page, name, { oneH1: false });
  const newContext = (javaScriptEnabled = true) => newBrowserContext(browser, { javaScriptEnabled, acceptDownloads: true });
  const signIn = (page: Page, email: string) => signInByMail(page, platform.url, sink, email);

  async function readDashboard(page: Page) {
    assert.equal(await page.locator('h1').innerText(), 'Metrics for Social Media');
    const charts = page.getByRole('img', { name: /Membership growth|Posts per week/ });
    assert.equal(await charts.count(), 2);
    assert.match(await page.locator('figure').first().locator('figcaption').innerText(), /^Membership growth: from \d+ members/);
    // Long tables are folded: open them as a reader does.
    for (const summary of await page.locator('details.sg-fold > summary').all()) await summary.click();
    const members = page.locator('#table-membership tbody tr').last();
    assert.equal(await members.locator('th').innerText(), TODAY);
    assert.equal(await members.locator('td').first().innerText(), '13', 'thirteen members today');
    const posts = page.locator('#table-posts tbody tr');
    let total = 0;
    for (const cell of await posts.locator('td:nth-of-type(1)').allInnerTexts()) total += Number(cell);
    assert.equal(total, 7, 'the posts table adds up to the posts made');
  }

  test('a coordinator reads the dashboard, changes the range, and downloads a table', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await signIn(page, 'robin@agency.gov');
    await page.goto(`${platform.url}/communities/social-media/admin`);
    await page.getByRole('link', { name: 'Metrics' }).click();
    await readDashboard(page);
    await check(page, 'metrics-dashboard');

    await page.getByLabel('From', { exact: true }).fill(addDays(TODAY, 1));
    await page.getByRole('button', { name: 'Show figures' }).click();
    await shown(page.getByRole('alert').getByText('The start date must be on or before the end date'));
    await check(page, 'metrics-range-error');

    await page.getByLabel('From', { exact: true }).fill(addDays(TODAY, -6));
    await page.getByLabel('To', { exact: true }).fill(TODAY);
    await page.getByRole('button', { name: 'Show figures' }).click();
    assert.equal(await page.locator('#table-membership tbody tr').count(), 7);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download “Membership by day” as CSV/ }).click()]);
    assert.equal(download.suggestedFilename(), `social-media-membership-${addDays(TODAY, -6)}-to-${TODAY}.csv`);
    await ctx.close();
  });

  test('with JavaScript off: the dashboard, its range form and the community page', async () => {
    const ctx = await newContext(false);
    const page = await ctx.newPage();
    await signIn(page, 'robin@agency.gov');
    await page.goto(`${platform.url}/communities/social-media/admin/metrics`);
    await readDashboard(page);
    await page.getByLabel('From', { exact: true }).fill(addDays(TODAY, -13));
    await page.getByRole('button', { name: 'Show figures' }).click();
    assert.equal(await page.locator('#table-membership tbody tr').count(), 14, 'the plain GET form works without JavaScript');
    // a browser without date fields sends whatever was typed
    await page.goto(`${platform.url}/communities/social-media/admin/metrics?from=03/05/2026`);
    await shown(page.getByRole('link', { name: 'Enter the start date as year-month-day, for example 2026-01-01.' }));
    await shown(page.locator('#from-error'));
    await page.goto(`${platform.url}/communities/social-media`);
    await shown(page.getByText(/About [\d.]+ emails? a week/));
    await ctx.close();
  });

  test('the dashboard stays short: summary first, long tables folded, charts and tables fit 320 px; the CSV keeps every row', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await signIn(page, 'robin@agency.gov');
    const from = addDays(TODAY, -90);
    await page.goto(`${platform.url}/communities/social-media/admin/metrics?from=${from}&to=${TODAY}`);
    assert.equal(await page.locator('h2').first().innerText(), 'Summary');
    await shown(page.locator('#table-summary'), 'the summary is open');
    assert.equal(await page.locator('#table-membership tbody tr').count(), 91, 'every day is on the page');
    assert.ok(!(await page.locator('#table-membership').isVisible()), 'in a folded table');
    await shown(page.getByText('Show the table “Membership by day” (91 rows)'));
    const tall = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(tall < 6000, `the page is ${tall} px tall at 1280 px`);
    await page.setViewportSize({ width: 320, height: 800 });
    const narrow = await page.evaluate(() => ({ wide: document.documentElement.scrollWidth, tall: document.documentElement.scrollHeight }));
    assert.ok(narrow.wide <= 320, `${narrow.wide} px wide at 320 px`);
    assert.ok(narrow.tall < 12000, `the page is ${narrow.tall} px tall at 320 px`);
    // Chart text keeps its size: the chart scrolls in its box instead of shrinking.
    const smallest = await page.evaluate(() =>
      Math.min(
        ...[...document.querySelectorAll('svg text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * ((t as SVGTextElement).getScreenCTM()?.a ?? 1)),
      ),
    );
    assert.ok(smallest >= 12, `chart text at ${smallest} px`);
    await page.screenshot({ path: `test-results/screenshots/metrics-dashboard-320.png`, fullPage: true });
    const csv = await page.request.get(`${platform.url}/communities/social-media/admin/metrics/membership.csv?from=${from}&to=${TODAY}`);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    assert.equal(lines.length, 92, 'a header and all 91 days');
    assert.equal(lines[1]!.split(',')[0], from);
    await ctx.close();
  });

  test('the public community page shows the counted figures and passes axe', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.url}/communities/social-media`);
    await shown(page.getByText('13', { exact: true }).first());
    await shown(page.getByText(/About 1\.[0-9]+ emails a week \(\d+ in the last four weeks\)/));
    await check(page, 'community-page-metrics');
    await ctx.close();
  });
});
