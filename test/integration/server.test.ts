/**
 * The real server over HTTP, against (a) the embedded PostgreSQL and (b) the machine's
 * PostgreSQL server (TEST_DATABASE_URL): pages, API, OpenAPI agreement, live member counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { freshServerDatabase, NO_SERVER, removeDir, tempDir, testConfig } from '../helpers.ts';

interface Backend {
  name: string;
  skip: string | false;
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'embedded PostgreSQL',
    skip: false,
    async setup() {
      const dir = tempDir();
      return { env: { SOCIALGOV_DATA_DIR: dir }, cleanup: async () => removeDir(dir) };
    },
  },
  {
    name: 'PostgreSQL server',
    skip: NO_SERVER,
    async setup() {
      const db = await freshServerDatabase();
      return { env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
    },
  },
];

for (const backend of backends) {
  describe(`server on ${backend.name}`, { skip: backend.skip }, () => {
    let platform: RunningPlatform;
    let cleanup: () => Promise<void>;
    const get = (p: string, init?: RequestInit) => fetch(platform.url + p, init);

    before(async () => {
      const s = await backend.setup();
      cleanup = s.cleanup;
      platform = await startPlatform(testConfig(s.env));
    });
    after(async () => {
      await platform?.close();
      await cleanup?.();
    });

    test('the embedded database is reached over its Unix socket (cheaper a query than TCP)', { skip: backend.name !== 'embedded PostgreSQL' }, async () => {
      const r = await platform.db.pool.query<{ local: boolean }>('select inet_client_addr() is null as local');
      assert.equal(r.rows[0]!.local, true);
      assert.match(platform.db.where, /Unix socket/);
    });

    test('health and readiness', async () => {
      assert.deepEqual(await (await get('/healthz')).json(), { status: 'ok' });
      const ready = await get('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok', pendingMigrations: [] });
    });

    test('the seeded Social Media community page, with a live count of 0', async () => {
      const res = await get('/communities/social-media');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.ok(res.headers.get('x-request-id'));
      assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
      const html = await res.text();
      assert.ok(/<h1>Social Media<\/h1>/.test(html), String(/<h1>Social Media<\/h1>/));
      assert.ok(/An official website of the United States government/.test(html), String(/An official website of the United States government/));
      assert.ok(/class="usa-skipnav" href="#main-content"/.test(html), String(/class="usa-skipnav" href="#main-content"/));
      assert.ok(/<h2 id="what-we-do">What We Do<\/h2>/.test(html), String(/<h2 id="what-we-do">What We Do<\/h2>/));
      assert.ok(/<h2 id="who-we-are">Who We Are<\/h2>/.test(html), String(/<h2 id="who-we-are">Who We Are<\/h2>/));
      assert.ok(/<h2 id="related-resources">Related Resources<\/h2>/.test(html), String(/<h2 id="related-resources">Related Resources<\/h2>/));
      // The imported listserv address (sm-cop-request@listserv.gsa.gov) is replaced by this install's own list.
      assert.ok(/social-media-request@localhost/.test(html), String(/social-media-request@localhost/));
      assert.ok(!/listserv\.gsa\.gov/.test(html), 'the old address is not offered');
      assert.ok(
        /subject line “<span>Join the Social Media Community<\/span>”/.test(html),
        String(/subject line “<span>Join the Social Media Community<\/span>”/),
      );
      assert.ok(
        /href="mailto:social-media-request@localhost\?subject=Join%20the%20Social%20Media%20Community&body=/.test(html),
        String(/href="mailto:social-media-request@localhost\?subject=Join%20the%20Social%20Media%20Community&body=/),
      );
      assert.ok(/<span class="sg-count">0<\/span>/.test(html), String(/<span class="sg-count">0<\/span>/));
      assert.ok(/Earlier figure: <span>1,462<\/span> members/.test(html), String(/Earlier figure: <span>1,462<\/span> members/));
      assert.ok(/Laura Larrimore/.test(html), String(/Laura Larrimore/));
      assert.ok(/Page reviewed\/updated: <time datetime="/.test(html), String(/Page reviewed\/updated: <time datetime="/));
    });

    test('the member count is computed from the database', async () => {
      const { pool } = platform.db;
      const c = await pool.query<{ id: number }>(`select id from communities where slug = 'social-media'`);
      const members = await pool.query<{ id: number }>(
        `insert into members (email, name) values ('a@gsa.gov', 'A'), ('b@nasa.gov', 'B'), ('c@usda.gov', 'C') returning id`,
      );
      const ids = members.rows.map((r) => r.id);
      await pool.query(`insert into memberships (community_id, member_id, status) values ($1, $2, 'active'), ($1, $3, 'active'), ($1, $4, 'left')`, [
        c.rows[0]!.id,
        ...ids,
      ]);
      try {
        const api = (await (await get('/api/v1/communities/social-media')).json()) as { memberCount: number };
        assert.equal(api.memberCount, 2, 'a member who left does not count');
        assert.match(await (await get('/communities/social-media')).text(), /<span class="sg-count">2<\/span>/);
        assert.match(await (await get('/communities')).text(), /2 members/);
      } finally {
        await pool.query('delete from members where id = any($1::bigint[])', [ids]);
      }
    });

    test('listing shows featured communities first and hides weight 0', async () => {
      const { pool } = platform.db;
      await pool.query(`insert into communities (slug, title, weight, short_name, summary) values
        ('zz-featured', 'ZZ Featured', 2, 'AAA Featured', 'first'), ('hidden-one', 'Hidden', 0, null, null), ('plain', 'Plain', 1, 'Aaa Plain', null)`);
      try {
        const list = (await (await get('/api/v1/communities')).json()) as { total: number; data: Array<{ slug: string; featured: boolean }> };
        assert.deepEqual(
          list.data.map((c) => c.slug),
          ['zz-featured', 'social-media', 'plain'],
        );
        assert.equal(list.total, 3);
        const html = await (await get('/communities')).text();
        assert.ok(html.indexOf('AAA Featured') < html.indexOf('Aaa Plain'));
        assert.ok(!/Hidden/.test(html), String(/Hidden/));
        assert.equal((await get('/communities/hidden-one')).status, 200, 'a hidden community still has its page');
      } finally {
        await pool.query(`delete from communities where slug in ('zz-featured', 'hidden-one', 'plain')`);
      }
    });

    test('unknown pages and slugs: 404 page in the site design, JSON 404 on the API', async () => {
      const page = await get('/communities/no-such-community');
      assert.equal(page.status, 404);
      const html = await page.text();
      assert.ok(/<h1>Page not found<\/h1>/.test(html), String(/<h1>Page not found<\/h1>/));
      assert.ok(/There is no community called “no-such-community”/.test(html), String(/There is no community called “no-such-community”/));
      assert.ok(/usa-banner/.test(html), String(/usa-banner/));
      assert.equal((await get('/nowhere')).status, 404);
      const api = await get('/api/v1/communities/no-such-community');
      assert.equal(api.status, 404);
      const body = (await api.json()) as Record<string, unknown>;
      assert.equal(body.code, 'NOT_FOUND');
      assert.equal(body.statusCode, 404);
      assert.match(String(body.message), /no-such-community/);
      assert.equal(body.requestId, api.headers.get('x-request-id'));
      assert.equal((await get('/api/v1/nothing')).status, 404);
    });

    test('markup injected through a community page is escaped or removed', async () => {
      const { pool } = platform.db;
      await pool.query(`insert into communities (slug, title, summary, body_md) values ('xss', $1, $2, $3)`, [
        '<script>alert(1)</script>Title',
        '<img src=x onerror=alert(2)>',
        '<script>alert(3)</script>\n\n<a href="javascript:alert(4)">x</a>',
      ]);
      try {
        const html = await (await get('/communities/xss')).text();
        // Text is escaped (a quoted attribute value such as the meta description cannot open a tag).
        const outsideAttributes = html.replace(/="[^"]*"/g, '=""');
        assert.ok(!/<script>alert|<img src=x|href="javascript/.test(outsideAttributes), String(/<script>alert|<img src=x|href="javascript/));
        assert.ok(/<h1>&lt;script>alert\(1\)&lt;\/script>Title<\/h1>/.test(html), String(/<h1>&lt;script>alert\(1\)&lt;\/script>Title<\/h1>/));
      } finally {
        await pool.query(`delete from communities where slug = 'xss'`);
      }
    });

    test('USWDS and site assets are served locally', async () => {
      const css = await get('/assets/uswds/css/uswds.min.css');
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type')!, /text\/css/);
      assert.equal((await get('/assets/uswds/js/uswds.min.js')).status, 200);
      assert.equal((await get('/assets/uswds/img/us_flag_small.png')).status, 200);
      assert.equal((await get('/assets/site/site.css')).status, 200);
      assert.equal((await get('/assets/site/noscript.css')).status, 200);
    });

    test('a signed-in browser fetching assets or /healthz costs no session query; a page does', async () => {
      const pool = platform.db.pool;
      const id = Number((await pool.query(`insert into members (email, name) values ('asset.reader@gsa.gov', 'Asset Reader') returning id`)).rows[0].id);
      const cookie = `sg_session=${await createSession(pool, id, { days: 1 })}`;
      // The session query moves last_seen_at when it is over a minute old: it shows whether it ran.
      const seen = async () => {
        await pool.query(`update sessions set last_seen_at = now() - interval '2 minutes' where member_id = $1`, [id]);
        return async () =>
          (await pool.query<{ moved: boolean }>(`select last_seen_at > now() - interval '1 minute' as moved from sessions where member_id = $1`, [id])).rows[0]!
            .moved;
      };
      for (const asset of ['/assets/uswds/css/uswds.min.css', '/assets/site/site.css', '/assets/uswds/img/us_flag_small.png', '/healthz']) {
        const moved = await seen();
        const res = await get(asset, { headers: { cookie } });
        assert.equal(res.status, 200, asset);
        await res.arrayBuffer();
        assert.equal(await moved(), false, `${asset} read no session`);
      }
      const moved = await seen();
      const page = await get('/communities', { headers: { cookie } });
      assert.match(await page.text(), /Sign out|Your account|account/i);
      assert.equal(await moved(), true, 'a page reads the session');
    });

    test('the API and its OpenAPI 3.1 document agree', async () => {
      const doc = (await (await get('/api/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
      };
      assert.equal(doc.openapi, '3.1.0');
      // Each feature's own tests check its paths; this checks the platform's and that nothing else appears.
      assert.deepEqual(
        Object.keys(doc.paths)
          .filter((p) => !/^\/api\/v1\/(registry|events|tools|gov-domains)(\/|$)/.test(p))
          .sort(),
        ['/api/v1/communities', '/api/v1/communities/{slug}', '/healthz', '/readyz'],
      );
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(doc, 'openapi');
      const check = async (apiPath: string, url: string, status: string) => {
        const res = await get(url);
        assert.equal(String(res.status), status, url);
        const pointer = `openapi#/paths/${apiPath.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`;
        const validate = ajv.getSchema(pointer);
        assert.ok(validate, `no schema for ${apiPath} ${status}`);
        const body = await res.json();
        assert.ok(validate(body), `${url}: ${ajv.errorsText(validate.errors)}`);
        return body as Record<string, unknown>;
      };
      await check('/healthz', '/healthz', '200');
      await check('/readyz', '/readyz', '200');
      const list = await check('/api/v1/communities', '/api/v1/communities', '200');
      assert.equal((list.data as unknown[]).length, list.total);
      const detail = await check('/api/v1/communities/{slug}', '/api/v1/communities/social-media', '200');
      assert.equal(detail.slug, 'social-media');
      assert.equal(detail.memberCount, 0);
      assert.deepEqual((detail.channels as Array<Record<string, unknown>>)[0]!.reportedMembers, {
        text: '1,462',
        value: 1462,
        recordedOn: new Date().toISOString().slice(0, 10),
      });
      assert.deepEqual(detail.leads, [
        { slug: 'laura-larrimore', name: 'Laura Larrimore' },
        { slug: 'catie-miller', name: 'Catie Miller' },
      ]);
      await check('/api/v1/communities/{slug}', '/api/v1/communities/nope', '404');
      const docs = await (await get('/api/docs')).text();
      for (const p of Object.keys(doc.paths)) assert.ok(docs.includes(`GET ${p}`), `/api/docs lists ${p}`);
    });
  });
}
