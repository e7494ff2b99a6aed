import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idParam } from './context.ts';

test('ids typed in an address: whole numbers that fit, else 0', () => {
  assert.equal(idParam('42'), 42);
  for (const t of ['1e309', 'Infinity', '-1', '1.5', '9'.repeat(20), '9007199254740993', '', undefined, ' 1']) assert.equal(idParam(t), 0, String(t));
});

test('formToken: one token an answer, so a first visit’s page with two forms gets a token its cookie accepts', async () => {
  const { default: Fastify } = await import('fastify');
  const { default: cookie } = await import('@fastify/cookie');
  const { default: csrf } = await import('@fastify/csrf-protection');
  const { formToken } = await import('./context.ts');
  const app = Fastify();
  await app.register(cookie, { secret: 'a'.repeat(32) });
  await app.register(csrf, { cookieKey: 'sg_csrf', cookieOpts: { signed: true, httpOnly: true, path: '/' } });
  app.get('/two-forms', async (_req, reply) => ({ mute: formToken(reply), reply: formToken(reply) }));
  app.post('/send', { preHandler: app.csrfProtection }, async () => 'sent');
  try {
    const page = await app.inject({ url: '/two-forms' });
    const { mute, reply } = page.json<{ mute: string; reply: string }>();
    assert.equal(mute, reply);
    const cookies = page.headers['set-cookie'];
    assert.equal([cookies].flat().filter((c) => String(c).startsWith('sg_csrf=')).length, 1, 'one secret cookie');
    const jar = String([cookies].flat()[0]).split(';')[0]!;
    const sent = await app.inject({ method: 'POST', url: '/send', headers: { cookie: jar }, payload: { _csrf: mute } });
    assert.equal(sent.statusCode, 200, sent.body);
  } finally {
    await app.close();
  }
});
