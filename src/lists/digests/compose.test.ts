import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DateTime } from '../../platform/luxon.ts';
import { simpleParser } from 'mailparser';
import { mboxBytes, splitMbox } from '../../archives/mbox.ts';
import { getHeader, splitMessage } from '../message/raw.ts';
import { parseContentType, splitMultipart } from '../message/mime.ts';
import { composeDigest, digestSubject, type DigestOptions, type DigestPost } from './compose.ts';
import { personalDigest, PLACEHOLDERS } from './personal.ts';

const zone = 'America/New_York';
const scheduledFor = DateTime.fromISO('2026-11-23T07:00', { zone });

const options: DigestOptions = {
  listName: 'Social Media',
  prefix: '[Social Media]',
  listAddress: 'social-media@lists.example.gov',
  listId: 'social-media.lists.example.gov',
  timeZone: zone,
  mode: 'daily',
  scheduledFor,
  now: scheduledFor.plus({ minutes: 3 }),
  domain: 'lists.example.gov',
  urls: {
    help: 'https://socialgov.example.gov/help',
    subscribe: 'https://socialgov.example.gov/communities/social-media/join',
    archive: 'https://socialgov.example.gov/archives/social-media',
    owner: 'mailto:social-media-owner@lists.example.gov',
    post: 'mailto:social-media@lists.example.gov',
    archivedAt: (n) => `https://socialgov.example.gov/archives/social-media/${n}`,
    account: 'https://socialgov.example.gov/account',
  },
};

function post(number: number, subject: string, body: string, extra = ''): DigestPost {
  const raw = Buffer.from(
    `From: Poster ${number} <p${number}@agency.gov>\r\nTo: social-media@lists.example.gov\r\nSubject: ${subject}\r\nDate: Mon, 23 Nov 2026 0${number}:00:00 -0500\r\n` +
      `Message-ID: <post-${number}@agency.gov>\r\nList-Id: <other.list>\r\nApproved: secret-password\r\nDKIM-Signature: v=1; d=agency.gov\r\n${extra}\r\n${body}`,
    'utf8',
  );
  return {
    number,
    subject,
    fromAddress: `p${number}@agency.gov`,
    fromName: `Poster ${number}`,
    sentAt: new Date(`2026-11-23T${String(number + 5).padStart(2, '0')}:00:00Z`),
    messageId: `<post-${number}@agency.gov>`,
    raw,
  };
}

const posts: DigestPost[] = [
  post(3, 'Caption tools', 'Which caption tools do you use?\r\n------------------------------\r\nNot a separator.\r\n'),
  post(
    1,
    'Hiring <script>alert(1)</script> & "more"',
    '<p>Hello <b>all</b> <img src="https://tracker.example.com/x.gif"></p>\r\n',
    'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n',
  ),
  post(2, 'Café meetup', 'See you at the café.\r\n', 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n'),
];

describe('digest composer', async () => {
  const composed = await composeDigest(posts, options);
  const personal = personalDigest(composed.message, {
    each: 'https://socialgov.example.gov/u/1a.2b.AAAAAAAAAAAAAAAAAAAAAA/each',
    leave: 'https://socialgov.example.gov/u/1a.2b.AAAAAAAAAAAAAAAAAAAAAA',
  });
  const parsed = await simpleParser(personal);

  test('subject names the list, period and count', () => {
    assert.equal(composed.subject, '[Social Media] Daily digest, Nov 23, 2026 (3 messages)');
    assert.equal(parsed.subject, composed.subject);
    assert.equal(digestSubject({ ...options, mode: 'weekly', prefix: null }, 1), 'Social Media Weekly digest, week of Nov 23, 2026 (1 message)');
  });

  test('structure: mixed { alternative { text/plain, text/html }, digest { message/rfc822 x3 } }', () => {
    const { headers, body } = splitMessage(personal);
    const top = parseContentType(getHeader(headers, 'content-type'));
    assert.equal(top.type, 'multipart/mixed');
    const layout = splitMultipart(body, top.params.boundary!);
    assert.equal(layout.parts.length, 2);
    const children = layout.parts.map((p) => splitMessage(body.subarray(p.start, p.end)));
    const alt = parseContentType(getHeader(children[0]!.headers, 'content-type'));
    const dig = parseContentType(getHeader(children[1]!.headers, 'content-type'));
    assert.equal(alt.type, 'multipart/alternative');
    assert.equal(dig.type, 'multipart/digest');
    const altParts = splitMultipart(children[0]!.body, alt.params.boundary!).parts.map(
      (p) => parseContentType(getHeader(splitMessage(children[0]!.body.subarray(p.start, p.end)).headers, 'content-type')).type,
    );
    assert.deepEqual(altParts, ['text/plain', 'text/html']);
    const digestParts = splitMultipart(children[1]!.body, dig.params.boundary!).parts.map((p) => splitMessage(children[1]!.body.subarray(p.start, p.end)));
    assert.deepEqual(
      digestParts.map((p) => parseContentType(getHeader(p.headers, 'content-type')).type),
      ['message/rfc822', 'message/rfc822', 'message/rfc822'],
    );
    assert.deepEqual(
      digestParts.map((p) => getHeader(p.headers, 'content-transfer-encoding')),
      ['7bit', '8bit', '7bit'],
      'the 8-bit post is declared 8bit',
    );
  });

  test('every post is attached, in order, cleansed of passwords, signatures and other list headers', async () => {
    const attached = parsed.attachments.filter((a) => a.contentType === 'message/rfc822');
    assert.equal(attached.length, 3);
    const inner = await Promise.all(attached.map((a) => simpleParser(a.content)));
    assert.deepEqual(
      inner.map((m) => m.messageId),
      ['<post-1@agency.gov>', '<post-2@agency.gov>', '<post-3@agency.gov>'],
    );
    assert.equal(inner[1]!.text?.trim(), 'See you at the café.');
    for (const a of attached) {
      const raw = a.content.toString('latin1');
      assert.doesNotMatch(raw, /^Approved:/im);
      assert.doesNotMatch(raw, /secret-password/);
      assert.doesNotMatch(raw, /^DKIM-Signature:/im);
      assert.doesNotMatch(raw, /^List-Id:/im);
    }
  });

  test('the text part is an RFC 1153 digest with a correct table of contents', () => {
    const text = parsed.text!;
    const toc = /Today's Topics:\n\n((?: +\d+\. .*\n)+)/.exec(text);
    assert.ok(toc, text.slice(0, 400));
    assert.deepEqual(
      toc[1]!
        .trimEnd()
        .split('\n')
        .map((l) => l.trim()),
      ['1. Hiring <script>alert(1)</script> & "more" (Poster 1)', '2. Café meetup (Poster 2)', '3. Caption tools (Poster 3)'],
    );
    assert.match(text, new RegExp(`\\n${'-'.repeat(70)}\\n\\nDate: `), '70 hyphens end the topics');
    const messages = text.split(/\n-{70}\n/)[1]!.split(/\n-{30}\n/);
    // Three messages, the links section, and the trailer.
    assert.equal(messages.length, 5);
    assert.match(messages[0]!, /^\nDate: Mon, Nov 23, 2026 at 1:00 AM EST\nFrom: Poster 1 <p1@agency\.gov>\nSubject: Hiring/);
    assert.match(messages[0]!, /Hello all/, 'an HTML-only post is given as text');
    assert.match(messages[1]!, /See you at the café\./);
    assert.match(messages[2]!, /\n -{30}\nNot a separator\./, 'a separator-like line in a post is stuffed');
    assert.match(messages[4]!, /^\nEnd of Social Media Daily Digest, Mon, Nov 23, 2026\n\*+\n*$/);
  });

  test('the HTML summary is escaped, loads nothing remote and carries the personal links', () => {
    const html = parsed.html as string;
    assert.match(html, /Hiring &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;more&quot;/);
    assert.doesNotMatch(html, /<script/i);
    // The post's image is at most named in text; nothing in the summary loads it.
    assert.doesNotMatch(html, /<img|\ssrc=|<link|<iframe|<object|@import|url\(/i);
    assert.equal((html.match(/<li/g) ?? []).length, 3);
    assert.match(html, /href="https:\/\/socialgov\.example\.gov\/archives\/social-media\/2"/);
    assert.match(html, /<a href=\s*"https:\/\/socialgov\.example\.gov\/u\/1a\.2b\.A{22}\/each"\s*>Get each message/);
    assert.match(html, /<a href=\s*"https:\/\/socialgov\.example\.gov\/u\/1a\.2b\.A{22}"\s*>leave the list/);
    assert.match(parsed.text!, /\nhttps:\/\/socialgov\.example\.gov\/u\/1a\.2b\.A{22}\/each\n/);
  });

  test('the composed digest has placeholders only where personal.ts fills them in', () => {
    const raw = composed.message.toString('latin1');
    for (const ph of Object.values(PLACEHOLDERS)) assert.equal(raw.split(`\r\n${ph}\r\n`).length, 2, ph);
    assert.doesNotMatch(personal.toString('latin1'), /@@SOCIALGOV/);
    assert.throws(() => personalDigest(composed.message, { each: 'javascript:alert(1)', leave: 'https://x.gov/u/t' }), /cannot go in a digest/);
    assert.throws(() => personalDigest(composed.message, { each: 'https://x.gov/"><script>', leave: 'https://x.gov/u/t' }), /cannot go in a digest/);
  });

  test('headers: list fields, a stable Message-ID, and no one-click link until the runner adds one', () => {
    const { headers } = splitMessage(personal);
    assert.equal(getHeader(headers, 'list-id'), 'Social Media <social-media.lists.example.gov>');
    assert.equal(getHeader(headers, 'message-id'), '<digest.daily.2026-11-23.1-3.social-media@lists.example.gov>');
    assert.equal(getHeader(headers, 'precedence'), 'list');
    assert.equal(parsed.from?.value[0]?.address, 'social-media@lists.example.gov');
  });

  test('an empty digest is refused', async () => {
    await assert.rejects(composeDigest([], options), RangeError);
  });
});

describe('S/MIME posts in the digest text', () => {
  // Made with "openssl smime -sign -nodetach -nocerts -text" (DER) and "openssl cms -sign
  // -nodetach -nocerts -stream -text" (BER: indefinite lengths, the content in pieces), over
  // "Hello list, / The meeting moved to Thursday.".
  const OPAQUE_DER =
    'MIICDQYJKoZIhvcNAQcCoIIB/jCCAfoCAQExDzANBglghkgBZQMEAgEFADBaBgkqhkiG9w0BBwGgTQRLQ29udGVudC1UeXBlOiB0ZXh0L3BsYWluDQoNCkhlbGxvIGxpc3QsDQoNClRoZSBtZWV0aW5nIG1vdmVkIHRvIFRodXJzZGF5Lg0KMYIBhjCCAYICAQEwMTAZMRcwFQYDVQQDDA5wYXRAYWdlbmN5LmdvdgIUcjolQFJUvq4QwKRMJtBAm0KP0V8wDQYJYIZIAWUDBAIBBQCggeQwGAYJKoZIhvcNAQkDMQsGCSqGSIb3DQEHATAcBgkqhkiG9w0BCQUxDxcNMjYxMjAzMDg1MzQ3WjAvBgkqhkiG9w0BCQQxIgQgUz7Tnvgc0lxxrQ9fylpwj1h7o43FG2Fa2E3DR4LfI9kweQYJKoZIhvcNAQkPMWwwajALBglghkgBZQMEASowCwYJYIZIAWUDBAEWMAsGCWCGSAFlAwQBAjAKBggqhkiG9w0DBzAOBggqhkiG9w0DAgICAIAwDQYIKoZIhvcNAwICAUAwBwYFKw4DAgcwDQYIKoZIhvcNAwICASgwCgYIKoZIzj0EAwIESDBGAiEAiLdulglHpC2jL3BnVtIUg+f+cnsgy5ygvsQo5RgT7UgCIQD/SIQpvTS0EGzHRrR8PJVoRzRPhU7LHAPeYMJSKTnYFA==';
  const OPAQUE_BER =
    'MIAGCSqGSIb3DQEHAqCAMIACAQExDTALBglghkgBZQMEAgEwgAYJKoZIhvcNAQcBoIAkgARLQ29udGVudC1UeXBlOiB0ZXh0L3BsYWluDQoNCkhlbGxvIGxpc3QsDQoNClRoZSBtZWV0aW5nIG1vdmVkIHRvIFRodXJzZGF5Lg0KAAAAAAAAMYIBgjCCAX4CAQEwMTAZMRcwFQYDVQQDDA5wYXRAYWdlbmN5LmdvdgIUcjolQFJUvq4QwKRMJtBAm0KP0V8wCwYJYIZIAWUDBAIBoIHkMBgGCSqGSIb3DQEJAzELBgkqhkiG9w0BBwEwHAYJKoZIhvcNAQkFMQ8XDTI2MTIwMzA4NTM0N1owLwYJKoZIhvcNAQkEMSIEIFM+0574HNJcca0PX8pacI9Ye6ONxRthWthNw0eC3yPZMHkGCSqGSIb3DQEJDzFsMGowCwYJYIZIAWUDBAEqMAsGCWCGSAFlAwQBFjALBglghkgBZQMEAQIwCgYIKoZIhvcNAwcwDgYIKoZIhvcNAwICAgCAMA0GCCqGSIb3DQMCAgFAMAcGBSsOAwIHMA0GCCqGSIb3DQMCAgEoMAoGCCqGSM49BAMCBEYwRAIgbGyxgfgLA3zcg5LIi31niIfn1156gdXRipKAR/Taje4CIBATwhGGmDpjJZebkQed+FhHFd6mWT2OlYqXoivg+Z08AAAAAAAA';
  const opaque = (b64: string, n: number) =>
    post(
      n,
      'Opaque note',
      b64.replace(/.{76}/g, '$&\r\n') + '\r\n',
      'MIME-Version: 1.0\r\nContent-Disposition: attachment; filename="smime.p7m"\r\nContent-Type: application/x-pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n',
    );
  const detached = post(
    3,
    'Signed note',
    [
      'This is an S/MIME signed message',
      '',
      '------B1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Hello list,',
      '',
      'The meeting moved to Thursday.',
      '',
      '------B1',
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7s"',
      '',
      'MIIFlgYJKoZIhvcNAQcCoIIFhzCCBYMCAQExDzANBglghkgBZQMEAgEFADALBgkqhkiG9w0BBwGgggMXMIIDEzCCAfugAwIBAgIUJUxpFCV7yMV0iR7o6JZUiTbyIiowDQYJKoZIhvcNAQELBQAwGTEXMBUGA1UEAwwOcGF0QGFnZW5jeS5nb3YwHhcNMjYx',
      '',
      '------B1--',
      '',
    ].join('\r\n'),
    'MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="----B1"\r\n',
  );

  async function digestText(p: DigestPost[]): Promise<string> {
    const parsed = await simpleParser((await composeDigest(p, options)).message);
    return parsed.text ?? '';
  }

  test('an opaque signature (smime.p7m): the signed text, never its MIME headers', async () => {
    const text = await digestText([opaque(OPAQUE_DER, 1), opaque(OPAQUE_BER, 2)]);
    assert.equal(text.match(/Hello list,\n\nThe meeting moved to Thursday\./g)?.length, 2, text);
    assert.doesNotMatch(text, /Content-Type|smime\.p7m/i);
  });

  test('a detached signature (smime.p7s) is not listed as an attachment', async () => {
    const text = await digestText([detached]);
    assert.match(text, /Hello list,\n\nThe meeting moved to Thursday\./);
    assert.doesNotMatch(text, /Content-Type|smime\.p7s|attachment/i);
  });

  const corpus = path.resolve(fileURLToPath(import.meta.url), '../../../../../shared/data/mail-corpus/usrp-users-1500.mbox.gz');
  test('S/MIME-signed posts of the real list corpus read as text', { skip: existsSync(corpus) ? false : 'no ../shared/data/mail-corpus' }, async () => {
    const signed = splitMbox(mboxBytes(readFileSync(corpus)))
      .filter((m) => /^Content-Type: multipart\/signed/im.test(m.raw.toString('latin1')))
      .slice(0, 5);
    assert.ok(signed.length >= 3, 'the corpus has S/MIME-signed posts');
    const text = await digestText(signed.map((m, i) => ({ ...post(i + 1, 'x', ''), raw: m.raw })));
    assert.doesNotMatch(text, /^Content-(Type|Transfer-Encoding):|smime\.p7s/im);
    assert.equal(text.match(/^Message-ID: /gm)?.length, signed.length);
  });
});

test('a post with a header or body line over 998 octets is attached with every line within 998', async () => {
  const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
  const long = post(
    1,
    words,
    `${'y'.repeat(1500)}\r\n`,
    `X-Token: ${'x'.repeat(1200)}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n`,
  );
  const { message } = await composeDigest([long], options);
  const longest = Math.max(
    ...message
      .toString('latin1')
      .split('\r\n')
      .map((l) => l.length),
  );
  assert.ok(longest <= 998, `a line of ${longest} octets`);
  const parsed = await simpleParser(message);
  const inner = await simpleParser(parsed.attachments.find((a) => a.contentType === 'message/rfc822')!.content);
  assert.equal(inner.subject, words);
  assert.equal(inner.text?.trim(), 'y'.repeat(1500));
});
