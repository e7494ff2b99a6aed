/**
 * What every page carries (issue 19, item 10): the USWDS identifier in the footer with the links a
 * federal site must have, as this install sets them (and USA.gov always); a search form in the
 * header whose page searches communities, events, the library and public list archives; and the
 * coordinators' hub, which links every tool a coordinator runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { createSession, SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { planImport } from '../../src/library/import-files.ts';
import { applyImport } from '../../src/library/import.ts';
import { saveImportedTool } from '../../src/library/tools.ts';
import { addReviewer } from '../../src/registry/access.ts';
import { mboxOf } from '../archive-helpers.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { writeLibraryFixture } from '../library-fixture.ts';

const IDENTIFIER = {
  PUBLIC_URL: 'https://communities.example.gov',
  SOCIALGOV_AGENCY: 'General Services Administration',
  SOCIALGOV_AGENCY_URL: 'https://www.gsa.gov',
  SOCIALGOV_ABOUT_URL: 'https://www.gsa.gov/about-us',
  SOCIALGOV_ACCESSIBILITY_URL: '/accessibility',
  SOCIALGOV_FOIA_URL: 'https://www.gsa.gov/foia',
  SOCIALGOV_NO_FEAR_URL: 'https://www.gsa.gov/no-fear-act',
  SOCIALGOV_PRIVACY_URL: 'https://www.gsa.gov/privacy',
};

/** The footer's identifier: each link's text and address, in page order. */
function identifierLinks(html: string): Array<[string, string]> {
  const identifier = html.slice(html.indexOf('<div class="usa-identifier">'), html.indexOf('</footer>'));
  return [...identifier.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[2]!.trim(), m[1]!]);
}

describe('the site frame: identifier, header search, coordinators’ hub', () => {
  let plain: RunningPlatform;
  let configured: RunningPlatform;
  let app: FastifyInstance;
  const cleanups: Array<() => Promise<void>> = [];
  let coordinator = '';
  let dir: string;

  before(async () => {
    dir = tempDir('sg-frame-');
    for (const env of [{}, IDENTIFIER]) {
      const database = await testDatabaseEnv();
      cleanups.push(database.cleanup);
      const p = await startPlatform(testConfig({ ...database.env, ...env, SOCIALGOV_ROLES: 'web' }));
      if (env === IDENTIFIER) configured = p;
      else plain = p;
    }
    app = plain.app!;
    const pool = plain.db.pool;
    const community = Number((await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`)).rows[0]!.id);
    await applyImport(pool, SYSTEM, planImport(writeLibraryFixture(dir)), { communityId: community });
    await saveImportedTool(pool, SYSTEM, { slug: 'hootsuite', name: 'Hootsuite', description: 'Schedules posts to several networks.', status: 'compatible' });
    await importMbox(
      pool,
      (await listByLocalPart(pool, 'social-media'))!,
      mboxOf([
        {
          id: 'q@x',
          from: 'Jo Smith <jo.smith@agency.gov>',
          subject: 'Captioning vendors',
          date: '2024-03-04T15:00:00Z',
          text: 'Which captioning vendor do you use for livestreams?',
        },
      ]),
      { name: 'test', source: 'cli' },
    );
    await pool.query(`update lists set archive_public = true where local_part = 'social-media'`);
    const id = Number(
      (await pool.query<{ id: string }>(`insert into members (email, name) values ('casey.lead@gsa.gov', 'Casey Lead') returning id`)).rows[0]!.id,
    );
    await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', 'coordinator')`, [community, id]);
    coordinator = await createSession(pool, id, { days: 1 });
    // An event, made the way the CLI imports one is beside the point: straight into its tables.
    await pool.query(
      `insert into events (slug, uid, kind, status, title, summary, body_md, time_zone, starts_at, ends_at, format)
       values ('livestream-captions', 'uid-1@test', 'webinar', 'published', 'Captions for livestreams', 'Live captioning that works.', 'How agencies caption their livestreams.', 'America/New_York', now() + interval '7 days', now() + interval '7 days 1 hour', 'online')`,
    );
  });
  after(async () => {
    await plain?.close();
    await configured?.close();
    for (const c of cleanups) await c();
    if (dir) removeDir(dir);
  });

  const get = (a: FastifyInstance, url: string, session?: string) =>
    a.inject({ method: 'GET', url, headers: session ? { cookie: `${SESSION_COOKIE}=${session}` } : {} });

  test('with no identifier settings: the footer still links USA.gov, and leaves out the links not set', async () => {
    const page = (await get(app, '/communities')).body;
    assert.match(page, /<div class="usa-identifier">/);
    assert.deepEqual(identifierLinks(page), [['Visit USA.gov', 'https://www.usa.gov/']]);
    assert.doesNotMatch(page, /usa-identifier__section--masthead/, 'no domain or agency to show');
  });

  test('each install sets its own agency and required links; every page carries them, error pages too', async () => {
    for (const url of ['/', '/library', '/no-such-page']) {
      const page = (await get(configured.app!, url)).body;
      assert.deepEqual(
        identifierLinks(page),
        [
          ['General Services Administration', 'https://www.gsa.gov'],
          ['About General Services Administration', 'https://www.gsa.gov/about-us'],
          ['Accessibility statement', '/accessibility'],
          ['FOIA requests', 'https://www.gsa.gov/foia'],
          ['No FEAR Act data', 'https://www.gsa.gov/no-fear-act'],
          ['Privacy policy', 'https://www.gsa.gov/privacy'],
          ['Visit USA.gov', 'https://www.usa.gov/'],
        ],
        url,
      );
      assert.match(page, /<p class="usa-identifier__identity-domain">communities\.example\.gov<\/p>/);
      assert.match(page, /An official website of the <a href="https:\/\/www\.gsa\.gov">General Services Administration<\/a>/);
    }
  });

  test('the header has a search form on every page, and its page searches communities, events, the library and public archives', async () => {
    const home = (await get(app, '/events')).body;
    const header = home.slice(home.indexOf('<header class="usa-header'), home.indexOf('</header>', home.indexOf('<header class="usa-header')));
    assert.match(header, /<form class="usa-search usa-search--small" role="search" action="\/search" method="get">/);
    assert.match(header, /<input class="usa-input" id="site-search" type="search" name="q"/);
    const found = async (q: string) =>
      [
        ...(await get(app, `/search?q=${encodeURIComponent(q)}`)).body.matchAll(/<h3 class="usa-collection__heading">\s*<a class="usa-link" href="([^"]+)"/g),
      ].map((m) => m[1]);
    assert.ok((await found('social media')).includes('/communities/social-media'), 'a community');
    assert.ok((await found('livestreams')).includes('/events/livestream-captions'), 'an event');
    assert.ok(
      (await found('crisis')).some((u) => u?.startsWith('/library/articles/')),
      'an article',
    );
    assert.ok((await found('schedules posts')).includes('/library/tools/hootsuite'), 'a shared tool');
    assert.ok((await found('captioning vendor')).includes('/archives/social-media/1'), 'a public archive message');
    const filter = (await get(app, '/search?q=x')).body;
    for (const label of ['Communities', 'Events', 'Articles', 'Shared tools', 'List archives'])
      assert.match(filter, new RegExp(`<option value="[a-z]+">${label}</option>`), label);
  });

  test('the coordinators’ hub links every tool they run; registry review only for its reviewers', async () => {
    const hrefs = async () =>
      [...(await get(app, '/communities/social-media/admin', coordinator)).body.matchAll(/<h2 class="usa-card__heading">\s*<a href="([^"]+)"/g)].map(
        (m) => m[1],
      );
    const tools = await hrefs();
    for (const href of [
      '/communities/social-media/admin/requests',
      '/communities/social-media/members',
      '/communities/social-media/admin/held',
      '/communities/social-media/admin/bounces',
      '/communities/social-media/admin/speaker-requests',
      '/events/new',
      '/communities/social-media/groups',
      '/communities/social-media/admin/metrics',
    ])
      assert.ok(tools.includes(href), `the hub links ${href}`);
    assert.ok(!tools.includes('/registry/review'));
    await addReviewer(plain.db.pool, SYSTEM, 'casey.lead@gsa.gov');
    assert.ok((await hrefs()).includes('/registry/review'));
    // Every card leads to a page the coordinator may open.
    for (const href of await hrefs()) assert.equal((await get(app, href!, coordinator)).statusCode, 200, href);
  });
});
