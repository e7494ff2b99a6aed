/**
 * Digests in Chromium: the "get each message" page from a digest (with JavaScript off, then axe
 * on each page) and the digest's HTML summary itself, which axe must also find nothing wrong in.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { simpleParser } from 'mailparser';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { axeViolations } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { composeDigest } from '../../src/lists/digests/compose.ts';
import { personalDigest } from '../../src/lists/digests/personal.ts';
import { unsubscribeToken } from '../../src/lists/tokens.ts';
import { addMembers } from '../list-helpers.ts';
import { ROOT, testConfig, testDatabaseEnv } from '../helpers.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('digest pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let config: ReturnType<typeof testConfig>;
  let browser: Browser;
  let cleanup: () => Promise<void>;

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    config = testConfig({ ...database.env, SMTP_IN_PORT: '0' });
    platform = await startPlatform(config);
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

  async function eachLink(email: string): Promise<string> {
    await addMembers(platform.db.pool, 'social-media', [email], 'daily');
    const { rows } = await platform.db.pool.query<{ member_id: number; list_id: number }>(
      `select m.id as member_id, l.id as list_id from members m, lists l where m.email = $1 and l.local_part = 'social-media'`,
      [email],
    );
    const secret = await cookieSecret(platform.db.pool, config.secret);
    return `${platform.url}/u/${unsubscribeToken(secret, Number(rows[0]!.member_id), Number(rows[0]!.list_id))}/each`;
  }

  test('"get each message" with JavaScript off: one button, then a confirmation', async () => {
    const url = await eachLink('robin.park@hhs.gov');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const tab = await context.newPage();
    await tab.goto(url);
    assert.equal(await tab.locator('h1').innerText(), 'Get each message from Social Media');
    await tab.getByRole('button', { name: 'Get each message' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'You will get each message from Social Media');
    const { rows } = await platform.db.pool.query(
      `select delivery_mode from list_subscriptions where member_id = (select id from members where email = 'robin.park@hhs.gov')`,
    );
    assert.equal(rows[0].delivery_mode, 'each');
    await context.close();

    const broken = await browser.newContext({ javaScriptEnabled: false });
    const page = await broken.newPage();
    const res = await page.goto(url.replace(/\/u\/[^/]+/, '/u/not-a-token'));
    assert.equal(res?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'This link does not work');
    await broken.close();
  });

  test('axe finds nothing on the pages', async () => {
    const url = await eachLink('lee.kim@hhs.gov');
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(url);
    await check(tab, 'digest-each-confirm');
    await tab.getByRole('button', { name: 'Get each message' }).click();
    await tab.locator('h1', { hasText: 'You will get each message' }).waitFor();
    await check(tab, 'digest-each-done');
    await context.close();
  });

  test("the digest's HTML summary is accessible and loads nothing", async () => {
    const scheduledFor = DateTime.fromISO('2026-11-23T07:00', { zone: 'America/New_York' });
    const raw = (n: number, subject: string, body: string) =>
      Buffer.from(
        `From: Poster ${n} <p${n}@agency.gov>\r\nSubject: ${subject}\r\nMessage-ID: <p${n}@agency.gov>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${body}`,
      );
    const composed = await composeDigest(
      [
        {
          number: 1,
          subject: 'Captions <script>',
          fromAddress: 'p1@agency.gov',
          fromName: 'Poster 1',
          sentAt: new Date(),
          messageId: '<p1@agency.gov>',
          raw: raw(1, 'Captions', '<p>Hi <img src="http://127.0.0.1:9/pixel.gif"> <script>document.title="x"</script></p>'),
        },
        {
          number: 2,
          subject: 'Office hours',
          fromAddress: 'p2@agency.gov',
          fromName: null,
          sentAt: new Date(),
          messageId: '<p2@agency.gov>',
          raw: raw(2, 'Office hours', '<p>Thursday at 2.</p>'),
        },
      ],
      {
        listName: 'Social Media',
        prefix: '[Social Media]',
        listAddress: 'social-media@localhost',
        listId: 'social-media.localhost',
        timeZone: 'America/New_York',
        mode: 'daily',
        scheduledFor,
        now: scheduledFor,
        domain: 'localhost',
        urls: {
          help: `${platform.url}/help`,
          subscribe: `${platform.url}/join`,
          archive: `${platform.url}/archives/social-media`,
          owner: 'mailto:o@localhost',
          post: 'mailto:social-media@localhost',
          archivedAt: (n) => `${platform.url}/archives/social-media/${n}`,
          account: `${platform.url}/account`,
        },
      },
    );
    const html = (await simpleParser(personalDigest(composed.message, { each: `${platform.url}/u/t/each`, leave: `${platform.url}/u/t` }))).html as string;
    const context = await browser.newContext();
    const tab = await context.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => requests.push(r.url()));
    await tab.setContent(html);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank'),
      [],
      'no remote content',
    );
    assert.equal(await tab.locator('h1').innerText(), 'Social Media Daily Digest, Mon, Nov 23, 2026');
    assert.equal(await tab.locator('ol > li').count(), 2);
    assert.notEqual(await tab.title(), 'x', 'no script ran');
    await check(tab, 'digest-html-summary');
    await context.close();
  });
});
