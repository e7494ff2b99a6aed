import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { Viewer } from './context.ts';
import { installPageCache, ownPage, perRequest } from './page-cache.ts';

/** Who each test session is: two members with the same standing, a coordinator, a banned member. */
const VIEWERS: Record<string, Viewer> = {
  ana: { memberId: 7, name: 'Ana', email: 'ana@gsa.gov', siteAdmin: false, standing: ';1:active:member' },
  bo: { memberId: 8, name: 'Bo Li', email: 'bo.li@gsa.gov', siteAdmin: false, standing: ';1:active:member' },
  cy: { memberId: 9, name: null, email: 'cy@gsa.gov', siteAdmin: false, standing: ';1:active:coordinator' },
  dee: { memberId: 10, name: 'Dee', email: 'dee@gsa.gov', siteAdmin: false, standing: ';1:banned:member' },
};

/** A small app: a counter page the cache may keep, one it may not, a form page that sets a cookie, and a change. */
async function app(opts: { seconds?: number; recentBytes?: number } = {}) {
  let clock = 1_000_000;
  let renders = 0;
  const a = Fastify();
  a.decorateRequest('viewer', null);
  a.addHook('preHandler', async (req) => {
    const session = /sg_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
    if (session) req.viewer = VIEWERS[session] ?? { memberId: 7, name: 'Ana', email: 'ana@gsa.gov', siteAdmin: false };
  });
  const cache = installPageCache(a, {
    seconds: opts.seconds ?? 5,
    neutralCookies: ['sg_csrf'],
    sessionCookies: ['sg_session'],
    now: () => clock,
    recentBytes: opts.recentBytes,
  });
  const page = (text: string) => `<!doctype html><p>${text}</p>`;
  a.get('/kept', { config: { pageCache: true } }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`render ${++renders} for ${req.viewer ? 'Ana' : 'a visitor'} ${req.url}`)),
  );
  a.get('/not-kept', async (req, reply) => reply.type('text/html; charset=utf-8').send(page(`render ${++renders}`)));
  a.get('/form', { config: { pageCache: true } }, async (req, reply) =>
    reply
      .header('set-cookie', 'sg_csrf=x')
      .type('text/html; charset=utf-8')
      .send(page(`form ${++renders}`)),
  );
  a.get('/missing', { config: { pageCache: true } }, async (req, reply) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(page(`missing ${++renders}`)),
  );
  a.get('/json', { config: { pageCache: true } }, async () => ({ n: ++renders }));
  // pages that say they depend on a member only through their standing; two of them do not keep that promise
  const standingPage = { config: { pageCache: true, memberPageCache: true } };
  a.get('/standing', standingPage, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`render ${++renders} for ${req.viewer ? `a member, standing ${req.viewer.standing}` : 'a visitor'}`)),
  );
  a.get('/standing-naming', standingPage, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`render ${++renders}: signed in as ${req.viewer?.email ?? 'nobody'}`)),
  );
  a.get('/standing-named', standingPage, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(Buffer.from(page(`render ${++renders}: welcome, ${req.viewer?.name ?? 'visitor'}`))),
  );
  // a page with per-request values (a form token, a draft id) left as holes, one that is the
  // member's own when they ask for it, one kept only for some, and one that relaxes its CSP
  let made = 0;
  a.get('/standing-holes', standingPage, async (req, reply) => {
    const token = perRequest(req, reply, 'csrf', () => `tok${++made}`);
    const draft = perRequest(req, reply, 'draft', () => `draft${++made}`);
    const again = perRequest(req, reply, 'csrf', () => 'never used');
    return reply
      .type('text/html; charset=utf-8')
      .send(page(`render ${++renders}<input type="hidden" name="_csrf" value="${token}"><input name="draft" value="${draft}"><i>${again}</i>`));
  });
  a.get('/standing-own', standingPage, async (req, reply) => {
    // a value made before the route finds the page is the member's own is still filled in
    const token = perRequest(req, reply, 'csrf', () => `own${++made}`);
    if (req.query && (req.query as { own?: string }).own) ownPage(req);
    return reply.type('text/html; charset=utf-8').send(page(`render ${++renders} <input type="hidden" name="_csrf" value="${token}">`));
  });
  a.get('/standing-some', { config: { pageCache: true, memberPageCache: (req) => (req.viewer?.memberId === 9 ? undefined : 'x') } }, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`render ${++renders}`)),
  );
  a.get('/standing-csp', standingPage, async (req, reply) =>
    reply
      .header('content-security-policy', "img-src 'self' https:")
      .type('text/html; charset=utf-8')
      .send(page(`render ${++renders}`)),
  );
  a.get('/standing-form', standingPage, async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(page(`render ${++renders} <form method="post"><input type="hidden" name="_csrf" value="tok"></form>`)),
  );
  // a page whose render waits until the test lets it finish, and that can be taken away
  let gate: Promise<void> = Promise.resolve();
  let gone = false;
  a.get('/slow', { config: { pageCache: true } }, async (req, reply) => {
    const n = ++renders;
    await gate;
    return reply
      .code(gone ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(page(`${gone ? 'gone' : 'slow'} ${n}`));
  });
  a.post('/change', async () => ({ ok: true }));
  a.post('/refused', async (req, reply) => reply.code(403).send({ ok: false }));
  await a.ready();
  return {
    a,
    cache,
    tick: (ms: number) => (clock += ms),
    renders: () => renders,
    /** Renders of /slow wait until the returned function is called. */
    hold: () => {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return open;
    },
    takeAway: () => (gone = true),
  };
}

test('a public page is rendered once for many signed-out visitors, says its age, and is made again when too old', async () => {
  const t = await app();
  const first = await t.a.inject('/kept');
  assert.equal(first.headers.age, undefined);
  t.tick(2500);
  const second = await t.a.inject('/kept');
  assert.equal(second.body, first.body);
  assert.equal(second.headers.age, '2');
  assert.match(String(second.headers['content-type']), /^text\/html/);
  assert.equal(t.renders(), 1);
  t.tick(2500);
  const third = await t.a.inject('/kept');
  assert.equal(t.renders(), 2, 'made again after 5 s');
  assert.equal(third.headers.age, undefined);
  // the query is part of the address: another page
  await t.a.inject('/kept?page=2');
  assert.equal(t.renders(), 3);
});

test('a page too old is made again by one request while the others get the old one (no stampede), at most twice the time old', async () => {
  const t = await app();
  await t.a.inject('/slow');
  t.tick(5000);
  const open = t.hold();
  // (should the others wait for the render, as they did, this lets them finish and fail below)
  const safety = setTimeout(open, 1000);
  // (inject starts a request when awaited: Promise.resolve does that)
  const refreshing = Promise.resolve(t.a.inject('/slow'));
  while (t.renders() < 2) await new Promise((r) => setImmediate(r));
  // the others, while the one render is under way: the old page, with its true age
  const others = await Promise.all([1, 2, 3].map(() => t.a.inject('/slow')));
  assert.deepEqual(
    others.map((r) => [r.body, r.headers.age]),
    others.map(() => ['<!doctype html><p>slow 1</p>', '5']),
  );
  assert.equal(t.renders(), 2, 'one render for four visitors');
  clearTimeout(safety);
  open();
  assert.equal((await refreshing).body, '<!doctype html><p>slow 2</p>');
  assert.equal((await t.a.inject('/slow')).headers.age, '0', 'the new page is kept');
  assert.equal(t.renders(), 2);

  // a render that never finishes does not keep the old page forever: past twice the time (or
  // when its maker has taken 2 s), a new one
  t.tick(5000);
  t.hold();
  void Promise.resolve(t.a.inject('/slow'));
  while (t.renders() < 3) await new Promise((r) => setImmediate(r));
  t.tick(1500);
  assert.equal((await t.a.inject('/slow')).headers.age, '6', 'while it is being made: the old one');
  t.tick(3500);
  const fresh = t.a.inject('/slow');
  t.hold()();
  assert.equal((await fresh).headers.age, undefined, 'ten seconds old: made again');
  assert.equal(t.renders(), 4);
});

test('a page not kept yet is made once for visitors arriving together; the others wait for it', async () => {
  const t = await app();
  const open = t.hold();
  const safety = setTimeout(open, 1000);
  const first = Promise.resolve(t.a.inject('/slow'));
  while (t.renders() < 1) await new Promise((r) => setImmediate(r));
  const others = [1, 2, 3].map(() => Promise.resolve(t.a.inject('/slow')));
  // the CSRF cookie alone: may be served a kept page, so it waits too
  others.push(Promise.resolve(t.a.inject({ url: '/slow', headers: { cookie: 'sg_csrf=abc' } })));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(t.renders(), 1, 'the others wait for the one being made');
  clearTimeout(safety);
  open();
  assert.equal((await first).body, '<!doctype html><p>slow 1</p>');
  for (const r of await Promise.all(others)) assert.deepEqual([r.body, r.headers.age], ['<!doctype html><p>slow 1</p>', '0']);
  assert.equal(t.renders(), 1);
});

test('a page begun before a change through this process is not kept', async () => {
  const t = await app();
  const open = t.hold();
  const early = Promise.resolve(t.a.inject('/slow'));
  while (t.renders() < 1) await new Promise((r) => setImmediate(r));
  await t.a.inject({ method: 'POST', url: '/change' });
  open();
  await early;
  const next = await t.a.inject('/slow');
  assert.equal(next.headers.age, undefined, 'made again after the change');
  assert.equal(t.renders(), 2);
});

test('a page that is gone when made again is not served old', async () => {
  const t = await app();
  await t.a.inject('/slow');
  t.tick(5000);
  t.takeAway();
  assert.equal((await t.a.inject('/slow')).statusCode, 404);
  const next = await t.a.inject('/slow');
  assert.equal(next.statusCode, 404, 'the old 200 page was dropped');
  assert.equal(t.renders(), 3);
});

test('signed-in members never get a kept page, and their pages are never kept for others', async () => {
  const t = await app();
  const member = await t.a.inject({ url: '/kept', headers: { cookie: 'sg_session=abc' } });
  assert.match(member.body, /for Ana/);
  const visitor = await t.a.inject('/kept');
  assert.match(visitor.body, /for a visitor/, 'the member’s page was not kept');
  const again = await t.a.inject({ url: '/kept', headers: { cookie: 'other=1; sg_session=abc' } });
  assert.match(again.body, /for Ana/, 'the visitor’s page is not served to a member');
  assert.equal(again.headers.age, undefined);
  // a visitor with only the CSRF cookie gets the kept page; one with any other cookie (a chosen
  // time zone, say) gets a page made for them
  assert.ok((await t.a.inject({ url: '/kept', headers: { cookie: 'sg_csrf=abc' } })).headers.age !== undefined);
  assert.equal((await t.a.inject({ url: '/kept', headers: { cookie: 'sg_csrf=abc; sg_tz=Europe/Paris' } })).headers.age, undefined);
  assert.equal((await t.a.inject({ url: '/kept', headers: { cookie: 'other' } })).headers.age, undefined);
});

test('a member page that depends only on standing is made once for members with the same standing, never for others', async () => {
  const t = await app();
  const get = (who: string, url = '/standing', cookie = '') => t.a.inject({ url, headers: { cookie: `sg_session=${who}${cookie}` } });
  const ana = await get('ana', '/standing', '; sg_csrf=a');
  assert.match(ana.body, /for a member, standing ;1:active:member/);
  assert.equal(ana.headers.age, undefined);
  t.tick(1200);
  const bo = await get('bo');
  assert.equal(bo.body, ana.body, 'another member with the same standing gets the kept page');
  assert.equal(bo.headers.age, '1');
  assert.equal(t.renders(), 1);
  // another standing (a coordinator, a banned member) gets a page of its own
  assert.match((await get('cy')).body, /standing ;1:active:coordinator/);
  assert.match((await get('dee')).body, /standing ;1:banned:member/);
  assert.equal(t.renders(), 3);
  // a visitor never gets a member's page, nor a member a visitor's
  assert.match((await t.a.inject('/standing')).body, /for a visitor/);
  assert.match((await t.a.inject('/standing')).body, /for a visitor/);
  assert.match((await get('ana')).body, /for a member/);
  // a cookie not known to change nothing (a chosen time zone): made for that request
  const before = t.renders();
  await get('ana', '/standing', '; sg_tz=Europe/Paris');
  assert.equal(t.renders(), before + 1);
  // too old: made again; a change through this process: made again
  t.tick(5000);
  await get('bo');
  assert.equal(t.renders(), before + 2);
  await t.a.inject({ method: 'POST', url: '/change' });
  await get('bo');
  assert.equal(t.renders(), before + 3);
  await get('ana');
  assert.equal(t.renders(), before + 3);
});

test('a member page with a form token, the member’s address or name is never kept, whatever the route says', async () => {
  const t = await app();
  for (const url of ['/standing-naming', '/standing-named', '/standing-form']) {
    await t.a.inject({ url, headers: { cookie: 'sg_session=bo' } });
    const before = t.renders();
    const ana = await t.a.inject({ url, headers: { cookie: 'sg_session=ana' } });
    assert.equal(t.renders(), before + 1, `${url} is made for each member`);
    assert.doesNotMatch(ana.body, /Bo Li|bo\.li@/, url);
  }
  // a page made for a member is never kept where no standing is known
  await t.a.inject({ url: '/standing', headers: { cookie: 'sg_session=unknown' } });
  const before = t.renders();
  await t.a.inject({ url: '/standing', headers: { cookie: 'sg_session=unknown' } });
  assert.equal(t.renders(), before + 1);
});

test('per-request values are holes in a page kept for a standing, filled afresh for each member it is served to', async () => {
  const t = await app();
  const get = (who: string, url = '/standing-holes') => t.a.inject({ url, headers: { cookie: `sg_session=${who}` } });
  const ana = await get('ana');
  assert.match(ana.body, /value="tok1"><input name="draft" value="draft2"><i>tok1<\/i>/, 'one value a kind throughout the page');
  const bo = await get('bo');
  assert.ok(bo.headers.age !== undefined, 'kept');
  assert.equal(t.renders(), 1);
  assert.match(bo.body, /value="tok3"><input name="draft" value="draft4"><i>tok3<\/i>/, 'Bo’s own values');
  assert.ok(!bo.body.includes('\u0001'), 'no hole mark is ever sent');
  // a visitor's page has no holes either
  assert.match((await t.a.inject('/standing-holes')).body, /value="tok5"/);
  // a page the route says is the member's own is not kept for others
  assert.match((await get('ana', '/standing-own?own=1')).body, /value="own\d+"/, 'its hole filled');
  const own = await get('bo', '/standing-own?own=1');
  assert.equal(own.headers.age, undefined);
  assert.match(own.body, /value="own\d+"/);
  await get('ana', '/standing-own');
  assert.ok((await get('bo', '/standing-own')).headers.age !== undefined);
  // a key function may say a member's page is not to be kept
  await get('cy', '/standing-some');
  assert.equal((await get('cy', '/standing-some')).headers.age, undefined);
  await get('ana', '/standing-some');
  assert.ok((await get('bo', '/standing-some')).headers.age !== undefined);
  // a page's own Content-Security-Policy is kept with it
  await get('ana', '/standing-csp');
  const csp = await get('bo', '/standing-csp');
  assert.ok(csp.headers.age !== undefined);
  assert.equal(csp.headers['content-security-policy'], "img-src 'self' https:");
});

test('only routes that ask, 200 HTML answers, and answers that set no cookie are kept', async () => {
  const t = await app();
  for (const url of ['/not-kept', '/form', '/missing', '/json']) {
    await t.a.inject(url);
    const before = t.renders();
    const again = await t.a.inject(url);
    assert.equal(t.renders(), before + 1, `${url} is made for each request`);
    assert.equal(again.headers.age, undefined, url);
  }
  // a page made for a visitor who sent a cookie (their CSRF cookie, say) is theirs
  assert.equal(t.cache.size(), 0);
  await t.a.inject({ url: '/kept?x=1', headers: { cookie: 'sg_csrf=theirs' } });
  const before = t.renders();
  const other = await t.a.inject('/kept?x=1');
  assert.equal(t.renders(), before + 1, 'the page made with a cookie was not kept');
  assert.equal(other.headers.age, undefined);
  assert.deepEqual(t.cache.routes(), [
    '/kept',
    '/form',
    '/missing',
    '/json',
    '/standing',
    '/standing-naming',
    '/standing-named',
    '/standing-holes',
    '/standing-own',
    '/standing-some',
    '/standing-csp',
    '/standing-form',
    '/slow',
  ]);
});

test('a change through this process empties it; a refused one does not; 0 seconds turns it off', async () => {
  const t = await app();
  await t.a.inject('/kept');
  await t.a.inject({ method: 'POST', url: '/refused' });
  await t.a.inject('/kept');
  assert.equal(t.renders(), 1, 'a refused form changes nothing');
  await t.a.inject({ method: 'POST', url: '/change' });
  await t.a.inject('/kept');
  assert.equal(t.renders(), 2, 'the next page after a change is new');

  const off = await app({ seconds: 0 });
  await off.a.inject('/kept');
  await off.a.inject('/kept');
  assert.equal(off.renders(), 2);
});

test('recent: one load for everyone asking at once, kept for the time, forgotten on a change; a failed load is not kept', async () => {
  const t = await app();
  let loads = 0;
  const load = async () => ++loads;
  const [a, b] = await Promise.all([t.cache.recent('k', load), t.cache.recent('k', load)]);
  assert.deepEqual([a, b, loads], [1, 1, 1], 'asked at once: one load');
  t.tick(4000);
  assert.equal(await t.cache.recent('k', load), 1);
  t.tick(1000);
  assert.equal(await t.cache.recent('k', load), 2, 'too old: loaded again');
  await t.a.inject({ method: 'POST', url: '/change' });
  assert.equal(await t.cache.recent('k', load), 3, 'a change through this process: loaded again');
  await assert.rejects(
    t.cache.recent('bad', () => Promise.reject(new Error('down'))),
    /down/,
  );
  assert.equal(await t.cache.recent('bad', load), 4, 'the failure was not kept');

  const off = await app({ seconds: 0 });
  await off.cache.recent('k', load);
  await off.cache.recent('k', load);
  assert.equal(loads, 6, 'PAGE_CACHE_SECONDS=0: always loaded');
});

test('recent: kept values have a byte budget; the oldest go first, and one too large for it is not kept', async () => {
  const t = await app({ recentBytes: 14_000 });
  const loads = new Map<string, number>();
  const load = (key: string, value: unknown) => () => (loads.set(key, (loads.get(key) ?? 0) + 1), Promise.resolve(value));
  const body = (c: string) => c.repeat(3000);
  // A string counts its length, a Buffer its bytes, an object what it holds: about 3,000 bytes each.
  await t.cache.recent('a', load('a', body('a')));
  await t.cache.recent('b', load('b', Buffer.alloc(3000)));
  await t.cache.recent('c', load('c', { subject: 'Caption tools', posts: [{ body: body('c') }] }));
  await t.cache.recent('d', load('d', body('d')));
  await t.cache.recent('a', load('a', body('a')));
  assert.equal(loads.get('a'), 1, 'under the budget: kept');
  // Two more go past 14,000 bytes: the least recently asked for ('b' then 'c'; 'a' was loaded first but asked for since) go.
  await t.cache.recent('e', load('e', body('e')));
  await t.cache.recent('f', load('f', body('f')));
  for (const key of ['a', 'd', 'e', 'f']) await t.cache.recent(key, load(key, body(key)));
  assert.deepEqual(
    ['a', 'd', 'e', 'f'].map((k) => loads.get(k)),
    [1, 1, 1, 1],
    'the newest are still kept',
  );
  await t.cache.recent('b', load('b', Buffer.alloc(3000)));
  await t.cache.recent('c', load('c', {}));
  assert.deepEqual([loads.get('b'), loads.get('c')], [2, 2], 'the oldest were dropped and are loaded again');
  // One value over a quarter of the budget is handed out but not kept.
  await t.cache.recent('big', load('big', body('x').repeat(2)));
  await t.cache.recent('big', load('big', body('x').repeat(2)));
  assert.equal(loads.get('big'), 2);
  // A deep or cyclic object is measured only up to what could be kept.
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  await t.cache.recent('cyclic', load('cyclic', cyclic));
  await t.cache.recent('cyclic', load('cyclic', cyclic));
  assert.equal(loads.get('cyclic'), 2, 'a cycle counts as too large');
});
