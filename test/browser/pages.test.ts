/**
 * Every page in real Chromium: screenshot (test-results/), axe-core WCAG 2.1 A/AA with zero
 * violations, no console errors (CSP included), and the same pages with JavaScript off.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { ROOT, testConfig, testDatabaseEnv } from '../helpers.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

const PAGES: Array<{ path: string; name: string; status: number; h1: string }> = [
  { path: '/', name: 'home', status: 200, h1: 'SocialGov Communities' },
  { path: '/communities', name: 'communities', status: 200, h1: 'Communities of practice' },
  { path: '/communities/social-media', name: 'community-social-media', status: 200, h1: 'Social Media' },
  { path: '/api/docs', name: 'api-docs', status: 200, h1: 'API documentation' },
  { path: '/communities/no-such-community', name: 'not-found', status: 404, h1: 'Page not found' },
];

describe('pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let cleanup: () => Promise<void>;

  before(async () => {
    // The server PostgreSQL when CI provides one (faster), else the embedded one.
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig(database.env));
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await cleanup?.();
  });

  for (const page of PAGES) {
    test(`${page.path}: loads, no axe violations, no console errors`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
      });
      tab.on('pageerror', (e) => problems.push(e.message));
      const res = await tab.goto(platform.url + page.path);
      assert.equal(res?.status(), page.status);
      assert.equal(await tab.locator('h1').count(), 1, 'one h1');
      assert.equal((await tab.locator('h1').innerText()).trim(), page.h1);
      // USWDS styles loaded and its script ran (the banner button toggles).
      assert.equal(await tab.locator('.usa-banner__header-text').innerText(), 'An official website of the United States government');
      await tab.locator('.usa-banner__button').click();
      await shown(tab.locator('#gov-banner'), 'banner opens');
      await tab.screenshot({ path: path.join(SHOTS, `${page.name}.png`), fullPage: true });
      const axe = { violations: await axeViolations(tab) };
      assert.deepEqual(
        axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
        [],
      );
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('with JavaScript off, on a phone-sized screen: pages, banner and navigation still work', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
    context.setDefaultTimeout(10_000);
    const tab = await context.newPage();
    await tab.goto(platform.url + '/communities');
    await tab.screenshot({ path: path.join(SHOTS, 'communities-no-js-phone.png'), fullPage: true });
    await shown(tab.locator('#gov-banner'), 'banner details shown');
    await tab.getByRole('link', { name: 'API', exact: true }).click();
    assert.equal((await tab.locator('h1').innerText()).trim(), 'API documentation');
    await tab.goto(platform.url + '/communities');
    await tab.getByRole('link', { name: 'Social Media' }).first().click();
    assert.equal(new URL(tab.url()).pathname, '/communities/social-media');
    await shown(tab.getByRole('link', { name: 'Join Social Media by email' }));
    await tab.screenshot({ path: path.join(SHOTS, 'community-no-js-phone.png'), fullPage: true });
    await context.close();
  });

  test('phone-sized screen with JavaScript: the menu opens, and axe finds nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    context.setDefaultTimeout(10_000);
    const tab = await context.newPage();
    await tab.goto(platform.url + '/communities/social-media');
    await tab.getByRole('button', { name: 'Menu' }).click();
    await tab.getByRole('link', { name: 'API', exact: true }).click();
    assert.equal((await tab.locator('h1').innerText()).trim(), 'API documentation');
    await tab.goto(platform.url + '/communities/social-media');
    const axe = { violations: await axeViolations(tab) };
    assert.deepEqual(
      axe.violations.map((v) => v.id),
      [],
    );
    await context.close();
  });

  test('the skip link moves focus to the main content', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const tab = await context.newPage();
    await tab.goto(platform.url + '/communities/social-media');
    await tab.keyboard.press('Tab');
    assert.equal(await tab.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to main content');
    await tab.keyboard.press('Enter');
    // Following an in-page link updates the address a moment later: wait for it, do not race it.
    await tab.waitForURL(/#main-content$/);
    assert.match(tab.url(), /#main-content$/);
    await context.close();
  });
});
