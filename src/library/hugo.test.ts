import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HAS_SHARED, NO_SHARED, SHARED } from '../../test/helpers.ts';
import { convertShortcodes, decodeEntities, parseLooseDate, slugFrom, splitFrontMatter, text } from './hugo.ts';

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
    assert.deepEqual(
      r.warnings.map((w) => w.line),
      [1, 6],
    );
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

test('the shortcodes digital.gov pages use become links, quotes and headings, never raw text', () => {
  const { body, warnings } = convertShortcodes(
    [
      '{{< featured-resource link="topics/social-media" kicker="Featured topic" >}}',
      '{{< asset-static file="engaging-employees-cx.pptx" label="View the slides (PowerPoint presentation, 3.06 MB, 27 pages)" >}}',
      '{{< card-policy src="https://www.congress.gov/111/plaws/publ274/PLAW-111publ274.pdf" kicker="Law" title="Plain Writing Act of 2010 (P.L. 111-274)" >}}{{< /card-policy >}}',
      '{{< quote-block text="Products are not innocent." cite="Alain Dujardin" >}}',
      '{{< fb-video "https://www.facebook.com/abmcpage/videos/1573462782672427" >}}',
      '{{< ring title="Related policy">}}Text{{< /ring >}}',
      '{{< accordion kicker="Slide by Slide" title="Transcript" icon="content_copy" >}}Words{{< /accordion >}}',
      '{{< note variant="action" >}}Act{{< /note >}} {{<note>}}x{{</note>}} {{% note %}}y{{% /note %}}',
      '{{< termsofservice-compatible >}}',
      '{{< button href=http://www.archives.gov/about/laws/egov-act-section-207.html"" text="View E-Gov Act of 2002" >}}',
    ].join('\n\n'),
  );
  assert.match(body, /\*\*Featured topic:\*\* \[social media\]\(https:\/\/digital\.gov\/topics\/social-media\/\)/);
  assert.match(
    body,
    /\[View the slides \(PowerPoint presentation, 3\.06 MB, 27 pages\)\]\(https:\/\/s3\.amazonaws\.com\/digitalgov\/static\/engaging-employees-cx\.pptx\)/,
  );
  assert.match(body, /\[Law: Plain Writing Act of 2010 \(P\.L\. 111-274\)\]\(https:\/\/www\.congress\.gov\/111\/plaws\/publ274\/PLAW-111publ274\.pdf\)/);
  assert.match(body, /^> Products are not innocent\.\n>\n> — Alain Dujardin$/m);
  assert.match(body, /\[Watch the video on Facebook\]\(https:\/\/www\.facebook\.com\/abmcpage\/videos\/1573462782672427\)/);
  assert.match(body, /^\*\*Related policy\*\*$/m);
  assert.match(body, /^### Transcript$/m);
  assert.match(body, /\[See the agreements and points of contact on the shared tools page\]\(\/library\/tools\)/);
  assert.match(body, /\[View E-Gov Act of 2002\]\(http:\/\/www\.archives\.gov\/about\/laws\/egov-act-section-207\.html\)/);
  assert.match(body, /Act x y/);
  assert.doesNotMatch(body, /\{\{|\}\}/);
  assert.deepEqual(warnings, []);
  const odd = convertShortcodes('a {{< Weird >}} b {{< unclosed');
  assert.doesNotMatch(odd.body, /\{\{/);
  assert.equal(odd.warnings.length, 2);
});

test('legacy layout: indented HTML tables and shortcode lines do not become code blocks; indented prose shows its quotes', () => {
  const { body } = convertShortcodes(
    [
      '<table>',
      '  <tr>',
      '    <td>',
      '      The number of people who &#8216;like&#8217; your page.',
      '    </td>',
      '  </tr>',
      '</table>',
      '',
      '  {{< row >}}',
      '    {{< do-row >}} open &#34;the door&#34; {{< /do-row >}}',
      '  {{< /row >}}',
      '',
      '1. Item',
      '',
      '    Continued: fans&#8217; time, &lt;b&gt; stays.',
      '',
      '```',
      '    &#8217; in a fence stays',
      '```',
    ].join('\n'),
  );
  assert.match(body, /^The number of people who &#8216;like&#8217; your page\.$/m, 'not indented: Markdown reads the references');
  assert.match(body, /^ open &#34;the door&#34; $/m);
  assert.match(body, /^ {4}Continued: fans’ time, &lt;b&gt; stays\.$/m);
  assert.match(body, /^ {4}&#8217; in a fence stays$/m);
});

test('character references in front matter text are decoded once; text that only looks like one is kept', () => {
  assert.equal(text('Plain language &#8211; tips &amp; tricks'), 'Plain language – tips & tricks');
  assert.equal(text('Don&rsquo;t &mdash; ever'), 'Don’t — ever');
  assert.equal(decodeEntities('A &amp;#8217; B'), 'A &#8217; B', 'decoded once, not twice');
  assert.equal(text('AT&T, ?a=1&para=2'), 'AT&T, ?a=1&para=2');
});

/** Every Markdown page of the digital.gov snapshot, for the whole-corpus checks. */
function corpusPages(): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const p = path.join(d, n);
      return statSync(p).isDirectory() ? walk(p) : /\.md$/.test(n) ? [p] : [];
    });
  return walk(path.join(SHARED, 'data/digitalgov/content'));
}

test('the whole digital.gov snapshot: no shortcode survives conversion, and no front matter text keeps a character reference', { skip: NO_SHARED }, () => {
  if (!HAS_SHARED) return;
  const pages = corpusPages();
  assert.ok(pages.length > 1000, `${pages.length} pages`);
  const unknown = new Set<string>();
  let withShortcodes = 0;
  for (const file of pages) {
    const parsed = splitFrontMatter(readFileSync(file, 'utf8'));
    if (!parsed.ok) continue;
    if (/\{\{[<%]/.test(parsed.file.body)) withShortcodes++;
    const { body, warnings } = convertShortcodes(parsed.file.body, parsed.file.bodyLine);
    assert.doesNotMatch(body, /\{\{[<%]|[>%]\}\}/, file);
    for (const w of warnings) {
      const name = /shortcode "([^"]+)"/.exec(w.message)?.[1];
      if (name) unknown.add(name);
    }
    for (const field of ['title', 'summary', 'deck', 'kicker', 'display_name']) {
      const v = text(parsed.file.data[field]);
      if (v) assert.doesNotMatch(v, /&(#\d+|#x[0-9a-f]+|[a-z]+);/i, `${file}: ${field}`);
    }
  }
  assert.ok(withShortcodes > 600, `${withShortcodes} pages use shortcodes`);
  assert.deepEqual([...unknown], [], 'every shortcode the snapshot uses is handled on purpose');
});

test('slugs from the slug field or the file name without its date', () => {
  assert.equal(slugFrom({ slug: 'Hello World' }, 'x.md'), 'hello-world');
  assert.equal(slugFrom({}, '2023-03-06-a-happy-compromise.md'), 'a-happy-compromise');
});
