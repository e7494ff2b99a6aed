/**
 * Bounce care pages in Chromium: the coordinators' bounces list (reached from the hub, the last
 * error shown as text, re-enable and clear with and without JavaScript) and the member's
 * re-enable page from the mailed link. axe finds nothing on each.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import type { Config } from '../../src/platform/config.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { applyBounceEvents, reenableToken } from '../../src/lists/bounce-care.ts';
import { ROOT, testConfig, testDatabaseEnv } from '../helpers.ts';
import { addMembers } from '../list-helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const EVIL = '550 5.1.1 <pat@agency.gov>: User unknown <script>alert("x")</script>';

describe('bounce pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let config: Config;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let signedIn: BrowserContext;
  let listId: number;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    config = testConfig({ ...database.env, SMTP_URL: sink.url });
    platform = await startPlatform(config);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    const pool = platform.db.pool;
    await addMembers(pool, 'social-media', ['robin@agency.gov', 'pat@agency.gov', 'lee@agency.gov', 'kim@agency.gov']);
    await pool.query(`update members set name = 'Pat Smith' where email = 'pat@agency.gov'`);
    await pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'robin@agency.gov')`);
    listId = (await pool.query<{ id: number }>(`select id from lists where local_part = 'social-media'`)).rows[0]!.id;
    const bounce = (email: string, daysAgo: number, temporary: boolean, diagnostic: string) =>
      pool.query(
        `insert into bounce_events (list_id, member_id, address, temporary, source, status_code, diagnostic, at)
         select $1, id, email, $3, 'dsn', $5, $4, now() - make_interval(days => $2) from members where email = $6`,
        [listId, daysAgo, temporary, diagnostic, temporary ? '4.2.2' : '5.1.1', email],
      );
    for (let d = 4; d >= 0; d--) await bounce('pat@agency.gov', d, false, EVIL);
    await bounce('lee@agency.gov', 1, true, '452 4.2.2 Mailbox full');
    await bounce('lee@agency.gov', 0, false, '550 5.1.1 No such user');
    await bounce('kim@agency.gov', 0, false, '550 5.1.1 No such user');
    await applyBounceEvents(pool, {
      config,
      queue: platform.queue,
      secret: await cookieSecret(pool, config.secret),
      baseUrl: platform.url,
      domain: 'localhost',
    });
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

  test('only coordinators see the page', async () => {
    const anonymous = await fetch(`${platform.url}/communities/social-media/admin/bounces`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200);
    assert.doesNotMatch(await anonymous.text(), /pat@agency\.gov/);
  });

  test('a coordinator finds bouncing members from the hub, reads the error as text, and re-enables delivery', async () => {
    signedIn = await newContext();
    const page = await signedIn.newPage();
    await page.goto(`${platform.url}/signin`);
    await page.getByLabel('Work email address').fill('robin@agency.gov');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.goto(linkIn(await sink.next('robin@agency.gov'), `${platform.url}/signin/confirm?token=`));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);

    await page.goto(`${platform.url}/communities/social-media/admin`);
    await page.getByRole('link', { name: 'Bouncing addresses' }).click();
    assert.equal(await page.locator('h1').innerText(), 'Bouncing addresses in Social Media');
    assert.equal(await page.locator('h1').count(), 1);
    await shown(page.getByText('3 members have a bounce score; delivery is off for 1.'));
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    const pat = rows.nth(0);
    assert.match(await pat.locator('th').innerText(), /Pat Smith\s+pat@agency\.gov/);
    assert.equal(await pat.locator('td[data-label="Score"]').innerText(), '5');
    assert.match(await pat.locator('td[data-label="Delivery"]').innerText(), /^Off since /);
    assert.equal(
      await pat
        .locator('td[data-label="Notices sent"]')
        .innerText()
        .then((t) => t.split(',')[0]),
      '1',
    );
    await pat.getByText('Code 5.1.1').click();
    assert.equal(await pat.locator('pre').innerText(), EVIL, 'the error is shown as text, not run as HTML');
    assert.equal(await page.locator('script:text("alert")').count(), 0);
    assert.equal(await rows.nth(1).locator('td[data-label="Score"]').innerText(), '1.5', 'a soft day then a hard day');
    await check(page, 'bounces');

    await page.getByRole('button', { name: 'Re-enable delivery for Pat Smith' }).click();
    await shown(page.getByText('Delivery is back on and the bounce score is cleared.'));
    assert.equal(await page.locator('tbody tr').count(), 2);
    await check(page, 'bounces-after-reenable');
    const { rows: ms } = await platform.db.pool.query(
      `select ms.delivery_disabled_at from list_subscriptions ms join members m on m.id = ms.member_id where m.email = 'pat@agency.gov'`,
    );
    assert.equal(ms[0].delivery_disabled_at, null);
    const audit = await platform.db.pool.query(`select actor, after->>'by' as by from audit_log where action = 'membership.reenable-delivery'`);
    assert.deepEqual(audit.rows, [{ actor: 'robin@agency.gov', by: 'coordinator' }]);
  });

  test('with JavaScript off: the table, the error details and the buttons work', async () => {
    const noJs = await newContext(false);
    await noJs.addCookies(await signedIn.cookies());
    const page = await noJs.newPage();
    await page.goto(`${platform.url}/communities/social-media/admin/bounces`);
    const lee = page.locator('tbody tr', { hasText: 'lee@agency.gov' });
    await lee.getByText('Code 5.1.1').click();
    await shown(lee.getByText('550 5.1.1 No such user'));
    await lee.getByRole('button', { name: /Clear score for/ }).click();
    await shown(page.getByText('Delivery is back on and the bounce score is cleared.'));
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page
      .locator('tbody tr')
      .getByRole('button', { name: /Clear score for/ })
      .click();
    await shown(page.getByText('No member’s mail is bouncing.'));
    await noJs.close();
    await signedIn.close();
  });

  test("the member's re-enable link: a page with one button, then delivery is on (JavaScript off too)", async () => {
    const pool = platform.db.pool;
    const pat = (await pool.query<{ id: number }>(`select id from members where email = 'pat@agency.gov'`)).rows[0]!.id;
    await pool.query(`update list_subscriptions set delivery_disabled_at = now(), delivery_disabled_reason = 'test' where member_id = $1`, [pat]);
    const link = `${platform.url}/bounces/reenable/${reenableToken(await cookieSecret(pool, config.secret), pat, listId)}`;
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(link);
    assert.equal(await page.locator('h1').innerText(), 'Get Social Media messages again');
    await check(page, 'bounce-reenable');
    await ctx.close();

    const noJs = await newContext(false);
    const tab = await noJs.newPage();
    await tab.goto(link);
    await tab.getByRole('button', { name: 'Turn delivery back on' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Delivery is back on');
    const { rows } = await pool.query(`select delivery_disabled_at from list_subscriptions where member_id = $1`, [pat]);
    assert.equal(rows[0].delivery_disabled_at, null);
    await tab.goto(link);
    assert.equal(await tab.locator('h1').innerText(), 'You are getting Social Media');
    await noJs.close();
  });
});
