/**
 * Every CSV download on the real server writes text people typed (an anonymous guest's name on
 * an event registration, a member's profile, a registry record) so a spreadsheet shows it and
 * never runs it as a formula.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { planImport } from '../../src/registry/csv.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { csrfToken, hidden, WebClient } from '../web-client.ts';
import { linkIn, startMailSink, type MailSink } from '../mail-sink.ts';

const FORMULA = '=HYPERLINK("http://x.example/steal","Click for your badge")';

describe('CSV downloads defuse formulas', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let coordinator: WebClient;
  let sink: MailSink;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir('sg-csv-');
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web,worker', SOCIALGOV_DATA_DIR: dir, SMTP_URL: sink.url }));
    const pool = platform.db.pool;
    const people = [
      ['casey.lead@gsa.gov', 'Casey Lead', 'GSA', 'coordinator'],
      ['pat.doe@hhs.gov', FORMULA, '@SUM(1+1)*cmd|" /C calc"!A0', 'member'],
    ];
    for (const [email, name, agency, role] of people) {
      const m = await pool.query<{ id: string }>('insert into members (email, name, agency) values ($1, $2, $3) returning id', [email, name, agency]);
      await pool.query(
        `insert into memberships (community_id, member_id, status, role) select id, $1, 'active', $2 from communities where slug = 'social-media'`,
        [m.rows[0]!.id, role],
      );
      if (role === 'coordinator') {
        coordinator = new WebClient(platform.url);
        coordinator.cookies.set('sg_session', await createSession(pool, Number(m.rows[0]!.id), { days: 1 }));
      }
    }
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('members.csv: a member who typed a formula as their name and agency', async () => {
    const res = await coordinator.get('/communities/social-media/members.csv');
    assert.equal(res.status, 200);
    const rows = parse(res.text) as string[][];
    const pat = rows.find((r) => r[0] === 'pat.doe@hhs.gov');
    assert.ok(pat, res.text);
    assert.equal(pat[1], `'${FORMULA}`);
    assert.equal(pat[3], `'@SUM(1+1)*cmd|" /C calc"!A0`);
  });

  test('registrants.csv: an anonymous guest who registered with a formula as their name', async () => {
    const form = await coordinator.get('/events/new');
    const created = await coordinator.request('POST', '/events/new', {
      _csrf: csrfToken(form.text),
      title: 'Plain language office hours',
      slug: '',
      kind: 'office-hours',
      status: 'published',
      summary: 'Questions.',
      deck: '',
      body: 'Open questions.',
      timeZone: 'America/New_York',
      date: '2027-10-20',
      startTime: '14:00',
      endTime: '15:00',
      repeat: 'none',
      until: '',
      count: '',
      rrule: '',
      format: 'online',
      venueName: '',
      venueRoom: '',
      venueAddress: '',
      venueCity: '',
      venueState: '',
      venueZip: '',
      venueMap: '',
      platform: 'zoom-gov',
      platformOther: '',
      joinUrl: 'https://gsa.zoomgov.com/j/1234567890',
      captionsUrl: '',
      registration: 'public',
      externalRegistrationUrl: '',
      capacity: '',
      offerHours: '',
      conductUrl: '',
      evaluationUrl: '',
      host: 'SocialGov',
      organizer: 'GSA',
      topics: '',
      presenters: '',
      questions: '',
      communities: String((await platform.db.pool.query(`select id from communities where slug = 'social-media'`)).rows[0].id),
    });
    assert.equal(created.status, 200, created.text.slice(0, 500));
    const slug = /\/events\/([a-z0-9-]+)/.exec(created.url)![1]!;

    const guest = new WebClient(platform.url);
    const page = await guest.get(`/events/${slug}/register`);
    const session = hidden(page.text, 'session');
    const registered = await guest.request('POST', `/events/${slug}/register`, {
      _csrf: csrfToken(page.text),
      session,
      name: FORMULA,
      email: 'guest@example.org',
      agency: '+1+cmd',
    });
    assert.equal(registered.status, 200, registered.text.slice(0, 500));
    // A guest's seat is theirs once they confirm their address by the mailed link.
    const confirm = await guest.get(linkIn(await sink.next('guest@example.org'), `${platform.url}/events/registrations/confirm?token=`));
    const confirmed = await guest.request('POST', '/events/registrations/confirm', { _csrf: csrfToken(confirm.text), token: hidden(confirm.text, 'token') });
    assert.match(confirmed.text, /You are registered/);

    const res = await coordinator.get(`/events/${slug}/registrants.csv?session=${session}`);
    assert.equal(res.status, 200);
    const rows = parse(res.text) as string[][];
    const row = rows.find((r) => r[1] === 'guest@example.org');
    assert.ok(row, res.text);
    assert.equal(row[0], `'${FORMULA}`);
    assert.equal(row[2], "'+1+cmd");
  });

  test('the registry export: a record whose name is a formula', async () => {
    await platform.db.pool.query(
      `insert into registry_records (kind, status, name, domain, created_by, published_at) values ('website', 'published', $1, 'example.gov', 'test', now())`,
      [FORMULA],
    );
    const res = await fetch(`${platform.url}/api/v1/registry/export`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(
      rows.map((r) => r.name),
      [`'${FORMULA}`],
    );
    // The import reads the export's own format: the name comes back as it was typed.
    const plan = await planImport(platform.db.pool, text);
    assert.deepEqual(
      plan.map((r) => r.input.name),
      [FORMULA],
    );
  });
});
