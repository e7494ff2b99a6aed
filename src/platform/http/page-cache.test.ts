import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installPageCache } from './page-cache.ts';

/** A small app: a counter page the cache may keep, one it may not, a form page that sets a cookie, and a change. */
async function app(opts: { seconds?: number } = {}) {
  let clock = 1_000_000;
  let renders = 0;
  const a = Fastify();
  a.decorateRequest('viewer', null);
  a.addHook('preHandler', async (req) => {
    if (req.headers.cookie?.includes('sg_session=')) req.viewer = { memberId: 7, name: 'Ana', email: 'ana@gsa.gov' } as never;
  });
  const cache = installPageCache(a, { seconds: opts.seconds ?? 5, neutralCookies: ['sg_csrf'], now: () => clock });
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
  a.post('/change', async () => ({ ok: true }));
  a.post('/refused', async (req, reply) => reply.code(403).send({ ok: false }));
  await a.ready();
  return { a, cache, tick: (ms: number) => (clock += ms), renders: () => renders };
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
  assert.deepEqual(t.cache.routes(), ['/kept', '/form', '/missing', '/json']);
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
