/**
 * Every route in the server's route table, walked with hostile values (a NUL byte, 1e309,
 * Infinity, -1, a 10,000-character string, CR/LF, the right-to-left override) in path
 * parameters, query strings and form fields, signed out, as a member and as a coordinator, by
 * GET and POST (POSTs carry a valid CSRF token, so they reach the route). No answer is a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession, SESSION_COOKIE } from '../../src/membership/sessions.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { planImport } from '../../src/library/import-files.ts';
import { applyImport } from '../../src/library/import.ts';
import { SYSTEM } from '../../src/platform/audit.ts';
import { mboxOf } from '../archive-helpers.ts';
import { writeLibraryFixture } from '../library-fixture.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { routeTable, type Route } from '../route-table.ts';

export const HOSTILE: Record<string, string> = {
  nul: 'a\0b',
  huge: '1e309',
  infinity: 'Infinity',
  negative: '-1',
  long: 'x'.repeat(10_000),
  crlf: 'a\r\nSet-Cookie: sg_session=x',
  rlo: '\u202Egro.vog',
  overflow: '9'.repeat(20),
};

/** The paging parameters of the lists (pages and API). */
const PAGING = ['page', 'limit', 'offset', 'page_size'];

/** An attribute value as the browser reads it. */
function unescape(text: string | undefined): string | undefined {
  return text?.replace(/&(#\d+|#x[0-9a-f]+|quot|amp|lt|gt|apos);/gi, (_m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );
}

/** A signed-in (or not) visitor over app.inject: keeps cookies, knows a CSRF token. */
class Visitor {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly app: FastifyInstance,
    readonly name: string,
  ) {}

  async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.cookies) {
      if (c.name === SESSION_COOKIE) continue; // a sign-out must not end the sweep's session
      this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async readToken(): Promise<void> {
    const page = await this.send('GET', '/signin');
    const m = /name="_csrf" value="([^"]+)"/.exec(page.body);
    assert.ok(m, `no CSRF token for ${this.name}`);
    this.csrf = m[1]!;
  }
}

/** Query parameters the routes read, and the paging ones every list takes. */
const QUERY_NAMES = [
  'page',
  'limit',
  'offset',
  'page_size',
  'q',
  'done',
  'saved',
  'next',
  'community',
  'session',
  'month',
  'year',
  'kind',
  'status',
  'agency',
  'platform',
  'url',
  'from',
  'to',
  'since',
  'until',
  'format',
  'token',
  'speaker',
  'source',
  'tag',
  't',
  'user',
  'scope',
  'state',
  'type',
  'code',
];
/** Form fields most forms have, for POST routes without a page to read names from. */
const FORM_NAMES = [
  'name',
  'email',
  'title',
  'body',
  'summary',
  'note',
  'reason',
  'address',
  'slug',
  'date',
  'url',
  'agency',
  'status',
  'action',
  'role',
  'mode',
  'q',
];

describe('route sweep: hostile values never give a 5xx', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;
  let dir: string;
  let routes: Route[];
  const plausible = new Map<string, string>();
  const visitors: Visitor[] = [];
  let restore: () => Promise<void>;
  /** The operations of the OpenAPI document ("GET /api/v1/events/:slug") and the statuses each declares. */
  const documented = new Map<string, Set<number>>();
  /** The statuses the sweeps saw for each documented operation. */
  const observed = new Map<string, Set<number>>();

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir('sg-sweep-');
    // Public pages are kept (as in production), so the sweep also checks what is kept and for whom.
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir, PAGE_CACHE_SECONDS: '300' }));
    app = platform.app!;
    const pool = platform.db.pool;
    const community = (await pool.query<{ id: string }>(`select id from communities where slug = 'social-media'`)).rows[0]!.id;

    // Something behind the plausible path parameters: library, archive, people.
    await applyImport(pool, SYSTEM, planImport(writeLibraryFixture(dir)), { communityId: Number(community) });
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
          text: 'Hello.',
          attachment: { filename: 'a.txt', type: 'text/plain', content: 'hi' },
        },
      ]),
      { name: 'test', source: 'cli' },
    );

    const anonymous = new Visitor(app, 'signed out');
    visitors.push(anonymous);
    for (const [email, role, admin] of [
      ['pat.member@hhs.gov', 'member', false],
      ['casey.lead@gsa.gov', 'coordinator', true],
    ] as const) {
      const m = await pool.query<{ id: string }>(`insert into members (email, name, site_admin) values ($1, $1, $2) returning id`, [email, admin]);
      const id = Number(m.rows[0]!.id);
      await pool.query(`insert into memberships (community_id, member_id, status, role) values ($1, $2, 'active', $3)`, [community, id, role]);
      const v = new Visitor(app, `a ${role}`);
      v.cookies.set(SESSION_COOKIE, await createSession(pool, id, { days: 1 }));
      visitors.push(v);
      plausible.set(`member:${role}`, String(id));
    }
    for (const v of visitors) await v.readToken();
    // What a sweep's POSTs change about the people (leaving the community, a new role), put back.
    restore = async () => {
      await pool.query(`update members set site_admin = (email = 'casey.lead@gsa.gov') where email in ('casey.lead@gsa.gov', 'pat.member@hhs.gov')`);
      await pool.query(
        `update memberships set status = 'active', role = case when m.email = 'casey.lead@gsa.gov' then 'coordinator' else 'member' end
           from members m where m.id = memberships.member_id and m.email in ('casey.lead@gsa.gov', 'pat.member@hhs.gov') and community_id = $1`,
        [community],
      );
    };

    const coordinator = visitors[2]!;
    const event = await coordinator.send('POST', '/events/new', { _csrf: coordinator.csrf, ...OFFICE_HOURS, communities: community });
    assert.equal(event.statusCode, 303, event.body.slice(0, 500));
    const group = await coordinator.send('POST', '/communities/social-media/groups/new', {
      _csrf: coordinator.csrf,
      name: 'Plain Language',
      slug: 'plain-language',
      charter: 'Plain words.',
      status: 'active',
      joinPolicy: 'open',
    });
    assert.equal(group.statusCode, 303, group.body.slice(0, 500));

    const one = async (sql: string) => String((await pool.query<{ id: string }>(sql)).rows[0]?.id ?? '1');
    plausible.set('event', 'socialgov-office-hours');
    plausible.set('occurrence', await one('select id from event_occurrences order by id limit 1'));
    plausible.set('registration', await one('select id from event_registrations order by id limit 1'));
    plausible.set('tool', await one('select slug as id from tools order by id limit 1'));
    plausible.set('agreement', await one('select id from tos_agreements order by id limit 1'));
    plausible.set('file', await one('select id from tos_files order by id limit 1'));
    plausible.set('thread', await one('select id from archive_threads order by id limit 1'));
    routes = routeTable(app);
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops))
        documented.set(`${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`, new Set(Object.keys(op.responses).map(Number)));
    }
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  /** A value for a path parameter that names something that exists, chosen by the route. */
  function plausibleParam(path: string, name: string): string {
    const p = (prefix: string) => path.startsWith(prefix);
    switch (name) {
      case 'slug':
        if (p('/events') || p('/api/v1/events')) return plausible.get('event')!;
        if (p('/library/tools') || p('/api/v1/tools')) return plausible.get('tool')!;
        if (p('/library/articles')) return 'posting-during-a-crisis';
        if (p('/library/guides')) return 'public-participation';
        if (p('/library/authors')) return 'jherman';
        if (p('/topics')) return 'social-media';
        return 'social-media';
      case 'list':
        return 'social-media';
      case 'group':
        return 'plain-language';
      case 'section':
        return 'understand';
      case 'ext':
        return 'xml';
      case 'month':
        return '2024-03';
      case 'year':
        return '2027';
      case 'n':
        return '1';
      case 'i':
        return '0';
      case 'domain':
        return 'gsa.gov';
      case 'table':
        return 'members';
      case 'action':
        return 'publish';
      case 'agreement':
        return plausible.get('agreement')!;
      case 'member':
      case 'memberId':
        return plausible.get('member:member')!;
      case 'id':
        if (p('/events/registrations')) return plausible.get('registration')!;
        if (p('/events')) return plausible.get('occurrence')!;
        if (p('/archives')) return plausible.get('thread')!;
        if (p('/library/tools/files')) return plausible.get('file')!;
        return '1';
      default:
        return 'x';
    }
  }

  /** The route's path with its parameters filled: all plausible, or one of them hostile. */
  function fill(path: string, hostile?: { name: string; value: string }): string {
    return path
      .replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(hostile?.name === name ? hostile.value : plausibleParam(path, name)))
      .replace(/\*$/, hostile?.name === '*' ? encodeURIComponent(hostile.value) : 'x');
  }

  function paramsOf(path: string): string[] {
    return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!).concat(path.endsWith('*') ? ['*'] : []);
  }

  /** The forms on a page: where each posts and its fields with their values (the CSRF token set apart). */
  function formsOn(html: string): Array<{ action: string; fields: Record<string, string> }> {
    return [...html.matchAll(/<form\b[^>]*\bmethod="post"[^>]*>([\s\S]*?)<\/form>/gi)].map((f) => {
      const action = (/\baction="([^"]*)"/.exec(f[0]) ?? [])[1] ?? '';
      const fields: Record<string, string> = {};
      for (const m of f[1]!.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
        const name = (/\bname="([^"]+)"/.exec(m[2]!) ?? [])[1];
        if (!name || name === '_csrf') continue;
        fields[name] = unescape((/\bvalue="([^"]*)"/.exec(m[2]!) ?? [])[1]) ?? fields[name] ?? '';
      }
      return { action: unescape(action)!, fields };
    });
  }

  /** Does an address (its path) fit a route's pattern? */
  function fits(route: Route, address: string): boolean {
    const pattern = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(address.split('?')[0]!);
  }

  async function sweep(v: Visitor, restore: () => Promise<void>): Promise<{ failures: string[]; requests: number }> {
    const failures: string[] = [];
    let requests = 0;
    const send = async (what: string, method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
      requests++;
      const res = await v.send(method, url, form);
      const operation = `${method} ${what.split(' ')[1]!.replace(/\?.*$/, '')}`;
      if (documented.has(operation)) observed.set(operation, (observed.get(operation) ?? new Set()).add(res.statusCode));
      if (res.statusCode >= 500) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 160).replace(/\s+/g, ' ')}`);
      return res;
    };
    const forms: Array<{ action: string; fields: Record<string, string> }> = [];
    const paging = (value: string) => new URLSearchParams(PAGING.map((n) => [n, value])).toString();
    const everyName = (value: string) => new URLSearchParams(QUERY_NAMES.map((n) => [n, value])).toString();

    for (const route of routes.filter((r) => r.method === 'GET')) {
      const base = fill(route.path);
      const page = await send(`GET ${route.path}`, 'GET', base);
      if (/text\/html/.test(String(page.headers['content-type']))) forms.push(...formsOn(page.body));
      for (const [label, value] of Object.entries(HOSTILE)) {
        for (const name of paramsOf(route.path)) await send(`GET ${route.path} with ${label} in :${name}`, 'GET', fill(route.path, { name, value }));
        await send(`GET ${route.path}?(every name)=${label}`, 'GET', `${base}?${everyName(value)}`);
        await send(`GET ${route.path}?(paging)=${label}`, 'GET', `${base}?${paging(value)}`);
      }
    }

    // Sign-outs last, so the sweep keeps its session as long as it can.
    const posts = routes.filter((r) => r.method === 'POST').sort((a, b) => Number(a.path.startsWith('/signout')) - Number(b.path.startsWith('/signout')));
    for (const route of posts) {
      const base = fill(route.path);
      const found = forms.find((f) => fits(route, f.action));
      const kept = found?.fields ?? Object.fromEntries(FORM_NAMES.map((n) => [n, '']));
      const address = found && !paramsOf(route.path).length ? found.action : base;
      for (const [label, value] of Object.entries(HOSTILE)) {
        const hostileForm = Object.fromEntries(Object.keys(kept).map((n) => [n, n === 'formStamp' ? kept[n]! : value]));
        await send(`POST ${route.path} with ${label} in every field`, 'POST', address, { ...hostileForm, _csrf: v.csrf });
        for (const name of paramsOf(route.path)) {
          await send(`POST ${route.path} with ${label} in :${name}`, 'POST', fill(route.path, { name, value }), { ...kept, _csrf: v.csrf });
        }
        await send(`POST ${route.path}?(every name)=${label}`, 'POST', `${address.split('?')[0]}?${everyName(value)}`, { ...kept, _csrf: v.csrf });
      }
      await restore();
    }
    return { failures, requests };
  }

  test('the route table is read in full', () => {
    assert.ok(routes.length > 150, `only ${routes.length} routes read`);
    for (const r of [
      'GET /api/v1/events',
      'POST /communities/:slug/join',
      'GET /archives/:list/:n/attachments/:i',
      'POST /communities/:slug/speakers/request',
    ]) {
      assert.ok(
        routes.some((x) => `${x.method} ${x.path}` === r),
        `${r} is in the table`,
      );
    }
  });

  test('every page that may be kept: the same for each signed-out visitor, never shown to a member; a member page kept only for the same standing', async () => {
    const kept = app.pageCache.routes();
    assert.ok(kept.length >= 25, `public page routes marked to be kept: ${kept.length}`);
    const member = visitors[1]!;
    const coordinator = visitors[2]!;
    // another member of the same standing as `member` (same community and role, same domain)
    const pool = platform.db.pool;
    const sam = new Visitor(app, 'another member');
    const samId = Number(
      (await pool.query<{ id: string }>(`insert into members (email, name) values ('sam.member@hhs.gov', 'Sam Member') returning id`)).rows[0]!.id,
    );
    await pool.query(
      `insert into memberships (community_id, member_id, status, role) select community_id, $1, status, role from memberships where member_id = $2`,
      [samId, plausible.get('member:member')],
    );
    sam.cookies.set(SESSION_COOKIE, await createSession(pool, samId, { days: 1 }));
    const forStanding = new Set(app.pageCache.memberRoutes());
    assert.ok(forStanding.size >= 10, `page routes kept for members of a standing: ${forStanding.size}`);
    const checked: string[] = [];
    const checkedForStanding: string[] = [];
    for (const path of kept) {
      const url = fill(path);
      app.pageCache.clear();
      const first = await app.inject({ method: 'GET', url });
      if (first.statusCode !== 200) continue;
      const second = await app.inject({ method: 'GET', url });
      if (first.headers['set-cookie'] !== undefined) {
        // a page with a form: its CSRF cookie and token are the visitor's own
        assert.equal(second.headers.age, undefined, `${url}: a page that sets a cookie is never kept`);
        assert.notEqual(second.body, first.body, `${url}: each visitor gets their own form token`);
        continue;
      }
      assert.ok(second.headers.age !== undefined, `${url}: the second signed-out visitor gets the kept page`);
      assert.equal(second.body, first.body, url);
      assert.match(first.body, /href="\/signin"/, `${url}: the signed-out page offers to sign in`);
      const theirs = await member.send('GET', url);
      assert.equal(theirs.headers.age, undefined, `${url}: a member never gets a kept page`);
      if (theirs.statusCode === 200) assert.match(theirs.body, /href="\/account"[^>]*>(<span>)?Your account/, `${url}: the member's page is made for them`);
      const after = await app.inject({ method: 'GET', url });
      assert.equal(after.body, first.body, `${url}: the member's page was not kept for visitors`);
      checked.push(url);
      if (!forStanding.has(path) || theirs.statusCode !== 200) continue;
      // Kept for members of the same standing: the next one gets it, with nothing of the first
      // member's in it; a member of another standing (a coordinator) gets a page of their own.
      const next = await sam.send('GET', url);
      assert.doesNotMatch(next.body, /pat\.member@hhs\.gov/, `${url}: nothing of another member's`);
      if (/name="_csrf"|pat\.member@hhs\.gov/.test(theirs.body)) {
        assert.equal(next.headers.age, undefined, `${url}: a page with a form token or the member's address is never kept`);
        continue;
      }
      assert.ok(next.headers.age !== undefined, `${url}: another member of the same standing gets the kept page`);
      assert.equal(next.body, theirs.body, url);
      const theirsToo = await coordinator.send('GET', url);
      assert.equal(theirsToo.headers.age, undefined, `${url}: a member of another standing gets a page made for them`);
      checkedForStanding.push(url);
    }
    assert.ok(checked.length >= 20, `kept pages checked: ${checked.join(' ')}`);
    assert.ok(checkedForStanding.length >= 8, `pages kept for a standing checked: ${checkedForStanding.join(' ')}`);
  });

  test('a NUL byte or a paging number out of range in the address: 400 saying what to fix', async () => {
    const visitor = new Visitor(app, 'visitor');
    const page = await visitor.send('GET', '/communities/social%00media');
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<h1>There is a problem<\/h1>/);
    assert.match(page.body, /a NUL byte, written %00/);
    const api = await visitor.send('GET', '/api/v1/communities?q=a%00b');
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().code, 'NUL_IN_ADDRESS');
    for (const [url, name] of [
      ['/api/v1/events?limit=Infinity', 'limit'],
      ['/api/v1/registry/records?page=1e309', 'page'],
      ['/api/v1/registry/records?page_size=-1', 'page_size'],
    ]) {
      const res = await visitor.send('GET', url!);
      assert.equal(res.statusCode, 400, url);
      assert.deepEqual(
        { code: res.json().code, message: res.json().message },
        { code: 'BAD_PAGING_NUMBER', message: `“${name}” must be a whole number from ${name === 'offset' ? 0 : 1} to 1,000,000, written in digits only.` },
      );
    }
    const registry = await visitor.send('GET', '/registry?page=1e309');
    assert.equal(registry.statusCode, 400);
    assert.match(registry.body, /“page” must be a whole number from 1 to 1,000,000/);
    assert.equal((await visitor.send('GET', '/api/v1/registry/records?page=2&page_size=10')).statusCode, 200, 'ordinary paging still works');
    assert.equal((await visitor.send('GET', '/registry?page=')).statusCode, 200, 'an empty page number is no page number');
    // The router's own refusals answer in the site's shapes too.
    const long = await visitor.send('GET', `/api/v1/communities/${'a'.repeat(250)}`);
    assert.equal(long.statusCode, 414);
    assert.deepEqual(Object.keys(long.json()).sort(), ['code', 'message', 'requestId', 'statusCode']);
    assert.equal(long.json().code, 'URI_TOO_LONG');
    const longPage = await visitor.send('GET', `/communities/${'a'.repeat(250)}`);
    assert.equal(longPage.statusCode, 414);
    assert.match(longPage.body, /<h1>There is a problem<\/h1>[\s\S]*The address is too long/);
    const undecodable = await visitor.send('GET', '/api/v1/communities/%E0%A4%A');
    assert.equal(undecodable.statusCode, 400);
    assert.equal(undecodable.json().code, 'BAD_URL');
  });

  test('a NUL byte in a form: 400, and a page that keeps what was typed and sends it again without it', async () => {
    const visitor = new Visitor(app, 'joiner');
    const form = await visitor.send('GET', '/communities/social-media/join');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const typed = {
      _csrf: token,
      name: 'Robin\0 Park',
      jobTitle: 'Digital lead',
      agency: 'GSA',
      email: 'robin.park@gsa.gov',
      reason: 'Line one\r\nline two',
      accept: 'yes',
    };
    const refused = await visitor.send('POST', '/communities/social-media/join', typed);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /There is a problem with the form/);
    assert.match(refused.body, /NUL byte/);
    assert.match(refused.body, /<li><span class="sg-code">name<\/span><\/li>/);
    const again = formsOn(refused.body).find((f) => f.action === '/communities/social-media/join');
    assert.ok(again, 'the page offers the form again');
    assert.deepEqual(again.fields, {
      name: 'Robin Park',
      jobTitle: 'Digital lead',
      agency: 'GSA',
      email: 'robin.park@gsa.gov',
      reason: 'Line one\r\nline two',
      accept: 'yes',
    });
    assert.match(refused.body, new RegExp(`name="_csrf" value="${token}"`), 'with the token the form came with, unchanged');
    const sent = await visitor.send('POST', again.action, { ...again.fields, _csrf: token });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    assert.match(sent.body, /robin\.park@gsa\.gov/);

    const forged = await new Visitor(app, 'forger').send('POST', '/communities/social-media/join', { ...typed, _csrf: 'forged' });
    assert.equal(forged.statusCode, 400, 'refused before the token is read; resending it still meets the CSRF check');
    const resent = await new Visitor(app, 'forger').send('POST', '/communities/social-media/join', { ...typed, name: 'Robin Park', _csrf: 'forged' });
    assert.equal(resent.statusCode, 403);
  });

  for (const who of ['signed out', 'a member', 'a coordinator']) {
    test(`no 5xx, ${who}`, async () => {
      const v = visitors.find((x) => x.name === who)!;
      const { failures, requests } = await sweep(v, restore);
      assert.ok(requests > 2000, `only ${requests} requests`);
      assert.deepEqual(failures, []);
    });
  }

  test('every status the sweeps saw from an API operation is one its OpenAPI description declares', () => {
    assert.ok(observed.size >= 15, `only ${observed.size} documented operations were swept (run the sweeps first)`);
    const undeclared: string[] = [];
    for (const [operation, statuses] of observed) {
      for (const status of statuses) if (!documented.get(operation)!.has(status)) undeclared.push(`${operation}: ${status}`);
    }
    assert.deepEqual(undeclared, []);
  });

  test('every API operation declares 400, with the shared error shape; those with path parameters 414', () => {
    assert.ok(documented.size >= 15, `${documented.size} operations`);
    for (const [operation, statuses] of documented) {
      assert.ok(statuses.has(400), `${operation} declares 400`);
      if (operation.includes(':')) assert.ok(statuses.has(414), `${operation} declares 414`);
    }
  });
});

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
