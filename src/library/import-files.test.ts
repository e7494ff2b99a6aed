import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { HAS_SHARED, NO_SHARED, SHARED } from '../../test/helpers.ts';
import { planImport } from './import-files.ts';

const DG = path.join(SHARED, 'data/digitalgov');

describe('digital.gov files (real data)', { skip: NO_SHARED }, () => {
  test('the terms-of-service list: statuses, types, free-text dates kept with a warning', () => {
    if (!HAS_SHARED) return;
    const plan = planImport([path.join(DG, 'data/termsofservice.yml'), path.join(DG, 'data/termsofservicepoc.yml')]);
    assert.deepEqual(plan.errors, []);
    assert.ok(plan.tools.length > 80, `${plan.tools.length} tools`);
    const amazon = plan.tools.find((t) => t.name === 'Amazon Appstore')!;
    assert.equal(amazon.status, 'compatible', 'a blank status means compatible');
    assert.equal(amazon.docType, 'pdf');
    assert.equal(amazon.dateText, '07-2014');
    assert.equal(amazon.date!.toISOString().slice(0, 10), '2014-07-01');
    assert.match(amazon.documentUrl!, /^https:\/\/.*2014\/07\/amazon-appstore/);
    assert.equal(plan.tools.find((t) => t.name === 'AddThis')!.status, 'inactive');
    const dated = plan.tools.find((t) => t.dateText === undefined && t.date?.toISOString().startsWith('2018-05-23'));
    assert.ok(dated, '05-23-2018 is read as month-day-year');
    assert.ok(plan.warnings.some((w) => /termsofservice\.yml:\d+: warning: .*07-2014/.test(w)));
    assert.ok(plan.contacts.some((c) => c.kind === 'cabinet' && c.agency === 'Agriculture (USDA)'));
    assert.ok(plan.contacts.some((c) => c.kind === 'non-cabinet'));
  });

  test('the Public Participation Playbook: introduction and its five parts in play order', () => {
    const plan = planImport([path.join(DG, 'content/guides/public-participation')]);
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.guides.length, 1);
    const g = plan.guides[0]!;
    assert.equal(g.title, 'U.S. public participation playbook');
    assert.deepEqual(
      g.sections.map((s) => s.slug),
      ['establish-goals', 'understand', 'design-participation', 'facilitate-participation', 'evaluate-report'],
    );
  });

  test('news articles: authors, topics, dates, shortcodes converted', () => {
    const plan = planImport([path.join(DG, 'content/news/2014/06')]);
    assert.deepEqual(plan.errors, []);
    const fb = plan.articles.find((a) => a.slug === 'facebook-increases-public-service-verification-to-improve-citizen-engagement-2')!;
    assert.equal(fb.kind, 'news');
    assert.deepEqual(fb.authors, ['jherman']);
    assert.ok(fb.topics.includes('social-media'));
    assert.equal(fb.publishedAt!.toISOString(), '2014-06-09T06:32:35.000Z');
    assert.doesNotMatch(fb.body, /\{\{</);
    assert.match(fb.body, /!\[Screen capture of search results/);
  });
});

describe('import errors name the file and line, and say how to fix them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sg-lib-import-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('bad front matter, a bad date, a missing title, a bad status', () => {
    mkdirSync(path.join(dir, 'news'), { recursive: true });
    writeFileSync(path.join(dir, 'news', 'a.md'), '---\ntitle: Fine\ndate: someday\n---\nbody\n');
    writeFileSync(path.join(dir, 'news', 'b.md'), '---\nsummary: no title\n---\nbody\n');
    writeFileSync(path.join(dir, 'news', 'c.md'), '---\ntitle: "open\n\nx: y\n---\n');
    writeFileSync(
      path.join(dir, 'tos.yml'),
      'termsofservice:\n  - name: Good\n    status:\n  - name: Weird\n    status: maybe\n  - name: Undated\n    updated: sometime\n',
    );
    const plan = planImport([dir]);
    const f = (name: string) => path.join(dir, name);
    assert.ok(
      plan.errors.includes(`${f('news/a.md')}:3: error: date "someday" is not a date; write it as YYYY-MM-DD (for example 2014-06-09).`),
      plan.errors.join('\n'),
    );
    assert.ok(plan.errors.some((e) => e.startsWith(`${f('news/b.md')}:1: error: the page has no title`)));
    assert.ok(plan.errors.some((e) => e.startsWith(`${f('news/c.md')}:`) && /not valid YAML/.test(e)));
    assert.ok(
      plan.errors.some((e) => e.startsWith(`${f('tos.yml')}:4: error: "Weird" has status "maybe"`)),
      plan.errors.join('\n'),
    );
    assert.deepEqual(
      plan.tools.map((t) => [t.name, t.status, t.dateText ?? null]),
      [
        ['Good', 'compatible', null],
        ['Undated', 'compatible', 'sometime'],
      ],
    );
    assert.ok(plan.warnings.some((w) => w.startsWith(`${f('tos.yml')}:6: warning: "Undated" has the date "sometime"`)));
  });

  test('an author whose name has a control character or a bidi override is an error', () => {
    for (const [slug, name] of [
      ['eve', 'Eve\\e[2JEvil'],
      ['mallory', 'Mallory \\u202eyrollaM'],
    ] as const) {
      mkdirSync(path.join(dir, 'authors', slug), { recursive: true });
      writeFileSync(path.join(dir, 'authors', slug, '_index.md'), `---\ndisplay_name: "${name}"\n---\nBio\n`);
    }
    const plan = planImport([path.join(dir, 'authors')]);
    assert.deepEqual(plan.authors, []);
    assert.ok(
      plan.errors.some((e) =>
        e.startsWith(`${path.join(dir, 'authors/eve/_index.md')}:2: error: The author’s name can’t contain line breaks, tabs or other control characters`),
      ),
      plan.errors.join('\n'),
    );
    assert.ok(
      plan.errors.some((e) =>
        e.startsWith(`${path.join(dir, 'authors/mallory/_index.md')}:2: error: The author’s name can’t contain characters that change the direction`),
      ),
      plan.errors.join('\n'),
    );
  });

  test('a YAML alias bomb (billion laughs) is an error at its line, not a crash or a flood of memory', () => {
    // Each line holds nine of the one before: *h alone would be 9^8 (43 million) strings.
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');
    mkdirSync(path.join(dir, 'bombs', 'news'), { recursive: true });
    writeFileSync(path.join(dir, 'bombs', 'news', 'page.md'), `---\ntitle: Laughs\ndate: 2024-01-01\n${bomb}\n---\nbody\n`);
    writeFileSync(path.join(dir, 'bombs', 'tos.yml'), `${bomb}\ntermsofservice:\n  - name: Laughs\n    description: *h\n`);
    const plan = planImport([path.join(dir, 'bombs')]);
    const f = (name: string) => path.join(dir, 'bombs', name);
    assert.deepEqual(
      plan.errors.sort(),
      [
        `${f('news/page.md')}:5: error: the front matter uses its aliases (*name) too often to read safely (more than 100 times); write the values out instead.`,
        `${f('tos.yml')}:2: error: the file uses its aliases (*name) too often to read safely (more than 100 times); write the values out instead.`,
      ].sort(),
      plan.errors.join('\n'),
    );
    assert.deepEqual(plan.tools, []);
    // A few aliases, as people use them to repeat a value, are fine.
    writeFileSync(path.join(dir, 'bombs', 'tos.yml'), 'termsofservice:\n  - name: &n Repeated\n    description: *n\n');
    rmSync(path.join(dir, 'bombs', 'news'), { recursive: true });
    const fine = planImport([path.join(dir, 'bombs')]);
    assert.deepEqual(fine.errors, []);
    assert.equal(fine.tools[0]!.description, 'Repeated');
  });

  test('a missing path is an error', () => {
    const plan = planImport([path.join(dir, 'nope')]);
    assert.match(plan.errors[0]!, /nope: error: no such file or folder/);
  });
});
