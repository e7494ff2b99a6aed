/** What every browser test does to a page: sign in by the mailed link, open a context, check a page (screenshot, axe, one h1). */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type axe from 'axe-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ROOT } from '../helpers.ts';
import { linkIn, type MailSink } from '../mail-sink.ts';

export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/**
 * Waits until the element is shown (up to 10 s), else fails saying what was looked for. After a
 * click that sends a form, the next page may not be there yet: `isVisible()` answers at once, so
 * `assert.ok(await x.isVisible())` failed whenever a busy machine was slower than the check (CI,
 * 3 December). ESLint refuses that pattern in test/browser.
 */
export async function shown(locator: Locator, message?: string): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: 10_000 });
  } catch (err) {
    assert.fail(`${message ?? 'not shown'}: ${String(locator)} (${(err as Error).message.split('\n')[0]})`);
  }
}
/** The axe rule sets of WCAG 2.1 A and AA. */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe-core's minified build: half the size of the `source` build, so half the parsing. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The WCAG 2.1 A and AA violations on a page (our pages have no frames: the sanitizer drops a
 * mail's), every browser test's axe check: axe injected once, run inside the page, and only
 * violations listed. @axe-core/playwright's AxeBuilder injects axe twice per check and lists every
 * node that passed (0.38 s a page instead of 0.22 s), and its default mode opens a blank page per
 * check to combine frames' results (0.8 s).
 */
export async function axeViolations(page: Page): Promise<axe.Result[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    (tags) =>
      (window as unknown as { axe: typeof axe }).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((r) => r.violations),
    WCAG_21_AA,
  );
}

/** Screenshot the page to test-results/screenshots/<shot>.png, then require zero axe violations and (unless told otherwise) one h1. */
export async function checkPage(page: Page, shot: string, opts: { oneH1?: boolean } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
  const axe = { violations: await axeViolations(page) };
  assert.deepEqual(
    axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    shot,
  );
  if (opts.oneH1 ?? true) assert.equal(await page.locator('h1').count(), 1, `${shot}: one h1`);
}

export async function newBrowserContext(browser: Browser, opts: { javaScriptEnabled?: boolean; acceptDownloads?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: opts.acceptDownloads ?? false,
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Sign in as a person does: ask for a link, open it from the mail (other mail to them is skipped), press Sign in. */
export async function signInByMail(page: Page, baseUrl: string, sink: MailSink, email: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Work email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  let mail = await sink.next(email);
  while (!mail.text.includes('/signin/confirm?token=')) mail = await sink.next(email);
  await page.goto(linkIn(mail, `${baseUrl}/signin/confirm?token=`));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/account$/);
}
