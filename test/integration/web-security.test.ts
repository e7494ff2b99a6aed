/**
 * Issue 17 (web security), as an attacker would try it against a real server: forged Host
 * headers in mailed links, old join links replayed after a ban or a policy change, tokens in the
 * log, rate limits dodged with look-alike addresses, and control characters in names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/platform/app.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';
import { hidden, WebClient } from '../web-client.ts';

const JOIN = '/communities/social-media/join';
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

describe('web security (issue 17)', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let databaseEnv: Record<string, string>;
  const startLines: string[] = [];

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    databaseEnv = database.env;
    // Default settings: no PUBLIC_URL, listening on 127.0.0.1.
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'SocialGov <no-reply@socialgov.test>', ...database.env }), (line) => startLines.push(line));
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  async function join(client: WebClient, fields: Partial<Record<string, string>>) {
    return client.submit(JOIN, JOIN, { name: 'Pat Doe', jobTitle: 'Social media lead', agency: '', reason: '', accept: 'yes', email: '', ...fields } as Record<string, string>);
  }

  /** Open a mailed confirmation link and press its button. */
  async function press(client: WebClient, link: string, action: '/join/confirm' | '/signin/confirm') {
    const page = await client.get(link.replace(platform.url, ''));
    if (page.status !== 200) return page;
    return client.request('POST', action, { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
  }

  describe('links in mail come from the configuration, never from Host or X-Forwarded-Host', () => {
    test('join, welcome and sign-in mail asked for with Host: evil.example link to the listen address', async () => {
      const evil = new WebClient(platform.url, FORGED);
      const asked = await join(evil, { email: 'host.check@gsa.gov' });
      assert.equal(asked.status, 200, asked.text);
      const confirm = await sink.next('host.check@gsa.gov');
      assert.ok(!confirm.raw.includes('evil.example'), confirm.text);
      const link = linkIn(confirm, `${platform.url}/join/confirm?token=`);

      const joined = await press(evil, link, '/join/confirm');
      assert.equal(joined.status, 200, joined.text);
      const welcome = await sink.next('host.check@gsa.gov');
      assert.match(welcome.subject, /Welcome/);
      assert.ok(!welcome.raw.includes('evil.example'), welcome.text);
      assert.ok(welcome.text.includes(`${platform.url}/account`), welcome.text);

      const signIn = await evil.submit('/signin', '/signin', { email: 'host.check@gsa.gov' });
      assert.equal(signIn.status, 200, signIn.text);
      const mail = await sink.next('host.check@gsa.gov');
      assert.ok(!mail.raw.includes('evil.example'), mail.text);
      linkIn(mail, `${platform.url}/signin/confirm?token=`);
    });

    test('absolute links in the API ignore a forged Host too', async () => {
      const res = await new WebClient(platform.url, FORGED).get('/api/v1/communities/social-media');
      assert.equal(res.status, 200, res.text);
      assert.equal((JSON.parse(res.text) as { url: string }).url, `${platform.url}/communities/social-media`);
    });

    test('start-up warns when the site listens beyond loopback without PUBLIC_URL', async () => {
      assert.ok(!startLines.some((l) => l.includes('PUBLIC_URL')), startLines.join('\n'));
      const lines: string[] = [];
      const wide = await startPlatform(testConfig({ ...databaseEnv, HOST: '0.0.0.0', SOCIALGOV_ROLES: 'web', SOCIALGOV_SEED: 'false' }), (line) => lines.push(line));
      try {
        const warning = lines.find((l) => l.includes('PUBLIC_URL is not set'));
        assert.ok(warning, lines.join('\n'));
        assert.ok(warning.includes(`http://localhost:${wide.port}`), warning);
      } finally {
        await wide.close();
      }
    });

    test('behind a trusted proxy, X-Forwarded-Host still does not choose the address (PUBLIC_URL does)', async () => {
      for (const [env, origin] of [
        [{ TRUST_PROXY: 'true', PORT: '8123' }, 'http://127.0.0.1:8123'],
        [{ TRUST_PROXY: 'true', PUBLIC_URL: 'https://socialgov.example.gov/' }, 'https://socialgov.example.gov'],
      ] as const) {
        const config = testConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/x', ...env });
        const app = await buildServer({ config, pool: platform.db.pool, mail: platform.mail, queue: platform.queue, logLevel: 'silent' });
        try {
          const res = await app.inject({ method: 'GET', url: '/api/v1/communities/social-media', headers: FORGED });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json<{ url: string }>().url, `${origin}/communities/social-media`);
        } finally {
          await app.close();
        }
      }
    });
  });
});
