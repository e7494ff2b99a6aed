import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { decoratePost, type DecorateOptions } from './decorate.ts';
import { ListHeaderError } from './list-headers.ts';
import { decodeHeaderValue, getHeader, getHeaders, splitMessage } from './raw.ts';

const options: DecorateOptions = {
  listAddress: 'sm@lists.example.gov',
  listName: 'Social Media',
  listId: 'sm.lists.example.gov',
  subjectPrefix: '[Social Media]',
  postNumber: 42,
  footer: { text: 'Social Media list: {listAddress}\nLeave or change delivery: {subscribe}' },
  urls: {
    help: 'https://socialgov.example.gov/lists/sm/help',
    subscribe: 'https://socialgov.example.gov/lists/sm',
    archive: 'https://socialgov.example.gov/lists/sm/archive',
    owner: 'mailto:sm-owner@lists.example.gov',
    archivedAt: 'https://socialgov.example.gov/lists/sm/archive/42',
  },
  dmarcMitigation: false,
  replyTo: 'poster',
  loopTag: 'sm@lists.example.gov',
};
const FOOTER_TEXT = 'Social Media list: sm@lists.example.gov\nLeave or change delivery: https://socialgov.example.gov/lists/sm';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const decorate = (raw: Buffer, o: Partial<DecorateOptions> = {}) => decoratePost(raw, { ...options, ...o });
const headersOf = (b: Buffer) => splitMessage(b).headers;

async function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ from: 'Pat Smith <pat@agency.gov>', to: 'sm@lists.example.gov', subject: 'Budget', messageId: '<m1@agency.gov>', ...mail })
    .compile()
    .build();
}

/** Every attachment of the original is in the decorated copy with the same decoded bytes. */
async function assertAttachmentsKept(original: Buffer, decorated: Buffer): Promise<ParsedMail> {
  const before = await simpleParser(original);
  const after = await simpleParser(decorated);
  assert.equal(after.attachments.length, before.attachments.length, 'same number of attachments');
  for (const [i, a] of before.attachments.entries()) {
    const b = after.attachments[i]!;
    assert.equal(b.filename, a.filename);
    assert.equal(b.contentType, a.contentType);
    assert.ok(b.content.equals(a.content), `attachment ${a.filename ?? i} is byte-identical`);
  }
  return after;
}

const plainPost = crlf(`Return-Path: <pat@agency.gov>
Received: from mx.agency.gov by lists.example.gov; Mon, 23 Nov 2026 09:00:00 +0000
DKIM-Signature: v=1; a=rsa-sha256; d=agency.gov; s=s1; h=from:subject; bh=abc=;
 b=def=
ARC-Seal: i=1; a=rsa-sha256; cv=none; d=relay.example; s=a; b=xyz
ARC-Message-Signature: i=1; a=rsa-sha256; d=relay.example; s=a; h=from; bh=a; b=b
ARC-Authentication-Results: i=1; relay.example; dkim=pass
From: Pat Smith <pat@agency.gov>
To: sm@lists.example.gov
Subject: Re: [Social Media] Re: Budget
Date: Mon, 23 Nov 2026 08:59:00 -0500
Message-ID: <m1@agency.gov>
Approved: secret-password
Approve: secret-password
Urgent: secret-password
X-PMRQC: 1
Return-Receipt-To: pat@agency.gov
Disposition-Notification-To: pat@agency.gov
X-Confirm-Reading-To: pat@agency.gov
List-Id: Other list <other.example.com>
List-Unsubscribe: <mailto:other-leave@example.com>
Archived-At: <https://other.example.com/1>
Precedence: bulk
X-Loop: other@example.com
Sender: owner-other@example.com

Hello all,
the budget is attached.
`);

test('cleanses the header and adds the list fields', async () => {
  const out = decorate(plainPost);
  const h = headersOf(out);
  for (const gone of [
    'return-path',
    'dkim-signature',
    'arc-seal',
    'arc-message-signature',
    'arc-authentication-results',
    'approved',
    'approve',
    'return-receipt-to',
    'disposition-notification-to',
    'x-confirm-reading-to',
    'x-pmrqc',
    'urgent',
    'sender',
  ]) {
    assert.equal(getHeader(h, gone), undefined, `${gone} removed`);
  }
  assert.ok(!out.toString('latin1').includes('secret-password'));
  assert.equal(getHeader(h, 'received'), 'from mx.agency.gov by lists.example.gov; Mon, 23 Nov 2026 09:00:00 +0000', 'trace kept');
  assert.deepEqual(getHeaders(h, 'list-id'), ['Social Media <sm.lists.example.gov>']);
  assert.deepEqual(getHeaders(h, 'list-unsubscribe'), ['<mailto:sm-request@lists.example.gov?subject=unsubscribe>']);
  assert.equal(getHeader(h, 'list-help'), '<https://socialgov.example.gov/lists/sm/help>, <mailto:sm-request@lists.example.gov?subject=help>');
  assert.equal(getHeader(h, 'list-subscribe'), '<https://socialgov.example.gov/lists/sm>, <mailto:sm-request@lists.example.gov?subject=subscribe>');
  assert.equal(getHeader(h, 'list-post'), '<mailto:sm@lists.example.gov>');
  assert.equal(getHeader(h, 'list-owner'), '<mailto:sm-owner@lists.example.gov>');
  assert.equal(getHeader(h, 'list-archive'), '<https://socialgov.example.gov/lists/sm/archive>');
  assert.deepEqual(getHeaders(h, 'archived-at'), ['<https://socialgov.example.gov/lists/sm/archive/42>']);
  assert.deepEqual(getHeaders(h, 'precedence'), ['list']);
  assert.deepEqual(getHeaders(h, 'x-loop'), ['sm@lists.example.gov']);
  assert.equal(getHeader(h, 'x-list-sequence'), '42');
  assert.equal(getHeader(h, 'subject'), '[Social Media] Re: Budget');
  assert.equal(getHeader(h, 'from'), 'Pat Smith <pat@agency.gov>');
  assert.equal(getHeader(h, 'reply-to'), undefined);
  for (const line of out.toString('latin1').split('\r\n')) assert.ok(!line.includes('\n'), 'CRLF only');
});

test('plain text: the footer follows the text after a blank line', async () => {
  const parsed = await simpleParser(decorate(plainPost));
  assert.equal(parsed.text, `Hello all,\nthe budget is attached.\n\n${FOOTER_TEXT}\n`);
  assert.equal(parsed.subject, '[Social Media] Re: Budget');
});

test('no footer and no prefix: the body bytes are untouched', () => {
  const out = decorate(plainPost, { footer: null, subjectPrefix: null });
  assert.ok(splitMessage(out).body.equals(splitMessage(plainPost).body));
  assert.equal(getHeader(headersOf(out), 'subject'), 'Re: [Social Media] Re: Budget');
});

test('LF-only input comes out CRLF; a missing Message-ID and Date are added', () => {
  const out = decorate(Buffer.from('From: pat@agency.gov\nSubject: hi\n\nline one\nline two\n'));
  assert.ok(!/[^\r]\n/.test(out.toString('latin1')), 'no bare LF');
  const h = headersOf(out);
  assert.match(getHeader(h, 'message-id')!, /^<sm\.lists\.example\.gov\.42\.[0-9a-f]{12}@lists\.example\.gov>$/);
  assert.ok(!Number.isNaN(Date.parse(getHeader(h, 'date')!)));
});

test('text/plain in ISO-8859-1 quoted-printable keeps its charset and encoding with an ASCII footer', async () => {
  const raw = crlf(`From: pat@agency.gov
Subject: =?ISO-8859-1?Q?Caf=E9?=
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Le caf=E9 est pr=EAt. Une tr=E8s longue ligne qui continue encore et encore et en=
core.
`);
  const out = decorate(raw);
  const h = headersOf(out);
  assert.equal(getHeader(h, 'content-type'), 'text/plain; charset=ISO-8859-1');
  assert.equal(getHeader(h, 'content-transfer-encoding'), 'quoted-printable');
  assert.equal(decodeHeaderValue(getHeader(h, 'subject')!), '[Social Media] Café');
  const parsed = await simpleParser(out);
  assert.equal(parsed.text, `Le café est prêt. Une très longue ligne qui continue encore et encore et encore.\n\n${FOOTER_TEXT}\n`);
});

test('a non-ASCII footer carries an ISO-8859-1 text over to UTF-8 without changing it', async () => {
  const raw = crlf(`From: pat@agency.gov
Subject: x
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"; format=fixed
Content-Transfer-Encoding: 8bit

`);
  const body = Buffer.concat([raw, Buffer.from('Gr\xfc\xdfe aus K\xf6ln \x80\r\n', 'latin1')]);
  const out = decorate(body, { footer: { text: 'Liste „Social Media“ ✓' } });
  assert.equal(getHeader(headersOf(out), 'content-type'), 'text/plain; charset=utf-8; format=fixed');
  const parsed = await simpleParser(out);
  assert.equal(parsed.text, 'Grüße aus Köln €\n\nListe „Social Media“ ✓\n');
});

test('a US-ASCII 7bit text with a non-ASCII footer becomes UTF-8 quoted-printable', async () => {
  const out = decorate(crlf('From: pat@agency.gov\nSubject: x\n\nplain words\n'), { footer: { text: 'Café ✓' } });
  const h = headersOf(out);
  assert.equal(getHeader(h, 'mime-version'), '1.0');
  assert.equal(getHeader(h, 'content-type'), 'text/plain; charset=utf-8');
  assert.equal(getHeader(h, 'content-transfer-encoding'), 'quoted-printable');
  assert.equal((await simpleParser(out)).text, 'plain words\n\nCafé ✓\n');
});

test('text/plain in UTF-8 base64 stays base64 and decodes to the text plus footer', async () => {
  const text = 'Ünïcödé text ✓\nwith LF line ends\n';
  const raw = Buffer.concat([
    crlf('From: pat@agency.gov\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'),
    Buffer.from(`${Buffer.from(text).toString('base64')}\r\n`),
  ]);
  const out = decorate(raw);
  assert.equal(getHeader(headersOf(out), 'content-transfer-encoding'), 'base64');
  const decoded = Buffer.from(splitMessage(out).body.toString(), 'base64').toString('utf8');
  assert.equal(decoded, `${text}\n${FOOTER_TEXT}\n`, 'the text keeps its LF line ends');
});

test('format=flowed: footer lines are space-stuffed, have no trailing spaces, and do not join the last paragraph', async () => {
  const raw = crlf(
    'From: pat@agency.gov\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nA flowed paragraph that \ncontinues here \n',
  );
  const out = decorate(raw, { footer: { text: '> Quoted-looking line   \nFrom the list \nvisit {archive}' } });
  const body = splitMessage(out).body.toString();
  assert.equal(
    body,
    'A flowed paragraph that \r\ncontinues here\r\n\r\n > Quoted-looking line\r\n From the list\r\nvisit https://socialgov.example.gov/lists/sm/archive\r\n',
  );
  const parsed = await simpleParser(out);
  assert.equal(
    parsed.text,
    'A flowed paragraph that continues here\n\n> Quoted-looking line\nFrom the list\nvisit https://socialgov.example.gov/lists/sm/archive',
  );
  // A signature separator keeps its one meaningful trailing space.
  const sig = decorate(raw, { footer: { text: '-- \nSocial Media' } });
  assert.ok(splitMessage(sig).body.toString().endsWith('\r\n-- \r\nSocial Media\r\n'));
});

test('text/html: the footer goes before </body>, non-ASCII as character references', async () => {
  const raw = crlf(
    'From: pat@agency.gov\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: quoted-printable\n\n<html><body><p>Caf=E9 <b>news</b></p></BODY></html>\n',
  );
  const out = decorate(raw, { footer: { text: 'x', html: '<p>List “{listName}” – <a href="{archive}">archive</a></p>' } });
  const parsed = await simpleParser(out);
  assert.equal(
    parsed.html,
    '<html><body><p>Café <b>news</b></p><p>List &#x201c;Social Media&#x201d; &#x2013; <a href="https://socialgov.example.gov/lists/sm/archive">archive</a></p>\n</BODY></html>\n',
  );
  assert.equal(getHeader(headersOf(out), 'content-type'), 'text/html; charset=windows-1252');
});

test('HTML without an html footer gets the text footer escaped, with links', async () => {
  const raw = crlf('From: pat@agency.gov\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n<p>fragment only</p>\n');
  const parsed = await simpleParser(decorate(raw, { footer: { text: 'A <b>list</b> & more: {archive}' } }));
  assert.match(
    String(parsed.html),
    /^<p>fragment only<\/p>\r?\n<div class="list-footer"[^>]*>A &lt;b&gt;list&lt;\/b&gt; &amp; more: <a href="https:\/\/socialgov\.example\.gov\/lists\/sm\/archive">https:\/\/socialgov\.example\.gov\/lists\/sm\/archive<\/a><\/div>/,
  );
});

test('multipart/alternative: both alternatives get the footer, nothing is wrapped', async () => {
  const raw = await compose({ text: 'Plain body\n', html: '<html><body><p>HTML body</p></body></html>' });
  const out = decorate(raw, { footer: { text: FOOTER_TEXT, html: '<p class="f">HTML footer</p>' } });
  assert.match(getHeader(headersOf(out), 'content-type')!, /^multipart\/alternative/);
  const parsed = await assertAttachmentsKept(raw, out);
  assert.equal(parsed.text, `Plain body\n\n${FOOTER_TEXT}\n`);
  assert.equal(parsed.html, '<html><body><p>HTML body</p><p class="f">HTML footer</p>\n</body></html>');
});

test('multipart/mixed with attachments: a footer part is appended, attachments stay byte-identical', async () => {
  const pdf = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
  const raw = await compose({
    text: 'See attached.\n',
    html: '<p>See attached.</p>',
    attachments: [
      { filename: 'budget.pdf', content: pdf, contentType: 'application/pdf' },
      { filename: 'notes.txt', content: 'notes in ISO-8859-1: caf\xe9', contentType: 'text/plain; charset=iso-8859-1' },
      { filename: 'ünïcode name.csv', content: 'a,b\r\n1,2\r\n' },
    ],
  });
  const out = decorate(raw);
  const parsed = await assertAttachmentsKept(raw, out);
  assert.match(parsed.text!, /^See attached\.\n/);
  assert.ok(parsed.text!.includes('Leave or change delivery: https://socialgov.example.gov/lists/sm'));
  assert.equal(parsed.attachments.find((a) => a.filename === 'budget.pdf')!.content.equals(pdf), true);
  // The original parts are the same bytes, in the same place: only an insertion before the close.
  const before = splitMessage(raw).body.toString('latin1');
  const after = splitMessage(out).body.toString('latin1');
  const close = before.lastIndexOf('\r\n--');
  assert.equal(after.slice(0, close), before.slice(0, close));
  assert.equal(after.slice(after.length - (before.length - close)), before.slice(close));
});

test('multipart/related inside alternative: the footer goes into the root HTML, the image is untouched', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
  const raw = await compose({
    text: 'Logo below',
    html: '<html><body><img src="cid:logo@x"></body></html>',
    attachments: [{ filename: 'logo.png', content: png, cid: 'logo@x' }],
  });
  const out = decorate(raw, { footer: { text: 'T', html: '<p>H</p>' } });
  const parsed = await assertAttachmentsKept(raw, out);
  assert.equal(parsed.text, 'Logo below\n\nT\n');
  assert.match(String(parsed.html), /<img src="data:image\/png;base64,[^"]+"><p>H<\/p>\n<\/body>/);
});

const signedPost = crlf(`From: Pat Smith <pat@agency.gov>
To: sm@lists.example.gov
Subject: Signed
MIME-Version: 1.0
Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;
 boundary="sig"

This is an S/MIME signed message

--sig
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Signed words, exactly.   
--sig
Content-Type: application/pkcs7-signature; name="smime.p7s"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="smime.p7s"

MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIF
--sig--
`);

test('multipart/signed is wrapped, never changed inside: the signed entity is byte-identical', async () => {
  const out = decorate(signedPost);
  const h = headersOf(out);
  const ct = getHeader(h, 'content-type')!;
  assert.match(ct, /^multipart\/mixed; boundary="=_sg_/);
  const boundary = /boundary="([^"]+)"/.exec(ct)![1]!;
  const original = splitMessage(signedPost);
  const expectedFirstPart =
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n boundary="sig"\r\n\r\n' + original.body.toString('latin1');
  const body = splitMessage(out).body.toString('latin1');
  assert.ok(body.startsWith(`--${boundary}\r\n${expectedFirstPart}\r\n--${boundary}\r\n`), 'first part is the signed entity, byte for byte');
  const parsed = await assertAttachmentsKept(signedPost, out);
  assert.ok(parsed.text!.includes('Signed words, exactly.'));
  assert.ok(parsed.text!.includes('Leave or change delivery'));
});

test('encrypted and non-text bodies are wrapped too', async () => {
  const enc = crlf(`From: pat@agency.gov
Subject: Secret
MIME-Version: 1.0
Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename=smime.p7m

MIAGCSqGSIb3DQEHA6CAMIACAQAxggFAMIIBPAIBADAkMBcxFTATBgNVBAMMDHRlc3QuZXhhbXBs
`);
  const out = decorate(enc);
  assert.match(getHeader(headersOf(out), 'content-type')!, /^multipart\/mixed/);
  assert.equal(getHeader(headersOf(out), 'content-transfer-encoding'), undefined, 'the top has no transfer encoding of its own');
  await assertAttachmentsKept(enc, out);
  const pdf = crlf('From: pat@agency.gov\nSubject: s\nMIME-Version: 1.0\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n');
  const parsed = await assertAttachmentsKept(pdf, decorate(pdf));
  assert.equal(parsed.attachments[0]!.content.toString(), '%PDF-1.4\n');
});

test('a message that is only a text attachment is wrapped, the file unchanged', async () => {
  const raw = crlf(
    'From: pat@agency.gov\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/csv; charset=utf-8\nContent-Disposition: attachment; filename="data.csv"\n\na,b\n1,2\n',
  );
  const out = decorate(raw);
  assert.match(getHeader(headersOf(out), 'content-type')!, /^multipart\/mixed/);
  const parsed = await assertAttachmentsKept(raw, out);
  assert.equal(parsed.attachments[0]!.content.toString(), 'a,b\r\n1,2\r\n');
  const plainAttachment = crlf(
    'From: pat@agency.gov\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Disposition: attachment; filename="notes.txt"\n\nnotes\n',
  );
  await assertAttachmentsKept(plainAttachment, decorate(plainAttachment));
});

test('a text part in a charset we cannot read is wrapped rather than guessed at', async () => {
  const raw = Buffer.concat([
    crlf('From: pat@agency.gov\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: 8bit\n\n'),
    Buffer.from([0xf8, 0xe1, 0x0d, 0x0a]),
  ]);
  const out = decorate(raw, { footer: { text: 'Füße' } });
  assert.match(getHeader(headersOf(out), 'content-type')!, /^multipart\/mixed/);
  assert.ok(out.includes(Buffer.from([0xf8, 0xe1, 0x0d, 0x0a])), 'original bytes kept');
});

test('DMARC mitigation with replies to the poster: From is the list, the poster is in Reply-To', async () => {
  const out = decorate(plainPost, { dmarcMitigation: true });
  const parsed = await simpleParser(out);
  assert.deepEqual(parsed.from?.value, [{ name: 'Pat Smith via Social Media', address: 'sm@lists.example.gov' }]);
  assert.deepEqual(parsed.replyTo?.value, [{ name: 'Pat Smith', address: 'pat@agency.gov' }]);
  assert.equal(getHeaders(headersOf(out), 'from').length, 1);
});

test('DMARC mitigation keeps a Reply-To the poster set, and handles names that need encoding', async () => {
  const raw = crlf('From: =?UTF-8?Q?Jos=C3=A9_N=C3=BA=C3=B1ez?= <jose@agency.gov>\nReply-To: team@agency.gov\nSubject: s\n\nx\n');
  const parsed = await simpleParser(decorate(raw, { dmarcMitigation: true }));
  assert.deepEqual(parsed.from?.value, [{ name: 'José Núñez via Social Media', address: 'sm@lists.example.gov' }]);
  assert.equal(parsed.replyTo?.value[0]?.address, 'team@agency.gov');
  const bare = await simpleParser(decorate(crlf('From: kim@agency.gov\nSubject: s\n\nx\n'), { dmarcMitigation: true }));
  assert.equal(bare.from?.value[0]?.name, 'kim@agency.gov via Social Media');
});

test('replies to the list: Reply-To is the list; with DMARC mitigation the poster goes to Cc', async () => {
  const raw = crlf('From: Pat <pat@agency.gov>\nCc: Kim <kim@agency.gov>\nReply-To: elsewhere@agency.gov\nSubject: s\n\nx\n');
  const plain = await simpleParser(decorate(raw, { replyTo: 'list' }));
  assert.deepEqual(
    plain.replyTo?.value.map((a) => a.address),
    ['sm@lists.example.gov'],
  );
  assert.equal(plain.from?.value[0]?.address, 'pat@agency.gov');
  const mitigated = await simpleParser(decorate(raw, { replyTo: 'list', dmarcMitigation: true }));
  assert.deepEqual(
    mitigated.replyTo?.value.map((a) => a.address),
    ['sm@lists.example.gov'],
  );
  assert.deepEqual(
    (Array.isArray(mitigated.cc) ? mitigated.cc[0] : mitigated.cc)?.value.map((a) => a.address),
    ['kim@agency.gov', 'pat@agency.gov'],
  );
});

test('announce-only lists say List-Post: NO; bad URLs and list ids are refused clearly', () => {
  assert.equal(getHeader(headersOf(decorate(plainPost, { urls: { ...options.urls, post: null } })), 'list-post'), 'NO');
  assert.throws(
    () => decorate(plainPost, { urls: { ...options.urls, help: 'https://x.gov/a b' } }),
    (e: Error) => e instanceof ListHeaderError && /help page/.test(e.message),
  );
  assert.throws(() => decorate(plainPost, { urls: { ...options.urls, owner: 'owner@x.gov>\r\nBcc: a@b' } }), ListHeaderError);
  assert.throws(() => decorate(plainPost, { listId: 'no dots here' }), /RFC 2919/);
  assert.throws(() => decorate(plainPost, { loopTag: 'a\r\nBcc: x@y.com' }), /line break/);
});

/** Lines of the header, CRLF not counted, in octets. */
const headerLines = (b: Buffer) => b.subarray(0, b.indexOf('\r\n\r\n')).toString('latin1').split('\r\n');

test('header lines over 998 octets are folded at white space, every value kept', async () => {
  const words = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
  const ids = Array.from({ length: 40 }, (_, i) => `<thread-${i}.${'a'.repeat(20)}@agency.gov>`);
  const raw = crlf(
    `From: Pat <pat@agency.gov>\nTo: sm@lists.example.gov\nSubject: ${words}\nReferences: ${ids.join(' ')}\nX-Note: ${words}\nMessage-ID: <m1@agency.gov>\n\nHello.\n`,
  );
  assert.ok(
    headerLines(raw).some((l) => l.length > 998),
    'the test input has long header lines',
  );
  const out = decorate(raw);
  for (const line of headerLines(out)) assert.ok(line.length <= 998, `a header line of ${line.length} octets: ${line.slice(0, 60)}`);
  const parsed = await simpleParser(out);
  assert.equal(parsed.subject, `[Social Media] ${words}`);
  assert.deepEqual(parsed.references, ids);
  assert.equal(decodeHeaderValue(getHeader(headersOf(out), 'x-note')!), words);
});

test('a header word over 998 octets is encoded (RFC 2047) so it can be folded; an over-long reference is dropped', async () => {
  const long = 'x'.repeat(1500);
  const accented = 'é'.repeat(700);
  const raw = crlf(
    `From: Pat <pat@agency.gov>\nTo: sm@lists.example.gov\nSubject: Look ${long}\nX-Token: ${long}\nThread-Topic: =?UTF-8?B?${Buffer.from(accented).toString('base64')}?=\nReferences: <a@agency.gov> <${long}@agency.gov> <b@agency.gov>\nMessage-ID: <m1@agency.gov>\n\nHello.\n`,
  );
  const out = decorate(raw);
  for (const line of headerLines(out)) assert.ok(line.length <= 998, `a header line of ${line.length} octets: ${line.slice(0, 60)}`);
  const parsed = await simpleParser(out);
  assert.equal(parsed.subject, `[Social Media] Look ${long}`);
  assert.equal(decodeHeaderValue(getHeader(headersOf(out), 'x-token')!), long);
  assert.equal(decodeHeaderValue(getHeader(headersOf(out), 'thread-topic')!), accented);
  assert.deepEqual(parsed.references, ['<a@agency.gov>', '<b@agency.gov>'], 'a reference no line can hold is left out; threading keeps the others');
});

test('short header lines are left as written', () => {
  const raw = crlf('From: Pat <pat@agency.gov>\nTo: sm@lists.example.gov\nSubject: Short\nX-Odd:   spaced    out  \nMessage-ID: <m1@agency.gov>\n\nHello.\n');
  assert.match(decorate(raw).toString('latin1'), /\r\nX-Odd: {3}spaced {4}out {2}\r\n/);
});
