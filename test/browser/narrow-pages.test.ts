/**
 * Pages looked at as a person does, at 320 px (a small phone) and 1280 px, signed out, as a
 * member and as a coordinator: the event's registration page, the time-zone choice, the page of
 * the "mute this thread" link in every copy's footer, and the thread page with its reply form and
 * mute button. None scrolls sideways; the registration form's boxes keep a readable width on a
 * wide screen; the mute page leads back to the thread; a one-message thread does not say it ran
 * "from" a time "to" the same time. Screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { NO_CHROMIUM } from './chromium.ts';
import { LIST_DOMAIN, startListSite, type ListSite } from './list-site.ts';
import { SHOTS } from './pages.ts';
import { archivePending } from '../../src/archives/archiver.ts';
import { createEvent } from '../../src/events/store.ts';
import { SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { inTransaction } from '../../src/platform/db/queryable.ts';
import { waitFor } from '../helpers.ts';

describe('registration, time-zone, mute and thread pages at 320 px and 1280 px', { skip: NO_CHROMIUM, timeout: 240_000 }, () => {
  let site: ListSite;
  let pages: Record<string, string>;
  const sessions: Record<string, string | undefined> = { 'signed-out': undefined };

  before(async () => {
    site = await startListSite(['pat.doe@hhs.gov', 'casey.lead@gsa.gov']);
    const pool = site.platform.db.pool;
    await pool.query(`update memberships set role = 'coordinator' where member_id = (select id from members where email = 'casey.lead@gsa.gov')`);
    await pool.query(`update members set name = 'Pat Doe' where email = 'pat.doe@hhs.gov'`);
    sessions.member = await site.sessionOf('pat.doe@hhs.gov');
    sessions.coordinator = await site.sessionOf('casey.lead@gsa.gov');
    const community = Number((await pool.query(`select id from communities where slug = 'social-media'`)).rows[0].id);
    const ny = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' }).toJSDate();
    await inTransaction(pool, (tx) =>
      createEvent(
        tx,
        SYSTEM,
        {
          slug: 'summit-2027',
          kind: 'summit',
          status: 'published',
          title: 'SocialGov Summit 2027: Measuring What Matters in Government Social Media',
          summary: 'Talks and workshops.',
          body: 'Agenda',
          timeZone: 'America/New_York',
          startsAt: ny('2027-11-04T09:00'),
          endsAt: ny('2027-11-04T16:30'),
          topics: ['social-media'],
          format: 'hybrid',
          platform: 'zoom-gov',
          venue: { name: 'U.S. General Services Administration', address: '1800 F Street NW', city: 'Washington', state: 'DC', zip: '20405' },
          registration: 'public',
          capacity: 50,
          recorded: true,
          questions: [],
          communityIds: [community],
          presenters: [],
          extra: {},
        },
        { source: 'cli' },
      ),
    );
    await site.post({
      from: 'Pat Doe <pat.doe@hhs.gov>',
      to: `social-media@${LIST_DOMAIN}`,
      messageId: '<hours@agency.gov>',
      subject: 'Office hours for the accessibility review of our agency-wide social media guidelines',
      text: 'Who is coming on Tuesday? https://www.example.gov/a/very/long/address/that/has/no/place/to/break/in/the/text/of/the/message',
    });
    await waitFor('the copies', async () => site.sink.messages.some((m) => m.headers.get('message-id') === '<hours@agency.gov>'));
    await archivePending(pool);
    const t = (
      await pool.query(`select e.thread_id, p.number from archive_entries e join posts p on p.id = e.post_id where e.message_id = '<hours@agency.gov>'`)
    ).rows[0];
    pages = {
      register: '/events/summit-2027/register',
      'time-zone': '/events/time-zone?back=%2Fevents%2Fsummit-2027&zone=America%2FNew_York',
      mute: `/archives/social-media/${t.number}/mute`,
      thread: `/archives/social-media/threads/${t.thread_id}`,
    };
  });
  after(async () => {
    await site?.close();
  });

  for (const who of ['signed-out', 'member', 'coordinator']) {
    test(`${who}: no page scrolls sideways at 320 px or 1280 px`, async () => {
      for (const width of [320, 1280]) {
        const context = await site.browser.newContext({ viewport: { width, height: 800 } });
        context.setDefaultTimeout(15_000);
        const session = sessions[who];
        if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: site.platform.url }]);
        const page = await context.newPage();
        for (const [name, p] of Object.entries(pages)) {
          const res = await page.goto(site.platform.url + p);
          assert.equal(res?.status(), 200, `${name} (${who}, ${width} px)`);
          await page.screenshot({ path: path.join(SHOTS, `narrow-${name}-${who}-${width}.png`), fullPage: true });
          const wide = await page.evaluate(() => {
            const edge = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > edge + 1)
              .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).replace(/ /g, '.')}`);
          });
          assert.deepEqual(wide, [], `${name} (${who}, ${width} px): these stick out past the right edge`);
        }
        await context.close();
      }
    });
  }

  test('the registration form keeps its boxes to a readable width on a wide screen', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(site.platform.url + pages.register!);
    for (const label of ['Your name', 'Email address', 'Anything else you need to take part']) {
      const box = await page.getByLabel(label).boundingBox();
      assert.ok(box && box.width <= 480, `"${label}" is ${box?.width} px wide`);
    }
    await context.close();
  });

  test('the mute page of the footer link leads back to the thread', async () => {
    const context = await site.browser.newContext();
    context.setDefaultTimeout(10_000);
    await context.addCookies([{ name: SESSION_COOKIE, value: sessions.member!, url: site.platform.url }]);
    const page = await context.newPage();
    await page.goto(site.platform.url + pages.mute!);
    await page.getByRole('link', { name: 'Back to the thread' }).click();
    assert.equal(new URL(page.url()).pathname, pages.thread);
    await context.close();
  });

  test('a thread of one message says when it was sent, not "from" a time "to" the same time', async () => {
    const context = await site.browser.newContext();
    context.setDefaultTimeout(10_000);
    await context.addCookies([{ name: SESSION_COOKIE, value: sessions.member!, url: site.platform.url }]);
    const page = await context.newPage();
    await page.goto(site.platform.url + pages.thread!);
    const intro = (await page.locator('main .usa-intro').first().textContent())!.trim();
    assert.match(intro, /^1 message from 1 person, sent [A-Z][a-z]{2} \d+, \d{4}, \d+:\d\d [AP]M [A-Z]+\.$/);
    await context.close();
  });
});
