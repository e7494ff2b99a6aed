/**
 * The library as a new user tries it: import digital.gov files with the CLI, write an article,
 * send it through review, publish it, read it in RSS, Atom and JSON Feed, find it by search, get
 * a review reminder, record an agency's adoption of a terms-of-service agreement (with an
 * uploaded document), and see a working group with its members and the playbook it produced.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startPlatform, type RunningPlatform } from '../../src/app/index.ts';
import { sendReviewReminders } from '../../src/library/reviews.ts';
import { HAS_SHARED, NO_SERVER, removeDir, runCli, SHARED, tempDir, testConfig, testDatabaseEnv } from '../helpers.ts';
import { startMailSink, type MailSink } from '../mail-sink.ts';
import { addMember, importGovDomains, signIn, writeLibraryFixture } from '../library-fixture.ts';
import { csrfToken, WebClient } from '../web-client.ts';

describe('library end to end', { skip: NO_SERVER }, () => {
  let platform: RunningPlatform;
  let sink: MailSink;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  let dir: string;
  let files: string[];
  let writer: WebClient;
  let editor: WebClient;

  before(async () => {
    sink = await startMailSink();
    const database = await testDatabaseEnv();
    // SMTP_IN_PORT 0: the mail-in role picks a free port, so test files can run side by side.
    env = { SMTP_URL: sink.url, SMTP_IN_PORT: '0', ...database.env };
    cleanup = database.cleanup;
    platform = await startPlatform(testConfig(env));
    dir = tempDir('sg-library-');
    files = writeLibraryFixture(dir);
    // The profile's agency is free text: Wren's says another department. The .gov registry says gsa.gov is GSA.
    await addMember(platform.db.pool, 'social-media', { email: 'wren.writer@gsa.gov', name: 'Wren Writer', agency: 'Department of Defense' });
    await importGovDomains(platform.db.pool, [['gsa.gov', 'General Services Administration']]);
    await addMember(platform.db.pool, 'social-media', {
      email: 'cora.lead@hhs.gov',
      name: 'Cora Lead',
      agency: 'Health and Human Services',
      role: 'coordinator',
    });
  });
  after(async () => {
    await platform?.close();
    await sink?.close();
    await cleanup?.();
    if (dir) removeDir(dir);
  });

  test('CLI: a bad file stops the import with file:line; a dry run changes nothing; then the import', async () => {
    const bad = path.join(dir, 'bad/news/2024-02-01-bad.md');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.dirname(bad), { recursive: true });
    writeFileSync(bad, '---\ntitle: Bad date\ndate: the day after tomorrow\n---\nbody\n');
    const failed = await runCli(['library', 'import', ...files, bad], env);
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: error: date "the day after tomorrow" is not a date`));
    assert.match(failed.stderr, /Nothing was imported/);

    const dry = await runCli(['library', 'import', '--dry-run', ...files], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /Dry run: the files are valid and would import 1 article\(s\), 1 guide\(s\) with 2 section\(s\), 1 topic\(s\), 1 author\(s\), 2 tool\(s\)/,
    );
    assert.match(dry.stderr, /Reading files: 100%/);
    assert.equal((await platform.db.pool.query('select count(*)::int as n from library_articles')).rows[0].n, 0);

    const done = await runCli(['library', 'import', '--community', 'social-media', ...files], env);
    assert.equal(done.code, 0, done.stderr);
    assert.match(
      done.stdout,
      /articles 1 new, 0 replaced; guides 1 new, 0 replaced; tools 2 new, 0 replaced; 1 topic\(s\); 1 author\(s\); 2 point\(s\) of contact/,
    );
    assert.match(done.stderr, /"Amazon Appstore" is dated "07-2014" \(a month only\)/);
    const again = await runCli(['library', 'import', ...files], env);
    assert.match(again.stdout, /articles 0 new, 1 replaced/);
  });

  test('imported pages: article, guide with previous/next, printable guide, topic, author', async () => {
    const anon = new WebClient(platform.url);
    const article = await anon.get('/library/articles/posting-during-a-crisis');
    assert.equal(article.status, 200);
    assert.match(article.text, /<h1[^>]*>Posting during a crisis<\/h1>/);
    assert.match(article.text, /<a href="\/library\/authors\/jherman">Justin Herman<\/a>/);
    assert.match(article.text, /<h2 id="plan-ahead">Plan ahead<\/h2>/);
    assert.match(article.text, /<th scope="col">Step<\/th>/);
    assert.match(article.text, /Image: A phone showing an emergency alert/);
    const guide = await anon.get('/library/guides/public-participation');
    assert.match(guide.text, /rel="next"><span>Next: Establish goals<\/span>/);
    const part2 = await anon.get('/library/guides/public-participation/understand');
    assert.match(part2.text, /part 2 of 2/);
    assert.match(part2.text, /rel="prev"><span>Previous: Establish goals<\/span>/);
    assert.doesNotMatch(part2.text, /rel="next"/);
    const print = await anon.get('/library/guides/public-participation/print');
    assert.ok(print.text.indexOf('Play 1: Clearly define') < print.text.indexOf('Play 2: Understand'), 'sections in order on one page');
    assert.equal((print.text.match(/<h1/g) ?? []).length, 1);
    assert.match((await anon.get('/topics/social-media')).text, /Posting during a crisis/);
    assert.match((await anon.get('/library/authors/jherman')).text, /U.S. General Services Administration/);
    assert.equal((await anon.get('/library/guides/public-participation/nope')).status, 404);
  });

  test('write, review and publish an article; drafts stay private; errors sit next to fields', async () => {
    writer = await signIn(platform.url, sink, 'wren.writer@gsa.gov');
    editor = await signIn(platform.url, sink, 'cora.lead@hhs.gov');
    const empty = await writer.submit('/library/articles/new', '/library/articles/new', {
      title: '',
      kind: 'best-practice',
      body: '',
      heroImageUrl: '/assets/x.png',
      heroImageAlt: '',
    });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /id="title-error"[^>]*>Enter a title\./);
    assert.match(empty.text, /id="body-error"[^>]*>Write the article text\./);
    assert.match(empty.text, /id="heroImageAlt-error"[^>]*>Describe what the hero image shows/);
    const badGuest = await writer.submit('/library/articles/new', '/library/articles/new', {
      title: 'T',
      kind: 'best-practice',
      body: 'B',
      guestName: 'Gale\u001b[2J',
      guestAgency: '',
    });
    assert.equal(badGuest.status, 400);
    assert.match(badGuest.text, /id="guestName-error"[^>]*>The guest author’s name can’t contain line breaks, tabs or other control characters/);

    const saved = await writer.submit('/library/articles/new', '/library/articles/new', {
      title: 'Quarterly listening reports that leaders read',
      kind: 'best-practice',
      summary: 'Turn social listening into a two-page report.',
      body: '## Why\n\nLeaders read short reports. Use a zeppelin-shaped chart sparingly.\n',
      topics: 'social-media',
      community: 'social-media',
      authors: '',
      guestName: 'Gale Guest',
      guestAgency: 'National Park Service',
    });
    assert.equal(saved.status, 200, saved.text.slice(0, 500));
    assert.match(saved.url, /\/library\/articles\/quarterly-listening-reports-that-leaders-read\?done=saved$/);
    assert.match(saved.text, /The draft is saved\./);
    assert.equal((await new WebClient(platform.url).get('/library/articles/quarterly-listening-reports-that-leaders-read')).status, 404, 'a draft is private');
    assert.doesNotMatch((await new WebClient(platform.url).get('/search?q=zeppelin')).text, /Quarterly listening/);

    const slug = '/library/articles/quarterly-listening-reports-that-leaders-read';
    const submitted = await writer.submit(slug, `${slug}/move`, { transition: 'submit' });
    assert.match(submitted.text, /Sent for review/);
    assert.doesNotMatch(submitted.text, /value="publish"/, 'a writer has no Publish button');
    const notAllowed = await writer.request('POST', `${slug}/move`, {
      _csrf: csrfToken((await writer.get('/library/articles/new')).text),
      transition: 'publish',
    });
    assert.equal(notAllowed.status, 409);
    assert.match(notAllowed.text, /Only a coordinator of the community/);

    const queue = await editor.get('/library/drafts');
    assert.match(queue.text, /Quarterly listening reports/);
    const published = await editor.submit(slug, `${slug}/move`, { transition: 'publish' });
    assert.match(published.text, /Published\. It is now in the library/);
    const pub = await new WebClient(platform.url).get(slug);
    assert.equal(pub.status, 200);
    assert.match(pub.text, /Content lead:<\/strong> <span>Wren Writer<\/span>/);
    assert.match(pub.text, /<a href="\/library\/authors\/gale-guest">Gale Guest<\/a><span> \(National Park Service\)<\/span>/);
    const steps = await platform.db.pool.query(
      `select s.from_status, s.to_status, s.actor from library_article_steps s join library_articles a on a.id = s.article_id where a.slug = $1 order by s.id`,
      ['quarterly-listening-reports-that-leaders-read'],
    );
    assert.deepEqual(
      steps.rows.map((r) => `${r.from_status ?? '-'}>${r.to_status} ${r.actor}`),
      ['->draft wren.writer@gsa.gov', 'draft>in-review wren.writer@gsa.gov', 'in-review>published cora.lead@hhs.gov'],
    );
    const audit = await platform.db.pool.query(`select action from audit_log where action like 'library.article.%' and actor = 'cora.lead@hhs.gov'`);
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['library.article.publish'],
    );
  });

  test('feeds: RSS 2.0, Atom and JSON Feed carry the new article with their required elements', async () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
    for (const base of ['/library/feed', '/communities/social-media/library/feed', '/topics/social-media/feed']) {
      const rssRes = await fetch(`${platform.url}${base}.rss`);
      assert.equal(rssRes.status, 200);
      assert.match(rssRes.headers.get('content-type')!, /application\/rss\+xml/);
      const rss = parser.parse(await rssRes.text());
      assert.equal(rss.rss['@version'], '2.0');
      const channel = rss.rss.channel;
      for (const el of ['title', 'link', 'description']) assert.ok(channel[el], `RSS channel has <${el}>`);
      const items = [channel.item].flat();
      const item = items.find((i: { title: string }) => i.title === 'Quarterly listening reports that leaders read');
      assert.ok(item, `${base}.rss has the article`);
      assert.equal(item.link, `${platform.url}/library/articles/quarterly-listening-reports-that-leaders-read`);
      assert.ok(item.guid && item.pubDate && item.description, 'RSS item has guid, pubDate, description');
      assert.ok(!Number.isNaN(Date.parse(item.pubDate)));

      const atomRes = await fetch(`${platform.url}${base}.atom`);
      assert.match(atomRes.headers.get('content-type')!, /application\/atom\+xml/);
      const atom = parser.parse(await atomRes.text()).feed;
      assert.equal(atom['@xmlns'], 'http://www.w3.org/2005/Atom');
      for (const el of ['id', 'title', 'updated']) assert.ok(atom[el], `Atom feed has <${el}>`);
      const entry = [atom.entry]
        .flat()
        .find(
          (e: { title: string | { '#text': string } }) =>
            (typeof e.title === 'string' ? e.title : e.title['#text']) === 'Quarterly listening reports that leaders read',
        );
      assert.ok(entry, `${base}.atom has the article`);
      for (const el of ['id', 'title', 'updated', 'link']) assert.ok(entry[el], `Atom entry has <${el}>`);
      assert.ok(!Number.isNaN(Date.parse(entry.updated)));
    }
    const json = (await (await fetch(`${platform.url}/library/feed.json`)).json()) as {
      version: string;
      title: string;
      items: Array<{ id: string; title: string; url: string; content_html: string }>;
    };
    assert.match(json.version, /^https:\/\/jsonfeed.org\/version\/1/);
    const item = json.items.find((i) => i.title === 'Quarterly listening reports that leaders read')!;
    assert.ok(item.id && item.url && /zeppelin/.test(item.content_html));
    assert.equal((await fetch(`${platform.url}/library/feed.txt`)).status, 404);
  });

  test('search finds it across sources, marks the words, and explains an empty query', async () => {
    const anon = new WebClient(platform.url);
    const res = await anon.get('/search?q=zeppelin');
    assert.match(res.text, /href="\/library\/articles\/quarterly-listening-reports-that-leaders-read"/);
    assert.match(res.text, /<mark>zeppelin<\/mark>/);
    const guide = await anon.get('/search?q=personas&source=guides');
    assert.match(guide.text, /href="\/library\/guides\/public-participation\/understand"/);
    const community = await anon.get('/search?q=%22social+media%22&source=communities');
    assert.match(community.text, /href="\/communities\/social-media"/);
    const empty = await anon.get('/search?q=+');
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Enter a word or phrase to search for\./);
    const xss = await anon.get('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.match(xss.text, /Nothing found for “&lt;script>alert\(1\)&lt;\/script>”/);
    assert.doesNotMatch(xss.text.replace(/value="[^"]*"/g, ''), /<script>alert/);
  });

  test('review reminder: once per review cycle, mailed to the content lead', async () => {
    const pool = platform.db.pool;
    await pool.query(`update library_articles set reviewed_at = '2025-01-01T00:00:00Z' where slug = 'quarterly-listening-reports-that-leaders-read'`);
    const opts = { months: 12, baseUrl: platform.url, siteName: 'SocialGov' };
    assert.equal(await sendReviewReminders(pool, platform.queue, { ...opts, now: new Date('2025-12-15T00:00:00Z') }), 0, 'not due before 12 months');
    assert.equal(await sendReviewReminders(pool, platform.queue, { ...opts, now: new Date('2026-01-02T00:00:00Z') }), 1);
    assert.equal(await sendReviewReminders(pool, platform.queue, { ...opts, now: new Date('2026-01-03T00:00:00Z') }), 0, 'once per cycle');
    const mail = await sink.next('wren.writer@gsa.gov', 20_000);
    assert.match(mail.subject, /Please review “Quarterly listening reports that leaders read”/);
    assert.match(mail.text, /last reviewed on January 1, 2025/);
    // Marking it reviewed starts a new cycle: nothing is due now.
    const page = await writer.get('/library/articles/quarterly-listening-reports-that-leaders-read');
    assert.match(page.text, /value="reviewed"/);
    const reviewed = await writer.request('POST', '/library/articles/quarterly-listening-reports-that-leaders-read/move', {
      _csrf: csrfToken(page.text),
      transition: 'reviewed',
    });
    assert.match(reviewed.text, /Marked as reviewed today/);
    assert.equal(await sendReviewReminders(pool, platform.queue, { ...opts, now: new Date() }), 0);
  });

  test('terms of service: a member records their agency’s adoption with the signed PDF; status changes are dated and attributed', async () => {
    const tool = await writer.get('/library/tools/amazon-appstore');
    assert.match(tool.text, /written as “07-2014”/);
    const action = /action="(\/library\/tools\/amazon-appstore\/agreements\/\d+\/adoptions)"/.exec(tool.text)![1]!;
    const post = async (client: WebClient, fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) => {
      const form = new FormData();
      form.set('_csrf', csrfToken((await client.get('/library/tools/amazon-appstore')).text));
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      if (file) form.set('document', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
      const res = await fetch(platform.url + action, {
        method: 'POST',
        body: form,
        redirect: 'manual',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    };
    assert.match(tool.text, /name="agency" type="text" value="General Services Administration"/, 'the form offers the agency of the member’s address');
    // The agency typed on the profile is not proof of anything: only the address's domain is.
    const other = await post(writer, {
      agency: 'Department of Defense',
      signedOn: '2024-03-15',
      contactName: 'Wren Writer',
      contactEmail: 'wren.writer@gsa.gov',
    });
    assert.equal(other.status, 400);
    assert.match(
      other.text,
      /id="agency-error"[^>]*>You can record adoptions for General Services Administration, the agency the \.gov registry lists for your address \(gsa\.gov\)\. Ask a coordinator to record another agency\./,
    );
    assert.match(other.text, /value="Department of Defense"/, 'the form keeps what was typed');
    assert.doesNotMatch((await new WebClient(platform.url).get('/library/tools/amazon-appstore')).text, /Department of Defense/);
    const badFile = await post(
      writer,
      { agency: 'General Services Administration', signedOn: '2031-01-01', contactName: 'Wren Writer', contactEmail: 'wren.writer@gsa.gov' },
      { name: 'notes.exe', type: 'application/octet-stream', bytes: Buffer.from('MZ') },
    );
    assert.equal(badFile.status, 400);
    assert.match(badFile.text, /id="signedOn-error"[^>]*>Enter a real date that is not in the future/);
    assert.match(badFile.text, /id="document-error"[^>]*>notes.exe is not a PDF or Word file/);
    const badContact = await post(writer, {
      agency: 'General Services Administration',
      signedOn: '2024-03-15',
      contactName: 'Wren \u202eretirW',
      contactEmail: 'wren.writer@gsa.gov',
    });
    assert.equal(badContact.status, 400);
    assert.match(badContact.text, /id="contactName-error"[^>]*>The point of contact’s name can’t contain characters that change the direction of the text/);
    const pdf = Buffer.from('%PDF-1.4\n% signed amendment\n');
    const ok = await post(
      writer,
      { agency: 'General Services Administration', signedOn: '2024-03-15', contactName: 'Wren Writer', contactEmail: 'wren.writer@gsa.gov' },
      { name: 'gsa-amazon-amendment.pdf', type: 'application/pdf', bytes: pdf },
    );
    assert.equal(ok.status, 303, ok.text.slice(0, 300));
    const page = await new WebClient(platform.url).get('/library/tools/amazon-appstore');
    assert.match(page.text, /<th scope="row">General Services Administration<\/th><td>March 15, 2024<\/td>/);
    const fileHref = /href="(\/library\/tools\/files\/\d+)"/.exec(page.text)![1]!;
    const download = await fetch(platform.url + fileHref);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.match(download.headers.get('content-disposition')!, /attachment; filename="gsa-amazon-amendment.pdf"/);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), pdf);
    const list = await new WebClient(platform.url).get('/library/tools');
    assert.match(list.text, /Agriculture \(USDA\)/);

    // A writer cannot change the status; a coordinator can, dated and attributed.
    const statusAction = action.replace(/adoptions$/, 'status');
    assert.equal((await writer.request('POST', statusAction, { _csrf: csrfToken(tool.text), status: 'closed' })).status, 403);
    const changed = await editor.submit('/library/tools/amazon-appstore', statusAction, {
      status: 'closed',
      changedOn: '2025-02-01',
      note: 'Vendor retired the store',
    });
    assert.match(changed.text, /The status is changed\./);
    assert.match(changed.text, /February 1, 2025: Closed \(tool shut down\), recorded by cora.lead@hhs.gov \(Vendor retired the store\)/);
    const audit = await platform.db.pool.query(`select actor from audit_log where action = 'library.adoption.record'`);
    assert.deepEqual(
      audit.rows.map((r) => r.actor),
      ['wren.writer@gsa.gov'],
    );

    // A coordinator adds a tool with its agreement document; a writer may not.
    const multipart = async (client: WebClient, url: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer }) => {
      const form = new FormData();
      form.set('_csrf', csrfToken((await client.get('/library/articles/new')).text));
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      if (file) form.set('document', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
      const res = await fetch(platform.url + url, {
        method: 'POST',
        body: form,
        redirect: 'manual',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      return { status: res.status, location: res.headers.get('location'), text: await res.text() };
    };
    assert.equal((await writer.get('/library/tools/new')).status, 403);
    const noName = await multipart(editor, '/library/tools/new', { name: '', vendorUrl: 'ftp://x', status: 'compatible' });
    assert.equal(noName.status, 400);
    assert.match(noName.text, /id="name-error"[^>]*>Enter the name of the tool\./);
    assert.match(noName.text, /id="vendorUrl-error"[^>]*>Enter the address starting with https:\/\//);
    const added = await multipart(
      editor,
      '/library/tools/new',
      {
        name: 'Civic Survey Kit',
        vendorUrl: 'https://survey.example.com',
        description: 'Surveys',
        category: 'Survey',
        status: 'compatible',
        date: '2025-06-01',
      },
      { name: 'civic-survey-tos.pdf', bytes: pdf },
    );
    assert.equal(added.status, 303, added.text.slice(0, 300));
    assert.equal(added.location, '/library/tools/civic-survey-kit?done=created');
    const civic = await new WebClient(platform.url).get('/library/tools/civic-survey-kit');
    assert.match(civic.text, /Category: Survey/);
    assert.match(civic.text, /The agreement \(PDF\) \(civic-survey-tos.pdf\)/);
    assert.match(civic.text, /June 1, 2025: Federal-compatible, recorded by a library editor \(Added\)/, 'visitors see the role');
    assert.match(
      (await editor.get('/library/tools/civic-survey-kit')).text,
      /June 1, 2025: Federal-compatible, recorded by cora.lead@hhs.gov \(Added\)/,
      'editors see who',
    );
    const dup = await multipart(editor, '/library/tools/new', { name: 'Civic Survey Kit', status: 'compatible' });
    assert.match(dup.text, /A tool already uses the address “civic-survey-kit”/);
    const edited = await multipart(editor, '/library/tools/amazon-appstore/edit', {
      name: 'Amazon Appstore',
      vendorUrl: 'https://developer.amazon.com/',
      description: 'Mobile app store',
      category: 'Mobile app store',
    });
    assert.equal(edited.status, 303);
    assert.match((await new WebClient(platform.url).get('/library/tools')).text, /<td data-label="Category">Mobile app store<\/td>/);

    // The same, public, as JSON.
    const api = (await (await fetch(`${platform.url}/api/v1/tools/amazon-appstore`)).json()) as {
      category: string;
      agreements: Array<{
        status: string;
        dateText: string;
        history: Array<{ status: string; changedBy: string }>;
        adoptions: Array<{ agency: string; signedOn: string; documentUrl: string }>;
      }>;
    };
    assert.equal(api.category, 'Mobile app store');
    assert.equal(api.agreements[0]!.status, 'closed');
    assert.equal(api.agreements[0]!.dateText, '07-2014');
    assert.deepEqual(
      api.agreements[0]!.history.map((h) => h.status),
      ['closed', 'compatible'],
    );
    // Who changed a status is told by role: an editor's address is for editors only.
    assert.deepEqual(
      api.agreements[0]!.history.map((h) => h.changedBy),
      ['a library editor', 'the operator'],
    );
    for (const [url, who] of [
      ['/api/v1/tools', 'the API'],
      ['/library/tools/amazon-appstore', 'the public page'],
      ['/api/v1/tools/civic-survey-kit', 'the API'],
    ] as const) {
      assert.doesNotMatch(await (await fetch(platform.url + url)).text(), /cora\.lead@hhs\.gov/, `${who}: ${url}`);
    }
    assert.match(
      (await writer.get('/library/tools/amazon-appstore')).text,
      /Closed \(tool shut down\), recorded by a library editor \(Vendor retired the store\)/,
      'a member who is not an editor',
    );
    assert.deepEqual(
      api.agreements[0]!.adoptions.map((d) => [d.agency, d.signedOn]),
      [['General Services Administration', '2024-03-15']],
    );
    assert.equal(api.agreements[0]!.adoptions[0]!.documentUrl, platform.url + fileHref);
    const all = (await (await fetch(`${platform.url}/api/v1/tools`)).json()) as { total: number };
    assert.equal(all.total, 3);
    const missing = await fetch(`${platform.url}/api/v1/tools/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');
    // Both answers match the OpenAPI document.
    const openapi = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(openapi, 'openapi');
    for (const [apiPath, body] of [
      ['/api/v1/tools/{slug}', api],
      ['/api/v1/tools', all],
    ] as const) {
      const validate = ajv.getSchema(`openapi#/paths/${apiPath.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`);
      assert.ok(validate, `no schema for ${apiPath}`);
      assert.ok(validate(body), `${apiPath}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  test('glossary: editors add terms, others read them; errors sit next to the fields', async () => {
    assert.equal((await new WebClient(platform.url).get('/library/guides/public-participation/glossary')).status, 404, 'no glossary yet');
    const intro = await editor.get('/library/guides/public-participation');
    assert.match(intro.text, /Add glossary terms to this guide/);
    const empty = await editor.submit('/library/guides/public-participation/glossary', '/library/guides/public-participation/glossary', {
      term: 'Persona',
      definition: '',
    });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /id="definition-error"[^>]*>Enter what the term means/);
    assert.match(empty.text, /value="Persona"/);
    const saved = await editor.submit('/library/guides/public-participation/glossary', '/library/guides/public-participation/glossary', {
      term: 'Persona',
      definition: 'A made-up person who stands for a group of participants.',
    });
    assert.match(saved.text, /The term is saved\./);
    const forbidden = await writer.request('POST', '/library/guides/public-participation/glossary', {
      _csrf: csrfToken((await writer.get('/library/articles/new')).text),
      term: 'X',
      definition: 'Y',
    });
    assert.equal(forbidden.status, 403);
    const read = await new WebClient(platform.url).get('/library/guides/public-participation/glossary');
    assert.match(read.text, /<dt class="text-bold">Persona<\/dt><dd class="margin-left-0 margin-bottom-2">A made-up person/);
    assert.doesNotMatch(read.text, /name="_csrf"/);
    assert.match((await new WebClient(platform.url).get('/library/guides/public-participation/print')).text, /id="glossary"/);
  });

  test('guides written on the site: introduction, sections in order, edits; only editors', async () => {
    assert.equal((await writer.get('/library/guides/new')).status, 403);
    const empty = await editor.submit('/library/guides/new', '/library/guides/new', { title: '', body: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /id="title-error"[^>]*>Enter a title\./);
    const started = await editor.submit('/library/guides/new', '/library/guides/new', {
      title: 'Cyber-vandalism toolkit',
      deck: 'Prepare, recover, respond',
      summary: 'Guidance for hijacked accounts.',
      body: 'Introduction text.',
      community: 'social-media',
    });
    assert.match(started.url, /\/library\/guides\/cyber-vandalism-toolkit$/);
    await editor.submit('/library/guides/cyber-vandalism-toolkit/sections/new', '/library/guides/cyber-vandalism-toolkit/sections/new', {
      title: 'Readiness',
      summary: 'Before an incident.',
      body: '### Checklist\n\n- Name a stakeholder team.',
    });
    const second = await editor.submit('/library/guides/cyber-vandalism-toolkit/sections/new', '/library/guides/cyber-vandalism-toolkit/sections/new', {
      title: 'Recovery',
      body: 'Regain control.',
    });
    assert.match(second.text, /part 2 of 2/);
    assert.match(second.text, /rel="prev"><span>Previous: Readiness<\/span>/);
    const dup = await editor.submit('/library/guides/cyber-vandalism-toolkit/sections/new', '/library/guides/cyber-vandalism-toolkit/sections/new', {
      title: 'Recovery',
      body: 'Again.',
    });
    assert.equal(dup.status, 400);
    assert.match(dup.text, /already has a section at “recovery”/);
    const edited = await editor.submit('/library/guides/cyber-vandalism-toolkit/readiness/edit', '/library/guides/cyber-vandalism-toolkit/readiness/edit', {
      title: 'Readiness: phase 1',
      summary: 'Before an incident.',
      body: 'Plan ahead.',
    });
    assert.match(edited.text, /<h1 class="margin-top-05">Readiness: phase 1<\/h1>/);
    assert.equal(
      (
        await writer.request('POST', '/library/guides/cyber-vandalism-toolkit/readiness/edit', {
          _csrf: csrfToken((await writer.get('/library/articles/new')).text),
          title: 'x',
          body: 'y',
        })
      ).status,
      403,
    );
    const search = await new WebClient(platform.url).get('/search?q=%22regain+control%22&source=guides');
    assert.match(search.text, /href="\/library\/guides\/cyber-vandalism-toolkit\/recovery"/);
  });

  test('working group: started by a coordinator, closed membership approved by a lead, shows its playbook', async () => {
    const created = await editor.submit('/communities/social-media/groups/new', '/communities/social-media/groups/new', {
      name: 'Public Participation Working Group',
      charter: 'We write and maintain the **U.S. Public Participation Playbook**.',
      status: 'active',
      joinPolicy: 'closed',
    });
    assert.match(created.url, /\/communities\/social-media\/groups\/public-participation-working-group\?done=created$/);
    const g = '/communities/social-media/groups/public-participation-working-group';
    const bad = await editor.submit(g, `${g}/deliverables`, { item: '/library/guides/no-such-guide' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /There is no guide at “no-such-guide” in the library/);
    await editor.submit(g, `${g}/deliverables`, { item: '/library/guides/public-participation' });
    const asked = await writer.submit(g, `${g}/join`, {});
    assert.match(asked.text, /Your request is with the group’s leads\./);
    assert.doesNotMatch(asked.text, /<li>Wren Writer, Department of Defense<\/li>/);
    const memberId = (await platform.db.pool.query(`select id from members where email = 'wren.writer@gsa.gov'`)).rows[0].id;
    assert.equal(
      (await writer.request('POST', `${g}/requests/${memberId}`, { _csrf: csrfToken((await writer.get('/library/articles/new')).text), decision: 'approve' }))
        .status,
      403,
    );
    const approved = await editor.submit(g, `${g}/requests/${memberId}`, { decision: 'approve' });
    assert.match(approved.text, /Approved/);
    const page = await new WebClient(platform.url).get(g);
    assert.match(page.text, /<h2>Leads<\/h2><ul class="usa-list"><li>Cora Lead, Health and Human Services<\/li>/);
    assert.match(page.text, /<li>Wren Writer, Department of Defense<\/li>/);
    assert.match(page.text, /<a href="\/library\/guides\/public-participation">U.S. public participation playbook<\/a>/);
    // Leads make a member a lead, and change the status; a completed group takes no one new.
    const made = await editor.submit(g, `${g}/leads/${memberId}`, {});
    assert.match(made.text, /They are now a lead\./);
    assert.match(made.text, /<h2>Leads<\/h2><ul class="usa-list"><li>Cora Lead, Health and Human Services<\/li><li>Wren Writer, Department of Defense<\/li>/);
    const badEdit = await writer.submit(`${g}/edit`, `${g}/edit`, { name: '', charter: 'x', status: 'active' });
    assert.equal(badEdit.status, 400);
    assert.match(badEdit.text, /id="name-error"[^>]*>Enter a name for the working group\./);
    const done = await writer.submit(`${g}/edit`, `${g}/edit`, {
      name: 'Public Participation Working Group',
      charter: 'Playbook published.',
      status: 'completed',
      joinPolicy: 'closed',
    });
    assert.match(done.text, /The working group is saved\./);
    assert.match(done.text, /<span class="usa-tag">Completed<\/span>/);
    assert.equal(
      (await editor.request('POST', `${g}/requests/not-a-number`, { _csrf: csrfToken((await editor.get(g)).text), decision: 'approve' })).status,
      409,
    );

    // An open group: a community member joins at once, and can leave.
    await editor.submit('/communities/social-media/groups/new', '/communities/social-media/groups/new', {
      name: 'Accessibility Working Group',
      charter: 'Accessible posts.',
      status: 'forming',
      joinPolicy: 'open',
    });
    const a11y = '/communities/social-media/groups/accessibility-working-group';
    const joined = await writer.submit(a11y, `${a11y}/join`, {});
    assert.match(joined.text, /You joined the working group\./);
    assert.match(joined.text, /<h2>Members \(1\)<\/h2>/);
    const left = await writer.submit(a11y, `${a11y}/leave`, {});
    assert.match(left.text, /You left the working group\./);
    assert.match(left.text, /<h2>Members \(0\)<\/h2>/);
    const list = await new WebClient(platform.url).get('/communities/social-media/groups');
    assert.match(list.text, /Public Participation Working Group/);
    assert.match(list.text, /Accessibility Working Group/);

    const guide = await new WebClient(platform.url).get('/library/guides/public-participation');
    assert.match(
      guide.text,
      /Produced by <a href="\/communities\/social-media\/groups\/public-participation-working-group">Public Participation Working Group<\/a>/,
    );
  });
});

describe('library import of the real digital.gov library', { skip: NO_SERVER || (HAS_SHARED ? false : 'needs ../shared (real data); present in CI') }, () => {
  test('news, resources, the playbook, topics, authors and the terms-of-service lists', async () => {
    const database = await testDatabaseEnv();
    try {
      const dg = path.join(SHARED, 'data/digitalgov');
      const r = await runCli(
        [
          'library',
          'import',
          '--skip-invalid',
          ...[
            'content/news',
            'content/resources',
            'content/guides',
            'content/topics',
            'content/authors',
            'data/termsofservice.yml',
            'data/termsofservicepoc.yml',
          ].map((p) => path.join(dg, p)),
        ],
        database.env,
      );
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.match(r.stdout, /articles 5\d\d new/);
      assert.match(r.stdout, /guides 1 new/);
      assert.match(r.stdout, /tools 9\d new/);
      assert.match(r.stderr, /topics\/podcast\/_index.md:\d+: error: the front matter is not valid YAML/);
      assert.match(r.stderr, /left out \(--skip-invalid\)/);
    } finally {
      await database.cleanup();
    }
  });
});
