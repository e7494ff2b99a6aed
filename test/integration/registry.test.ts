/**
 * The registry end to end on a real server, database and SMTP sink: a member of an agency
 * registers an X account, a reviewer publishes it, verify answers as the issue demands, renames
 * and impostors are caught, archive works, search pages, responses match the OpenAPI document,
 * the rate limit answers 429 with Retry-After, and the review-due job reminds contacts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { DateTime } from '../../src/platform/luxon.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { combineRegistryFiles, importRegistry, parseRegistryFile } from '../../src/membership/gov-registry.ts';
import { ensureMember } from '../../src/membership/members.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { addReviewer } from '../../src/registry/access.ts';
import { importAgencies, listAgencies } from '../../src/registry/agencies.ts';
import { createApiKey } from '../../src/registry/api-keys.ts';
import { planImport } from '../../src/registry/csv.ts';
import { markDueForReview } from '../../src/registry/jobs.ts';
import { emptyInput } from '../../src/registry/record-input.ts';
import { createRecord } from '../../src/registry/workflow.ts';
import { buildServer } from '../../src/app/index.ts';
import { testConfig, testDatabaseEnv } from '../helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { WebClient, csrfToken } from '../web-client.ts';

const SYSTEM_ACTOR = { name: 'test', source: 'test' };
const GOV_FILE = [
  'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email',
  'gsa.gov,Federal - Executive,General Services Administration,,Washington,DC,sec@gsa.gov',
  'usda.gov,Federal - Executive,Department of Agriculture,,Washington,DC,sec@usda.gov',
  'fs.usda.gov,Federal - Executive,Department of Agriculture,Forest Service,Washington,DC,sec@usda.gov',
].join('\n');

describe('registry', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const alice = new WebClient('');
  const reviewer = new WebClient('');
  const forester = new WebClient('');
  let gsaId = 0;
  let recordId = 0;

  async function signedIn(client: WebClient, email: string) {
    const m = await ensureMember(platform.db.pool, { email, name: email.split('@')[0]! });
    client.cookies.set('sg_session', await createSession(platform.db.pool, m.id, { days: 1 }));
    return m;
  }

  /** GET an API path and check the answer against the OpenAPI document. */
  async function api(apiPath: string, url: string, status: number, headers: Record<string, string> = {}) {
    const res = await fetch(platform.url + url, { headers });
    assert.equal(res.status, status, `${url}: ${res.status}`);
    const pointer = `openapi#/paths/${apiPath.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    assert.ok(validate, `no schema for ${apiPath} ${status}`);
    // The body is checked against the OpenAPI schema on the next line; the tests then read its fields.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const body = (await res.json()) as Record<string, any>;
    assert.ok(validate(body), `${url}: ${ajv.errorsText(validate.errors)}`);
    return { body, res };
  }

  const verify = (url: string, extra = '') =>
    api('/api/v1/registry/verify', `/api/v1/registry/verify?url=${encodeURIComponent(url)}${extra}`, 200).then((r) => r.body);

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig({ ...database.env, SMTP_URL: sink.url, REGISTRY_RATE_LIMIT: '100000' }));
    for (const c of [alice, reviewer, forester]) (c as { base: string }).base = platform.url;
    const parsed = parseRegistryFile(GOV_FILE);
    assert.ok(parsed.ok);
    await importRegistry(platform.db.pool, combineRegistryFiles([{ file: 'f.csv', kind: parsed.kind, rows: parsed.rows }]), { actor: SYSTEM_ACTOR });
    await importAgencies(
      platform.db.pool,
      [
        { line: 2, department: 'General Services Administration' },
        { line: 3, department: 'Department of Agriculture', bureau: 'Forest Service' },
      ],
      { actor: SYSTEM_ACTOR },
    );
    gsaId = (await listAgencies(platform.db.pool)).find((a) => a.name === 'General Services Administration')!.id;
    await signedIn(alice, 'alice@gsa.gov');
    await signedIn(reviewer, 'rita@usda.gov');
    await addReviewer(platform.db.pool, SYSTEM_ACTOR, 'rita@usda.gov');
    await signedIn(forester, 'frank@fs.usda.gov');
    doc = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as typeof doc;
    ajv.addSchema(doc, 'openapi');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
  });

  test('the OpenAPI document describes every registry endpoint', () => {
    for (const p of [
      '/api/v1/registry/verify',
      '/api/v1/registry/records',
      '/api/v1/registry/records/{id}',
      '/api/v1/registry/agencies',
      '/api/v1/registry/platforms',
      '/api/v1/registry/tags',
      '/api/v1/registry/export',
    ]) {
      assert.ok(doc.paths[p]?.get, p);
    }
    const verifyParams = (doc.paths['/api/v1/registry/verify']!.get as unknown as { parameters: Array<{ name: string; required?: boolean }> }).parameters;
    assert.equal(verifyParams.find((p) => p.name === 'url')?.required, true, 'url is required');
    assert.equal(verifyParams.find((p) => p.name === 'user_id')?.required ?? false, false);
  });

  test('the .gov domain lookup behind the join form: the agency of a domain or its nearest registered parent', async () => {
    assert.ok(doc.paths['/api/v1/gov-domains/{domain}']?.get, 'described in the OpenAPI document');
    const gsa = await api('/api/v1/gov-domains/{domain}', '/api/v1/gov-domains/GSA.gov', 200);
    assert.deepEqual(gsa.body, {
      domain: 'gsa.gov',
      registered: 'gsa.gov',
      domainType: 'Federal - Executive',
      agency: 'General Services Administration',
      bureau: null,
    });
    const forest = await api('/api/v1/gov-domains/{domain}', '/api/v1/gov-domains/fs.usda.gov', 200);
    assert.equal(forest.body.bureau, 'Forest Service');
    const sub = await api('/api/v1/gov-domains/{domain}', '/api/v1/gov-domains/www.fs.usda.gov', 200);
    assert.deepEqual([sub.body.domain, sub.body.registered, sub.body.agency], ['www.fs.usda.gov', 'fs.usda.gov', 'Department of Agriculture']);
    for (const missing of ['example.com', 'nobody.gov', 'not a domain', 'a@gsa.gov']) {
      const r = await api('/api/v1/gov-domains/{domain}', `/api/v1/gov-domains/${encodeURIComponent(missing)}`, 404);
      assert.match(r.body.message, /not a \.gov domain in the registry\. Type the agency yourself\./, missing);
    }
  });

  test('the form does not tell whether an address is a member: one answer for every contact it cannot use', async () => {
    const form = await alice.get('/registry/new');
    const contactsError = async (contacts: string) => {
      const res = await alice.request('POST', '/registry/new', {
        _csrf: csrfToken(form.text),
        kind: 'account',
        address: 'https://www.flickr.com/photos/gsa-probe',
        agencyIds: String(gsaId),
        contacts,
        language: 'en',
        intent: 'save',
      });
      assert.equal(res.status, 400, `${contacts}: ${res.status}`);
      return /id="contacts-error"[^>]*>([^<]*)</.exec(res.text)?.[1];
    };
    // frank@fs.usda.gov is a member of another agency; nobody@usda.gov and bob@gsa.gov are not members.
    const answers = await Promise.all(
      ['alice@gsa.gov, frank@fs.usda.gov', 'alice@gsa.gov, nobody@usda.gov', 'alice@gsa.gov, bob@gsa.gov', 'frank@fs.usda.gov', 'nobody@usda.gov'].map(
        contactsError,
      ),
    );
    assert.equal(new Set(answers).size, 1, JSON.stringify(answers));
    assert.equal(
      answers[0],
      'Each contact must be a member of this site whose email address belongs to a sponsoring agency (a bureau’s staff count as the department’s). Check the addresses.',
    );
    assert.equal((await platform.db.pool.query(`select count(*)::int as n from registry_records where url like '%gsa-probe%'`)).rows[0].n, 0);
  });

  test('a member of the agency registers an X account; it is not verified until a reviewer publishes it', async () => {
    const form = await alice.get('/registry/new');
    assert.equal(form.status, 200);
    assert.match(form.text, /General Services Administration/);
    assert.doesNotMatch(form.text, /Forest Service/, 'a member chooses among their own agencies only');
    // Bad input: errors next to the fields, nothing lost.
    const bad = await alice.request('POST', '/registry/new', {
      _csrf: csrfToken(form.text),
      kind: 'account',
      address: 'https://example.com/whatever',
      contacts: '',
      language: 'en',
      intent: 'submit',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /example\.com is not a platform the registry knows/);
    assert.match(bad.text, /Choose at least one sponsoring agency/);
    assert.match(bad.text, /value="https:\/\/example.com\/whatever"/);

    const saved = await alice.request('POST', '/registry/new', {
      _csrf: csrfToken(bad.text),
      kind: 'account',
      address: 'https://twitter.com/GSA',
      platformUserId: '123456',
      name: 'GSA',
      agencyIds: String(gsaId),
      contacts: 'alice@gsa.gov',
      language: 'en',
      shortDescription: 'News from GSA',
      categoryTags: 'government services',
      geoTags: 'national',
      intent: 'submit',
    });
    assert.equal(saved.status, 200);
    assert.match(saved.url, /\/registry\/records\/\d+\?done=submitted/);
    recordId = Number(/records\/(\d+)/.exec(saved.url)![1]);
    assert.match(saved.text, /Waiting for review/);
    assert.match((await sink.next('rita@usda.gov')).subject, /GSA is waiting for review/);

    const unpublished = await verify('https://x.com/GSA');
    assert.equal(unpublished.verified, false);
    assert.equal(unpublished.reason, 'not-registered');
    assert.equal(unpublished.record, undefined);
    await api('/api/v1/registry/records/{id}', `/api/v1/registry/records/${recordId}`, 404);
    assert.equal((await fetch(`${platform.url}/registry/records/${recordId}`)).status, 404, 'a visitor cannot see an unpublished record');

    // The same account again is refused.
    const again = await alice.submit('/registry/new', '/registry/new', {
      kind: 'account',
      address: 'https://x.com/gsa/',
      agencyIds: String(gsaId),
      contacts: 'alice@gsa.gov',
      language: 'en',
      intent: 'submit',
    });
    assert.equal(again.status, 400);
    assert.match(again.text, new RegExp(`already in the registry \\(record ${recordId}\\)`));
  });

  test('only reviewers publish, only by POST with CSRF; then verify says true for every form of the address', async () => {
    const page = `/registry/records/${recordId}`;
    assert.doesNotMatch((await alice.get(page)).text, />\s*Publish\s*</, 'the member sees no publish button');
    // A valid token from another page: the refusal must come from the role, not the form.
    const byMember = await alice.submit('/registry/new', `${page}/publish`, {});
    assert.equal(byMember.status, 403);
    assert.equal((await reviewer.request('POST', `${page}/publish`, { _csrf: 'forged' })).status, 403);
    assert.equal((await reviewer.get(`${page}/publish`)).status, 404, 'no state change by GET');
    const published = await reviewer.submit(page, `${page}/publish`, {});
    assert.equal(published.status, 200);
    assert.match(published.text, /Published\. The verification API/);
    assert.match((await sink.next('alice@gsa.gov')).subject, /GSA is published/);

    for (const url of [
      'https://twitter.com/Handle/'.replace('Handle', 'GSA'),
      'https://x.com/gsa?s=20',
      'https://mobile.x.com/gsa',
      'http://www.twitter.com/gsa',
      'x.com/GSA',
    ]) {
      const answer = await verify(url);
      assert.equal(answer.verified, true, url);
      assert.equal(answer.record.id, recordId);
      assert.equal(answer.canonicalUrl.toLowerCase(), 'https://x.com/gsa');
    }
    const lookAlike = await verify('https://x.com/gsa_');
    assert.equal(lookAlike.verified, false);
    assert.equal(lookAlike.platform.key, 'x');
    assert.equal(lookAlike.account, '@gsa_');
    assert.equal((await verify('https://x.com/G5A')).verified, false);
    assert.equal((await verify('https://x.com/i/user/123456')).verified, true, 'the persistent user id verifies too');
    assert.equal((await verify('https://x.com/gsa', '&user_id=123456')).verified, true);

    const impostor = await verify('https://x.com/gsa', '&user_id=999');
    assert.equal(impostor.verified, false);
    assert.equal(impostor.reason, 'user-id-mismatch');
    assert.match(impostor.message, /123456/);

    for (const [url, code] of [
      ['not a url', 'NOT_A_URL'],
      ['https://example.com/about', 'UNKNOWN_PLATFORM'],
      ['https://x.com/home', 'NOT_AN_ACCOUNT'],
    ]) {
      const { body } = await api('/api/v1/registry/verify', `/api/v1/registry/verify?url=${encodeURIComponent(url!)}`, 400);
      assert.equal(body.code, code);
    }
    // Addresses that name the registered handle but are not its profile: a post (X shows one under
    // any name), another port, a user name and password. None says "official account".
    for (const [url, code, message] of [
      ['https://x.com/GSA/status/1234567890', 'NOT_AN_ACCOUNT', /is the address of a post, not of an account/],
      ['https://x.com:8443/GSA', 'NOT_AN_ACCOUNT', /has a port number \(:8443\)/],
      ['https://user:pw@x.com/GSA', 'CREDENTIALS_IN_URL', /has a user name or password in it/],
    ] as const) {
      const { body } = await api('/api/v1/registry/verify', `/api/v1/registry/verify?url=${encodeURIComponent(url)}`, 400);
      assert.equal(body.code, code, url);
      assert.match(body.message, message, url);
      assert.doesNotMatch(body.message, /pw@/, 'a password is not repeated back');
      const html = await (await fetch(`${platform.url}/registry/verify?url=${encodeURIComponent(url)}`)).text();
      assert.doesNotMatch(html, /usa-alert--success/, url);
      assert.doesNotMatch(html, /<h2 class="usa-alert__heading">Official account<\/h2>/, url);
    }
    assert.match((await api('/api/v1/registry/verify', '/api/v1/registry/verify', 400)).body.message, /Give the address/);

    const pageHtml = await (await fetch(`${platform.url}/registry/verify?url=${encodeURIComponent('https://mobile.x.com/gsa')}`)).text();
    assert.match(pageHtml, /Official account/);
    const one = await api('/api/v1/registry/records/{id}', `/api/v1/registry/records/${recordId}`, 200);
    assert.equal(one.body.account, '@GSA');
    assert.equal('contacts' in one.body, false, 'contacts are members-only');
  });

  test('a member from another agency cannot change the record; a renamed handle is not verified for its next owner', async () => {
    const page = `/registry/records/${recordId}`;
    assert.equal((await forester.get(`${page}/edit`)).status, 403);
    const edit = await alice.get(`${page}/edit`);
    const renamed = await alice.request('POST', `${page}/edit`, {
      _csrf: csrfToken(edit.text),
      address: 'https://x.com/GSA_News',
      platformUserId: '123456',
      name: 'GSA',
      agencyIds: String(gsaId),
      contacts: 'alice@gsa.gov',
      language: 'en',
      intent: 'save',
    });
    assert.equal(renamed.status, 200);
    assert.match(renamed.text, /back with the reviewers/);
    assert.match((await sink.next('rita@usda.gov')).subject, /waiting for review/);
    assert.equal((await verify('https://x.com/GSA_News')).verified, false, 'a changed address needs a reviewer again');
    await reviewer.submit(page, `${page}/publish`, {});
    assert.match((await sink.next('alice@gsa.gov')).subject, /is published/);
    assert.equal((await verify('https://x.com/gsa_news')).verified, true);
    const old = await verify('https://x.com/gsa');
    assert.equal(old.verified, false);
    assert.equal(old.reason, 'former-handle');
    assert.match(old.message, /renamed it to @GSA_News/);
    const history = await alice.get(page);
    assert.match(history.text, /Change history/);
    assert.match(history.text, /Changed .*account/);
  });

  test('search, paging and exports', async () => {
    const viewer = { memberId: 0, email: 'test', name: null, reviewer: true, homeAgencyId: undefined, agencyIds: new Set<number>() };
    for (let i = 0; i < 5; i++) {
      const input = {
        ...emptyInput('account'),
        address: `https://www.youtube.com/@gsavideo${i}`,
        agencyIds: [gsaId],
        contacts: ['alice@gsa.gov'],
        categoryTags: ['video'],
        language: i % 2 ? 'es' : 'en',
      };
      const r = await createRecord(platform.db.pool, { queue: platform.queue, baseUrl: platform.url }, SYSTEM_ACTOR, viewer, input, {
        submit: false,
        status: 'published',
        notify: false,
      });
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    }
    const first = await api('/api/v1/registry/records', '/api/v1/registry/records?platforms=youtube&page_size=2', 200);
    assert.equal(first.body.total, 5);
    assert.equal(first.body.data.length, 2);
    assert.equal(first.body.links.prev, null);
    const second = await api('/api/v1/registry/records', new URL(first.body.links.next).pathname + new URL(first.body.links.next).search, 200);
    assert.equal(second.body.page, 2);
    assert.ok(second.body.links.prev);
    const third = await api('/api/v1/registry/records', new URL(second.body.links.next).pathname + new URL(second.body.links.next).search, 200);
    assert.equal(third.body.data.length, 1);
    assert.equal(third.body.links.next, null);
    assert.equal((await api('/api/v1/registry/records', '/api/v1/registry/records?language=es', 200)).body.total, 2);
    assert.equal((await api('/api/v1/registry/records', '/api/v1/registry/records?tags=VIDEO&q=gsavideo3', 200)).body.total, 1);
    assert.equal((await api('/api/v1/registry/records', '/api/v1/registry/records?agencies=general-services-administration', 200)).body.total, 6);
    assert.equal((await api('/api/v1/registry/records', '/api/v1/registry/records?agencies=department-of-agriculture', 200)).body.total, 0);
    await api('/api/v1/registry/records', '/api/v1/registry/records?page_size=501', 400);
    const agencies = await api('/api/v1/registry/agencies', '/api/v1/registry/agencies', 200);
    assert.ok(agencies.body.data.some((a: { path: string }) => a.path === 'Department of Agriculture › Forest Service'));
    assert.ok((await api('/api/v1/registry/platforms', '/api/v1/registry/platforms', 200)).body.total >= 19);
    assert.deepEqual(
      (await api('/api/v1/registry/tags', '/api/v1/registry/tags', 200)).body.data.find((t: { tag: string }) => t.tag === 'video'),
      { tag: 'video', kind: 'category', count: 5 },
    );
    const csv = await (await fetch(`${platform.url}/api/v1/registry/export?platforms=x`)).text();
    assert.match(csv, /^id,kind,status,name,platform,account,url/);
    assert.match(csv, /https:\/\/x\.com\/GSA_News/);
    assert.doesNotMatch(csv, /alice@gsa\.gov/);
    const json = (await (await fetch(`${platform.url}/api/v1/registry/export?format=json`)).json()) as unknown[];
    assert.equal(json.length, 6);
    const html = await (await fetch(`${platform.url}/registry?q=gsavideo&platform=youtube`)).text();
    assert.match(html, /5 records/);
  });

  test('CSV import reports every problem and imports nothing from a bad file', async () => {
    const text = [
      'kind,name,url,agencies,contacts,language',
      'account,GSA Flickr,https://www.flickr.com/photos/gsa,general-services-administration,alice@gsa.gov,en',
      'account,Bad,https://example.com/x,general-services-administration,alice@gsa.gov,en',
      'account,Dup,https://x.com/gsa_news,nowhere,alice@gsa.gov,en',
    ].join('\n');
    const plan = await planImport(platform.db.pool, text);
    assert.deepEqual(
      plan.map((r) => r.outcome),
      ['new', 'invalid', 'invalid'],
    );
    assert.match(plan[1]!.problems.join(' '), /url: example\.com is not a platform/);
    assert.match(plan[2]!.problems.join(' '), /"nowhere" is not a known agency/);
  });

  test('archive: verify answers false with status archived and the date', async () => {
    const page = `/registry/records/${recordId}`;
    const asked = await alice.submit(page, `${page}/request-archive`, { reason: 'Account closed' });
    assert.match(asked.text, /request to archive/);
    assert.match((await sink.next('rita@usda.gov')).subject, /archive requested/);
    assert.equal((await verify('https://x.com/gsa_news')).verified, true, 'still official until archived');
    const noReason = await reviewer.submit(page, `${page}/archive`, { reason: '' });
    assert.equal(noReason.status, 400);
    assert.match(noReason.text, /Give a reason/);
    await reviewer.submit(page, `${page}/archive`, { reason: 'Closed on request' });
    assert.match((await sink.next('alice@gsa.gov')).subject, /is archived/);
    const answer = await verify('https://x.com/gsa_news');
    assert.equal(answer.verified, false);
    assert.equal(answer.status, 'archived');
    assert.equal(answer.archivedAt.slice(0, 10), new Date().toISOString().slice(0, 10));
    const audit = await platform.db.pool.query(`select action from audit_log where subject_type = 'registry-record' and subject_id = $1 order by id`, [
      String(recordId),
    ]);
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      [
        'registry.record.create',
        'registry.record.publish',
        'registry.record.edit',
        'registry.record.publish',
        'registry.record.request-archive',
        'registry.record.archive',
      ],
    );
  });

  test('records not reviewed for 6 months go back to review and contacts are reminded once per period', async () => {
    const later = DateTime.utc().plus({ months: 6, days: 1 }).toJSDate();
    const opts = { months: 6, reminderDays: 30, baseUrl: platform.url };
    const first = await markDueForReview(platform.db.pool, platform.queue, later, opts);
    assert.equal(first.marked, 5);
    assert.equal(first.reminded, 5);
    assert.match((await sink.next('alice@gsa.gov')).subject, /please check/);
    const again = await markDueForReview(platform.db.pool, platform.queue, later, opts);
    assert.deepEqual(again, { marked: 0, reminded: 0 });
    const queue = await reviewer.get('/registry/review');
    assert.match(queue.text, /Due for regular review \(5\)/);
    const early = await markDueForReview(platform.db.pool, platform.queue, new Date(), opts);
    assert.deepEqual(early, { marked: 0, reminded: 0 });
  });

  test('rate limit: 429 with Retry-After; API keys get their own limit; an unknown key is refused', async () => {
    const { key } = await createApiKey(platform.db.pool, SYSTEM_ACTOR, { name: 'test', perMinute: 2 });
    const url = '/api/v1/registry/verify?url=https://x.com/anyone';
    await api('/api/v1/registry/verify', url, 200, { 'x-api-key': key });
    await api('/api/v1/registry/verify', url, 200, { 'x-api-key': key });
    const limited = await api('/api/v1/registry/verify', url, 429, { 'x-api-key': key });
    assert.ok(Number(limited.res.headers.get('retry-after')) > 0);
    assert.match(limited.body.message, /limit is 2 a minute/);
    const unknown = await api('/api/v1/registry/verify', url, 401, { 'x-api-key': 'nope' });
    assert.equal(unknown.body.code, 'API_KEY_INVALID');
    for (const [p, ops] of Object.entries(doc.paths)) {
      if (p.startsWith('/api/v1/registry/')) assert.ok(ops.get!.responses['401'], `${p} declares 401 (an unknown API key)`);
    }

    const config = testConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/x', REGISTRY_RATE_LIMIT: '3' });
    const app = await buildServer({ config, pool: platform.db.pool, mail: platform.mail, queue: platform.queue, logLevel: 'silent' });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await app.inject({ method: 'GET', url, remoteAddress: '203.0.113.9' });
      statuses.push(res.statusCode);
      retryAfter = res.headers['retry-after'] as string | undefined;
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.ok(Number(retryAfter) > 0);
    assert.equal((await app.inject({ method: 'GET', url, remoteAddress: '203.0.113.10' })).statusCode, 200, 'another address has its own limit');
    await app.close();
  });

  test('YouTube: a record with a handle and its channel id verifies for both addresses', async () => {
    const viewer = { memberId: 0, email: 'test', name: null, reviewer: true, homeAgencyId: undefined, agencyIds: new Set<number>() };
    const channel = 'UCabcdefghijklmnopqrstuv';
    const input = {
      ...emptyInput('account'),
      address: 'https://www.youtube.com/@USAGov',
      platformUserId: channel,
      agencyIds: [gsaId],
      contacts: ['alice@gsa.gov'],
    };
    const r = await createRecord(platform.db.pool, { queue: platform.queue, baseUrl: platform.url }, SYSTEM_ACTOR, viewer, input, {
      submit: false,
      status: 'published',
      notify: false,
    });
    assert.ok(r.ok);
    assert.equal((await verify('https://m.youtube.com/@usagov/videos')).verified, true);
    const byChannel = await verify(`https://www.youtube.com/channel/${channel}`);
    assert.equal(byChannel.verified, true);
    assert.equal(byChannel.kind, 'user-id');
    assert.equal(byChannel.record.account, '@USAGov');
    assert.equal((await verify('https://www.youtube.com/channel/UCabcdefghijklmnopqrstuV')).verified, false, 'channel ids differ by case');
  });

  test('a short Facebook Page name (facebook.com/GSA) can be registered', async () => {
    const saved = await alice.submit('/registry/new', '/registry/new', {
      kind: 'account',
      address: 'https://www.facebook.com/GSA',
      agencyIds: String(gsaId),
      contacts: 'alice@gsa.gov',
      language: 'en',
      intent: 'save',
    });
    assert.equal(saved.status, 200, saved.text.slice(0, 300));
    assert.match(saved.url, /\/registry\/records\/\d+\?done=/);
    assert.match(saved.text, /facebook\.com\/GSA/);
  });
});
