/**
 * Every page of the route table in Chromium, signed out, as a member and as a coordinator, at
 * 320 and 1280 CSS px (WCAG 1.4.10 reflow), checking what axe does not:
 * - the page is no wider than the window;
 * - every table's rows have as many cells as its header has headings (WCAG 1.3.1);
 * - no id is used twice;
 * - every button shows its name (text that fits it, or an image that loaded);
 * - text in charts (SVG) is drawn at 12 px or more;
 * - at 320 px, whatever takes keyboard focus is on the screen (nothing hidden off to the side).
 *
 * The pages come from the server's route table: a new GET route with a path parameter needs a
 * sample address (the sample(...) lines below) (or a line in NOT_PAGES), else the first test fails.
 * SWEEP_ONLY=/library (any part of an address) opens only the matching pages, when fixing one.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import { SHOTS, shown } from './pages.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { cookieSecret } from '../../src/platform/secret.ts';
import { newToken } from '../../src/platform/tokens.ts';
import { createSession, SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { unsubscribeToken } from '../../src/lists/tokens.ts';
import { reenableToken } from '../../src/lists/bounce-care.ts';
import { importMbox } from '../../src/archives/import.ts';
import { planImport } from '../../src/library/import-files.ts';
import { applyImport } from '../../src/library/import.ts';
import { addAgency } from '../../src/registry/agencies.ts';
import { emptyInput } from '../../src/registry/record-input.ts';
import { createRecord } from '../../src/registry/workflow.ts';
import { addEvaluation, recordAdoption, saveImportedTool } from '../../src/library/tools.ts';
import { rollUpMissing } from '../../src/metrics/rollup.ts';
import { saveSpeakerProfile } from '../../src/speakers/profiles.ts';
import { statusLink } from '../../src/speakers/store.ts';
import { mboxOf } from '../archive-helpers.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { importGovDomains, writeLibraryFixture } from '../library-fixture.ts';
import { routeTable } from '../route-table.ts';

/** GET routes that answer with something other than a page (API, feeds, files, calendars, CSV). */
const NOT_PAGES: RegExp[] = [
  /^\/api\/(?!docs$)/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/\*$/,
  /\.(csv|ics|json)$/,
  /\/feed\.:ext$/,
  /\/feed(\/:token)?$/,
  /\/export$/,
  /\/attachments\/:i$/,
  /^\/library\/tools\/files\/:id$/,
  /\/metrics\/:table$/,
];

const WIDTHS = [320, 1280] as const;

describe('every page at 320 and 1280 px', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let app: FastifyInstance;
  let browser: Browser;
  let cleanup: () => Promise<void>;
  let dir: string;
  /** Sample addresses for the routes with path parameters, filled in once the data exists. */
  const samples = new Map<string, string>();
  const sessions = new Map<string, string>();

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir('sg-pages-');
    // Every link of the footer's identifier set, so that its longest form is on every page.
    const identifier = {
      SOCIALGOV_AGENCY: 'General Services Administration',
      SOCIALGOV_AGENCY_URL: 'https://www.gsa.gov',
      SOCIALGOV_ABOUT_URL: 'https://www.gsa.gov/about-us',
      SOCIALGOV_ACCESSIBILITY_URL: '/accessibility',
      SOCIALGOV_FOIA_URL: 'https://www.gsa.gov/foia',
      SOCIALGOV_NO_FEAR_URL: 'https://www.gsa.gov/no-fear',
      SOCIALGOV_PRIVACY_URL: 'https://www.gsa.gov/privacy',
    };
    const config = testConfig({ ...database.env, ...identifier, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir });
    platform = await startPlatform(config);
    app = platform.app!;
    const pool = platform.db.pool;
    const community = Number((await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`)).rows[0]!.id);
    const one = async (sql: string, params: unknown[] = []) => String((await pool.query<{ id: string }>(sql, params)).rows[0]?.id ?? '0');

    // People: a member who is also a speaker, and a coordinator who is a site admin.
    const ids: Record<string, number> = {};
    for (const [who, email, role, admin] of [
      ['member', 'pat.member@hhs.gov', 'member', false],
      ['coordinator', 'casey.lead@gsa.gov', 'coordinator', true],
    ] as const) {
      const id = Number(
        await one(`insert into members (email, name, agency, job_title, site_admin) values ($1, $2, 'GSA', 'Digital lead', $3) returning id`, [
          email,
          who === 'member' ? 'Pat Member' : 'Casey Lead',
          admin,
        ]),
      );
      await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', $3)`, [community, id, role]);
      ids[who] = id;
      sessions.set(who, await createSession(pool, id, { days: 1 }));
    }
    await saveSpeakerProfile(pool, SYSTEM, ids.member!, {
      active: true,
      topics: ['crisis communication', 'accessibility'],
      formats: ['keynote', 'workshop', 'consultation'],
      bio: 'Leads social media at HHS and speaks on crisis communication.',
      availability: 'Weekdays, online anywhere',
      public: true,
    });

    // Library, archive, an event with sessions, a working group.
    await applyImport(pool, SYSTEM, planImport(writeLibraryFixture(dir)), { communityId: community });
    const list = (await listByLocalPart(pool, 'social-media'))!;
    await importMbox(
      pool,
      list,
      mboxOf([
        {
          id: 'a@x',
          from: 'Jo Smith <jo.smith@agency.gov>',
          subject: 'Office hours',
          date: '2024-03-04T15:00:00Z',
          text: 'Hello, see https://example.gov/a/very/long/address/that/goes/on/and/on/without/a/break/anywhere/at/all for details.',
        },
        {
          id: 'b@x',
          from: 'Ana Lee <ana.lee@agency.gov>',
          subject: 'Re: Office hours',
          date: '2024-03-05T15:00:00Z',
          text: '> Hello\n\nThanks!',
          inReplyTo: 'a@x',
        },
      ]),
      { name: 'test', source: 'cli' },
    );
    const coordinator = await injector(app, sessions.get('coordinator')!);
    const event = await coordinator.post('/events/new', { ...OFFICE_HOURS, communities: String(community) });
    assert.equal(event.statusCode, 303, event.body.slice(0, 500));
    const group = await coordinator.post('/communities/social-media/groups/new', {
      name: 'Plain Language',
      slug: 'plain-language',
      charter: 'Plain words.',
      status: 'active',
      joinPolicy: 'open',
    });
    assert.equal(group.statusCode, 303, group.body.slice(0, 500));
    const occurrence = await one('select id from event_occurrences order by id limit 1');
    const registration = await one(
      `insert into event_registrations (occurrence_id, member_id, email, name, status) values ($1, $2, 'pat.member@hhs.gov', 'Pat Member', 'registered') returning id`,
      [occurrence, ids.member],
    );

    // Shared tools with their agreements, an adoption and a member's evaluation.
    for (const [slug, name, status] of [
      ['hootsuite', 'Hootsuite', 'compatible'],
      ['a-tool-with-a-rather-long-name-for-a-narrow-screen', 'A tool with a rather long name for a narrow screen', 'declined'],
    ] as const) {
      await saveImportedTool(pool, SYSTEM, {
        slug,
        name,
        vendorUrl: `https://www.${slug}.example.com/federal/terms-of-service/agreement`,
        description: 'Schedules posts.',
        documentUrl: 'https://digital.gov/files/tos/an-agreement-document-with-a-long-name.pdf',
        docType: 'pdf',
        date: new Date('2024-03-01'),
        status,
      });
    }
    await pool.query(`update tools set category = 'Social media management' where slug = 'hootsuite'`);
    const agreement = Number(await one('select id from tos_agreements order by id limit 1'));
    await recordAdoption(pool, SYSTEM, {
      agreementId: agreement,
      agency: 'General Services Administration',
      signedOn: '2024-04-01',
      documentUrl: 'https://gsa.gov/a.pdf',
      contactName: 'Casey Lead',
      contactEmail: 'casey.lead@gsa.gov',
    });
    await addEvaluation(
      pool,
      SYSTEM,
      Number(await one(`select id from tools where slug = 'hootsuite'`)),
      { memberId: ids.member!, name: 'Pat Member', email: 'pat.member@hhs.gov' },
      'Works well for scheduled posts.',
    );

    // A month of members joining and posting, for the metrics pages.
    for (let i = 0; i < 12; i++) {
      const id = Number(await one(`insert into members (email, name) values ($1, $1) returning id`, [`m${i}@agency.gov`]));
      await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'member')`, [community, id]);
      await pool.query(`update membership_changes set at = now() - make_interval(days => $2) where member_id = $1`, [id, 40 - i * 3]);
    }
    await pool.query(
      `insert into posts (list_id, number, message_id, subject, from_address, sent_at, accepted_at, raw, decorated, size)
       select $1, 100 + n, '<p' || n || '@x>', 'Post ' || n, 'm' || (n % 4) || '@agency.gov', now() - make_interval(days => n * 3), now() - make_interval(days => n * 3), 'x', 'x', 1
         from generate_series(1, 12) n`,
      [list.id],
    );
    await rollUpMissing(pool);

    // A held message on each list with its moderator's link, a speaker request, a consultation, a registry record.
    const holdOn = (listId: number, n: number) =>
      one(
        `insert into incoming_messages (list_id, address_kind, rcpt, envelope_from, protocol, raw, size, message_id, from_address, subject, status, rule_hits, decision_reason)
       values ($1, 'post', 'social-media@lists.test.gov', 'someone@example.com', 'smtp', convert_to($2, 'UTF8'), 60, $3, 'someone@example.com', 'A question from outside', 'held',
               '[{"rule": "non-member", "reason": "The sender is not a member of the list.", "outcome": "hold"}]', 'The sender is not a member of the list.') returning id`,
        [listId, 'Subject: A question from outside\r\nFrom: someone@example.com\r\n\r\nHello.\r\n', `<held${n}@example.com>`],
      );
    const held = await holdOn(list.id, 1);
    const groupHeld = await holdOn(Number(await one('select id from lists where group_id is not null order by id limit 1')), 2);
    const holdToken = newToken();
    await pool.query(
      `insert into hold_tokens (token_hash, incoming_id, moderator, expires_at) values ($1, $2, 'casey.lead@gsa.gov', now() + interval '1 day')`,
      [holdToken.hash, held],
    );
    const request = await one(
      `insert into speaker_requests (community_id, requester_name, organization, requester_email, event_name, starts_at, ends_at, time_zone, online, location,
         audience, audience_size, topic, format, press, notes, ip, status, speaker_id)
       values ($1, 'Jordan Rivera', 'State Communicators Association', 'jordan.rivera@statecomms.example.org', 'Digital Government Summit 2027',
         '2027-04-15T19:00:00Z', '2027-04-15T20:00:00Z', 'America/Chicago', false, 'Austin Convention Center, Austin, TX',
         'State and local communicators', 1200, 'Crisis communication on social media', 'keynote', true, 'Morning slot preferred.', '127.0.0.1', 'matched', $2) returning id`,
      [community, ids.member],
    );
    const consultation = await one(
      `insert into consultations (community_id, asker_id, topic, question) values ($1, $2, 'Accessibility', 'How do we caption live video?') returning id`,
      [community, ids.coordinator],
    );
    await pool.query('insert into consultation_experts (consultation_id, member_id) values ($1, $2)', [consultation, ids.member]);
    await importGovDomains(pool, [
      ['gsa.gov', 'General Services Administration'],
      ['hhs.gov', 'Department of Health and Human Services'],
    ]);
    const gsa = await addAgency(pool, SYSTEM, { name: 'General Services Administration', parentId: null });
    const reviewer = { memberId: 0, email: 'test', name: null, reviewer: true, homeAgencyId: undefined, agencyIds: new Set<number>() };
    const saved = await createRecord(
      pool,
      { queue: platform.queue, baseUrl: platform.url },
      SYSTEM,
      reviewer,
      { ...emptyInput('account'), address: 'https://x.com/gsa', agencyIds: [gsa.id], contacts: ['casey.lead@gsa.gov'], shortDescription: 'News from GSA.' },
      { submit: false, status: 'published', notify: false },
    );
    assert.ok(saved.ok, JSON.stringify(!saved.ok && saved.errors));
    const recordId = await one('select id from registry_records order by id limit 1');

    const secret = await cookieSecret(pool, config.secret);
    const sample = (route: string, address: string) => samples.set(route, address);
    sample('/account/speaker/requests/:id', `/account/speaker/requests/${request}`);
    sample('/archives/:list', '/archives/social-media');
    sample('/archives/:list/months/:month', '/archives/social-media/months/2024-03');
    sample('/archives/:list/threads/:id', `/archives/social-media/threads/${await one('select id from archive_threads order by id limit 1')}`);
    sample('/archives/:list/search', '/archives/social-media/search?q=office');
    sample('/archives/:list/:n', '/archives/social-media/1');
    sample('/archives/:list/:n/mute', '/archives/social-media/1/mute');
    sample('/registry/records/:id', `/registry/records/${recordId}`);
    sample('/registry/records/:id/edit', `/registry/records/${recordId}/edit`);
    for (const p of [
      '',
      '/join',
      '/admin',
      '/admin/requests',
      '/admin/import',
      '/admin/page',
      '/admin/held',
      '/admin/list',
      '/admin/bounces',
      '/admin/speaker-requests',
      '/admin/metrics',
      '/members',
      '/groups',
      '/groups/new',
      '/speakers',
      '/speakers/request',
      '/consultations/new',
    ]) {
      sample(`/communities/:slug${p}`, `/communities/social-media${p}`);
    }
    sample('/communities/:slug/admin/held/:id', `/communities/social-media/admin/held/${held}`);
    sample('/communities/:slug/admin/speaker-requests/:id', `/communities/social-media/admin/speaker-requests/${request}`);
    for (const p of ['', '/edit', '/meetings/new', '/admin/held', '/admin/list'])
      sample(`/communities/:slug/groups/:group${p}`, `/communities/social-media/groups/plain-language${p}`);
    sample('/communities/:slug/groups/:group/admin/held/:id', `/communities/social-media/groups/plain-language/admin/held/${groupHeld}`);
    sample('/communities/:slug/speakers/:id', `/communities/social-media/speakers/${ids.member}`);
    sample('/consultations/:id', `/consultations/${consultation}`);
    sample('/speaker-requests/:id', statusLink({ baseUrl: '', secret }, Number(request)));
    sample('/library/articles/:slug', '/library/articles/posting-during-a-crisis');
    sample('/library/articles/:slug/edit', '/library/articles/posting-during-a-crisis/edit');
    sample('/library/authors/:slug', '/library/authors/jherman');
    sample('/library/guides/:slug', '/library/guides/public-participation');
    for (const p of ['/sections/new', '/print', '/glossary', '/understand', '/understand/edit'])
      sample(`/library/guides/:slug${p.replace('/understand', '/:section')}`, `/library/guides/public-participation${p}`);
    const tool = await one('select slug as id from tools order by id limit 1');
    sample('/library/tools/:slug', `/library/tools/${tool}`);
    sample('/library/tools/:slug/edit', `/library/tools/${tool}/edit`);
    sample('/topics/:slug', '/topics/social-media');
    sample('/moderate/:token', `/moderate/${holdToken.raw}`);
    sample('/u/:token', `/u/${unsubscribeToken(secret, ids.member!, list.id)}`);
    sample('/u/:token/each', `/u/${unsubscribeToken(secret, ids.member!, list.id)}/each`);
    sample('/bounces/reenable/:token', `/bounces/reenable/${reenableToken(secret, ids.member!, list.id)}`);
    sample('/events/calendar/:year/:month', '/events/calendar/2027/10');
    sample('/events/registrations/:id', `/events/registrations/${registration}`);
    for (const p of ['', '/edit', '/manage', '/registrants', '/register']) sample(`/events/:slug${p}`, `/events/socialgov-office-hours${p}`);
    sample('/events/:slug/sessions/:id', `/events/socialgov-office-hours/sessions/${occurrence}`);

    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  /** The addresses to open: every GET route that is a page, its sample address if it has parameters. */
  function pages(): { addresses: string[]; missing: string[] } {
    const addresses: string[] = [];
    const missing: string[] = [];
    for (const r of routeTable(app)) {
      if (r.method !== 'GET' || NOT_PAGES.some((re) => re.test(r.path))) continue;
      if (/[:*]/.test(r.path)) {
        const s = samples.get(r.path);
        if (s) addresses.push(s);
        else missing.push(r.path);
      } else addresses.push(r.path);
    }
    return { addresses, missing };
  }

  test('every GET route is a page with a sample address, or listed as not a page', () => {
    const { addresses, missing } = pages();
    assert.deepEqual(missing, [], 'add a sample address (sample(...) in before) or a NOT_PAGES pattern for each');
    assert.ok(addresses.length > 70, `only ${addresses.length} pages`);
  });

  for (const who of ['signed out', 'member', 'coordinator'] as const) {
    test(`${who}: every page fits 320 and 1280 px, and its tables, ids, buttons, charts and focus are sound`, async () => {
      const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 800 } });
      context.setDefaultTimeout(10_000);
      // tsx keeps function names with a helper the page does not have.
      await context.addInitScript('window.__name = (f) => f');
      const session = sessions.get(who);
      if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: platform.url }]);
      const page = await context.newPage();
      const failures: string[] = [];
      const seen = new Set<string>();
      for (const address of pages().addresses.filter((a) => !process.env.SWEEP_ONLY || a.includes(process.env.SWEEP_ONLY))) {
        const res = await page.goto(platform.url + address);
        const landed = new URL(page.url());
        const where = landed.pathname + landed.search;
        if (res && res.status() >= 500) failures.push(`${address}: ${res.status()}`);
        if (!(res?.headers()['content-type'] ?? '').startsWith('text/html')) {
          failures.push(`${address}: not a page (${res?.headers()['content-type']}); add it to NOT_PAGES`);
          continue;
        }
        // A redirect (to sign in, say) lands on a page already checked.
        if (seen.has(where)) continue;
        seen.add(where);
        for (const width of page.viewportSize()!.width === WIDTHS[0] ? WIDTHS : [...WIDTHS].reverse()) {
          await page.setViewportSize({ width, height: 800 });
          for (const problem of await page.evaluate(inspect, width === 320)) failures.push(`${where} at ${width} px: ${problem}`);
        }
      }
      await context.close();
      assert.equal(failures.length, 0, `${failures.length} problems:\n${failures.join('\n')}`);
    });
  }

  test('screenshots of the pages this sweep fixed, at 320 and 1280 px', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: sessions.get('coordinator')!, url: platform.url }]);
    const page = await context.newPage();
    for (const [name, address] of [
      ['tools', '/library/tools'],
      ['metrics', '/communities/social-media/admin/metrics'],
      ['archive', '/archives/social-media'],
      ['library', '/library'],
      ['hub', '/communities/social-media/admin'],
      ['article', '/library/articles/posting-during-a-crisis'],
    ] as const) {
      await page.goto(platform.url + address);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        await page.screenshot({ path: path.join(SHOTS, `sweep-${name}-${width}.png`), fullPage: true });
      }
    }
    // On a phone the header's search is in the menu, beside the navigation.
    await page.setViewportSize({ width: 320, height: 800 });
    await page.getByRole('button', { name: 'Menu' }).click();
    const search = page.getByRole('region', { name: 'Search this site' });
    await shown(search.getByRole('button', { name: 'Search' }));
    await page.screenshot({ path: path.join(SHOTS, 'sweep-menu-320.png'), animations: 'disabled' });
    await search.getByRole('searchbox').fill('crisis');
    await search.getByRole('button', { name: 'Search' }).click();
    await shown(page.getByRole('link', { name: 'Posting during a crisis' }));
    await context.close();
  });
});

/**
 * Runs in the page: what is wrong with it at this width. Kept to one function so that a page
 * costs one round trip.
 */
function inspect(narrow: boolean): string[] {
  const problems: string[] = [];
  const width = window.innerWidth;
  const describe = (e: Element) => {
    const id = e.id ? `#${e.id}` : '';
    const cls = typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
    const text = (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `<${e.tagName.toLowerCase()}${id}${cls}>${text ? ` “${text}”` : ''}`;
  };

  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > width) {
    // The innermost elements that stick out: none of their children does.
    const sticksOut = (e: Element) => e.getBoundingClientRect().right > width + 0.5;
    const out = [...document.body.querySelectorAll('*')].filter((e) => sticksOut(e) && ![...e.children].some(sticksOut));
    // Text too long to wrap sticks out of a box that fits.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = walker.nextNode(); t && out.length < 3; t = walker.nextNode()) {
      range.selectNodeContents(t);
      if (range.getBoundingClientRect().right > width + 0.5 && t.parentElement && !out.includes(t.parentElement)) out.push(t.parentElement);
    }
    problems.push(`${scrollWidth} px wide, the window is ${width} px (${out.slice(0, 3).map(describe).join(', ')})`);
  }

  const ids = new Map<string, number>();
  for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id “${id}” is used ${n} times`);

  for (const table of document.querySelectorAll('table')) {
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!head || [...table.querySelectorAll('td, th')].some((c) => (c as HTMLTableCellElement).rowSpan > 1)) continue;
    const span = (row: HTMLTableRowElement) => [...row.cells].reduce((n, c) => n + c.colSpan, 0);
    const headings = span(head);
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        if (span(row) !== headings) {
          problems.push(
            `table “${table.caption?.textContent?.trim() ?? describe(table)}”: ${headings} headings, a row has ${span(row)} cells (${describe(row)})`,
          );
          break;
        }
      }
    }
  }

  /** Does a button's visible text reach past its edges? */
  const textSticksOut = (b: Element) => {
    const box = b.getBoundingClientRect();
    const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.textContent?.trim()) continue;
      range.selectNodeContents(t);
      const r = range.getBoundingClientRect();
      // Text parked off the screen (visually hidden) is not seen.
      if (r.width > 0 && r.right > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) return true;
    }
    return false;
  };
  for (const b of document.querySelectorAll('button, input[type=submit]')) {
    const r = b.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const text = b instanceof HTMLInputElement ? b.value : (b as HTMLElement).innerText.trim();
    const image = [...b.querySelectorAll('img')].some((i) => i.getBoundingClientRect().width > 0 && i.complete && i.naturalWidth > 0);
    if (!text && !image) problems.push(`a button shows neither text nor an image: ${describe(b)}`);
    else if (textSticksOut(b)) problems.push(`a button's text is wider than the button: ${describe(b)}`);
  }

  for (const t of document.querySelectorAll('svg text')) {
    const el = t as SVGTextElement;
    const scale = el.getScreenCTM()?.a ?? 1;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (el.getBoundingClientRect().width > 0 && px < 12) {
      problems.push(`chart text drawn at ${px.toFixed(1)} px: ${describe(el)}`);
      break;
    }
  }

  if (narrow) {
    // What sits off to the side of the screen and can still take focus: focusing it must bring it into
    // view (a skip link shows itself, a table in a scrolling box scrolls to it); nothing can scroll
    // into view what is parked at left: -999em.
    const focusable = document.querySelectorAll<HTMLElement>(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])',
    );
    const off = (e: Element) => {
      // USWDS draws a checkbox or radio button on its label and moves the input itself aside.
      const shown = e.matches('.usa-checkbox__input, .usa-radio__input') && e.id ? (document.querySelector(`label[for="${e.id}"]`) ?? e) : e;
      const r = shown.getBoundingClientRect();
      return r.right <= 0 || r.left >= width;
    };
    for (const e of focusable) {
      if (!off(e)) continue;
      e.focus();
      if (document.activeElement === e && off(e)) problems.push(`focus goes off the screen: ${describe(e)}`);
    }
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  }
  return problems;
}

/** Requests straight to the server with a session, for making things through their own forms. */
async function injector(app: FastifyInstance, session: string) {
  const cookies = new Map<string, string>([[SESSION_COOKIE, session]]);
  const send = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const res = await app.inject({
      method,
      url,
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.cookies) if (c.name !== SESSION_COOKIE) cookies.set(c.name, c.value);
    return res;
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await send('GET', '/signin')).body)![1]!;
  return { post: (url: string, form: Record<string, string>) => send('POST', url, { ...form, _csrf: csrf }) };
}

const OFFICE_HOURS = {
  title: 'SocialGov office hours',
  slug: '',
  kind: 'office-hours',
  status: 'published',
  summary: 'Bring your questions.',
  deck: '',
  body: 'Open questions.',
  timeZone: 'America/New_York',
  date: '2027-10-20',
  startTime: '14:00',
  endTime: '15:00',
  repeat: 'weekly',
  until: '',
  count: '3',
  rrule: '',
  format: 'online',
  venueName: '',
  venueRoom: '',
  venueAddress: '',
  venueCity: '',
  venueState: '',
  venueZip: '',
  venueMap: '',
  platform: 'zoom-gov',
  platformOther: '',
  joinUrl: 'https://gsa.zoomgov.com/j/1234567890',
  captionsUrl: '',
  registration: 'public',
  externalRegistrationUrl: '',
  capacity: '',
  offerHours: '',
  conductUrl: '',
  evaluationUrl: '',
  host: 'SocialGov',
  organizer: 'GSA',
  topics: 'social-media',
  presenters: '',
  questions: '',
};
