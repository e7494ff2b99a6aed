/**
 * The list's pages in Chromium: the moderators' queue, a held message (with hostile HTML that
 * must not run), the single-use moderation link, list settings and one-click unsubscribe. axe
 * finds nothing on each, with JavaScript on and off.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { NO_CHROMIUM } from './chromium.ts';
import { LIST_DOMAIN as DOMAIN, startListSite, type ListSite } from './list-site.ts';
import { axeViolations } from './pages.ts';
import type { RunningPlatform } from '../../src/app/index.ts';
import { SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { ROOT, waitFor } from '../helpers.ts';
import { linkIn, type MailSink } from '../mail-sink.ts';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('list pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let site: ListSite;
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let heldId: number;
  let session: string;

  before(async () => {
    site = await startListSite(['coord@agency.gov', 'reader@agency.gov']);
    ({ platform, browser, sink } = site);
    mkdirSync(SHOTS, { recursive: true });
    await platform.db.pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'coord@agency.gov')`);
    session = await site.sessionOf('coord@agency.gov');
    await site.post({
      from: 'Mallory <mallory@example.com>',
      to: `social-media@${DOMAIN}`,
      subject: 'Click <b>here</b>',
      messageId: '<hostile@example.com>',
      text: 'Plain part',
      html: '<p>Hi</p><script>window.__xss = 1</script><img src="https://tracker.example.com/pixel.gif" onerror="window.__xss = 2"><form action="https://evil.example.com"><input name=p></form>',
    });
    heldId = (
      await waitFor(
        'held',
        async () => (await platform.db.pool.query(`select id from incoming_messages where message_id = '<hostile@example.com>' and status = 'held'`)).rows[0],
      )
    ).id;
    await site.post({ from: 'reader@agency.gov', to: `social-media@${DOMAIN}`, subject: 'Hello all', text: 'Hi', messageId: '<hello@agency.gov>' });
    await waitFor('copy', async () => sink.messages.find((m) => m.headers.get('message-id') === '<hello@agency.gov>' && m.to.includes('reader@agency.gov')));
  });
  after(async () => {
    await site?.close();
  });

  async function check(page: Page, name: string) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    const axe = { violations: await axeViolations(page) };
    assert.deepEqual(
      axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      name,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, `${name}: no script from a message ran`);
  }

  test("moderators' pages pass axe, nothing from the message runs", () => moderatorPages(true));

  async function moderatorPages(javaScriptEnabled: boolean) {
    {
      const context = await browser.newContext({ javaScriptEnabled });
      context.setDefaultTimeout(10_000);
      await context.addCookies([{ name: SESSION_COOKIE, value: session, url: platform.url }]);
      const requests: string[] = [];
      const page = await context.newPage();
      page.on('request', (r) => requests.push(r.url()));
      const suffix = javaScriptEnabled ? '' : '-nojs';
      for (const [p, name, h1] of [
        ['/communities/social-media/admin/held', 'held-queue', 'Held messages: Social Media'],
        [`/communities/social-media/admin/held/${heldId}`, 'held-message', 'Click <b>here</b>'],
        ['/communities/social-media/admin/list', 'list-settings', 'List settings: Social Media'],
        ['/communities/social-media', 'community-with-list', 'Social Media'],
      ] as const) {
        const res = await page.goto(platform.url + p);
        assert.equal(res?.status(), 200, p);
        assert.equal((await page.locator('h1').innerText()).trim(), h1);
        // axe needs JavaScript: with it off, the pages are loaded and used, and checked by axe above.
        if (javaScriptEnabled) await check(page, name + suffix);
        else await page.screenshot({ path: path.join(SHOTS, `${name}${suffix}.png`), fullPage: true });
      }
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(platform.url)),
        [],
        'nothing loaded from elsewhere',
      );
      if (!javaScriptEnabled) {
        // The queue works as a plain form: select the held message and discard it.
        await page.goto(`${platform.url}/communities/social-media/admin/held`);
        await page.locator(`#held-${heldId}`).check();
        await page.getByRole('button', { name: 'Discard', exact: true }).click();
        assert.match(await page.getByRole('status').innerText(), /Done: 1 message/);
        const { rows } = await platform.db.pool.query('select status from incoming_messages where id = $1', [heldId]);
        assert.equal(rows[0].status, 'discarded');
      }
      await context.close();
    }
  }

  test('a post held as possibly forged: a warning instead of the ban button, at 1280 and 320 px', async () => {
    await site.post({
      from: 'reader@agency.gov, Spam <spam@example.com>',
      envelopeFrom: 'spam@example.com',
      to: `social-media@${DOMAIN}`,
      subject: 'Cheap pills',
      text: 'x',
      messageId: '<forged@example.com>',
    });
    const id = (
      await waitFor(
        'held',
        async () => (await platform.db.pool.query(`select id from incoming_messages where message_id = '<forged@example.com>' and status = 'held'`)).rows[0],
      )
    ).id;
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: platform.url }]);
    const page = await context.newPage();
    await page.goto(`${platform.url}/communities/social-media/admin/held/${id}`);
    assert.match(await page.locator('.usa-alert--warning').innerText(), /not verified/);
    assert.equal(await page.getByRole('button', { name: 'Ban the sender' }).count(), 0);
    await check(page, 'held-forged');
    await page.setViewportSize({ width: 320, height: 800 });
    await check(page, 'held-forged-320');
    await context.close();
  });

  test('the mailed moderation link and the unsubscribe page pass axe', async () => {
    const notice = await waitFor('notice', async () =>
      sink.messages.find((m) => m.to.includes('coord@agency.gov') && /waiting for a moderator/.test(m.subject)),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(linkIn(notice, `${platform.url}/moderate/`));
    await check(page, 'moderate-link');
    const copy = sink.messages.find((m) => m.headers.get('message-id') === '<hello@agency.gov>' && m.to.includes('reader@agency.gov'))!;
    const unsubscribe = /^List-Unsubscribe: <(http[^>]+)>/m.exec(copy.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    await page.goto(unsubscribe);
    await check(page, 'unsubscribe');
    await page.getByRole('button', { name: 'Leave the list' }).click();
    await page.waitForURL(unsubscribe);
    assert.match(await page.locator('h1').innerText(), /You have left Social Media/);
    await check(page, 'unsubscribed');
    await context.close();
  });

  test("with JavaScript off the moderators' pages load and the queue works as a plain form", async () => {
    await moderatorPages(false);
  });
});
