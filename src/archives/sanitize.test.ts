import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sanitizeMailHtml } from './sanitize.ts';

const opts = { remoteImages: false, hideAddresses: false, inlineParts: new Map([['logo@x', '/archives/l/1/attachments/0']]) };

describe('HTML mail sanitizer', () => {
  test('no script, event handlers, forms, frames, styles or javascript: links survive', () => {
    const evil = `<html><head><title>T</title><style>body{display:none}</style><script>window.__xss=1</script></head>
      <body onload="window.__xss=1"><p style="color:red" onclick="x()">Hi</p><form action="https://evil"><input name="p"><button>Go</button></form>
      <iframe src="https://evil"></iframe><a href="javascript:alert(1)">bad</a><a href="https://ok.gov/">good</a><svg><script>1</script></svg>
      <img src="x" onerror="window.__xss=1"><object data="x"></object><meta http-equiv="refresh" content="0;url=https://evil"><base href="https://evil/"></body></html>`;
    const { html } = sanitizeMailHtml(evil, opts);
    for (const bad of ['<script', 'onload', 'onclick', 'onerror', '<form', '<input', '<iframe', 'javascript:', 'style=', '<style', '<svg', '<object', '<meta', '<base', 'display:none']) {
      assert.ok(!html.toLowerCase().includes(bad), `${bad} removed: ${html}`);
    }
    assert.match(html, /<a href="https:\/\/ok\.gov\/" rel="nofollow noopener noreferrer" title="Link to ok\.gov">good<\/a>/);
    assert.match(html, /<p>Hi<\/p>/);
  });

  test('remote images wait for the reader; inline (cid:) parts come from this site', () => {
    const src = '<p><img src="https://tracker.example/p.gif" alt="Logo"><img src="cid:logo@x"></p>';
    const blocked = sanitizeMailHtml(src, opts);
    assert.equal(blocked.remoteImagesBlocked, 1);
    assert.ok(!blocked.html.includes('tracker.example'));
    assert.match(blocked.html, /\[image: Logo\]/);
    assert.match(blocked.html, /<img src="\/archives\/l\/1\/attachments\/0" alt="" \/>/);
    const shown = sanitizeMailHtml(src, { ...opts, remoteImages: true });
    assert.match(shown.html, /<img src="https:\/\/tracker\.example\/p\.gif" alt="Logo" \/>/);
  });

  test('an image left out without alt text still shows as [image], also as the only thing in a link', () => {
    const { html } = sanitizeMailHtml('<p><img src="https://tracker.example/p.gif" alt=""> and <a href="https://ok.gov/"><img src="https://x.example/b.png"></a></p>', opts);
    assert.ok(!html.includes('data-sg-image'), html);
    assert.equal(html.match(/\[image\]/g)?.length, 2, html);
    assert.match(html, /<a [^>]*><span>\[image\]<\/span><\/a>/);
  });

  test('headings are flattened, tables are layout tables, addresses can be hidden', () => {
    const { html } = sanitizeMailHtml('<h1>Big</h1><table><tr><th>a</th></tr></table><p>jo@agency.gov <a href="mailto:jo@agency.gov">mail</a></p>', { ...opts, hideAddresses: true });
    assert.ok(!/<h\d/.test(html));
    assert.match(html, /<table role="presentation"><tr><td>a<\/td><\/tr><\/table>/);
    assert.ok(!html.includes('jo@agency.gov'));
    assert.ok(!html.includes('mailto:'));
  });
});

describe('broken lists in mail', () => {
  test('a list with text or paragraphs straight inside becomes divs; good lists stay', async () => {
    const { fixLists } = await import('./sanitize.ts');
    assert.equal(fixLists('<ul><li>a</li><li>b <ol start="2"><li>c</li></ol></li></ul>'), '<ul><li>a</li><li>b <ol start="2"><li>c</li></ol></li></ul>');
    assert.equal(fixLists('<ol start="5"><p>x</p><li>a</li></ol><ul><li>ok</li></ul>'), '<div><p>x</p><div>a</div></div><ul><li>ok</li></ul>');
    assert.equal(fixLists('<ul>loose<li>a<br />b</li></ul>'), '<div>loose<div>a<br />b</div></div>');
    assert.equal(fixLists('<p><li>stray</li></p><ul><li>ok</li></ul>'), '<p><div>stray</div></p><ul><li>ok</li></ul>');
  });
});
