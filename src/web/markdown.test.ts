import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown, textAsHtml } from './markdown.ts';

test('headings get ids and a body h1 becomes h2', () => {
  const html = renderMarkdown('# Title\n\n## What We Do\n\ntext\n\n## What We Do\n');
  assert.match(html, /<h2 id="title">Title<\/h2>/);
  assert.match(html, /<h2 id="what-we-do">What We Do<\/h2>/);
  assert.match(html, /<h2 id="what-we-do-1">/);
});

test('scripts, event handlers, javascript: links and remote images are removed', () => {
  const html = renderMarkdown(
    '<script>alert(1)</script>\n\n<img src="https://tracker.example/x.png" onerror="alert(2)">\n\n' +
      '[click](javascript:alert(3)) <a href="https://digital.gov" onclick="alert(4)" target="_blank">ok</a>\n\n<iframe src="https://x"></iframe><form><input></form>',
  );
  assert.doesNotMatch(html, /<script|onerror=|onclick=|href="javascript|<img|<iframe|<form|<input|target=/i);
  assert.match(html, /<a href="https:\/\/digital.gov">ok<\/a>/);
});

test('Markdown lists, links and emphasis render', () => {
  const html = renderMarkdown('- **Best practices:** curate\n- [Registry](https://digital.gov/services/u-s-digital-registry/)');
  assert.match(html, /<li><strong>Best practices:<\/strong> curate<\/li>/);
  assert.match(html, /<a href="https:\/\/digital.gov\/services\/u-s-digital-registry\/">Registry<\/a>/);
});

test('textAsHtml: typed text shows as the same characters, and cannot close a CDATA section', () => {
  assert.equal(textAsHtml(`<script>alert(1)</script> & "quotes" 'too'`), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;');
  assert.ok(!textAsHtml('x]]><y>').includes(']]>'));
});

test('ids typed by an author are dropped; headings keep theirs, never one the page frame uses', () => {
  const html = renderMarkdown(
    '<div id="main-content">x</div>\n\n<h2 id="top">Raw</h2>\n\n<span id="gov-banner" lang="fr">oui</span>\n\n## Main content\n\n## Top\n\n## What we do\n',
  );
  assert.deepEqual(
    [...html.matchAll(/\bid="([^"]*)"/g)].map((m) => m[1]),
    ['main-content-1', 'top-1', 'what-we-do'],
  );
  assert.match(html, /<div>x<\/div>/);
  assert.match(html, /<h2>Raw<\/h2>/);
  assert.match(html, /<span lang="fr">oui<\/span>/, 'other allowed attributes stay');
});
