import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainText, renderLibraryMarkdown } from './render.ts';

test('tables get header scope and a labelled, focusable scroll region', () => {
  const html = renderLibraryMarkdown('| Tool | Status |\n|---|---|\n| Bing | compatible |\n');
  assert.match(html, /<div class="sg-table-scroll" role="region" aria-label="Table 1" tabindex="0"><table class="usa-table">/);
  assert.match(html, /<th scope="col">Tool<\/th>/);
  assert.match(html, /<\/table><\/div>/);
});

test('local images keep their alt text; remote or alt-less images become links', () => {
  const html = renderLibraryMarkdown('![A chart of followers](/assets/site/chart.png)\n\n![Logo](https://cdn.example/logo.png)\n\n![](/x.png)');
  assert.match(html, /<img src="\/assets\/site\/chart.png" alt="A chart of followers"/);
  assert.match(html, /<a href="https:\/\/cdn.example\/logo.png">Image: Logo<\/a>/);
  assert.match(html, /<a href="\/x.png">Image<\/a>/);
  assert.doesNotMatch(html, /<img[^>]*cdn.example/);
});

test('still sanitized: script and event handlers are removed, headings get ids', () => {
  const html = renderLibraryMarkdown('## Play 1\n\n<script>alert(1)</script><a href="javascript:x" onclick="y">z</a>\n\n![x" onerror="alert(1)](/a.png)');
  assert.match(html, /<h2 id="play-1">/);
  assert.doesNotMatch(html, /<script|onclick|javascript:|onerror="alert/);
});

test('plain text for summaries', () => {
  assert.equal(plainText('## Title\n\nSee [the **guide**](https://x.gov) now.'), 'Title See the guide now.');
});
