/**
 * The archive of real list mail in Chromium: the 1,500 messages of the USRP corpus imported, and
 * the few message pages that hold every element kind and every parent>child nesting found on
 * any message page (coveringPages in test/archive-shapes.ts), plus the first, the last and a
 * fixed sample: no script runs (a `window.__xss` probe, CSP violation, console and
 * page-error listeners), one h1, and axe with zero WCAG 2.1 AA violations on the whole page.
 * Every page is checked in-process by test/integration/archive-corpus.test.ts. Then the archive
 * is read with JavaScript off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations, shown } from './pages.ts';
import { startCorpusArchive, type CorpusArchive } from '../archive-helpers.ts';
import { coveringPages, evenSample, shapesOf } from '../archive-shapes.ts';
import { NO_SHARED } from '../helpers.ts';

describe('the archive of real mail in Chromium', { skip: NO_CHROMIUM || NO_SHARED, timeout: 15 * 60_000 }, () => {
  let archive: CorpusArchive;
  let browser: Browser;

  before(async () => {
    if (NO_CHROMIUM || NO_SHARED) return;
    // Chromium starts while the corpus is imported; each is set as soon as it is up, so after() closes it
    const launched = launchChromium().then((b) => (browser = b));
    archive = await startCorpusArchive();
    await launched;
  });
  after(async () => {
    await browser?.close();
    await archive?.close();
  });

  async function context(javaScriptEnabled = true): Promise<BrowserContext> {
    const c = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    await c.addCookies([{ name: 'sg_session', value: archive.session, url: archive.platform.url }]);
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
    const result = { violations: await axeViolations(page) };
    assert.deepEqual(
      result.violations.map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')})`,
      ),
      [],
      label,
    );
  }

  test('pages holding every element kind and nesting of the message pages: no script runs, one h1, axe clean on the whole page', async (t) => {
    const started = Date.now();
    const all = archive.messagePaths;
    const shaped = await shapesOf(archive.platform.url, archive.session, all);
    const chosen = coveringPages(shaped, [all[0]!, all[all.length - 1]!, ...evenSample(all, 6)]);
    const shapes = new Set(shaped.map((p) => p.shape.key)).size;
    const tookShapes = Date.now();
    const c = await context();
    const failures: string[] = [];
    // shown as they happen too, so a run stopped early still says what it found
    const fail = (line: string) => {
      failures.push(line);
      process.stderr.write(`archive page problem: ${line}\n`);
    };
    // two tabs at a time (the machine has two cores); every failure is collected, then reported
    const queue = [...chosen.paths];
    async function tab() {
      const page = await c.newPage();
      page.on('console', (m) => {
        // Chromium asks for /favicon.ico once per tab; every other address is checked by the corpus test and here
        if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) fail(`${page.url()}: console: ${m.text()} ${m.location().url}`);
      });
      page.on('pageerror', (e) => fail(`${page.url()}: ${e.message}`));
      for (let path = queue.shift(); path; path = queue.shift()) {
        const url = archive.platform.url + path;
        const res = await page.goto(url, { waitUntil: 'load' });
        if (res?.status() !== 200) fail(`${url}: status ${res?.status()}`);
        const probe = await page.evaluate(() => {
          const w = window as unknown as { __xss?: unknown; __csp: string[] };
          return { xss: w.__xss, csp: w.__csp, h1: document.querySelectorAll('h1').length };
        });
        if (probe.xss !== undefined) fail(`${url}: a script from the mail ran`);
        if (probe.csp.length) fail(`${url}: refused by the CSP: ${probe.csp.join(', ')}`);
        if (probe.h1 !== 1) fail(`${url}: ${probe.h1} h1 elements`);
        for (const v of await axeViolations(page))
          fail(
            `${url}: ${v.id}: ${v.help} (${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')})`,
          );
      }
      await page.close();
    }
    await Promise.all([tab(), tab()]);
    await c.close();
    t.diagnostic(
      `${all.length} message pages in ${shapes} markup shapes hold ${chosen.kinds} element kinds and ${chosen.pairs} parent>child pairs; opened ${chosen.paths.length} pages (${chosen.covering.length} that hold them all, ${chosen.paths.length - chosen.covering.length} more among the first, the last and a sample); shapes in ${((tookShapes - started) / 1000).toFixed(1)} s, Chromium and axe in ${((Date.now() - tookShapes) / 1000).toFixed(1)} s`,
    );
    assert.deepEqual(failures, []);
    assert.ok(shapes > 1 && chosen.kinds > 10, 'more than one shape');
  });

  test('the message with the deepest quoted history (19 levels) is a short page, JavaScript off; its history opens', async (t) => {
    const { rows } = await archive.platform.db.pool.query<{ number: number }>(
      "select number from posts where message_id = '<CA+JMMq9gbq_-YgRCFfy3iOZ0Mygc2fd7uOeUgNREMi1-S2atLA@mail.gmail.com>'",
    );
    const c = await context(false);
    const page = await c.newPage();
    for (const width of [320, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${archive.platform.url}/archives/social-media/${rows[0]!.number}`);
      const tall = () => page.evaluate(() => document.documentElement.scrollHeight);
      const folded = await tall();
      const quote = page.locator('.sg-mail-body details.archive-quote').first();
      assert.equal(await quote.getAttribute('open'), null);
      await quote.locator('summary').click();
      const opened = await tall();
      t.diagnostic(`${width} px: ${folded} px tall folded, ${opened} px with the history open`);
      // (before folding: 43,672 px at 320 px)
      assert.ok(folded < 4000, `${width} px: ${folded} px tall`);
      assert.ok(opened > folded * 2, 'the history is there when opened');
    }
    await c.close();
  });

  test('browse a month, open a long thread, search, all with JavaScript off; each page passes axe', async () => {
    // With JavaScript off nothing can run in the page (axe included): walk the pages as a
    // reader does, and note each address; then axe checks the same addresses with JavaScript on.
    const c = await context(false);
    const page = await c.newPage();
    const visited: Array<[string, string]> = [];
    await page.goto(`${archive.platform.url}/archives/social-media`);
    visited.push([page.url(), 'archive home']);
    await page.getByRole('link', { name: 'April 2019' }).click();
    assert.equal(await page.locator('h1').innerText(), 'April 2019');
    visited.push([page.url(), 'month']);
    const { rows } = await archive.platform.db.pool.query<{ id: number }>('select id from archive_threads order by message_count desc limit 1');
    await page.goto(`${archive.platform.url}/archives/social-media/threads/${rows[0]!.id}`);
    assert.ok((await page.locator('article').count()) >= 10, 'a long thread');
    const quote = page.locator('details.archive-quote').first();
    assert.equal(await quote.getAttribute('open'), null);
    await quote.locator('summary').click();
    assert.notEqual(await quote.getAttribute('open'), null, 'quotes open without JavaScript');
    visited.push([page.url(), 'long thread']);
    await page.goto(`${archive.platform.url}/archives/social-media/search`);
    await page.getByLabel('Words').fill('"Theseus Cores"');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    assert.match(await page.locator('#results-heading').innerText(), /found/);
    await shown(page.locator('mark').first());
    visited.push([page.url(), 'search results']);
    await page.goto(`${archive.platform.url}/archives/social-media/search?from=ejkreinar`);
    assert.match(await page.locator('#results-heading').innerText(), /found/);
    await page.goto(`${archive.platform.url}/archives/social-media/feed`);
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
