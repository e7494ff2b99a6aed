/**
 * The library, tools and working groups in Chromium, as people use them: read with JavaScript off,
 * write and publish an article, record an agency's adoption with an uploaded document, run a
 * working group. axe finds no WCAG 2.1 A/AA violation on any page.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { checkPage, newBrowserContext, signInByMail, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { applyImport } from '../../src/library/import.ts';
import { planImport } from '../../src/library/import-files.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { addMember, importGovDomains, writeLibraryFixture } from '../library-fixture.ts';

describe('library pages in Chromium', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let dir: string;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, SMTP_IN_PORT: '0', ...database.env }));
    dir = tempDir('sg-library-browser-');
    const plan = planImport(writeLibraryFixture(dir));
    assert.deepEqual(plan.errors, []);
    const community = await platform.db.pool.query<{ id: number }>(`select id from communities where slug = 'social-media'`);
    await applyImport(platform.db.pool, SYSTEM, plan, { communityId: Number(community.rows[0]!.id) });
    await addMember(platform.db.pool, 'social-media', { email: 'wren.writer@gsa.gov', name: 'Wren Writer', agency: 'General Services Administration' });
    // Adoptions are recorded for the agency the .gov registry lists for the member's address.
    await importGovDomains(platform.db.pool, [['gsa.gov', 'General Services Administration']]);
    await addMember(platform.db.pool, 'social-media', {
      email: 'cora.lead@hhs.gov',
      name: 'Cora Lead',
      agency: 'Health and Human Services',
      role: 'coordinator',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await sink?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  const check = (page: Page, name: string) => checkPage(page, `library-${name}`);
  const newContext = (javaScriptEnabled = true) => newBrowserContext(browser, { javaScriptEnabled });
  const signIn = (page: Page, email: string) => signInByMail(page, platform.url, sink, email);

  test('reading with JavaScript off: library, article, guide with next/previous, print view, topic, tools, search, feeds', async () => {
    const ctx = await newContext(false);
    const tab = await ctx.newPage();
    await tab.goto(`${platform.url}/`);
    await tab.getByRole('link', { name: 'Library', exact: true }).first().click();
    assert.equal(await tab.locator('h1').innerText(), 'Library');
    await tab.getByRole('link', { name: 'Posting during a crisis' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Posting during a crisis');
    await shown(tab.getByRole('cell', { name: 'Social media team' }), 'the table is readable');
    await tab.goto(`${platform.url}/library`);
    await tab.getByRole('link', { name: 'U.S. public participation playbook' }).first().click();
    await tab.getByRole('link', { name: 'Next: Establish goals' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Establish goals');
    await tab.getByRole('link', { name: 'Next: Understand the playing field' }).click();
    await tab.getByRole('link', { name: 'Previous: Establish goals' }).click();
    assert.equal(await tab.locator('h1').innerText(), 'Establish goals');
    await tab.getByRole('link', { name: 'The whole guide on one page (to print)' }).click();
    await shown(tab.getByRole('heading', { name: '2. Understand the playing field' }));
    await tab.goto(`${platform.url}/topics/social-media`);
    await shown(tab.getByRole('link', { name: 'Posting during a crisis' }));
    const rss = await tab.getByRole('link', { name: 'RSS' }).getAttribute('href');
    assert.equal(rss, '/topics/social-media/feed.rss');
    await tab.goto(`${platform.url}/library/tools`);
    await tab.getByRole('link', { name: 'Amazon Appstore' }).click();
    await shown(tab.getByText('written as “07-2014”'));
    await tab.goto(`${platform.url}/library`);
    // The search form in the header, on every page.
    const search = tab.getByRole('region', { name: 'Search this site' });
    await search.getByLabel('Search communities, events, the library and list archives').fill('holding statements');
    await search.getByRole('button', { name: 'Search' }).click();
    await shown(tab.getByRole('link', { name: 'Posting during a crisis' }));
    await ctx.close();

    const page = await (await newContext()).newPage();
    for (const [name, url] of [
      ['index', '/library'],
      ['article', '/library/articles/posting-during-a-crisis'],
      ['guide', '/library/guides/public-participation'],
      ['guide-section', '/library/guides/public-participation/understand'],
      ['guide-print', '/library/guides/public-participation/print'],
      ['topics', '/topics'],
      ['topic', '/topics/social-media'],
      ['author', '/library/authors/jherman'],
      ['tools', '/library/tools'],
      ['tool', '/library/tools/amazon-appstore'],
      ['search', '/search?q=crisis'],
      ['search-empty', '/search?q='],
      ['groups', '/communities/social-media/groups'],
    ] as const) {
      await page.goto(platform.url + url);
      await check(page, name);
    }
    await page.context().close();
  });

  test('write with JavaScript off, then review and publish; adoption with a document; a working group', async () => {
    const writerCtx = await newContext(false);
    const w = await writerCtx.newPage();
    await signIn(w, 'wren.writer@gsa.gov');
    await w.goto(`${platform.url}/library`);
    await w.getByRole('link', { name: 'Write an article' }).click();
    await w.getByRole('button', { name: 'Save draft' }).click();
    await shown(w.getByText('There is a problem'));
    await shown(w.getByText('Enter a title.').first());
    await w.getByLabel('Title', { exact: true }).fill('Alt text for every image');
    await w.getByLabel('Kind of article').selectOption('best-practice');
    await w.locator('#summary').fill('Why every image your agency posts needs alt text.');
    await w.getByLabel('Article text (Markdown)').fill('## Why\n\nScreen reader users hear the alt text.\n');
    await w.locator('#topics').fill('social-media');
    await w.getByRole('button', { name: 'Save draft' }).click();
    await shown(w.getByText('The draft is saved.'));
    await w.getByRole('button', { name: 'Send for review' }).click();
    await shown(w.getByText('Sent for review.'));
    await writerCtx.close();

    const editorCtx = await newContext();
    const e = await editorCtx.newPage();
    await signIn(e, 'cora.lead@hhs.gov');
    await e.goto(`${platform.url}/library/drafts`);
    await check(e, 'drafts');
    await e.getByRole('link', { name: 'Alt text for every image' }).click();
    await check(e, 'article-in-review');
    await e.getByRole('button', { name: 'Publish' }).click();
    await shown(e.getByText('Published. It is now in the library'));
    await check(e, 'article-published');
    await e.getByRole('link', { name: 'Edit this article' }).click();
    await check(e, 'article-edit');
    await e.getByLabel('Title', { exact: true }).fill('');
    await e.getByRole('button', { name: 'Save changes' }).click();
    await check(e, 'article-edit-errors');

    // Terms of service: the coordinator changes a status; the writer records GSA's adoption with a PDF.
    await e.goto(`${platform.url}/library`);
    await e.getByRole('link', { name: 'Start a guide' }).click();
    await e.getByRole('button', { name: 'Start the guide' }).click();
    await check(e, 'guide-new-errors');
    await e.getByLabel('Title of the guide').fill('Cyber-vandalism toolkit');
    await e.getByLabel('Introduction (Markdown)').fill('How to prepare for, recover from and respond to hijacked accounts.');
    await e.getByRole('button', { name: 'Start the guide' }).click();
    await e.getByRole('link', { name: 'Add a section to this guide' }).click();
    await check(e, 'guide-section-new');
    await e.getByLabel('Title of the section').fill('Readiness');
    await e.getByLabel('Section text (Markdown)').fill('### Checklist\n\n- Name a stakeholder team.');
    await e.getByRole('button', { name: 'Add the section' }).click();
    assert.equal(await e.locator('h1').innerText(), 'Readiness');
    await e.getByRole('link', { name: 'Edit this section' }).click();
    await check(e, 'guide-section-edit');

    await e.goto(`${platform.url}/library/guides/public-participation`);
    await e.getByRole('link', { name: 'Add glossary terms to this guide' }).click();
    await e.getByRole('button', { name: 'Save the term' }).click();
    await check(e, 'glossary-errors');
    await e.getByLabel('Term', { exact: true }).fill('Stakeholder');
    await e.getByLabel('Definition').fill('Anyone with an interest in the program.');
    await e.getByRole('button', { name: 'Save the term' }).click();
    await shown(e.getByText('The term is saved.'));
    await check(e, 'glossary');

    await e.goto(`${platform.url}/library/tools`);
    await e.getByRole('link', { name: 'Add a tool' }).click();
    await check(e, 'tool-new');
    await e.getByRole('button', { name: 'Add the tool' }).click();
    await check(e, 'tool-new-errors');
    await e.goto(`${platform.url}/library/tools/amazon-appstore/edit`);
    await check(e, 'tool-edit');

    await e.goto(`${platform.url}/library/tools/addthis`);
    await e.getByLabel('New status').selectOption('closed');
    await e.getByLabel('Date of the change').fill('2023-05-31');
    await e.getByRole('button', { name: 'Change the status' }).click();
    await shown(e.getByText('The status is changed.'));
    await check(e, 'tool-status-changed');

    // Working group.
    await e.goto(`${platform.url}/library`);
    await e.getByRole('link', { name: 'Working groups of Social Media' }).click();
    await e.getByRole('link', { name: 'Start a working group' }).click();
    await check(e, 'group-new');
    await e.getByRole('button', { name: 'Start the working group' }).click();
    await check(e, 'group-new-errors');
    await e.getByLabel('Name', { exact: true }).fill('Public Participation Working Group');
    await e.getByLabel('Charter (Markdown)').fill('We maintain the **U.S. Public Participation Playbook**.');
    await e.locator('label[for=joinPolicy-closed]').click();
    await e.getByRole('button', { name: 'Start the working group' }).click();
    await e.getByLabel('Library address of the guide or article').fill('/library/guides/public-participation');
    await e.getByRole('button', { name: 'Add it to the group page' }).click();
    await shown(e.getByText('Added to the group page.'));

    const writer2 = await newContext(false);
    const w2 = await writer2.newPage();
    await signIn(w2, 'wren.writer@gsa.gov');
    await w2.goto(`${platform.url}/communities/social-media/groups/public-participation-working-group`);
    await w2.getByRole('button', { name: 'Ask to join the working group' }).click();
    await shown(w2.getByText('Your request is with the group’s leads.'));
    await w2.goto(`${platform.url}/library/tools/amazon-appstore`);
    const pdf = path.join(dir, 'gsa-amendment.pdf');
    writeFileSync(pdf, '%PDF-1.4\n% signed\n');
    await w2.getByLabel('Agency', { exact: true }).fill('General Services Administration');
    await w2.getByLabel('Date signed').fill('2024-03-15');
    await w2.getByLabel("Point of contact's name").fill('Wren Writer');
    await w2.getByLabel("Point of contact's email").fill('wren.writer@gsa.gov');
    await w2.locator('#document').setInputFiles(pdf);
    await w2.getByRole('button', { name: 'Record the adoption' }).click();
    await shown(w2.getByText('The adoption is recorded.'));
    await shown(w2.getByRole('rowheader', { name: 'General Services Administration' }));
    await writer2.close();

    await e.goto(`${platform.url}/library/tools/amazon-appstore`);
    await check(e, 'tool-with-adoption');
    await e.getByLabel('Date signed').fill('not a date');
    await e.getByRole('button', { name: 'Record the adoption' }).click();
    await check(e, 'tool-adoption-errors');
    await e.goto(`${platform.url}/communities/social-media/groups/public-participation-working-group`);
    await e.getByRole('button', { name: 'Approve Wren Writer' }).click();
    await shown(e.getByText('Approved: they are now in the group.'));
    await shown(e.getByText('Wren Writer, General Services Administration'));
    await shown(e.getByRole('link', { name: 'U.S. public participation playbook' }));
    await check(e, 'group');
    await e.getByRole('link', { name: 'Edit the name, charter, status or who can join' }).click();
    await check(e, 'group-edit');
    await editorCtx.close();

    const anon = await (await newContext(false)).newPage();
    await anon.goto(`${platform.url}/communities/social-media/groups/public-participation-working-group`);
    await shown(anon.getByText('Cora Lead, Health and Human Services'));
    await anon.getByRole('link', { name: 'U.S. public participation playbook' }).click();
    await shown(anon.getByRole('link', { name: 'Public Participation Working Group' }), 'the guide names the group that produced it');
    await anon.context().close();
  });
});
