/**
 * Posting from the web as a person does it (issue 21), in Chromium with JavaScript off and only
 * the keyboard: on a thread page, write a reply, preview it, send it; every member's copy arrives
 * at the SMTP relay as a reply to the thread. Then mute the thread with its button. axe finds
 * nothing on the thread page with its form, its preview and after sending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { NO_CHROMIUM } from './chromium.ts';
import { LIST_DOMAIN as DOMAIN, startListSite, type ListSite } from './list-site.ts';
import { checkPage, shown } from './pages.ts';
import type { RunningPlatform } from '../../src/app/index.ts';
import { SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { archivePending } from '../../src/archives/archiver.ts';
import { waitFor } from '../helpers.ts';
import type { MailSink } from '../mail-sink.ts';

const MEMBERS = ['pat@agency.gov', 'lee@agency.gov', 'kim@example.com'];

/** Press Tab until the focused element matches, as a keyboard user moves through the page. */
async function tabTo(page: Page, what: string, matches: (el: { id: string; text: string; tag: string }) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { id: a?.id ?? '', text: (a?.textContent ?? '').trim(), tag: a?.tagName.toLowerCase() ?? '' };
    });
    if (matches(el)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('posting from the web in Chromium, keyboard only, JavaScript off', { skip: NO_CHROMIUM, timeout: 180_000 }, () => {
  let site: ListSite;
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let session: string;
  let threadId: number;

  before(async () => {
    site = await startListSite(MEMBERS);
    ({ platform, browser, sink } = site);
    await platform.db.pool.query(`update members set name = 'Pat Smith' where email = 'pat@agency.gov'`);
    session = await site.sessionOf('pat@agency.gov');
    await site.post({
      from: 'Kim Lu <kim@example.com>',
      to: `social-media@${DOMAIN}`,
      subject: 'Office hours',
      text: 'Who is coming on Tuesday?',
      messageId: '<hours@example.com>',
    });
    await waitFor('the first copies', async () => sink.messages.filter((m) => m.headers.get('message-id') === '<hours@example.com>').length === 3);
    await archivePending(platform.db.pool);
    threadId = Number((await platform.db.pool.query(`select thread_id from archive_entries where message_id = '<hours@example.com>'`)).rows[0].thread_id);
  });
  after(async () => {
    await site?.close();
  });

  test('reply with preview, then mute, with the keyboard and no JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(15_000);
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: platform.url }]);
    const page = await context.newPage();
    await page.goto(`${platform.url}/archives/social-media/threads/${threadId}`);

    await tabTo(page, 'the message box', (el) => el.id === 'post-text');
    await page.keyboard.type('I will come.\nPat');
    await tabTo(page, 'Preview', (el) => el.tag === 'button' && el.text === 'Preview');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#preview-heading');
    assert.match((await page.textContent('#preview-heading')) ?? '', /Preview: not sent yet/);
    assert.equal(await page.inputValue('#post-text'), 'I will come.\nPat', 'the text is in the form again');
    assert.equal(sink.messages.length, 3, 'a preview sends nothing');

    await page.focus('#post-text');
    await tabTo(page, 'Send to the list', (el) => el.tag === 'button' && el.text === 'Send to the list');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?sent=2#m2$/);
    assert.match((await page.textContent('main')) ?? '', /Your message is on its way/);

    const copies = await waitFor('every member’s copy of the reply', async () => {
      const c = sink.messages.filter((m) => m.headers.get('in-reply-to') === '<hours@example.com>');
      return c.length === 3 ? c : undefined;
    });
    assert.deepEqual(copies.map((m) => m.to[0]).sort(), [...MEMBERS].sort());
    for (const copy of copies) {
      assert.equal(copy.subject, '[Social Media] Re: Office hours');
      assert.match(String(copy.headers.get('references')), /<hours@example\.com>/);
      assert.match(copy.text, /I will come\.\nPat/);
    }

    await tabTo(page, 'Mute this thread', (el) => el.tag === 'button' && el.text === 'Mute this thread');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?muted=1$/);
    assert.match((await page.textContent('main')) ?? '', /Thread muted/);
    await shown(page.getByRole('button', { name: 'Unmute this thread' }));
    await context.close();
  });

  // axe runs in the page, on its timers: with JavaScript off it never finishes, so it checks here.
  test('the thread page with its form, its preview and the Unmute button: axe finds nothing', async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    context.setDefaultTimeout(15_000);
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: platform.url }]);
    const page = await context.newPage();
    await page.goto(`${platform.url}/archives/social-media/threads/${threadId}`);
    await shown(page.getByRole('button', { name: 'Unmute this thread' }));
    await checkPage(page, 'web-post-thread');
    await page.getByRole('textbox', { name: 'Your message' }).fill('A second thought.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForSelector('#preview-heading');
    await checkPage(page, 'web-post-preview');
    await context.close();
  });
});
