/**
 * The archive over HTTP on the real server: who sees what, months, threads, message pages,
 * attachments, search, mbox export read back by Python's mailbox, the private feed, and
 * Archived-At links of delivered copies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { listLinks } from '../../src/lists/context.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { importMbox } from '../../src/archives/import.ts';
import { mboxOf, rawMail, type TestMail } from '../archive-helpers.ts';
import { NO_SERVER, removeDir, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { csrfToken, WebClient } from '../web-client.ts';

const MAILS: TestMail[] = [
  {
    id: 'a@x',
    from: 'Jo Smith <jo.smith@agency.gov>',
    subject: '[Social Media] Office hours on Tuesday',
    date: '2024-03-04T15:00:00Z',
    text: 'Join our office hours about accessible captions: https://example.gov/captions\nMail me at jo.smith@agency.gov',
  },
  {
    id: 'b@x',
    from: 'Al Green <al@other.gov>',
    subject: 'Re: [Social Media] Office hours on Tuesday',
    date: '2024-03-04T16:00:00Z',
    inReplyTo: 'a@x',
    text: 'I will come.\n\nOn Mon, Jo Smith <jo.smith@agency.gov> wrote:\n> Join our office hours about accessible captions.',
    attachment: { filename: 'page.html', type: 'text/html', content: '<script>window.__xss=1</script>' },
  },
  {
    id: 'c@x',
    from: 'Bea Lu <bea@agency.gov>',
    subject: 'Alert templates',
    date: '2024-04-02T09:00:00Z',
    text: 'Plain version.',
    html: '<p onclick="x()">Our <b>alert</b> templates <img src="https://tracker.example/p.gif" alt="tracker"></p><script>window.__xss=1</script><form><input></form>',
  },
];

describe('archives on the web', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let cleanup: () => Promise<void>;
  let dir: string;
  let member: WebClient;
  let outsider: WebClient;
  let anonymous: WebClient;

  async function signedIn(email: string, active: boolean): Promise<WebClient> {
    const pool = platform.db.pool;
    const { rows } = await pool.query(`insert into members (email, name) values ($1, $1) returning id`, [email]);
    const id = Number(rows[0].id);
    if (active)
      await pool.query(`insert into memberships (community_id, member_id, status) select id, $1, 'active' from communities where slug = 'social-media'`, [id]);
    const client = new WebClient(platform.url);
    client.cookies.set('sg_session', await createSession(pool, id, { days: 1 }));
    return client;
  }

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    platform = await startPlatform(testConfig({ ...database.env, SOCIALGOV_ROLES: 'web', SOCIALGOV_DATA_DIR: dir }));
    const list = (await listByLocalPart(platform.db.pool, 'social-media'))!;
    await importMbox(platform.db.pool, list, mboxOf(MAILS), { name: 'test', source: 'cli' });
    member = await signedIn('member@agency.gov', true);
    outsider = await signedIn('outsider@agency.gov', false);
    anonymous = new WebClient(platform.url);
  });
  after(async () => {
    await platform?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('a members-only archive: sign in first; non-members get 403 and no content', async () => {
    const anon = await anonymous.request('GET', '/archives/social-media/1');
    assert.equal(anon.status, 200);
    assert.match(anon.url, /\/signin\?next=%2Farchives%2Fsocial-media%2F1$/);
    assert.ok(!anon.text.includes('Office hours'));
    for (const p of [
      '/archives/social-media',
      '/archives/social-media/1',
      '/archives/social-media/months/2024-03',
      '/archives/social-media/search?q=office',
      '/archives/social-media/1/attachments/0',
      '/archives/social-media/export?month=2024-03',
    ]) {
      const r = await outsider.get(p);
      assert.equal(r.status, 403, p);
      assert.ok(!r.text.includes('Office hours') && !r.text.includes('jo.smith'), p);
    }
    assert.equal((await member.get('/archives/no-such-list')).status, 404);
  });

  test('months, threads with folded quotes and counts, message pages', async () => {
    const home = await member.get('/archives/social-media');
    assert.equal(home.status, 200);
    assert.match(home.text, /<h1>Social Media archive<\/h1>/);
    assert.match(home.text, /href="\/archives\/social-media\/months\/2024-03">March 2024</);
    const month = await member.get('/archives/social-media/months/2024-03');
    assert.match(month.text, /Office hours on Tuesday<\/a>/);
    assert.match(month.text, /1 reply · 2 participants/);
    const threadId = /href="\/archives\/social-media\/threads\/(\d+)"/.exec(month.text)![1];
    const thread = await member.get(`/archives/social-media/threads/${threadId}`);
    assert.match(thread.text, /<details class="archive-quote"><summary>Quoted text \(2 lines\)<\/summary>/);
    assert.match(thread.text, /<a href="https:\/\/example\.gov\/captions" rel="nofollow noopener noreferrer">/);
    const message = await member.get('/archives/social-media/2');
    assert.match(message.text, /<h1>Re: Office hours on Tuesday<\/h1>/);
    assert.match(message.text, /href="\/archives\/social-media\/1">Message 1</, 'links to the post it answers');
    assert.equal((await member.get('/archives/social-media/99')).status, 404);
    assert.equal((await member.get('/archives/social-media/months/2024-13')).status, 404);
  });

  test('HTML mail is sanitized; remote images wait for the reader', async () => {
    const page = await member.get('/archives/social-media/3');
    assert.match(page.text, /Our <b>alert<\/b> templates <span>\[image: tracker\]<\/span>/);
    // the mail's own markup, not the page around it (whose header has the site search form)
    const mail = /<div class="sg-mail-html">[\s\S]*?<\/main>/.exec(page.text)?.[0] ?? '';
    assert.ok(mail.length > 0, 'the mail body is on the page');
    for (const bad of ['window.__xss', 'onclick', 'tracker.example']) assert.ok(!page.text.includes(bad), bad);
    assert.ok(!mail.includes('<form'), 'no form from the mail');
    assert.match(page.headers.get('content-security-policy')!, /img-src 'self' data:;/);
    const shown = await member.get('/archives/social-media/3?format=html&images=show');
    assert.match(shown.text, /<img src="https:\/\/tracker\.example\/p\.gif" alt="tracker" \/>/);
    assert.match(shown.headers.get('content-security-policy')!, /img-src 'self' data: https:/);
    assert.match((await member.get('/archives/social-media/3?format=text')).text, /Plain version\./);
  });

  test('attachments download, never inline; an HTML attachment as bytes', async () => {
    const r = await fetch(`${platform.url}/archives/social-media/2/attachments/0`, { headers: { cookie: `sg_session=${member.cookies.get('sg_session')}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream', 'HTML is not an inert type: served as bytes');
    assert.match(r.headers.get('content-disposition')!, /^attachment; filename="page\.html"/);
    assert.match(r.headers.get('content-security-policy')!, /sandbox/);
    assert.equal(await r.text(), '<script>window.__xss=1</script>');
  });

  test('search: results with highlights; bad input answered next to the field', async () => {
    const r = await member.get('/archives/social-media/search?q=caption');
    assert.match(r.text, /1 message found/);
    assert.match(r.text, /<mark>captions<\/mark>/);
    const bySender = await member.get('/archives/social-media/search?from=bea&scope=community');
    assert.match(bySender.text, /Alert templates/);
    const bad = await member.get('/archives/social-media/search?q=x&since=2024-02-30');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /The start date “2024-02-30” is not a date\. Write it as YYYY-MM-DD/);
    assert.match(bad.text, /id="since-error"/);
  });

  test('export a month as gzip mboxrd that Python reads; bad months explained', async () => {
    const r = await fetch(`${platform.url}/archives/social-media/export?month=2024-03`, {
      headers: { cookie: `sg_session=${member.cookies.get('sg_session')}` },
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition')!, /attachment; filename="social-media-2024-03\.mbox\.gz"/);
    const file = path.join(dir, 'm.mbox');
    writeFileSync(file, gunzipSync(Buffer.from(await r.arrayBuffer())));
    const ids = execFileSync('python3', ['-c', 'import mailbox,sys\nfor m in mailbox.mbox(sys.argv[1]): print(m["Message-ID"])', file], { encoding: 'utf8' });
    assert.deepEqual(ids.trim().split('\n'), ['<a@x>', '<b@x>']);
    const bad = await member.get('/archives/social-media/export?month=March');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /“March” is not a month\. Write the month as YYYY-MM/);
    const empty = await member.get('/archives/social-media/export?from=2020-01-01&to=2020-01-31');
    assert.match(empty.text, /Nothing was posted in that time/);
  });

  test('the Archived-At link of a delivered copy resolves at once', async () => {
    const pool = platform.db.pool;
    const list = (await listByLocalPart(pool, 'social-media'))!;
    const raw = Buffer.from(
      rawMail({ id: 'live@x', from: 'jo.smith@agency.gov', subject: 'Live post', date: '2024-04-03T10:00:00Z', text: 'Fresh from the list.' }),
    );
    const n = list.postCount + 1;
    await pool.query('update lists set post_count = $2 where id = $1', [list.id, n]);
    await pool.query(
      `insert into posts (list_id, number, message_id, subject, from_address, sent_at, raw, decorated, size) values ($1, $2, '<live@x>', 'Live post', 'jo.smith@agency.gov', now(), $3, $3, $4)`,
      [list.id, n, raw, raw.length],
    );
    const links = listLinks({ baseUrl: platform.url, domain: 'lists.example.gov' }, list);
    const page = await member.get(links.archivedAt(n));
    assert.equal(page.status, 200);
    assert.match(page.text, /Fresh from the list\./);
    assert.equal((await member.get(links.archive)).status, 200);
  });

  test('a public archive: anyone reads, addresses hidden, no export', async () => {
    await platform.db.pool.query("update lists set archive_public = true where local_part = 'social-media'");
    try {
      const page = await anonymous.get('/archives/social-media/1');
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('jo.smith@agency.gov'));
      assert.match(page.text, /j…@agency\.gov/);
      assert.equal((await anonymous.get('/archives/social-media/export?month=2024-03')).status, 403);
    } finally {
      await platform.db.pool.query("update lists set archive_public = false where local_part = 'social-media'");
    }
  });

  test('site search finds archive messages only in archives the reader may read', async () => {
    const hit = /href="\/archives\/social-media\/1"/;
    for (const [who, client] of [
      ['visitor', anonymous],
      ['non-member', outsider],
    ] as const) {
      const r = await client.get('/search?q=captions');
      assert.equal(r.status, 200, who);
      assert.doesNotMatch(r.text, hit, `${who}: no hits from a members-only archive`);
      assert.ok(!r.text.includes('Office hours on Tuesday'), who);
    }
    const mine = await member.get('/search?q=captions');
    assert.match(mine.text, hit);
    assert.match(mine.text, /<mark>captions<\/mark>/);
    assert.match(mine.text, /List archives/);
    const only = await member.get('/search?q=captions&source=archives');
    assert.match(only.text, hit);
    await platform.db.pool.query("update lists set archive_public = true where local_part = 'social-media'");
    try {
      const open = await anonymous.get('/search?q=mail+captions');
      assert.match(open.text, hit, 'a public archive is searched for everybody');
      assert.ok(!open.text.includes('jo.smith@agency.gov'), 'addresses hidden from visitors');
      assert.ok((await member.get('/search?q=mail+captions')).text.includes('jo.smith@agency.gov'), 'members see addresses');
    } finally {
      await platform.db.pool.query("update lists set archive_public = false where local_part = 'social-media'");
    }
  });

  test('the community page links to its list archive as the reader may use it', async () => {
    const visitor = await anonymous.get('/communities/social-media');
    assert.equal(visitor.status, 200);
    assert.match(visitor.text, /The list archive is for members\. <a href="\/signin\?next=%2Farchives%2Fsocial-media">Sign in to read the list archive<\/a>/);
    assert.doesNotMatch(visitor.text, /href="\/archives\/social-media"/);
    assert.match((await outsider.get('/communities/social-media')).text, /The list archive is for members of this community\. Join the community to read it\./);
    assert.match(
      (await member.get('/communities/social-media')).text,
      /<a href="\/archives\/social-media">Read the list archive<\/a>: every message posted to the list, for members only\./,
    );
    await platform.db.pool.query("update lists set archive_public = true where local_part = 'social-media'");
    try {
      assert.match(
        (await anonymous.get('/communities/social-media')).text,
        /<a href="\/archives\/social-media">Read the list archive<\/a>: every message posted to the list, open to everyone\./,
      );
    } finally {
      await platform.db.pool.query("update lists set archive_public = false where local_part = 'social-media'");
    }
  });

  test('a private feed: made and revoked by the member, with CSRF', async () => {
    const page = await member.get('/archives/social-media/feed');
    assert.equal((await member.request('POST', '/archives/social-media/feed', { action: 'create' })).status, 403, 'no CSRF token, no feed');
    const made = await member.request('POST', '/archives/social-media/feed', { _csrf: csrfToken(page.text), action: 'create' });
    const url = /<p class="sg-code">([^<]+)<\/p>/.exec(made.text)![1]!;
    const atom = await fetch(url);
    assert.equal(atom.status, 200);
    assert.match(atom.headers.get('content-type')!, /application\/atom\+xml/);
    const xml = await atom.text();
    assert.match(xml, /<title type="html"><!\[CDATA\[Alert templates\]\]><\/title>|<title[^>]*>Alert templates<\/title>/);
    const again = await member.get('/archives/social-media/feed');
    await member.request('POST', '/archives/social-media/feed', { _csrf: csrfToken(again.text), action: 'revoke' });
    assert.equal((await fetch(url)).status, 404);
    assert.equal((await outsider.get('/archives/social-media/feed')).status, 403);
  });
});
