import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freshText, linkify, obfuscateAddresses, renderPlainText, splitQuotes } from './text.ts';

const reply = `Thanks, that works.

On Tue, May 3, 2022 at 9:00 AM Jo Smith <jo.smith@agency.gov> wrote:
> Try restarting it.
>> Is it broken?

Regards,
Al`;

describe('plain-text mail', () => {
  test('quoted blocks (with their attribution line) are found', () => {
    const s = splitQuotes(reply);
    assert.deepEqual(
      s.map((x) => x.kind),
      ['text', 'quote', 'text'],
    );
    assert.equal(s[1]!.lines.length, 3);
    assert.equal(freshText(reply), 'Thanks, that works.\nRegards,\nAl');
  });

  test('Outlook-style original messages are folded to the end', () => {
    const s = splitQuotes('Yes.\n\n-----Original Message-----\nFrom: Jo\nSent: Monday\nSubject: Q\n\nQuestion?');
    assert.deepEqual(
      s.map((x) => x.kind),
      ['text', 'quote'],
    );
    const t = splitQuotes('Sure.\nFrom: Jo Smith <jo@x.gov>\nSent: Monday, May 2\nTo: list\n\nOld text');
    assert.deepEqual(
      t.map((x) => x.kind),
      ['text', 'quote'],
    );
  });

  test('rendering escapes everything, links only http(s), folds quotes in <details>', () => {
    const html = renderPlainText('<script>alert(1)</script> see https://example.gov/a?b=1&c=2. javascript:alert(1)\n> quoted <b>', { hideAddresses: false });
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /<a href="https:\/\/example\.gov\/a\?b=1&amp;c=2" rel="nofollow noopener noreferrer">https:\/\/example\.gov\/a\?b=1&amp;c=2<\/a>\./);
    assert.ok(!/href="javascript/.test(html));
    assert.match(
      html,
      /<details class="archive-quote"><summary>Quoted text \(1 line\)<\/summary><pre class="archive-text">&gt; quoted &lt;b&gt;<\/pre><\/details>/,
    );
  });

  test('addresses are hidden from non-members, in text and in links', () => {
    assert.equal(obfuscateAddresses('Mail jo.smith@agency.gov now'), 'Mail j…@agency.gov now');
    assert.equal(linkify('see https://u:jo@agency.gov/x', true), 'see https://u:j…@agency.gov/x');
    assert.ok(!renderPlainText(reply, { hideAddresses: true }).includes('jo.smith@'));
  });
});

describe('words inside joined words are indexed too', async () => {
  const { withJoinedParts } = await import('./text.ts');
  test('slash-joined words, paths, addresses, file and host names gain their parts', () => {
    assert.equal(withJoinedParts('We post on Facebook/Instagram/TikTok daily.'), 'We post on Facebook/Instagram/TikTok Facebook Instagram TikTok daily.');
    assert.equal(withJoinedParts('run ./benchmark_rate --rate 10e6'), 'run ./benchmark_rate benchmark_rate --rate 10e6');
    assert.equal(withJoinedParts('X410/X440/E320'), 'X410/X440/E320 X410 X440 E320');
    assert.equal(
      withJoinedParts('see https://files.ettus.com/manual/page_x4xx.html'),
      'see https://files.ettus.com/manual/page_x4xx.html https files ettus com manual page_x4xx html',
    );
    assert.equal(withJoinedParts('rx_samples_to_file.cpp'), 'rx_samples_to_file.cpp rx_samples_to_file cpp');
  });
  test('plain words, numbers, times and addresses stay as they are', () => {
    const same = 'Call at 10:30 about 3.14, mail jo@agency.gov. Done.';
    assert.equal(withJoinedParts(same), same);
  });
});
