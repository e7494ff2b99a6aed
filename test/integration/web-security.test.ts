/**
 * Issue 17 (web security), as an attacker would try it against a real server: forged Host
 * headers in mailed links, old join links replayed after a ban or a policy change, tokens in the
 * log, rate limits dodged with look-alike addresses, and control characters in names.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { buildServer } from '../../src/app/index.ts';
import { joinSettings, saveJoinSettings } from '../../src/communities/store.ts';
import { combineRegistryFiles, importRegistry, parseRegistryFile } from '../../src/membership/gov-registry.ts';
import { changeMembership, ensureMember } from '../../src/membership/members.ts';
import { newToken } from '../../src/platform/tokens.ts';
import { testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { postMail } from '../list-helpers.ts';
import { linkIn, startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { hidden, WebClient } from '../web-client.ts';

const JOIN = '/communities/social-media/join';
const SYSTEM = { name: 'test', source: 'test' };
const REGISTRY = [
  'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email',
  'gsa.gov,Federal - Executive,General Services Administration,,Washington,DC,sec@gsa.gov',
  'usda.gov,Federal - Executive,Department of Agriculture,,Washington,DC,sec@usda.gov',
  'springfield.gov,City,City of Springfield,,Springfield,IL,sec@springfield.gov',
].join('\n');
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
    platform = await startPlatform(testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'SocialGov <no-reply@socialgov.test>', ...database.env }), (line) =>
      startLines.push(line),
    );
  });
  // Every request here comes from 127.0.0.1: start each test with the per-IP limits fresh.
  beforeEach(async () => {
    await platform.db.pool.query(`delete from rate_events where key like '%:ip:%'`);
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  async function join(client: WebClient, fields: Partial<Record<string, string>>) {
    return client.submit(JOIN, JOIN, { name: 'Pat Doe', jobTitle: 'Social media lead', agency: '', reason: '', accept: 'yes', email: '', ...fields } as Record<
      string,
      string
    >);
  }

  const statusOf = async (email: string) =>
    (
      await platform.db.pool.query<{ status: string }>(
        `select ms.status from memberships ms join members m on m.id = ms.member_id join communities c on c.id = ms.community_id
        where c.slug = 'social-media' and lower(m.email) = lower($1)`,
        [email],
      )
    ).rows[0]?.status;

  /** The next mail to `address` whose subject matches (other notices, such as approvals, may come between). */
  async function nextMail(address: string, subject: RegExp): Promise<ReceivedMail> {
    for (;;) {
      const mail = await sink.next(address);
      if (subject.test(mail.subject)) return mail;
    }
  }

  async function signIn(client: WebClient, address: string) {
    await client.submit('/signin', '/signin', { email: address });
    const done = await press(client, linkIn(await nextMail(address, /sign-in link/), `${platform.url}/signin/confirm?token=`), '/signin/confirm');
    assert.ok(done.url.endsWith('/account'), done.text);
  }

  /** A coordinator of Social Media, signed in. */
  async function coordinator(): Promise<WebClient> {
    const c = (await joinSettings(platform.db.pool, 'social-media'))!;
    const m = await ensureMember(platform.db.pool, { email: 'coord@gsa.gov', name: 'Casey Coordinator' });
    await changeMembership(platform.db.pool, SYSTEM, {
      communityId: c.id,
      memberId: m.id,
      status: 'active',
      role: 'coordinator',
      source: 'test',
      action: 'test',
    });
    const client = new WebClient(platform.url);
    await signIn(client, 'coord@gsa.gov');
    return client;
  }

  /** A coordinator's action on the directory page: 'ban' or 'remove'. */
  async function coordinatorAction(client: WebClient, email: string, action: 'ban' | 'remove') {
    const { rows } = await platform.db.pool.query<{ id: string }>('select id from members where lower(email) = lower($1)', [email]);
    const page = await client.get('/communities/social-media/members');
    const res = await client.request('POST', `/communities/social-media/members/${rows[0]!.id}`, { _csrf: hidden(page.text, '_csrf'), action });
    assert.equal(res.status, 200, res.text);
    assert.equal(await statusOf(email), action === 'ban' ? 'banned' : 'removed');
  }

  async function joinLink(email: string, client = new WebClient(platform.url)): Promise<string> {
    const res = await join(client, { email });
    assert.equal(res.status, 200, res.text);
    return linkIn(await sink.next(email), `${platform.url}/join/confirm?token=`);
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
      const wide = await startPlatform(testConfig({ ...databaseEnv, HOST: '0.0.0.0', SOCIALGOV_ROLES: 'web', SOCIALGOV_SEED: 'false' }), (line) =>
        lines.push(line),
      );
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

  describe('an older join link cannot undo a ban, a removal or a policy change', () => {
    test('ask twice, confirm the second link, banned: the first link neither lets in nor signs in', async () => {
      const coord = await coordinator();
      const first = await joinLink('replay@gsa.gov');
      const second = await joinLink('replay@gsa.gov');
      const member = new WebClient(platform.url);
      assert.equal((await press(member, second, '/join/confirm')).status, 200);
      assert.equal(await statusOf('replay@gsa.gov'), 'active');
      await sink.next('replay@gsa.gov'); // welcome
      await coordinatorAction(coord, 'replay@gsa.gov', 'ban');

      const replay = new WebClient(platform.url);
      const res = await press(replay, first, '/join/confirm');
      assert.equal(res.status, 410, res.text);
      assert.ok(res.text.includes('This link does not work'), res.text);
      assert.equal(await statusOf('replay@gsa.gov'), 'banned');
      assert.ok(!replay.cookies.has('sg_session'), 'not signed in');
      assert.ok((await replay.get('/account')).url.includes('/signin'), 'the account page asks to sign in');
    });

    test('an outstanding link is ended by a ban or a removal; asking again after a removal works', async () => {
      const coord = await coordinator();
      const open = await joinLink('removed@gsa.gov');
      await press(new WebClient(platform.url), await joinLink('removed@gsa.gov'), '/join/confirm');
      await sink.next('removed@gsa.gov'); // welcome
      await coordinatorAction(coord, 'removed@gsa.gov', 'remove');
      assert.equal((await press(new WebClient(platform.url), open, '/join/confirm')).status, 410);
      assert.equal(await statusOf('removed@gsa.gov'), 'removed');
      // A removed member may ask again: the new link works.
      assert.equal((await press(new WebClient(platform.url), await joinLink('removed@gsa.gov'), '/join/confirm')).status, 200);
      assert.equal(await statusOf('removed@gsa.gov'), 'active');
    });

    test('a newer link ends the older one', async () => {
      const older = await joinLink('twice@gsa.gov');
      const newer = await joinLink('twice@gsa.gov');
      assert.equal((await new WebClient(platform.url).get(older.replace(platform.url, ''))).status, 410);
      assert.equal((await press(new WebClient(platform.url), newer, '/join/confirm')).status, 200);
      assert.equal(await statusOf('twice@gsa.gov'), 'active');
    });

    test('confirming decides again as of now: a local address cannot ride an old link into a federal-only community', async () => {
      const parsed = parseRegistryFile(REGISTRY);
      assert.ok(parsed.ok);
      await importRegistry(platform.db.pool, combineRegistryFiles([{ file: 'current-full.csv', kind: parsed.kind, rows: parsed.rows }]), { actor: SYSTEM });
      const c = (await joinSettings(platform.db.pool, 'social-media'))!;
      const oldLink = await joinLink('lou@springfield.gov');
      const oldLink2 = await joinLink('sam@springfield.gov');
      try {
        await saveJoinSettings(platform.db.pool, SYSTEM, c.id, { eligibleLevels: ['federal'], allowExceptions: false, guidelines: c.guidelines });
        const fresh = await join(new WebClient(platform.url), { email: 'lou@springfield.gov' });
        assert.equal(fresh.status, 400, 'a fresh request is refused');
        const replay = new WebClient(platform.url);
        const res = await press(replay, oldLink, '/join/confirm');
        assert.equal(res.status, 400, res.text);
        assert.ok(res.text.includes('federal government'), res.text);
        assert.equal(await statusOf('lou@springfield.gov'), undefined, 'not let in');
        assert.ok(!replay.cookies.has('sg_session'), 'not signed in');

        // With exceptions allowed, the same old link goes to a coordinator instead of straight in.
        await saveJoinSettings(platform.db.pool, SYSTEM, c.id, { eligibleLevels: ['federal'], allowExceptions: true, guidelines: c.guidelines });
        const queued = await press(new WebClient(platform.url), oldLink2, '/join/confirm');
        assert.equal(queued.status, 200, queued.text);
        assert.ok(queued.text.includes('your request is with a coordinator'), queued.text);
        assert.equal(await statusOf('sam@springfield.gov'), undefined, 'not a member until approved');
      } finally {
        await saveJoinSettings(platform.db.pool, SYSTEM, c.id, { eligibleLevels: undefined, allowExceptions: true, guidelines: c.guidelines });
      }
    });

    test('a sign-in link mailed before a ban does not sign in someone banned from their only community', async () => {
      const coord = await coordinator();
      await press(new WebClient(platform.url), await joinLink('signin.ban@gsa.gov'), '/join/confirm');
      await sink.next('signin.ban@gsa.gov'); // welcome
      const client = new WebClient(platform.url);
      await client.submit('/signin', '/signin', { email: 'signin.ban@gsa.gov' });
      const link = linkIn(await sink.next('signin.ban@gsa.gov'), `${platform.url}/signin/confirm?token=`);
      await coordinatorAction(coord, 'signin.ban@gsa.gov', 'ban');
      const res = await press(client, link, '/signin/confirm');
      assert.equal(res.status, 410, res.text);
      assert.ok(!client.cookies.has('sg_session'), 'not signed in');
    });

    test('by mail too: replying to an older confirmation after a ban does not let the member back in', async () => {
      const coord = await coordinator();
      const smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
      const ask = async () => {
        await postMail({
          port: smtpPort,
          from: 'Dana Mail <dana@gsa.gov>',
          to: 'social-media-request@localhost',
          subject: 'Join #SocialGov',
          text: 'Name: Dana Mail\n',
        });
        const mail: ReceivedMail = await sink.next('dana@gsa.gov');
        return String((mail.headers.get('reply-to') as { value: Array<{ address: string }> }).value[0]!.address);
      };
      const first = await ask();
      const second = await ask();
      await postMail({ port: smtpPort, from: 'dana@gsa.gov', to: second, subject: 'Re: confirm', text: 'Yes\n' });
      assert.match((await sink.next('dana@gsa.gov')).subject, /Welcome/);
      await coordinatorAction(coord, 'dana@gsa.gov', 'ban');
      await postMail({ port: smtpPort, from: 'dana@gsa.gov', to: first, subject: 'Re: confirm', text: 'Yes\n' });
      const token = first.slice(first.indexOf('+') + 1, first.indexOf('@'));
      await waitFor(
        'the old confirmation to be handled',
        async () =>
          (await platform.db.pool.query(`select 1 from incoming_messages where address_kind = 'confirm' and token = $1 and status <> 'received'`, [token]))
            .rows[0],
      );
      assert.equal(await statusOf('dana@gsa.gov'), 'banned');
    });
  });

  describe('tokens never reach the log', () => {
    test('sign-in, join, feed, unsubscribe and moderation tokens in URLs are redacted from the request log', async () => {
      const lines: string[] = [];
      const config = testConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/x' });
      const app = await buildServer({
        config,
        pool: platform.db.pool,
        mail: platform.mail,
        queue: platform.queue,
        logLevel: 'info',
        logStream: { write: (line) => void lines.push(line) },
      });
      const secrets: string[] = [];
      const token = () => {
        const raw = newToken().raw;
        secrets.push(raw);
        return raw;
      };
      try {
        for (const url of [
          `/signin/confirm?token=${token()}&next=%2Faccount`,
          `/join/confirm?token=${token()}`,
          `/events/my/${token()}/calendar.ics`,
          `/archives/social-media/feed/${token()}`,
          `/u/${token()}`,
          `/u/${token()}/each`,
          `/moderate/${token()}`,
          `/bounces/reenable/${token()}`,
          `/speaker-requests/1?token=${token()}`,
          `/events/registrations/1?t=${token()}`,
          `/signin/oidc/callback?code=${token()}&state=${token()}`,
          `/no/such/page/${token()}?Token=${token()}`,
        ]) {
          await app.inject({ method: 'GET', url });
        }
      } finally {
        await app.close();
      }
      const log = lines.join('');
      const requests = lines.map((l) => JSON.parse(l) as { msg: string; url?: string }).filter((l) => l.msg === 'request');
      assert.equal(requests.length, 12, log);
      for (const secret of secrets) assert.ok(!log.includes(secret), `token ${secret} is in the log:\n${log}`);
      assert.ok(
        requests.some((r) => r.url === '/signin/confirm?token=[redacted]&next=%2Faccount'),
        log,
      );
      assert.ok(
        requests.some((r) => r.url === '/u/[redacted]/each'),
        log,
      );
    });
  });

  describe('per-address limits count every way of writing the address', () => {
    test('joining: a trailing dot, capitals or full-width letters are the same address', async () => {
      const client = new WebClient(platform.url);
      for (let i = 0; i < 3; i++) assert.equal((await join(client, { email: 'limit@usda.gov' })).status, 200);
      for (const variant of ['limit@usda.gov.', 'LIMIT@USDA.GOV', 'limit@ｕｓｄａ.gov']) {
        const res = await join(client, { email: variant });
        assert.equal(res.status, 429, `${variant}: ${res.status}`);
      }
    });

    test('signing in: capitals in the local part are the same address', async () => {
      await press(new WebClient(platform.url), await joinLink('often@gsa.gov'), '/join/confirm');
      const client = new WebClient(platform.url);
      for (let i = 0; i < 5; i++) assert.equal((await client.submit('/signin', '/signin', { email: 'often@gsa.gov' })).status, 200);
      for (const variant of ['Often@gsa.gov', 'OFTEN@GSA.GOV.']) {
        const res = await client.submit('/signin', '/signin', { email: variant });
        assert.equal(res.status, 429, `${variant}: ${res.status}`);
      }
    });

    test('automatic answers by mail: a trailing dot or capitals count against the same daily limit', async () => {
      const smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
      for (const from of ['robot@gsa.gov', 'Robot@GSA.gov.']) {
        await postMail({ port: smtpPort, from, envelopeFrom: 'robot@gsa.gov', to: 'social-media-request@localhost', subject: 'help', text: '' });
      }
      const rows = await waitFor('two answers counted', async () => {
        const r = await platform.db.pool.query<{ address: string }>(`select address from auto_replies where address ilike 'robot@%' order by at`);
        return r.rows.length >= 2 && r.rows;
      });
      assert.deepEqual(
        rows.map((r) => r.address),
        ['robot@gsa.gov', 'robot@gsa.gov'],
      );
    });

    test('an address with an invisible character is refused on the form, with a clear message', async () => {
      for (const email of ['inv\u200Bisible@gsa.gov', 'invisible@gsa\u200E.gov', 'invisible@gsa.gov\uFEFF']) {
        const res = await join(new WebClient(platform.url), { email });
        assert.equal(res.status, 400, `${JSON.stringify(email)}: ${res.status}`);
        assert.ok(res.text.includes('invisible character'), res.text);
        const signIn = await new WebClient(platform.url).submit('/signin', '/signin', { email });
        assert.equal(signIn.status, 400, `${JSON.stringify(email)}: ${signIn.status}`);
        assert.ok(signIn.text.includes('invisible character'), signIn.text);
      }
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sink.messages.filter((m) => m.to.some((to) => to.includes('invisible'))).length, 0, 'nothing mailed');
    });
  });

  describe('names with control characters or bidi overrides are refused wherever a name is set', () => {
    const BAD_NAMES = ['Pat\r\nBcc: everyone@gsa.gov', 'Pat\u001b[2J\u001b[31mDoe', 'Pat \u202eeoD'];

    test('the join form', async () => {
      for (const name of BAD_NAMES) {
        const res = await join(new WebClient(platform.url), { name, email: 'names.join@gsa.gov' });
        assert.equal(res.status, 400, JSON.stringify(name));
        assert.match(
          res.text,
          /Your name can’t contain (line breaks, tabs or other control characters|characters that change the direction of the text)/,
          JSON.stringify(name),
        );
      }
      const stored = await platform.db.pool.query(`select 1 from join_requests where email = 'names.join@gsa.gov'`);
      assert.equal(stored.rows.length, 0, 'nothing stored, nothing mailed');
    });

    test('the profile on the account page', async () => {
      await press(new WebClient(platform.url), await joinLink('names.profile@gsa.gov'), '/join/confirm');
      const client = new WebClient(platform.url);
      await signIn(client, 'names.profile@gsa.gov');
      for (const name of BAD_NAMES) {
        const res = await client.submit('/account', '/account/profile', { name, jobTitle: 'Analyst', agency: '', expertise: '', bio: '' });
        assert.equal(res.status, 400, JSON.stringify(name));
        assert.match(res.text, /Your name can’t contain/, JSON.stringify(name));
      }
      const { rows } = await platform.db.pool.query<{ name: string }>(`select name from members where email = 'names.profile@gsa.gov'`);
      assert.equal(rows[0]!.name, 'Pat Doe');
    });

    test('joining by mail: a "Name:" line is refused with the reason; a From display name is not used', async () => {
      const smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
      await postMail({ port: smtpPort, from: 'names.mail@gsa.gov', to: 'social-media-request@localhost', subject: 'join', text: 'Name: Eve\u001b[2JEvil\n' });
      const answer = await sink.next('names.mail@gsa.gov');
      assert.match(answer.text, /Your name can’t contain line breaks, tabs or other control characters/);
      assert.equal((await platform.db.pool.query(`select 1 from join_requests where email = 'names.mail@gsa.gov'`)).rows.length, 0);

      await postMail({ port: smtpPort, from: '"Eve\u202eliveE" <names.header@gsa.gov>', to: 'social-media-request@localhost', subject: 'join', text: '' });
      assert.match((await sink.next('names.header@gsa.gov')).subject, /Confirm your request/);
      const { rows } = await platform.db.pool.query<{ name: string }>(`select name from join_requests where email = 'names.header@gsa.gov'`);
      assert.equal(rows[0]!.name, 'names.header@gsa.gov');
    });

    test('importing members from CSV on the web: such a row is not usable, with the reason', async () => {
      const coord = await coordinator();
      const csv = 'email,name,title\nnames.csv@gsa.gov,"Eve\r\nEvil",Analyst\nnames.csv2@gsa.gov,Eve \u202eliveE,Analyst\n';
      const page = await coord.get('/communities/social-media/admin/import');
      const check = await coord.request('POST', '/communities/social-media/admin/import', { _csrf: hidden(page.text, '_csrf'), csv, intent: 'import' });
      assert.equal(check.status, 200, check.text);
      assert.ok(check.text.includes('Not usable: 2'), check.text.slice(check.text.indexOf('<main')));
      assert.match(check.text, /The name can’t contain line breaks/);
      assert.match(check.text, /The name can’t contain characters that change the direction of the text/);
      assert.equal(await statusOf('names.csv@gsa.gov'), undefined);
      assert.equal(await statusOf('names.csv2@gsa.gov'), undefined);
    });
  });
});
