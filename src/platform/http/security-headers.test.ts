import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installSecurityHeaders, securityHeaders } from './security-headers.ts';

const options = { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } } };

test('the headers are helmet’s, worked out once', () => {
  const h = new Map(securityHeaders(options));
  assert.equal(h.get('content-security-policy'), "default-src 'self';frame-ancestors 'none'");
  assert.equal(h.get('x-content-type-options'), 'nosniff');
  assert.equal(h.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(h.get('strict-transport-security')!, /^max-age=\d+; includeSubDomains$/);
  assert.equal(h.get('referrer-policy'), 'no-referrer');
  assert.equal(h.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(h.has('x-powered-by'), false);
});

test('every answer carries them, a 404 and an error too; a route may replace one', async () => {
  const app = Fastify({ logger: false });
  installSecurityHeaders(app, options);
  app.get('/ok', async () => 'ok');
  app.get('/own', async (_req, reply) => reply.header('content-security-policy', "default-src 'none'").send('own'));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  for (const url of ['/ok', '/missing', '/boom']) {
    const res = await app.inject(url);
    assert.equal(res.headers['content-security-policy'], "default-src 'self';frame-ancestors 'none'", url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
  }
  assert.equal((await app.inject('/own')).headers['content-security-policy'], "default-src 'none'");
});
