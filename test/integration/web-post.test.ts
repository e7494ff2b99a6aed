/**
 * Posting from the web and muting threads (issue 21), end to end on the real server: a member
 * replies and starts threads from the archive pages, and every member's copy arrives at a real
 * SMTP relay, decorated, DKIM-signed and threaded (In-Reply-To, References); holds, refusals,
 * the size limit, CSRF and the rate limit keep the draft; a muted thread stops for that member
 * (mail and digest) while the next thread still comes.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DateTime } from '../../src/platform/luxon.ts';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import type { Config } from '../../src/platform/config.ts';
import { createSession } from '../../src/membership/sessions.ts';
import { archiveListSettled, archivePending, archivePosts } from '../../src/archives/archiver.ts';
import { sendDigestNow } from '../../src/lists/digests/send.ts';
import { listByLocalPart } from '../../src/lists/store.ts';
import { startTestDns, type TestDns } from '../dns-server.ts';
import { addMembers, postMail, rsaKey, writeKey } from '../list-helpers.ts';
import { startMailSink, type MailSink, type ReceivedMail } from '../mail-sink.ts';
import { removeDir, tempDir, testConfig, testDatabaseEnv, waitFor } from '../helpers.ts';
import { csrfToken, hidden, WebClient, type WebResponse } from '../web-client.ts';

const DOMAIN = 'lists.test.gov';
const LIST = `social-media@${DOMAIN}`;
const SITE = 'https://socialgov.test.gov';
const EACH = ['pat@agency.gov', 'lee@agency.gov', 'kim@state.gov'];

interface UploadFile {
  filename: string;
  type: string;
  content: Buffer;
}

/** Send a form as the browser does for enctype="multipart/form-data", with the client's cookies; follows a redirect. */
async function postMultipart(client: WebClient, path: string, fields: Record<string, string>, files: UploadFile[] = []): Promise<WebResponse> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('attachment', new Blob([new Uint8Array(f.content)], { type: f.type }), f.filename);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(client.base + path, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  if (res.status === 303) return client.get(res.headers.get('location')!);
  return { status: res.status, url: client.base + path, text: await res.text(), headers: res.headers };
}

/** The form's own fields from a page: CSRF token, draft, and (on a thread page) the post answered. */
function formFields(page: string): Record<string, string> {
  // The post form's own token (a thread page also has the Mute form).
  const html = page.slice(page.indexOf('id="compose"'));
  const fields: Record<string, string> = { _csrf: csrfToken(html), draft: hidden(html, 'draft') };
  if (html.includes('name="parent"')) fields.parent = hidden(html, 'parent');
  return fields;
}

const header = (m: ReceivedMail, name: string) => {
  const v = m.headers.get(name);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

describe('posting from the web, and muted threads', () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let dns: TestDns;
  let dir: string;
  let cleanup: () => Promise<void>;
  let smtpPort: number;
  const clients = new Map<string, WebClient>();
  let rootThread: number;
  let config: Config;

  async function session(email: string): Promise<WebClient> {
    const { rows } = await platform.db.pool.query<{ id: number }>(`select id from members where lower(email) = lower($1)`, [email]);
    const id = rows[0]
      ? Number(rows[0].id)
      : Number((await platform.db.pool.query<{ id: number }>(`insert into members (email, name) values ($1, $1) returning id`, [email])).rows[0]!.id);
    const client = new WebClient(`http://127.0.0.1:${platform.port}`);
    client.cookies.set('sg_session', await createSession(platform.db.pool, id, { days: 1 }));
    return client;
  }
  const as = (email: string) => clients.get(email)!;
  const copiesOf = (messageId: string) => sink.messages.filter((m) => m.headers.get('message-id') === messageId);
  async function copies(messageId: string, n: number): Promise<ReceivedMail[]> {
    await waitFor(`${n} copies of ${messageId}`, async () => copiesOf(messageId).length >= n);
    return copiesOf(messageId);
  }
  /** Every delivery of the post is done (sent), so "no copy" means none will come. */
  async function delivered(messageId: string): Promise<void> {
    await waitFor(`deliveries of ${messageId} done`, async () => {
      const { rows } = await platform.db.pool.query<{ planned: boolean; open: number }>(
        `select p.planned_at is not null as planned, (select count(*)::int from deliveries d where d.kind = 'post' and d.ref_id = p.id and d.status not in ('sent', 'failed')) as open
           from posts p where p.message_id = $1`,
        [messageId],
      );
      return rows[0]?.planned && rows[0].open === 0;
    });
  }
  async function threadOf(messageId: string): Promise<number> {
    await archivePending(platform.db.pool);
    const { rows } = await platform.db.pool.query<{ thread_id: number }>('select thread_id from archive_entries where message_id = $1', [messageId]);
    return Number(rows[0]!.thread_id);
  }
  async function webMessageId(subjectLike: string): Promise<string> {
    const { rows } = await platform.db.pool.query<{ message_id: string }>(`select message_id from posts where subject like $1 order by id desc limit 1`, [
      subjectLike,
    ]);
    return rows[0]!.message_id;
  }

  before(async () => {
    const database = await testDatabaseEnv();
    cleanup = database.cleanup;
    dir = tempDir();
    // agency.gov asks receivers to reject unsigned mail (web posts from it go out "via"); state.gov posts by mail unsigned.
    dns = await startTestDns({ '_dmarc.agency.gov': 'v=DMARC1; p=reject' });
    sink = await startMailSink();
    config = testConfig({
      ...database.env,
      SMTP_URL: sink.url,
      PUBLIC_URL: SITE,
      LIST_DOMAIN: DOMAIN,
      DNS_SERVERS: dns.address,
      DKIM_SELECTOR: 'sg',
      DKIM_PRIVATE_KEY_FILE: writeKey(dir, rsaKey()),
      SOCIALGOV_DATA_DIR: dir,
      MAIL_IN_MAX_BYTES: String(1024 * 1024),
    });
    platform = await startPlatform(config);
    smtpPort = (platform.roles['mail-in']!.info as { smtpPort: number }).smtpPort;
    await addMembers(platform.db.pool, 'social-media', EACH);
    await addMembers(platform.db.pool, 'social-media', ['dee@agency.gov'], 'daily');
    await platform.db.pool.query(`update members set name = 'Pat Smith' where email = 'pat@agency.gov'`);
    await platform.db.pool.query(
      `update list_subscriptions set last_digest_post = 0 where member_id = (select id from members where email = 'dee@agency.gov')`,
    );
    for (const email of [...EACH, 'dee@agency.gov', 'outsider@agency.gov']) clients.set(email, await session(email));
    // The thread everyone answers: posted by mail.
    await postMail({
      port: smtpPort,
      from: 'Kim Lu <kim@state.gov>',
      to: LIST,
      subject: 'Caption tools',
      text: 'Which caption tools do you use?\n',
      messageId: '<root@state.gov>',
    });
    await copies('<root@state.gov>', 3);
    rootThread = await threadOf('<root@state.gov>');
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await dns?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('a reply from the thread page reaches every member at the relay, as a reply to the thread', async () => {
    const page = await as('pat@agency.gov').get(`/archives/social-media/threads/${rootThread}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h2 id="compose-heading">Reply to this thread<\/h2>/);
    assert.match(page.text, /enctype="multipart\/form-data"/);
    assert.match(
      page.text,
      new RegExp(`action="/archives/social-media/threads/${rootThread}#compose"`),
      'the answer opens at the form, not the top of the thread',
    );
    const sent = await postMultipart(as('pat@agency.gov'), `/archives/social-media/threads/${rootThread}`, {
      ...formFields(page.text),
      text: 'We use the built-in captions of each platform.\n\nPat',
      action: 'send',
    });
    assert.equal(sent.status, 200);
    assert.match(sent.url, new RegExp(`/archives/social-media/threads/${rootThread}\\?sent=2#m2$`));
    assert.match(sent.text, /Your message is on its way/);
    assert.match(sent.text, /We use the built-in captions of each platform/, 'the reply is in the thread at once');

    const messageId = await webMessageId('Re: Caption tools');
    assert.match(messageId, /^<web\.[A-Za-z0-9_-]{16}@lists\.test\.gov>$/, 'Message-ID on the list domain');
    const all = await copies(messageId, 3);
    await delivered(messageId);
    assert.deepEqual(
      copiesOf(messageId)
        .map((m) => m.to[0])
        .sort(),
      [...EACH].sort(),
      'each member once; the digest reader not',
    );
    for (const copy of all) {
      assert.equal(copy.subject, '[Social Media] Re: Caption tools');
      assert.equal(header(copy, 'in-reply-to'), '<root@state.gov>');
      assert.match(header(copy, 'references'), /<root@state\.gov>/);
      assert.match(copy.raw, /^From: "?Pat Smith via Social Media"? <social-media@lists\.test\.gov>/m, 'From rewritten as for DMARC p=reject');
      assert.match(copy.raw, /^Reply-To: .*pat@agency\.gov/m, 'replies go to the member');
      assert.match(copy.raw, /^DKIM-Signature: .*d=lists\.test\.gov/m);
      assert.match(copy.text, /We use the built-in captions of each platform/);
      assert.match(copy.text, /https:\/\/socialgov\.test\.gov\/archives\/social-media\/2\/mute/, 'the footer links to muting the thread');
    }
    assert.equal(await threadOf(messageId), rootThread, 'the archive threads it under the thread');
  });

  test('a new thread from the archive page, with a file, and its preview first', async () => {
    const home = await as('lee@agency.gov').get('/archives/social-media');
    assert.match(home.text, /<h2 id="compose-heading">Start a new thread<\/h2>/);
    const fields = { ...formFields(home.text), subject: 'Alt text checklist', text: 'Our checklist is attached.' };
    const file = { filename: 'checklist.txt', type: 'text/plain', content: Buffer.from('1. Describe the image.\n') };
    const preview = await postMultipart(as('lee@agency.gov'), '/archives/social-media', { ...fields, action: 'preview' }, [file]);
    assert.equal(preview.status, 200);
    assert.match(preview.text, /Preview: not sent yet/);
    assert.match(preview.text, /Our checklist is attached\./);
    assert.match(preview.text, /name="keep" type="checkbox" value="\d+" checked/, 'the file is kept for the send');
    assert.equal(
      (await platform.db.pool.query(`select 1 from incoming_messages where protocol = 'web' and subject = 'Alt text checklist'`)).rowCount,
      0,
      'a preview sends nothing',
    );
    const keep = /name="keep" type="checkbox" value="(\d+)"/.exec(preview.text)![1]!;
    const sent = await postMultipart(as('lee@agency.gov'), '/archives/social-media', {
      ...formFields(preview.text),
      subject: 'Alt text checklist',
      text: 'Our checklist is attached.',
      keep,
      action: 'send',
    });
    assert.equal(sent.status, 200);
    assert.match(sent.text, /Your message is on its way/);
    const messageId = await webMessageId('Alt text checklist');
    const all = await copies(messageId, 3);
    for (const copy of all) {
      assert.equal(copy.subject, '[Social Media] Alt text checklist');
      assert.equal(copy.headers.get('in-reply-to'), undefined);
      assert.match(copy.raw, /filename=checklist\.txt/);
    }
    // The same form sent again (a reload) does not post twice.
    const again = await postMultipart(as('lee@agency.gov'), '/archives/social-media', {
      ...formFields(preview.text),
      subject: 'Alt text checklist',
      text: 'Our checklist is attached.',
      action: 'send',
    });
    assert.equal(again.status, 200);
    assert.equal((await platform.db.pool.query(`select 1 from posts where subject = 'Alt text checklist'`)).rowCount, 1);
  });

  test('a muted thread stops for that member, by mail and in the digest; the next thread still comes', async () => {
    // Lee mutes by the link in the copy's footer: GET shows a button and changes nothing; the POST mutes.
    const link = '/archives/social-media/2/mute';
    const confirm = await as('lee@agency.gov').get(link);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /Mute this thread/);
    assert.equal((await platform.db.pool.query('select 1 from thread_mutes')).rowCount, 0, 'GET changes nothing');
    const action = /<form method="post" action="([^"]+)"/.exec(confirm.text)![1]!;
    const muted = await as('lee@agency.gov').request('POST', action, { _csrf: csrfToken(confirm.text), token: hidden(confirm.text, 'token') });
    assert.match(muted.text, /Thread muted/);
    assert.match(muted.text, /Unmute this thread/);
    // "Download my data" names the muted thread.
    const data = JSON.parse((await as('lee@agency.gov').get('/account/data.json')).text) as {
      mutedThreads: Array<{ list: string; thread: number; subject: string }>;
    };
    assert.deepEqual(
      data.mutedThreads.map((m) => [m.list, Number(m.thread), m.subject]),
      [['social-media', rootThread, 'Caption tools']],
    );
    // Dee (daily digest) mutes with the thread page's button.
    const page = await as('dee@agency.gov').get(`/archives/social-media/threads/${rootThread}`);
    await as('dee@agency.gov').request('POST', `/archives/social-media/threads/${rootThread}/mute`, { _csrf: csrfToken(page.text), action: 'mute' });

    // Another reply in the thread, by mail, answering the web reply only by In-Reply-To and References.
    const webReply = await webMessageId('Re: Caption tools');
    await postMail({
      port: smtpPort,
      from: 'Kim Lu <kim@state.gov>',
      to: LIST,
      subject: 'Re: [Social Media] Caption tools',
      text: 'Thanks!',
      messageId: '<thanks@state.gov>',
      inReplyTo: webReply,
    });
    await copies('<thanks@state.gov>', 2);
    await delivered('<thanks@state.gov>');
    assert.deepEqual(
      copiesOf('<thanks@state.gov>')
        .map((m) => m.to[0])
        .sort(),
      ['kim@state.gov', 'pat@agency.gov'],
      'Lee muted the thread: no copy',
    );
    // The next thread reaches Lee.
    await postMail({
      port: smtpPort,
      from: 'Kim Lu <kim@state.gov>',
      to: LIST,
      subject: 'Budget season',
      text: 'New thread.',
      messageId: '<budget@state.gov>',
    });
    const next = await copies('<budget@state.gov>', 3);
    assert.ok(next.some((m) => m.to[0] === 'lee@agency.gov'));

    // Dee's digest: the new threads, none of the muted one.
    const list = (await listByLocalPart(platform.db.pool, 'social-media'))!;
    const made = await sendDigestNow(platform.db.pool, { baseUrl: SITE, domain: DOMAIN, config, log: () => undefined }, list, 'daily', DateTime.utc());
    assert.ok(made.length >= 1);
    const digest = await sink.next('dee@agency.gov');
    assert.match(digest.raw, /Budget season/);
    assert.match(digest.raw, /Alt text checklist/);
    assert.doesNotMatch(digest.raw, /Caption tools/, 'no post of the muted thread');

    // Unmute: Lee gets the thread again.
    const again = await as('lee@agency.gov').get(`/archives/social-media/threads/${rootThread}`);
    await as('lee@agency.gov').request('POST', `/archives/social-media/threads/${rootThread}/mute`, { _csrf: csrfToken(again.text), action: 'unmute' });
    await postMail({
      port: smtpPort,
      from: 'Kim Lu <kim@state.gov>',
      to: LIST,
      subject: 'Re: Caption tools',
      text: 'One more.',
      messageId: '<more@state.gov>',
      inReplyTo: '<thanks@state.gov>',
    });
    const more = await copies('<more@state.gov>', 3);
    assert.ok(more.some((m) => m.to[0] === 'lee@agency.gov'));
  });

  test('who may not post gets a clear refusal and no form', async () => {
    await platform.db.pool.query(`update lists set archive_public = true where local_part = 'social-media'`);
    try {
      const home = await as('outsider@agency.gov').get('/archives/social-media');
      assert.equal(home.status, 200, 'a public archive reads');
      assert.doesNotMatch(home.text, /name="draft"/, 'no post form');
      assert.match(home.text, /Only members of the community can post to Social Media/);
      const csrf = csrfToken((await as('outsider@agency.gov').get('/account')).text);
      const refused = await postMultipart(as('outsider@agency.gov'), '/archives/social-media', {
        _csrf: csrf,
        subject: 'Hi',
        text: 'Let me in',
        action: 'send',
      });
      assert.equal(refused.status, 403);
      assert.match(refused.text, /Only members of the community can post to Social Media/);
      assert.doesNotMatch(refused.text, /name="draft"/);
    } finally {
      await platform.db.pool.query(`update lists set archive_public = false where local_part = 'social-media'`);
    }
    assert.equal(
      (await platform.db.pool.query(`select 1 from incoming_messages where protocol = 'web' and lower(envelope_from) = 'outsider@agency.gov'`)).rowCount,
      0,
    );
  });

  test('a held post says it waits for a moderator, with the reason', async () => {
    await platform.db.pool.query(`update lists set emergency = true where local_part = 'social-media'`);
    try {
      const home = await as('kim@state.gov').get('/archives/social-media');
      const held = await postMultipart(as('kim@state.gov'), '/archives/social-media', {
        ...formFields(home.text),
        subject: 'Held one',
        text: 'Please approve.',
        action: 'send',
      });
      assert.equal(held.status, 202);
      assert.match(held.text, /Your message is held for a moderator/);
      assert.match(held.text, /Emergency moderation is on for this list: every post waits for a moderator\./);
      const { rows } = await platform.db.pool.query(`select status from incoming_messages where protocol = 'web' and subject = 'Held one'`);
      assert.equal(rows[0].status, 'held', 'in the moderators’ queue, as a mailed post would be');
    } finally {
      await platform.db.pool.query(`update lists set emergency = false where local_part = 'social-media'`);
    }
  });

  test('a file over the size limit keeps the draft and says why', async () => {
    await platform.db.pool.query(`update lists set max_bytes = 51200 where local_part = 'social-media'`);
    try {
      const home = await as('pat@agency.gov').get('/archives/social-media');
      const big = { filename: 'big.bin', type: 'application/octet-stream', content: Buffer.alloc(80 * 1024, 7) };
      const r = await postMultipart(
        as('pat@agency.gov'),
        '/archives/social-media',
        { ...formFields(home.text), subject: 'Big file', text: 'My long draft text.', action: 'send' },
        [big],
      );
      assert.equal(r.status, 400);
      assert.match(r.text, /takes posts of up to 50 KB/);
      assert.match(r.text, /My long draft text\./, 'the text is kept');
      assert.match(r.text, /value="Big file"/, 'the subject is kept');
      assert.equal((await platform.db.pool.query(`select 1 from incoming_messages where subject = 'Big file'`)).rowCount, 0);
    } finally {
      await platform.db.pool.query(`update lists set max_bytes = 5242880 where local_part = 'social-media'`);
    }
  });

  test('a post without the CSRF token is refused', async () => {
    const home = await as('pat@agency.gov').get('/archives/social-media');
    const { _csrf: _, ...rest } = formFields(home.text);
    const r = await postMultipart(as('pat@agency.gov'), '/archives/social-media', { ...rest, subject: 'No token', text: 'x', action: 'send' });
    assert.equal(r.status, 403);
    assert.equal((await platform.db.pool.query(`select 1 from incoming_messages where subject = 'No token'`)).rowCount, 0);
    const mute = await as('pat@agency.gov').request('POST', `/archives/social-media/threads/${rootThread}/mute`, { action: 'mute' });
    assert.equal(mute.status, 403);
  });

  test('the rate limit refuses a post and keeps it', async () => {
    const { rows } = await platform.db.pool.query<{ id: number }>(`select id from members where email = 'kim@state.gov'`);
    // Ten posts sent this hour already.
    await platform.db.pool.query(`insert into rate_events (key) select $1 from generate_series(1, 10)`, [`web-post:member:${rows[0]!.id}`]);
    const home = await as('kim@state.gov').get('/archives/social-media');
    const r = await postMultipart(as('kim@state.gov'), '/archives/social-media', {
      ...formFields(home.text),
      subject: 'Eleventh',
      text: 'Kept text.',
      action: 'send',
    });
    assert.equal(r.status, 429);
    assert.ok(r.headers.get('retry-after'));
    assert.match(r.text, /the most we take/);
    assert.match(r.text, /Kept text\./);
    assert.equal((await platform.db.pool.query(`select 1 from incoming_messages where subject = 'Eleventh'`)).rowCount, 0);
  });
  test('an upload is refused before its body is read: from a stranger (401), and far larger than any post (413)', { timeout: 30_000 }, async () => {
    /** Headers only, claiming 200 MB: an answer can come only if the server did not wait for the body. */
    const unread = (cookie?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: platform.port,
          method: 'POST',
          path: '/archives/social-media',
          headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(200 * 1024 * 1024), ...(cookie ? { cookie } : {}) },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode!, text });
            req.destroy();
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    assert.equal((await unread()).status, 401);
    const member = await unread([...as('pat@agency.gov').cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    assert.equal(member.status, 413);
    assert.match(member.text, /choose smaller files/);
  });

  test('files past what a post can hold are not taken in: the rest are named too large, and the draft is kept', async () => {
    const home = await as('pat@agency.gov').get('/archives/social-media');
    const part = (n: number) => ({ filename: `part${n}.bin`, type: 'application/octet-stream', content: Buffer.alloc(600 * 1024, n) });
    const r = await postMultipart(
      as('pat@agency.gov'),
      '/archives/social-media',
      { ...formFields(home.text), subject: 'Three parts', text: 'Draft kept.', action: 'preview' },
      [part(1), part(2), part(3)],
    );
    assert.equal(r.status, 400);
    assert.match(r.text, /part3\.bin is too large/);
    assert.match(r.text, /Draft kept\./);
  });

  test("files kept across previews are bounded for each member: an abandoned draft's oldest go first", async () => {
    const member = (await platform.db.pool.query<{ id: number }>(`select id from members where email = 'kim@state.gov'`)).rows[0]!.id;
    const keptBytes = async () =>
      Number(
        (
          await platform.db.pool.query<{ n: string }>('select coalesce(sum(octet_length(content)), 0) as n from web_post_uploads where member_id = $1', [
            member,
          ])
        ).rows[0]!.n,
      );
    for (let n = 1; n <= 3; n++) {
      const home = await as('kim@state.gov').get('/archives/social-media');
      const file = { filename: `draft${n}.bin`, type: 'application/octet-stream', content: Buffer.alloc(900 * 1024, n) };
      const r = await postMultipart(
        as('kim@state.gov'),
        '/archives/social-media',
        { ...formFields(home.text), subject: `Draft ${n}`, text: 'x', action: 'preview' },
        [file],
      );
      assert.equal(r.status, 200);
      assert.match(r.text, new RegExp(`draft${n}\\.bin`), 'this preview keeps its own file');
    }
    assert.ok((await keptBytes()) <= 2 * 1024 * 1024, `kept ${await keptBytes()} bytes`);
    const names = (
      await platform.db.pool.query<{ filename: string }>('select filename from web_post_uploads where member_id = $1 order by id', [member])
    ).rows.map((r) => r.filename);
    assert.deepEqual(names, ['draft2.bin', 'draft3.bin']);
    const data = JSON.parse((await as('kim@state.gov').get('/account/data.json')).text) as { filesKeptForWebPosts: Array<{ filename: string; bytes: number }> };
    assert.deepEqual(
      data.filesKeptForWebPosts.map((f) => [f.filename, Number(f.bytes)]),
      [
        ['draft2.bin', 900 * 1024],
        ['draft3.bin', 900 * 1024],
      ],
      '"Download my data" names the kept files',
    );
  });

  test('the same draft sent twice at once (a double click) posts once', async () => {
    const home = await as('lee@agency.gov').get('/archives/social-media');
    const fields = { ...formFields(home.text), subject: 'Twice at once', text: 'Once only.', action: 'send' };
    const answers = await Promise.all([
      postMultipart(as('lee@agency.gov'), '/archives/social-media', fields),
      postMultipart(as('lee@agency.gov'), '/archives/social-media', fields),
    ]);
    for (const a of answers)
      assert.ok(a.status === 200 || a.status === 202, `answered ${a.status}: ${/usa-error-message[^>]*>([^<]*)/.exec(a.text)?.[1] ?? ''}`);
    assert.equal((await platform.db.pool.query(`select 1 from incoming_messages where protocol = 'web' and subject = 'Twice at once'`)).rowCount, 1);
    assert.equal((await platform.db.pool.query(`select 1 from posts where subject = 'Twice at once'`)).rowCount, 1);
  });
  test(
    "a message's page waits for its post while another process is archiving it (a double click's second answer goes there)",
    { timeout: 60_000 },
    async () => {
      const pool = platform.db.pool;
      // A post stored by "another process" and not archived yet: the trigger queues it in archive_pending.
      const other = await pool.connect();
      try {
        const stored = async () => {
          await other.query('begin');
          const { rows } = await other.query<{ id: number; number: number; list_id: number }>(
            `with n as (update lists set post_count = post_count + 1 where id = (select list_id from posts where message_id = '<root@state.gov>') returning id, post_count)
           insert into posts (list_id, number, message_id, subject, from_address, from_name, member_id, sent_at, raw, decorated, size)
           select n.id, n.post_count, '<being-archived-' || n.post_count || '@state.gov>', 'Being archived', p.from_address, p.from_name, p.member_id, now(), p.raw, p.decorated, p.size
             from n, posts p where p.message_id = '<root@state.gov>' returning id, number, list_id`,
          );
          await other.query('commit');
          // ... and now that process holds its queue row while it archives it.
          await other.query('begin');
          const held = await other.query('select 1 from archive_pending where post_id = $1 for update', [rows[0]!.id]);
          if (held.rowCount === 1) return rows[0]!;
          await other.query('rollback'); // the minute's archiver took it first: store another
          return undefined;
        };
        let post: { id: number; number: number; list_id: number } | undefined;
        for (let i = 0; i < 5 && !post; i++) post = await stored();
        assert.ok(post, 'a stored post whose queue row this test holds');
        let answered = 0;
        const page = as('pat@agency.gov')
          .get(`/archives/social-media/${post.number}`)
          .then((r) => ((answered = r.status), r));
        await waitFor('the page waiting on the post being archived', async () => {
          if (answered) return true;
          const { rows: w } = await pool.query(
            `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%archive_pending%'`,
          );
          return w.length > 0;
        });
        assert.equal(answered, 0, 'the page answered before the post was archived');
        await archivePosts(other, [Number(post.id)]);
        await other.query('delete from archive_pending where post_id = $1', [post.id]);
        await other.query('commit');
        const res = await page;
        assert.equal(res.status, 200);
        assert.match(res.text, /Being archived/);
      } finally {
        await other.query('rollback').catch(() => undefined);
        other.release();
      }
    },
  );
  test('the mute filters wait for a post another process is archiving (they never pass it over)', { timeout: 60_000 }, async () => {
    const pool = platform.db.pool;
    const { rows } = await pool.query<{ id: number; list_id: number }>(`select id, list_id from posts where message_id = '<root@state.gov>'`);
    const post = rows[0]!;
    // Another process "archiving" the post: it holds its queue row, and removes it when it commits.
    const other = await pool.connect();
    try {
      await other.query('begin');
      await other.query('insert into archive_pending (post_id, list_id) values ($1, $2)', [post.id, post.list_id]);
      await other.query('commit');
      await other.query('begin');
      await other.query('select 1 from archive_pending where post_id = $1 for update', [post.id]);
      let settled = false;
      const waiting = archiveListSettled(pool, Number(post.list_id)).then(() => (settled = true));
      await waitFor('the filter waiting on the post being archived', async () => {
        const { rows: w } = await pool.query(
          `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%archive_pending%'`,
        );
        return w.length > 0;
      });
      assert.equal(settled, false);
      await other.query('delete from archive_pending where post_id = $1', [post.id]);
      await other.query('commit');
      await waiting;
      assert.equal(settled, true);
    } finally {
      await other.query('rollback').catch(() => undefined);
      other.release();
    }
  });

  test('a digest leaves out a post stored after the mute filters archived the list: it comes, once, in the next digest', { timeout: 60_000 }, async () => {
    const pool = platform.db.pool;
    const ctx = { baseUrl: SITE, domain: DOMAIN, config, log: () => undefined };
    const list = (await listByLocalPart(pool, 'social-media'))!;
    // Dee (daily) muted the thread; Dan (daily) did not. Both start from the list's newest post.
    await addMembers(pool, 'social-media', ['dan@agency.gov'], 'daily');
    await pool.query(
      `update list_subscriptions s set last_digest_post = l.post_count from lists l, members m
        where l.id = $1 and s.list_id = l.id and m.id = s.member_id and m.email in ('dee@agency.gov', 'dan@agency.gov')`,
      [list.id],
    );
    const { rows: before } = await pool.query<{ id: number }>('select coalesce(max(id), 0) as id from digest_messages');
    /** How many digest messages (made in this test) addressed to `email` carry the post. */
    const digestsWith = async (email: string, messageId: string) => {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from digest_messages dm join deliveries d on d.kind = 'digest' and d.ref_id = dm.id join members m on m.id = d.member_id
          where dm.id > $1 and m.email = $2 and position(convert_to($3, 'UTF8') in dm.message) > 0`,
        [before[0]!.id, email, messageId],
      );
      return rows[0]!.n;
    };

    const archiving = await pool.connect();
    const storing = await pool.connect();
    try {
      // Another process archiving a post: it holds the post's queue row, so the digest's mute filter waits for it.
      const { rows: root } = await pool.query<{ id: number }>(`select id from posts where message_id = '<root@state.gov>'`);
      let held = false;
      for (let i = 0; i < 5 && !held; i++) {
        await archiving.query('insert into archive_pending (post_id, list_id) values ($1, $2) on conflict do nothing', [root[0]!.id, list.id]);
        await archiving.query('begin');
        held = (await archiving.query('select 1 from archive_pending where post_id = $1 for update', [root[0]!.id])).rowCount === 1;
        if (!held) await archiving.query('rollback'); // the minute's archiver took it first
      }
      assert.ok(held, 'a queue row this test holds');
      const digest = sendDigestNow(pool, ctx, list, 'daily', DateTime.utc().plus({ minutes: 1 }));
      await waitFor('the mute filter waiting on the post being archived', async () => {
        const { rows: w } = await pool.query(
          `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%archive_pending%'`,
        );
        return w.length > 0;
      });
      // Meanwhile a reply in the muted thread is stored, and not archived before the digest is composed.
      let late: string | undefined;
      for (let i = 0; i < 5 && !late; i++) {
        const messageId = `<late-${i}@state.gov>`;
        const raw = Buffer.from(
          `From: Kim Lu <kim@state.gov>\r\nTo: ${LIST}\r\nSubject: Re: Caption tools\r\nMessage-ID: ${messageId}\r\nIn-Reply-To: <root@state.gov>\r\n\r\nLate reply.\r\n`,
        );
        const { rows } = await storing.query<{ id: number }>(
          `with n as (update lists set post_count = post_count + 1 where id = $1 returning id, post_count)
           insert into posts (list_id, number, message_id, in_reply_to, refs, subject, from_address, from_name, sent_at, raw, decorated, size)
           select n.id, n.post_count, $2, '<root@state.gov>', array['<root@state.gov>'], 'Re: Caption tools', 'kim@state.gov', 'Kim Lu', now(), $3, $3, $4
             from n returning id`,
          [list.id, messageId, raw, raw.length],
        );
        await storing.query('begin');
        const locked = await storing.query('select 1 from archive_pending where post_id = $1 for update', [rows[0]!.id]);
        if (locked.rowCount === 1) late = messageId;
        else await storing.query('rollback'); // archived already: it is an ordinary post
      }
      assert.ok(late, 'a stored post not archived yet');
      await archiving.query('delete from archive_pending where post_id = $1', [root[0]!.id]);
      await archiving.query('commit');
      await digest;
      await storing.query('rollback');
      assert.equal(await digestsWith('dee@agency.gov', late), 0, 'Dee muted the thread: the post is not in her digest');
      assert.equal(await threadOf(late), rootThread, 'the post is in the muted thread');

      // The next digest: Dan gets it, once; Dee never does.
      await sendDigestNow(pool, ctx, list, 'daily', DateTime.utc().plus({ minutes: 2 }));
      assert.equal(await digestsWith('dan@agency.gov', late), 1, "Dan's digests carry the post once");
      assert.equal(await digestsWith('dee@agency.gov', late), 0);
      const { rows: places } = await pool.query<{ last_digest_post: number; post_count: number }>(
        `select s.last_digest_post, l.post_count from list_subscriptions s join lists l on l.id = s.list_id join members m on m.id = s.member_id
          where l.id = $1 and m.email in ('dee@agency.gov', 'dan@agency.gov')`,
        [list.id],
      );
      for (const p of places) assert.equal(p.last_digest_post, p.post_count, 'both are at the newest post');
    } finally {
      await archiving.query('rollback').catch(() => undefined);
      await storing.query('rollback').catch(() => undefined);
      archiving.release();
      storing.release();
    }
  });
});
