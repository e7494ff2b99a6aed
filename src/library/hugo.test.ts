import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertShortcodes, parseLooseDate, slugFrom, splitFrontMatter } from './hugo.ts';

test('dates as digital.gov editors typed them', () => {
  const iso = (v: unknown) => {
    const d = parseLooseDate(v);
    return d.kind === 'instant' || d.kind === 'month' ? `${d.kind} ${d.at.toISOString()}` : d.kind;
  };
  assert.equal(iso('2014-06-09 2:32:35 -0400'), 'instant 2014-06-09T06:32:35.000Z');
  assert.equal(iso('2013-10-18'), 'instant 2013-10-18T00:00:00.000Z');
  assert.equal(iso('05-23-2018'), 'instant 2018-05-23T00:00:00.000Z');
  assert.equal(iso('07-2014'), 'month 2014-07-01T00:00:00.000Z');
  assert.equal(iso(''), 'none');
  assert.equal(iso(null), 'none');
  assert.equal(iso('13-45-2018'), 'invalid');
  assert.equal(iso('sometime in 2014'), 'invalid');
  assert.equal(iso('2019-02-30'), 'invalid');
});

test('front matter: fields, body and its first line; errors name the line', () => {
  const ok = splitFrontMatter('---\ntitle: "Hello"\ntopics:\n  - social-media\n---\n\nBody text\n');
  assert.ok(ok.ok);
  if (ok.ok) {
    assert.deepEqual(ok.file.data, { title: 'Hello', topics: ['social-media'] });
    assert.equal(ok.file.body.trim(), 'Body text');
    assert.equal(ok.file.bodyLine, 6);
  }
  const bad = splitFrontMatter('---\ntitle: ok\nsummary: "not closed\n\nnext: x\n---\nbody');
  assert.ok(!bad.ok);
  if (!bad.ok) {
    assert.ok(bad.problem.line >= 3, `line ${bad.problem.line}`);
    assert.match(bad.problem.message, /not valid YAML/);
  }
  const none = splitFrontMatter('just text');
  assert.ok(!none.ok && none.problem.line === 1);
  const open = splitFrontMatter('---\ntitle: x\n');
  assert.ok(!open.ok && /closing/.test(open.problem.message));
});

test('front matter: a repeated field and blank lines before --- are warnings, not errors', () => {
  const r = splitFrontMatter('\n\n---\ntitle: a\nexpirydate: 2025-01-01\nexpirydate: 2026-01-01\n---\nbody');
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.file.data.expirydate, '2026-01-01');
    assert.deepEqual(r.warnings.map((w) => w.line), [1, 6]);
  }
});

test('shortcodes become Markdown; unknown ones are removed with a warning and a line', () => {
  const { body, warnings } = convertShortcodes(
    'See [the toolkit]({{< ref "/resources/cyber-toolkit.md" >}}).\n' +
      '{{< legacy-img src="2014/06/cia.jpg" alt="Verified CIA page" >}}\n' +
      '{{< button href="https://example.gov/x.pdf" text="View the memo (PDF)" >}}\n' +
      '{{< box >}}Inside{{< /box >}}\n' +
      '{{< mystery foo="bar" >}}\n',
    10,
  );
  assert.match(body, /\[the toolkit\]\(https:\/\/digital\.gov\/resources\/cyber-toolkit\/\)/);
  assert.match(body, /!\[Verified CIA page\]\(https:\/\/s3\.amazonaws\.com\/digitalgov\/2014\/06\/cia\.jpg\)/);
  assert.match(body, /\[View the memo \(PDF\)\]\(https:\/\/example\.gov\/x\.pdf\)/);
  assert.match(body, /^Inside$/m);
  assert.doesNotMatch(body, /\{\{/);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.line, 14);
  assert.match(warnings[0]!.message, /mystery/);
});

test('slugs from the slug field or the file name without its date', () => {
  assert.equal(slugFrom({ slug: 'Hello World' }, 'x.md'), 'hello-world');
  assert.equal(slugFrom({}, '2023-03-06-a-happy-compromise.md'), 'a-happy-compromise');
});
