import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sanitizeMailHtml } from './mail-html.ts';

const opts = { remoteImages: false, hideAddresses: false, inlineParts: new Map([['logo@x', '/archives/l/1/attachments/0']]) };

describe('HTML mail sanitizer', () => {
  test('no script, event handlers, forms, frames, styles or javascript: links survive', () => {
    const evil = `<html><head><title>T</title><style>body{display:none}</style><script>window.__xss=1</script></head>
      <body onload="window.__xss=1"><p style="color:red" onclick="x()">Hi</p><form action="https://evil"><input name="p"><button>Go</button></form>
      <iframe src="https://evil"></iframe><a href="javascript:alert(1)">bad</a><a href="https://ok.gov/">good</a><svg><script>1</script></svg>
      <img src="x" onerror="window.__xss=1"><object data="x"></object><meta http-equiv="refresh" content="0;url=https://evil"><base href="https://evil/"></body></html>`;
    const { html } = sanitizeMailHtml(evil, opts);
    for (const bad of [
      '<script',
      'onload',
      'onclick',
      'onerror',
      '<form',
      '<input',
      '<iframe',
      'javascript:',
      'style=',
      '<style',
      '<svg',
      '<object',
      '<meta',
      '<base',
      'display:none',
    ]) {
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
    const { html } = sanitizeMailHtml(
      '<p><img src="https://tracker.example/p.gif" alt=""> and <a href="https://ok.gov/"><img src="https://x.example/b.png"></a></p>',
      opts,
    );
    assert.ok(!html.includes('data-sg-image'), html);
    assert.equal(html.match(/\[image\]/g)?.length, 2, html);
    assert.match(html, /<a [^>]*><span>\[image\]<\/span><\/a>/);
  });

  test('headings are flattened, tables are layout tables, addresses can be hidden', () => {
    const { html } = sanitizeMailHtml('<h1>Big</h1><table><tr><th>a</th></tr></table><p>jo@agency.gov <a href="mailto:jo@agency.gov">mail</a></p>', {
      ...opts,
      hideAddresses: true,
    });
    assert.ok(!/<h\d/.test(html));
    assert.match(html, /<table role="presentation"><tr><td>a<\/td><\/tr><\/table>/);
    assert.ok(!html.includes('jo@agency.gov'));
    assert.ok(!html.includes('mailto:'));
  });
});

describe('broken lists in mail', () => {
  test('a list with text or paragraphs straight inside becomes divs; good lists stay', async () => {
    const { fixLists } = await import('./mail-html.ts');
    assert.equal(fixLists('<ul><li>a</li><li>b <ol start="2"><li>c</li></ol></li></ul>'), '<ul><li>a</li><li>b <ol start="2"><li>c</li></ol></li></ul>');
    assert.equal(fixLists('<ol start="5"><p>x</p><li>a</li></ol><ul><li>ok</li></ul>'), '<div><p>x</p><div>a</div></div><ul><li>ok</li></ul>');
    assert.equal(fixLists('<ul>loose<li>a<br />b</li></ul>'), '<div>loose<div>a<br />b</div></div>');
    assert.equal(fixLists('<p><li>stray</li></p><ul><li>ok</li></ul>'), '<p><div>stray</div></p><ul><li>ok</li></ul>');
  });
});

describe('quoted history in HTML mail is folded, as in plain text', () => {
  const fold = (html: string) => sanitizeMailHtml(html, opts).html;
  /** The page as a reader first sees it: what is outside the folds. */
  const shown = (html: string) => html.replace(/<details class="archive-quote">[\s\S]*?<\/details>/g, '[folded]');

  test('Gmail: the whole quote with its "wrote:" line; Apple Mail and Thunderbird: each outermost blockquote', () => {
    const gmail = fold(
      '<div dir="ltr">Thanks!</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Jo wrote:<br></div><blockquote class="gmail_quote">Earlier<blockquote>older</blockquote></blockquote></div>',
    );
    assert.equal(shown(gmail), '<div>Thanks!</div><br />[folded]');
    assert.match(
      gmail,
      /<details class="archive-quote"><summary>Quoted text<\/summary><div><div>On Mon, Jo wrote:<br \/><\/div><blockquote>Earlier<blockquote>older<\/blockquote><\/blockquote><\/div><\/details>/,
    );
    const apple = fold(
      '<div>Answer one</div><blockquote type="cite"><div>Q1</div><blockquote type="cite">older</blockquote></blockquote><div>Answer two</div><blockquote type="cite">Q2</blockquote>',
    );
    assert.equal(shown(apple), '<div>Answer one</div>[folded]<div>Answer two</div>[folded]');
  });

  test('Outlook: from the reply header (in its empty wrappers) to the end of its container', () => {
    const desktop = fold(
      '<div class="WordSection1"><p>My answer</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p><b>From:</b> Jo</p></div></div><p>Old text</p></div><p>Footer</p>',
    );
    assert.equal(shown(desktop), '<div><p>My answer</p>[folded]</div><p>Footer</p>');
    const web = fold(
      '<div>Reply</div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> x</div><div>old body</div>',
    );
    assert.equal(shown(web), '<div>Reply</div>[folded]');
    const plainHeader = fold('<p>Mine.</p><p><b>From:</b> Brian &lt;b@x.com&gt;<br><b>Sent:</b> Wednesday<br><b>Subject:</b> Re: x</p><p>Old.</p>');
    assert.equal(shown(plainHeader), '<p>Mine.</p>[folded]');
    const forwarded = fold('<div>See below.</div><div>----- Original message -----</div><div>From: Jo</div><div>Old.</div>');
    assert.equal(shown(forwarded), '<div>See below.</div>[folded]');
  });

  test('a forward with no words above the header is the message: left open; the mail cannot fold itself', () => {
    const bare = fold('<div id="divRplyFwdMsg"><b>From:</b> x</div><div>The news.</div>');
    assert.ok(!bare.includes('<details'), bare);
    const spoof = fold('<section data-sg-quote="0000-rest"><p>Mine</p></section><div data-sg-quote="x-block">Also mine</div>');
    assert.equal(spoof, '<div><p>Mine</p></div><div>Also mine</div>');
  });
});
