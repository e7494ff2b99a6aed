import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from './log-redaction.ts';

const TOKEN = 'Vysg8aVaKcPKhDH2b9q3zQacDkHWOZqUUWU_XmphwkQ';

test('credential query values are replaced, other values and the order are kept', () => {
  assert.equal(redactUrl(`/signin/confirm?token=${TOKEN}&next=%2Faccount`, '/signin/confirm'), '/signin/confirm?token=[redacted]&next=%2Faccount');
  assert.equal(redactUrl(`/events/registrations/4?t=${TOKEN}&done=1`, '/events/registrations/:id'), '/events/registrations/4?t=[redacted]&done=1');
  assert.equal(
    redactUrl(`/signin/oidc/callback?code=abc&state=def&iss=x`, '/signin/oidc/callback'),
    '/signin/oidc/callback?code=[redacted]&state=[redacted]&iss=x',
  );
  assert.equal(
    redactUrl(`/x?api_key=1&Token=2&%74oken=3&secret=4&password=5`),
    '/x?api_key=[redacted]&Token=[redacted]&%74oken=[redacted]&secret=[redacted]&password=[redacted]',
  );
  assert.equal(redactUrl('/search?q=token&kind=article', '/search'), '/search?q=token&kind=article', 'a value that says "token" is not a credential');
  assert.equal(redactUrl('/communities?', '/communities'), '/communities?');
});

test('path parameters named :token are replaced, by the route the request matched', () => {
  assert.equal(redactUrl(`/u/${TOKEN}/each`, '/u/:token/each'), '/u/[redacted]/each');
  assert.equal(redactUrl(`/u/${TOKEN}/`, '/u/:token'), '/u/[redacted]/');
  assert.equal(redactUrl(`/archives/social-media/feed/${TOKEN}`, '/archives/:list/feed/:token'), '/archives/social-media/feed/[redacted]');
  assert.equal(redactUrl('/events/fy2024-summit-and-digital-day', '/events/:slug'), '/events/fy2024-summit-and-digital-day', 'slugs stay readable');
});

test('an address that matched no route loses anything that looks like a token', () => {
  assert.equal(redactUrl(`/u/${TOKEN}/eachx`), '/u/[redacted]/eachx');
  assert.equal(redactUrl('/communities/social-media/nothing-here'), '/communities/social-media/nothing-here');
});
