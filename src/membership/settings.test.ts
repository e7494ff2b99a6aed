import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig as loadPlatformConfig } from '../platform/config.ts';
import { membershipSettings } from './settings.ts';

const loadConfig = (env: Record<string, string>) => loadPlatformConfig(env, [membershipSettings]);

test('OpenID Connect settings come as a pair, over https (http only for localhost)', () => {
  assert.equal(loadConfig({}).oidc, undefined);
  const c = loadConfig({ OIDC_ISSUER: 'https://secure.login.gov/', OIDC_CLIENT_ID: 'urn:gov:gsa:openidconnect.profiles:sp:sso:gsa:socialgov' });
  assert.deepEqual(c.oidc, {
    issuer: 'https://secure.login.gov',
    clientId: 'urn:gov:gsa:openidconnect.profiles:sp:sso:gsa:socialgov',
    clientSecret: undefined,
    scopes: 'openid email',
    acrValues: undefined,
    prompt: 'select_account',
    label: 'Sign in with Login.gov',
  });
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://secure.login.gov' }), /^.*OIDC_CLIENT_ID: is required when OIDC_ISSUER is set/);
  assert.throws(() => loadConfig({ OIDC_CLIENT_ID: 'x' }), /OIDC_ISSUER: is required when OIDC_CLIENT_ID is set/);
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'http://idp.example.gov', OIDC_CLIENT_ID: 'x' }), /must use https:\/\//);
  assert.equal(loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'x', OIDC_PROMPT: 'none-sent' }).oidc?.prompt, undefined);
});
