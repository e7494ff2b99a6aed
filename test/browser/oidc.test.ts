/**
 * "Sign in with Login.gov" against a real OpenID Connect provider (oidc-provider) started here:
 * a member signs in through it; a stranger's verified address goes through the eligibility rules.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, NO_CHROMIUM } from './chromium.ts';
import Provider from 'oidc-provider';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { freePort } from '../../src/platform/db/embedded.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { shown } from './pages.ts';

describe('OpenID Connect sign-in', { skip: NO_CHROMIUM }, () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let provider: http.Server;
  let cleanup: () => Promise<void>;

  before(async () => {
    const providerPort = await freePort();
    const appPort = await freePort();
    const issuer = `http://127.0.0.1:${providerPort}`;
    const env: Record<string, string> = {
      PORT: String(appPort),
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'socialgov-test',
      OIDC_LABEL: 'Sign in with Test.gov',
      OIDC_PROMPT: 'login',
    };
    const database = await testDatabaseEnv();
    Object.assign(env, database.env);
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig(env));
    const oidc = new Provider(issuer, {
      clients: [
        {
          client_id: 'socialgov-test',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${platform.url}/signin/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { email: ['email', 'email_verified'] },
      scopes: ['openid', 'email'],
      findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true }) }),
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['socialgov-test-key'] },
      pkce: { required: () => true },
    });
    provider = http.createServer(oidc.callback());
    await new Promise<void>((r) => provider.listen(providerPort, '127.0.0.1', r));
    await platform.db.pool.query(`insert into members (email, name) values ('Member.Person@gsa.gov', 'Member Person')`);
    await platform.db.pool.query(
      `insert into memberships (community_id, member_id, status) select c.id, m.id, 'active' from communities c, members m where c.slug = 'social-media' and m.email = 'Member.Person@gsa.gov'`,
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => provider?.close(r));
    await platform?.close();
    await cleanup?.();
  });

  async function signInThroughProvider(login: string) {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${platform.url}/signin`);
    await page.getByRole('link', { name: 'Sign in with Test.gov' }).click();
    // The provider's own (development) login and consent pages.
    await page.waitForLoadState();
    if (!(await page.locator('input[name="login"]').count()))
      throw new Error(`not at the provider's login: ${page.url()}\n${(await page.content()).slice(0, 3000)}`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.waitForLoadState();
    if (!page.url().startsWith(platform.url)) await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.href.startsWith(platform.url));
    return { context, page };
  }

  test('a member signs in through the provider', async () => {
    const { context, page } = await signInThroughProvider('member.person@gsa.gov');
    assert.match(page.url(), /\/account$/);
    await shown(page.getByText('Signed in as'));
    await context.close();
  });

  test('a stranger with an eligible address is told to join; a look-alike is told why not', async () => {
    const first = await signInThroughProvider('new.person@usda.gov');
    assert.equal(await first.page.locator('h1').innerText(), 'You are not a member yet');
    await shown(first.page.getByText('Your address can join right away'));
    await first.context.close();
    const second = await signInThroughProvider('someone@gsa.gov.example.com');
    await shown(second.page.getByText('You can ask to join'));
    await second.context.close();
  });
});
