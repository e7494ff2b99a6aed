/**
 * The archive of real list mail in Chromium: all 1,500 messages of the USRP corpus imported,
 * every message page opened (no script runs: a `window.__xss` probe, CSP violation and console
 * listeners), axe with zero WCAG 2.1 AA violations on every page with HTML mail and on a
 * sample of the rest, and the archive read with JavaScript off.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeFor } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/platform/app.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { HAS_SHARED, NO_SHARED, removeDir, SHARED, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';

const CORPUS = path.join(SHARED, 'data/mail-corpus/usrp-users-1500.mbox.gz');

describe('the archive of real mail in Chromium', { skip: NO_CHROMIUM || NO_SHARED, timeout: 60 * 60_000 }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let cleanup: () => Promise<void>;
  let dir: string;
  let session: string;

  before(async () => {
    if (!HAS_SHARED) return;
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const pool = platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    const report = await importMbox(pool, list, readFileSync(CORPUS), { name: 'test', source: 'cli' });
    assert.equal(report.found, 1500);
    const { rows } = await pool.query(`insert into members (email, name) values ('reader@agency.gov', 'Reader') returning id`);
    await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [rows[0].id]);
    session = await createSession(pool, Number(rows[0].id), { days: 1 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  async function context(javaScriptEnabled = true): Promise<BrowserContext> {
    const c = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    await c.addCookies([{ name: 'sg_session', value: session, url: platform.url }]);
    // Runs before any page script: records CSP refusals (a blocked script or style shows up here).
    await c.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    c.setDefaultTimeout(20_000);
    return c;
  }

  async function axe(page: Page, label: string) {
    const result = await axeFor(page).analyze();
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`), [], label);
  }

  test('every message page: no script runs; axe clean on HTML mail and a sample', async () => {
    const { rows } = await platform.db.pool.query<{ number: number; has_html: boolean }>(
      `select p.number, e.has_html from posts p join archive_entries e on e.post_id = p.id join lists l on l.id = p.list_id where l.local_part = 'social-media' order by p.number`,
    );
    assert.ok(rows.length >= 1490);
    const c = await context();
    const failures: string[] = [];
    // shown as they happen too, so a run stopped early still says what it found
    const fail = (line: string) => {
      failures.push(line);
      process.stderr.write(`archive page problem: ${line}\n`);
    };
    let checked = 0;
    // two tabs at a time (the machine has two cores); every failure is collected, then reported
    const queue = [...rows];
    async function tab() {
      const page = await c.newPage();
      page.on('console', (m) => {
        // Chromium asks for /favicon.ico once per tab (404); each page's own status is checked below
        if (m.type() === 'error' && !/status of 404/.test(m.text())) fail(`${page.url()}: console: ${m.text()}`);
      });
      page.on('pageerror', (e) => fail(`${page.url()}: ${e.message}`));
      for (let r = queue.shift(); r; r = queue.shift()) {
        const url = `${platform.url}/archives/social-media/${r.number}`;
        const res = await page.goto(url, { waitUntil: 'load' });
        if (res?.status() !== 200) fail(`${url}: status ${res?.status()}`);
        const probe = await page.evaluate(() => {
          const w = window as unknown as { __xss?: unknown; __csp: string[] };
          return { xss: w.__xss, csp: w.__csp, h1: document.querySelectorAll('h1').length };
        });
        if (probe.xss !== undefined) fail(`${url}: a script from the mail ran`);
        if (probe.csp.length) fail(`${url}: refused by the CSP: ${probe.csp.join(', ')}`);
        if (probe.h1 !== 1) fail(`${url}: ${probe.h1} h1 elements`);
        // The whole page on every 30th message; on every HTML message, the main content (the
        // banner, header and footer around it are the same on every page).
        const sample = Number(r.number) % 30 === 0;
        if (r.has_html || sample) {
          const builder = axeFor(page);
          const result = await (sample ? builder : builder.include('main')).analyze();
          for (const v of result.violations) fail(`${url}: ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
          checked++;
        }
      }
      await page.close();
    }
    await Promise.all([tab(), tab()]);
    await c.close();
    assert.deepEqual(failures, []);
    assert.ok(checked >= 50, `axe ran on ${checked} pages`);
  });

  test('browse a month, open a long thread, search, all with JavaScript off; each page passes axe', async () => {
    // With JavaScript off nothing can run in the page (axe included): walk the pages as a
    // reader does, and note each address; then axe checks the same addresses with JavaScript on.
    const c = await context(false);
    const page = await c.newPage();
    const visited: Array<[string, string]> = [];
    await page.goto(`${platform.url}/archives/social-media`);
    visited.push([page.url(), 'archive home']);
    await page.getByRole('link', { name: 'April 2019' }).click();
    assert.equal(await page.locator('h1').innerText(), 'April 2019');
    visited.push([page.url(), 'month']);
    const { rows } = await platform.db.pool.query<{ id: number }>('select id from archive_threads order by message_count desc limit 1');
    await page.goto(`${platform.url}/archives/social-media/threads/${rows[0]!.id}`);
    assert.ok((await page.locator('article').count()) >= 10, 'a long thread');
    const quote = page.locator('details.archive-quote').first();
    assert.equal(await quote.getAttribute('open'), null);
    await quote.locator('summary').click();
    assert.notEqual(await quote.getAttribute('open'), null, 'quotes open without JavaScript');
    visited.push([page.url(), 'long thread']);
    await page.goto(`${platform.url}/archives/social-media/search`);
    await page.getByLabel('Words').fill('"Theseus Cores"');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    assert.match(await page.locator('#results-heading').innerText(), /found/);
    assert.ok(await page.locator('mark').first().isVisible());
    visited.push([page.url(), 'search results']);
    await page.goto(`${platform.url}/archives/social-media/search?from=ejkreinar`);
    assert.match(await page.locator('#results-heading').innerText(), /found/);
    await page.goto(`${platform.url}/archives/social-media/feed`);
    visited.push([page.url(), 'feed page']);
    await c.close();
    const withJs = await context(true);
    const checked = await withJs.newPage();
    for (const [url, name] of visited) {
      await checked.goto(url);
      await axe(checked, name);
    }
    await withJs.close();
  });
});
