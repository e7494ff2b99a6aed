/**
 * The registry pages in Chromium, as people use them: a member registers an account with
 * JavaScript off, a reviewer publishes it, a visitor checks it. axe finds nothing on each page.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { combineRegistryFiles, importRegistry, parseRegistryFile } from '../../src/membership/gov-registry.ts';
import { ensureMember } from '../../src/membership/members.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { addReviewer } from '../../src/registry/access.ts';
import { importAgencies } from '../../src/registry/agencies.ts';
import { ROOT, testConfig, testDatabaseEnv } from '../helpers.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const ACTOR = { name: 'test', source: 'test' };

describe('registry pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let cleanup: () => Promise<void>;
  let recordUrl = '';

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env }));
    const parsed = parseRegistryFile(
      'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email\ngsa.gov,Federal - Executive,General Services Administration,,Washington,DC,s@gsa.gov\n',
    );
    assert.ok(parsed.ok);
    await importRegistry(platform.db.pool, combineRegistryFiles([{ file: 'f', kind: parsed.kind, rows: parsed.rows }]), { actor: ACTOR });
    await importAgencies(platform.db.pool, [{ line: 2, department: 'General Services Administration' }], { actor: ACTOR });
    await ensureMember(platform.db.pool, { email: 'rita@gsa.gov', name: 'Rita Reviewer' });
    await addReviewer(platform.db.pool, ACTOR, 'rita@gsa.gov');
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
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

  async function context(email: string | undefined, javaScriptEnabled: boolean): Promise<BrowserContext> {
    const ctx = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(10_000);
    if (email) {
      const m = await ensureMember(platform.db.pool, { email, name: email.split('@')[0]! });
      const value = await createSession(platform.db.pool, m.id, { days: 1 });
      await ctx.addCookies([{ name: 'sg_session', value, url: platform.url }]);
    }
    return ctx;
  }

  test('a member registers an X account with JavaScript off; errors sit next to the fields', async () => {
    const ctx = await context('alice@gsa.gov', false);
    const tab = await ctx.newPage();
    await tab.goto(`${platform.url}/registry`);
    assert.equal(await tab.locator('h1').innerText(), 'Official government accounts');
    await tab.getByRole('link', { name: 'Your agency’s records' }).click();
    await tab.getByRole('link', { name: 'Register an account' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Register a social-media account');
    await tab.getByLabel('Account address').fill('https://example.com/nope');
    await tab.getByRole('button', { name: 'Submit for review' }).click();
    await shown(tab.getByText('There is a problem'));
    await shown(tab.locator('#address-error').getByText('not a platform the registry knows'));
    await tab.getByLabel('Account address').fill('https://twitter.com/GSA/');
    await tab.getByLabel('Platform user id').fill('123456');
    await tab.getByLabel('Short description').fill('News and updates from GSA');
    await tab.getByRole('button', { name: 'Submit for review' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'X (Twitter) @GSA');
    await shown(tab.getByText('Waiting for review').first());
    recordUrl = tab.url().split('?')[0]!;
    await ctx.close();
  });

  test('a reviewer publishes it with JavaScript off; a visitor checks the account', async () => {
    const ctx = await context('rita@gsa.gov', false);
    const tab = await ctx.newPage();
    await tab.goto(`${platform.url}/registry/review`);
    assert.equal(await tab.locator('h1').innerText(), 'Review queue');
    await tab.getByRole('link', { name: 'X (Twitter) @GSA' }).click();
    await tab.getByRole('button', { name: 'Publish' }).click();
    await shown(tab.getByText('Published. The verification API'));
    await ctx.close();

    const visitor = await context(undefined, false);
    const page = await visitor.newPage();
    await page.goto(`${platform.url}/registry`);
    await page.getByLabel('Account address').fill('https://mobile.x.com/gsa?s=20');
    await page.getByRole('button', { name: 'Check the account' }).click();
    await shown(page.getByRole('heading', { name: 'Official account' }));
    await page.getByLabel('Account address').fill('https://x.com/gsa_');
    await page.getByRole('button', { name: 'Check the account' }).click();
    await shown(page.getByRole('heading', { name: 'Not a verified official account' }));
    await visitor.close();
  });

  test('every registry page passes axe, for visitors, members and reviewers', async () => {
    const visitor = await context(undefined, true);
    const v = await visitor.newPage();
    for (const [url, name] of [
      ['/registry', 'registry-home'],
      ['/registry?q=gsa&platform=x', 'registry-search'],
      ['/registry/verify?url=https%3A%2F%2Fx.com%2Fgsa', 'registry-verify-true'],
      ['/registry/verify?url=not%20a%20url', 'registry-verify-error'],
      [recordUrl.replace(platform.url, ''), 'registry-record-public'],
    ] as const) {
      await v.goto(platform.url + url);
      assert.equal(await v.locator('h1').count(), 1, url);
      await check(v, name);
    }
    await visitor.close();
    const member = await context('alice@gsa.gov', true);
    const m = await member.newPage();
    for (const [url, name] of [
      ['/registry/manage', 'registry-manage'],
      ['/registry/new?kind=app', 'registry-new-app'],
      ['/registry/new?kind=website', 'registry-new-website'],
      [`${recordUrl.replace(platform.url, '')}/edit`, 'registry-edit'],
    ] as const) {
      await m.goto(platform.url + url);
      await check(m, name);
    }
    await m.goto(`${platform.url}/registry/new`);
    await m.getByRole('button', { name: 'Submit for review' }).click();
    await check(m, 'registry-new-errors');
    await m.goto(recordUrl);
    await check(m, 'registry-record-member');
    await member.close();
    const reviewer = await context('rita@gsa.gov', true);
    const r = await reviewer.newPage();
    await r.goto(`${platform.url}/registry/review`);
    await check(r, 'registry-review');
    await r.goto(recordUrl);
    await check(r, 'registry-record-reviewer');
    await reviewer.close();
  });
});
