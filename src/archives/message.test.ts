import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attachmentKind, parseMessage, posterOf } from './message.ts';

/** A message from parts: each part is [headers, body]; one part is the whole body. */
function mail(headers: string[], parts: Array<[string[], string]>): Buffer {
  const head = [
    'From: Jo Smith <jo@agency.gov>',
    'To: list@lists.example.gov',
    'Subject: Test',
    'Message-ID: <t@x>',
    'Date: Mon, 4 Mar 2024 15:00:00 +0000',
    'MIME-Version: 1.0',
    ...headers,
  ];
  if (parts.length === 1) return Buffer.from([...head, ...parts[0]![0], '', parts[0]![1], ''].join('\r\n'));
  const body = parts.flatMap(([h, b]) => ['--b1', ...h, '', b]);
  return Buffer.from([...head, 'Content-Type: multipart/mixed; boundary="b1"', '', ...body, '--b1--', ''].join('\r\n'));
}
const TEXT: [string[], string] = [['Content-Type: text/plain; charset=utf-8'], 'Hello.'];
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

describe('what counts as an attachment', () => {
  const none = new Set<string>();
  test('the rule, part by part', () => {
    assert.equal(attachmentKind({ contentType: 'application/pdf', filename: 'a.pdf', disposition: 'attachment' }, none), 'file');
    // Apple Mail gives every part a Content-ID: that alone does not make it inline
    assert.equal(attachmentKind({ contentType: 'text/x-log', filename: 'run.log', disposition: 'attachment', contentId: 'p1@mac' }, none), 'file');
    assert.equal(attachmentKind({ contentType: 'application/octet-stream', disposition: 'attachment' }, none), 'file', 'no filename, but attached');
    assert.equal(attachmentKind({ contentType: 'application/zip' }, none), 'file', 'not text, not inline');
    assert.equal(attachmentKind({ contentType: 'text/calendar', disposition: 'inline' }, none), 'inline');
    assert.equal(
      attachmentKind(
        { contentType: 'image/png', filename: 'image001.png', disposition: 'inline', contentId: 'image001.png@01D5' },
        new Set(['image001.png@01D5']),
      ),
      'inline',
      'shown by the HTML',
    );
    assert.equal(attachmentKind({ contentType: 'image/png', filename: 'chart.png', contentId: 'chart@x' }, none), 'file', 'an image the HTML does not show');
    for (const type of ['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']) {
      assert.equal(attachmentKind({ contentType: type, filename: 'smime.p7s', disposition: 'attachment' }, none), 'signature', type);
    }
  });

  test('signed mail has no attachment; an attachment with a Content-ID has one', async () => {
    const signed = await parseMessage(
      mail(
        [],
        [
          TEXT,
          [
            [
              'Content-Type: application/pkcs7-signature; name="smime.p7s"',
              'Content-Disposition: attachment; filename="smime.p7s"',
              'Content-Transfer-Encoding: base64',
            ],
            'MIAGCSqGSIb3DQEHAqCAMIACAQE=',
          ],
        ],
      ),
    );
    assert.equal(signed.attachments.length, 1);
    assert.equal(signed.hasAttachment, false);
    const pgp = await parseMessage(
      mail(
        [],
        [
          TEXT,
          [
            ['Content-Type: application/pgp-signature; name="signature.asc"', 'Content-Disposition: attachment; filename="signature.asc"'],
            '-----BEGIN PGP SIGNATURE-----\r\nx\r\n-----END PGP SIGNATURE-----',
          ],
        ],
      ),
    );
    assert.equal(pgp.hasAttachment, false);
    const withId = await parseMessage(
      mail(
        [],
        [
          TEXT,
          [['Content-Type: text/plain; name="run.log"', 'Content-Disposition: attachment; filename="run.log"', 'Content-ID: <part1.ABC@mac.com>'], 'log line'],
        ],
      ),
    );
    assert.equal(withId.hasAttachment, true);
    assert.equal(withId.attachments[0]!.kind, 'file');
  });

  test('an image the HTML shows by cid: is not an attachment; one it does not show is', async () => {
    const related = (html: string) =>
      Buffer.from(
        [
          'From: Jo <jo@agency.gov>',
          'Subject: Pic',
          'Message-ID: <r@x>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/related; boundary="r1"',
          '',
          '--r1',
          'Content-Type: text/html; charset=utf-8',
          '',
          html,
          '--r1',
          'Content-Type: image/png; name="image001.png"',
          'Content-Disposition: inline; filename="image001.png"',
          'Content-ID: <image001.png@01D5>',
          'Content-Transfer-Encoding: base64',
          '',
          PNG,
          '--r1--',
          '',
        ].join('\r\n'),
      );
    const shown = await parseMessage(related('<p>See <img src="cid:image001.png@01D5"></p>'));
    assert.equal(shown.attachments[0]!.kind, 'inline');
    assert.equal(shown.hasAttachment, false);
    const notShown = await parseMessage(related('<p>See the picture.</p>'));
    assert.equal(notShown.hasAttachment, true);
  });
});

describe('who posted: the poster behind "X via List"', () => {
  const list = { address: 'other-list@lists.example.org', name: 'Jo Smith via OtherList' };
  test('X-Original-From, then a Reply-To that is not the list, else the name without "via"', () => {
    assert.deepEqual(posterOf(list, [], [{ address: 'jo@agency.gov', name: 'Jo Smith' }]), { address: 'jo@agency.gov', name: 'Jo Smith' });
    assert.deepEqual(posterOf(list, [{ address: 'jo@agency.gov', name: null }], []), { address: 'jo@agency.gov', name: 'Jo Smith' });
    assert.deepEqual(
      posterOf(list, [{ address: 'other-list@lists.example.org', name: null }], []),
      { address: 'other-list@lists.example.org', name: 'Jo Smith' },
      'Reply-To: the list',
    );
    assert.deepEqual(
      posterOf({ address: 'jo@agency.gov', name: 'Jo Smith' }, [{ address: 'team@agency.gov', name: null }], []),
      { address: 'jo@agency.gov', name: 'Jo Smith' },
      'no "via": From is the poster',
    );
  });

  test('parsed from real headers, X-Original-From included (mailparser leaves it as text)', async () => {
    const via = (raw: Buffer, from: string) => parseMessage(Buffer.from(raw.toString().replace('From: Jo Smith <jo@agency.gov>', `From: ${from}`)));
    const viaReply = await via(mail(['Reply-To: "EJ Kreinar" <ejkreinar@gmail.com>'], [TEXT]), '"EJ Kreinar via USRP-users" <usrp-users@lists.ettus.com>');
    assert.deepEqual([viaReply.fromAddress, viaReply.fromName], ['ejkreinar@gmail.com', 'EJ Kreinar']);
    const viaOriginal = await via(
      mail(['X-Original-From: "Pat Lee" <pat@agency.gov>', 'Reply-To: usrp-users@lists.ettus.com'], [TEXT]),
      '"Pat Lee via USRP-users" <usrp-users@lists.ettus.com>',
    );
    assert.deepEqual([viaOriginal.fromAddress, viaOriginal.fromName], ['pat@agency.gov', 'Pat Lee']);
  });
});
