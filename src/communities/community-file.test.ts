import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mergeCommunityPages, parseCommunityFile, serializeCommunityFile, type CommunityPage } from './community-file.ts';
import { SEED_FILE } from './seed.ts';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');
const NO_SHARED = existsSync(path.join(SHARED, 'seeds')) ? false : 'needs ../shared (real data); present in CI';

function parsed(source: string, fallback?: string): CommunityPage {
  const r = parseCommunityFile(source, fallback);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.page;
}

function seedSource(): string {
  const dir = path.join(SHARED, 'seeds');
  const file = readdirSync(dir).find((f) => f.startsWith('002_'))!;
  return readFileSync(path.join(dir, file), 'utf8');
}

test('the digital.gov seed page (shared/seeds/002) parses with every field', { skip: NO_SHARED }, () => {
  const r = parseCommunityFile(seedSource());
  assert.ok(r.ok);
  const p = r.page;
  assert.equal(p.slug, 'social-media');
  assert.equal(p.title, 'Social Media');
  assert.equal(p.summary, 'Improve social media outreach and performance.');
  assert.deepEqual(p.authors, ['laura-larrimore', 'catie-miller']);
  assert.deepEqual(p.topics, ['social-media']);
  assert.deepEqual(p.eventCop, ['social-media']);
  assert.equal(p.weight, 1);
  assert.equal(p.highlight, true);
  assert.equal(p.shortName, 'Social Media');
  assert.equal(p.acronym, 'SM');
  assert.equal(p.logo, 'communities-social-media.svg');
  assert.equal(p.kicker, 'Join the Social Media Community');
  assert.equal(p.primaryImage, 'white-bg-digital-gov-card-community');
  assert.equal(p.publishedAt?.toISOString(), '2019-12-13T00:00:00.000Z');
  assert.equal(p.channels.length, 1);
  const ch = p.channels[0]!;
  assert.equal(ch.platform, 'listserv');
  assert.equal(ch.audience, 'government');
  assert.equal(ch.subscribeEmail, 'sm-cop-request@listserv.gsa.gov');
  assert.equal(ch.subscribeSubject, 'Join the Social Media Community');
  assert.equal(ch.terms, 'Government employees and contractors with an official .gov or .mil email are eligible to join.');
  assert.equal(ch.reportedMembersText, '1,462');
  assert.equal(ch.reportedMembers, 1462);
  assert.equal(ch.joinButton, 'Social Media community members');
  assert.match(p.body, /^The Social Media Community of Practice \(CoP\) was launched in June 2012/);
  assert.match(p.body, /## What We Do[\s\S]*## Who We Are[\s\S]*## Related Resources/);
  // The page's "â€“" is UTF-8 read as Windows-1252: reported, with its line, not silently kept.
  const bad = r.warnings.find((w) => w.field === 'body' && /wrong encoding/.test(w.message));
  assert.ok(bad, JSON.stringify(r.warnings));
  assert.match(seedSource().split('\n')[bad.line - 1]!, /â€/);
});

test('export writes the same format back: the seed round-trips', { skip: NO_SHARED }, () => {
  const first = parsed(seedSource());
  const text = serializeCommunityFile(first);
  assert.deepEqual(parsed(text), first);
  assert.equal(serializeCommunityFile(parsed(text)), text, 'a second round trip changes nothing');
});

test('the built-in seed carries the seed page fields and the 2012/2015 pages’ programs', { skip: NO_SHARED }, () => {
  const ours = parsed(readFileSync(SEED_FILE, 'utf8'));
  const theirs = parsed(seedSource());
  for (const key of ['slug', 'title', 'summary', 'authors', 'topics', 'eventCop', 'weight', 'highlight', 'shortName', 'acronym', 'logo', 'kicker'] as const) {
    assert.deepEqual(ours[key], theirs[key], key);
  }
  const { subscribeBody: _b, ...ourChannel } = ours.channels[0]!;
  assert.deepEqual(ourChannel, theirs.channels[0]);
  for (const phrase of [
    'weekly online office hours',
    'SocialGov Summits',
    'federal-compatible terms of service',
    'speakers bureau',
    'Cyber-Vandalism Toolkit',
  ]) {
    assert.ok(ours.body.includes(phrase), phrase);
  }
  assert.doesNotMatch(ours.body, /â€/);
});

test('every digital.gov community page either imports or is refused with its line', { skip: NO_SHARED }, () => {
  const dir = path.join(SHARED, 'data/digitalgov/content/communities');
  const files = readdirSync(dir).filter((f) => f.endsWith('.md'));
  assert.ok(files.length >= 40);
  let ok = 0;
  for (const f of files) {
    const source = readFileSync(path.join(dir, f), 'utf8');
    const r = parseCommunityFile(source, f.replace(/\.md$/, ''));
    if (r.ok) {
      ok++;
      assert.deepEqual(parsed(serializeCommunityFile(r.page)), r.page, `${f} round-trips`);
      continue;
    }
    // Only the section index (_index.md) is not a community page.
    assert.equal(f, '_index.md', JSON.stringify(r.errors));
    assert.equal(r.errors[0]!.field, 'slug');
  }
  assert.equal(ok, files.length - 1);
  const vr = parseCommunityFile(readFileSync(path.join(dir, 'virtual-and-augmented-reality.md'), 'utf8'));
  assert.ok(vr.ok);
  assert.equal(vr.page.channels[0]!.audience, 'government_only');
  assert.ok(vr.warnings.some((w) => w.field === 'community_list[1].type' && /"government only" read as "government_only"/.test(w.message)));
  const sm = parsed(readFileSync(path.join(dir, 'social-media.md'), 'utf8'));
  assert.equal(sm.channels[0]!.reportedMembers, 1979);
  assert.deepEqual(sm.eventCop, ['social-media'], 'a single event_cop value becomes a list');
});

test('as imported from digital.gov, no page keeps a shortcode or a character reference', { skip: NO_SHARED }, () => {
  const dir = path.join(SHARED, 'data/digitalgov/content/communities');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.md') && n !== '_index.md')) {
    const r = parseCommunityFile(readFileSync(path.join(dir, f), 'utf8'), f.replace(/\.md$/, ''), { digitalGov: true });
    assert.ok(r.ok, f);
    assert.doesNotMatch(r.page.body, /\{\{[<%]|[>%]\}\}/, f);
    for (const v of [r.page.title, r.page.summary, r.page.deck, r.page.kicker, r.page.shortName]) assert.doesNotMatch(v ?? '', /&(#\d+|[a-z]+);/i, f);
  }
  const sm = parseCommunityFile(readFileSync(path.join(dir, 'social-media.md'), 'utf8'), undefined, { digitalGov: true });
  assert.ok(sm.ok);
  assert.match(sm.page.body, /\*\*Featured topic:\*\* \[social media\]\(https:\/\/digital\.gov\/topics\/social-media\/\)\n$/);
  const ab = parseCommunityFile(readFileSync(path.join(dir, 'a-b-testing.md'), 'utf8'), undefined, { digitalGov: true });
  assert.ok(ab.ok && !/&#|&[a-z]+;/.test(JSON.stringify([ab.page.title, ab.page.summary, ab.page.deck])));
});

test('the page editor keeps what a coordinator typed: no decoding, no shortcode conversion', () => {
  const typed = GOOD.replace('"Test CoP"', '"Tips &amp; tricks"').replace('Body', 'Write {{< this >}} literally');
  const r = parseCommunityFile(typed);
  assert.ok(r.ok);
  assert.equal(r.page.title, 'Tips &amp; tricks');
  assert.match(r.page.body, /\{\{< this >\}\}/);
});

const GOOD = `---
slug: test-cop
title: "Test CoP"
weight: 1
community_list:
  - platform: listserv
    type: public
    subscribe_email: "join@lists.example.gov"
---
Body
`;

test('a minimal page parses; hour without a leading zero is accepted', () => {
  const p = parsed(GOOD.replace('weight: 1', 'weight: 1\ndate: 2018-03-29 3:30:00 -0500'));
  assert.equal(p.slug, 'test-cop');
  assert.equal(p.body, 'Body\n');
  assert.equal(p.publishedAt?.toISOString(), '2018-03-29T08:30:00.000Z');
  assert.equal(p.highlight, false);
});

test('bad files are refused with the field and the line', () => {
  const cases: Array<[string, number, string, RegExp]> = [
    [
      GOOD.replace('platform: listserv', 'platform: myspace'),
      6,
      'community_list[1].platform',
      /"myspace" is not a known platform; use one of listserv, google-group, slack/,
    ],
    [
      GOOD.replace('type: public', 'type: everyone'),
      7,
      'community_list[1].type',
      /"everyone" is not a known type; use one of government, government_only, public/,
    ],
    [GOOD.replace('weight: 1', 'weight: 5'), 4, 'weight', /must be 0 \(hidden\), 1 \(visible\) or 2 \(featured\)/],
    [GOOD.replace('slug: test-cop', 'slug: Test CoP'), 2, 'slug', /must be lower-case letters/],
    [GOOD.replace('title: "Test CoP"\n', ''), 2, 'title', /is required/],
    [GOOD.replace('"join@lists.example.gov"', '"join at lists"'), 8, 'community_list[1].subscribe_email', /is not an e-mail address/],
    [GOOD.replace('weight: 1', 'weight: 1\ndate: last tuesday'), 5, 'date', /is not a date/],
    [GOOD.replace('weight: 1', 'weight: [1'), 5, 'front matter', /must be sufficiently indented and end with a \]/],
    [GOOD.replace('weight: 1', 'weight: 1\nweight: 2'), 5, 'front matter', /[Mm]ap keys must be unique/],
    [GOOD.replace('weight: 1', 'dg_highlight: sometimes'), 4, 'dg_highlight', /must be true or false/],
  ];
  for (const [source, line, field, message] of cases) {
    const r = parseCommunityFile(source);
    assert.equal(r.ok, false, source);
    if (r.ok) continue;
    const e = r.errors[0]!;
    assert.equal(e.field, field, source);
    assert.equal(e.line, line, `${field}: ${JSON.stringify(r.errors)}`);
    assert.match(e.message, message);
  }
});

test('a digital.gov page with a field written twice imports with a warning, the last one used, as Hugo does', () => {
  const r = parseCommunityFile(GOOD.replace('weight: 1', 'weight: 1\nweight: 2'), undefined, { digitalGov: true });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.page.weight, 2);
  assert.deepEqual(
    r.warnings.map((w) => `${w.line} ${w.field} ${w.message}`),
    ['5 weight appears twice (first on line 4); the last one is used'],
  );
});

test('a file without front matter, or without its closing line, says so', () => {
  const none = parseCommunityFile('# Just markdown\n');
  assert.ok(!none.ok && /must start with a line "---"/.test(none.errors[0]!.message));
  const open = parseCommunityFile('---\nslug: x\ntitle: y\n');
  assert.ok(!open.ok && /no closing "---"/.test(open.errors[0]!.message));
});

test('unknown fields are kept and written back', () => {
  const p = parsed(GOOD.replace('weight: 1', 'weight: 1\nexpirydate: 2021-12-10\nprimary_image: card'));
  assert.deepEqual(p.extra, { expirydate: '2021-12-10' });
  assert.deepEqual(parsed(serializeCommunityFile(p)), p);
});

test('digital.gov’s Social Media page imported over the built-in seed keeps what the seed has: history, sections, fields', { skip: NO_SHARED }, () => {
  const seed = parseCommunityFile(readFileSync(SEED_FILE, 'utf8'), undefined, { digitalGov: true });
  const dg = parseCommunityFile(readFileSync(path.join(SHARED, 'data/digitalgov/content/communities/social-media.md'), 'utf8'), undefined, {
    digitalGov: true,
  });
  assert.ok(seed.ok && dg.ok);
  const { page, kept } = mergeCommunityPages(seed.page, dg.page);
  assert.match(page.body, /^Government professionals from all levels come together/, 'the file’s introduction comes first');
  assert.match(page.body, /launched in June 2012/, 'the history paragraph is kept');
  for (const h of ['What We Do', 'Who We Are', 'Who Can Join', 'Related Resources']) assert.match(page.body, new RegExp(`^## ${h}$`, 'm'), h);
  assert.deepEqual(kept.sections, ['What We Do', 'Who We Are', 'Who Can Join', 'Related Resources']);
  assert.equal(kept.paragraphs, 1);
  assert.equal(page.title, 'Join the Social Media', 'the file’s heading wins');
  assert.equal(page.shortName, 'Social Media', 'and the name stays the name');
  assert.equal(page.channels.length, 1);
  assert.equal(page.channels[0]!.reportedMembersText, '1,979', 'the file’s figure wins');
  assert.equal(page.channels[0]!.subscribeBody, 'Please include your name and job title.', 'a channel field only the seed has is kept');
  assert.ok(kept.fields.includes('subscribe_email_body'));
  assert.doesNotMatch(page.body, /\{\{/);
  // The merged page is a valid page, and merging it again changes nothing.
  const again = parseCommunityFile(serializeCommunityFile(page));
  assert.ok(again.ok);
  assert.deepEqual(mergeCommunityPages(page, page).page.body, page.body);
});

test('merging: the file’s version of a section replaces the current one; sections only the file has are added', () => {
  const base = (body: string) => parsed(GOOD.replace('Body', body));
  const { page, kept } = mergeCommunityPages(
    base('Intro.\n\n## Who we are\n\nOld people.\n\n## History\n\nSince 2012.'),
    base('Intro.\n\n## Who We Are\n\nNew people.\n\n## Join\n\nSign up.'),
  );
  assert.equal(page.body, 'Intro.\n\n## Who We Are\n\nNew people.\n\n## History\n\nSince 2012.\n\n## Join\n\nSign up.\n');
  assert.deepEqual(kept.sections, ['History']);
  assert.equal(kept.paragraphs, 0);
});
