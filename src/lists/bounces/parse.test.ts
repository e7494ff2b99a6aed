import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { NO_SHARED, SHARED } from '../../../test/helpers.ts';
import { htmlToText, parseBounce, summarise, SUMMARY_MAX_BYTES } from './parse.ts';

const SAMPLES = path.join(SHARED, 'data/bounces');
const NO_SAMPLES = NO_SHARED || (existsSync(path.join(SAMPLES, 'EXPECTED.tsv')) ? false : 'needs ../shared/data/bounces (real bounce samples); present in CI');

interface Expectation {
  file: string;
  formats: string[];
  temporary: boolean;
  addresses: string[];
}

/** EXPECTED.tsv, one entry per file (a file listed under two formats expects the union). */
function expectations(): Expectation[] {
  const byFile = new Map<string, Expectation>();
  const rows = readFileSync(path.join(SAMPLES, 'EXPECTED.tsv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim());
  for (const row of rows) {
    const [file, format, temporary, addresses = ''] = row.split('\t');
    const e = byFile.get(file!) ?? { file: file!, formats: [], temporary: temporary === 'yes', addresses: [] };
    e.formats.push(format!);
    e.addresses.push(...addresses.split(/\s+/).filter(Boolean));
    byFile.set(file!, e);
  }
  return [...byFile.values()];
}

const mail = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

describe('parseBounce on the real samples (flufl.bounce test data)', () => {
  test('every expected address with the right temporary flag, and no other address', { skip: NO_SAMPLES }, async () => {
    const rows: string[] = [];
    let failures = 0;
    for (const e of expectations()) {
      const report = await parseBounce(readFileSync(path.join(SAMPLES, e.file)));
      const got = new Map(report.recipients.map((r) => [r.address.toLowerCase(), r]));
      const want = new Set(e.addresses.map((a) => a.toLowerCase()));
      const missing = [...want].filter((a) => !got.has(a));
      const extra = [...got.keys()].filter((a) => !want.has(a));
      const wrongFlag = [...want].filter((a) => got.has(a) && got.get(a)!.temporary !== e.temporary);
      const bounceKind = report.kind === 'dsn' || report.kind === 'non-standard';
      const ok = !missing.length && !extra.length && !wrongFlag.length && bounceKind;
      if (!ok) failures++;
      rows.push(
        [
          ok ? 'ok  ' : 'FAIL',
          e.file.padEnd(17),
          `${e.formats.join('+')}→${report.kind}/${report.format ?? '-'}`.padEnd(40),
          missing.length ? `missing ${missing.join(' ')}` : '',
          extra.length ? `extra ${extra.join(' ')}` : '',
          wrongFlag.length ? `temporary should be ${e.temporary} for ${wrongFlag.join(' ')}` : '',
          bounceKind ? '' : `kind ${report.kind}`,
        ]
          .filter(Boolean)
          .join('  '),
      );
    }
    assert.equal(failures, 0, `${failures} sample(s) misread:\n${rows.join('\n')}`);
  });

  test('no sample is mistaken for an auto-reply and every summary is short plain text', { skip: NO_SAMPLES }, async () => {
    for (const e of expectations()) {
      const report = await parseBounce(readFileSync(path.join(SAMPLES, e.file)));
      assert.notEqual(report.kind, 'auto-reply', e.file);
      assert.ok(Buffer.byteLength(report.summary, 'utf8') <= SUMMARY_MAX_BYTES, `${e.file}: summary too long`);
      assert.ok(report.summary.length > 0, `${e.file}: empty summary`);
    }
  });
});

const GMAIL_550 = `Return-Path: <>
Received: from mail-ua1-f69.google.com (mail-ua1-f69.google.com [209.85.222.69])
Date: Mon, 23 Nov 2026 09:12:03 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: socialgov-bounces+Ab3_x-Y9@lists.example.gov
Subject: Delivery Status Notification (Failure)
Message-ID: <5f0c.1@mx.google.com>
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000b1"; report-type=delivery-status
Auto-Submitted: auto-generated

--000000000000b1
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to jane.doe@gmail.com because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser

--000000000000b1
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; lists.example.gov
Arrival-Date: Mon, 23 Nov 2026 09:12:02 -0800 (PST)

Final-Recipient: rfc822; jane.doe@gmail.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (142.250.1.26, the server for the domain gmail.com.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.
 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser
Last-Attempt-Date: Mon, 23 Nov 2026 09:12:03 -0800 (PST)

--000000000000b1
Content-Type: message/rfc822

From: SocialGov <socialgov@lists.example.gov>
To: socialgov@lists.example.gov
Subject: [socialgov] Office hours on Thursday
Message-ID: <post-42@lists.example.gov>

Bring questions; contact organizer@agency.example.gov.

--000000000000b1--
`;

const EXCHANGE_NDR = `From: postmaster@agency.example.gov
To: socialgov-bounces+Q1w2e3@lists.example.gov
Subject: Undeliverable: [socialgov] Office hours on Thursday
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <ndr-1@agency.example.gov>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

Pat.Smith@agency.example.gov (Pat.Smith@agency.example.gov)
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.

Diagnostic information for administrators:

Generating server: EXCH01.agency.example.gov

Pat.Smith@agency.example.gov
#550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ##

Original message headers:

From: SocialGov <socialgov@lists.example.gov>
To: socialgov@lists.example.gov
`;

const OUT_OF_OFFICE_AUTO_SUBMITTED = `From: Pat Smith <pat.smith@agency.example.gov>
To: socialgov-bounces+Q1w2e3@lists.example.gov
Subject: Re: [socialgov] Office hours on Thursday
Auto-Submitted: auto-replied
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <oof-1@agency.example.gov>
Content-Type: text/plain

I am out of the office until December 1 with limited access to e-mail. For urgent matters,
contact my deputy at lee.jones@agency.example.gov. Messages to me could not be delivered to
my phone while I travel.
`;

const VACATION_SUBJECT_ONLY = `From: Lee Jones <lee.jones@state.example.gov>
To: socialgov-bounces+Zz9@lists.example.gov
Subject: Out of Office: [socialgov] Office hours on Thursday
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <oof-2@state.example.gov>
Content-Type: text/plain

Thank you for your message. I am on leave and will reply when I return.
Undelivered? No: your message was delivered; I will read it later.
`;

const DELAYED_DSN = `From: Mail Delivery System <MAILER-DAEMON@relay.example.org>
To: socialgov-bounces+Dd1@lists.example.gov
Subject: Delayed Mail (still being retried)
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b2"

--b2
Content-Description: Notification
Content-Type: text/plain

This is the mail system at host relay.example.org.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

<kim@city.example.org>: connect to mx.city.example.org[192.0.2.7]:25: Connection timed out

--b2
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org
Arrival-Date: Mon, 23 Nov 2026 06:00:00 +0000

Final-Recipient: rfc822; kim@city.example.org
Original-Recipient: rfc822;Kim@City.example.org
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.city.example.org[192.0.2.7]:25: Connection timed out
Will-Retry-Until: Sat, 28 Nov 2026 06:00:00 +0000

--b2
Content-Type: text/rfc822-headers

From: SocialGov <socialgov@lists.example.gov>
To: socialgov@lists.example.gov

--b2--
`;

describe('parseBounce on synthetic messages', () => {
  test('Gmail 550 5.1.1 (RFC 3464): one hard failure with status and diagnostic', async () => {
    const r = await parseBounce(mail(GMAIL_550));
    assert.equal(r.kind, 'dsn');
    assert.equal(r.format, 'rfc3464');
    assert.equal(r.temporary, false);
    assert.equal(r.recipients.length, 1);
    const [jane] = r.recipients;
    assert.equal(jane!.address, 'jane.doe@gmail.com');
    assert.equal(jane!.temporary, false);
    assert.equal(jane!.status, '5.1.1');
    assert.equal(jane!.action, 'failed');
    assert.match(jane!.diagnostic!, /^550-5\.1\.1 The email account that you tried to reach does not exist\. 550 5\.1\.1/);
    assert.match(r.summary, /Address not found/);
    assert.doesNotMatch(r.summary, /organizer@agency/, 'the returned message is not part of the summary');
  });

  test('Exchange NDR without a report part: the recipient, not the sender in the quoted headers', async () => {
    const r = await parseBounce(mail(EXCHANGE_NDR));
    assert.equal(r.kind, 'non-standard');
    assert.equal(r.format, 'exchange');
    assert.deepEqual(
      r.recipients.map((x) => [x.address, x.temporary]),
      [['Pat.Smith@agency.example.gov', false]],
    );
    assert.match(r.summary, /couldn't be found/);
  });

  test('an out-of-office reply with Auto-Submitted: auto-replied is an auto-reply with no recipients', async () => {
    const r = await parseBounce(mail(OUT_OF_OFFICE_AUTO_SUBMITTED));
    assert.equal(r.kind, 'auto-reply');
    assert.deepEqual(r.recipients, []);
    assert.match(r.summary, /out of the office/);
  });

  test('a vacation reply recognised by its "Out of Office" subject alone', async () => {
    const r = await parseBounce(mail(VACATION_SUBJECT_ONLY));
    assert.equal(r.kind, 'auto-reply');
    assert.deepEqual(r.recipients, []);
  });

  test('other auto-reply markers: X-Autoreply, X-Autorespond, Precedence: auto_reply, "Automatic reply"', async () => {
    const base = (extra: string, subject = 'Re: [socialgov] Office hours') =>
      mail(
        `From: A Person <a.person@agency.example.gov>\nTo: socialgov-bounces@lists.example.gov\nSubject: ${subject}\n${extra}Content-Type: text/plain\n\nAway.\n`,
      );
    for (const [extra, subject] of [
      ['X-Autoreply: yes\n', undefined],
      ['X-Autorespond: Away\n', undefined],
      ['Precedence: auto_reply\n', undefined],
      ['', 'Automatic reply: [socialgov] Office hours'],
      ['', 'Autoreply: [socialgov] Office hours'],
    ] as const) {
      assert.equal((await parseBounce(base(extra, subject))).kind, 'auto-reply', `${extra}${subject ?? ''}`);
    }
  });

  test('a delayed-delivery DSN is temporary and names the original recipient', async () => {
    const r = await parseBounce(mail(DELAYED_DSN));
    assert.equal(r.kind, 'dsn');
    assert.equal(r.temporary, true);
    assert.deepEqual(
      r.recipients.map((x) => [x.address, x.temporary, x.action, x.status]),
      [['Kim@City.example.org', true, 'delayed', '4.4.1']],
    );
  });

  test('a DSN reporting only successful delivery is not a bounce', async () => {
    const r = await parseBounce(mail(DELAYED_DSN.replace('Action: delayed', 'Action: delivered').replace('Status: 4.4.1', 'Status: 2.0.0')));
    assert.equal(r.kind, 'not-a-bounce');
    assert.deepEqual(r.recipients, []);
  });

  test('a mail-system bounce that carries Auto-Submitted: auto-replied (as Exim writes) is still a bounce', async () => {
    const r = await parseBounce(
      mail(`From: Mail Delivery System <Mailer-Daemon@mx.example.net>
To: socialgov-bounces@lists.example.gov
Subject: Mail delivery failed: returning message to sender
Auto-Submitted: auto-replied
Content-Type: text/plain

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  gone@example.net
    mailbox is full: retry timeout exceeded

------ This is a copy of the message, including all the headers. ------
From: socialgov@lists.example.gov
`),
    );
    assert.equal(r.kind, 'non-standard');
    assert.equal(r.format, 'exim');
    assert.deepEqual(
      r.recipients.map((x) => [x.address, x.temporary]),
      [['gone@example.net', false]],
    );
  });

  test('Gmail plain-text notice (no report part): the recipient, hard', async () => {
    const r = await parseBounce(
      mail(`From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: socialgov-bounces+Ab3@lists.example.gov
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain

This is an automatically generated Delivery Status Notification

Delivery to the following recipient failed permanently:

     sam.lee@gmail.com

Technical details of permanent failure:
The email account that you tried to reach does not exist. Please try double-checking the recipient's email address. 550 5.1.1 No such user

   ----- Original message -----

From: SocialGov <socialgov@lists.example.gov>
To: socialgov@lists.example.gov
Cc: someone.else@agency.example.gov
`),
    );
    assert.equal(r.kind, 'non-standard');
    assert.equal(r.format, 'gmail');
    assert.deepEqual(
      r.recipients.map((x) => [x.address, x.temporary]),
      [['sam.lee@gmail.com', false]],
    );
  });

  test('sendmail forwarding: the address we sent to, not the one it expanded to', async () => {
    const r = await parseBounce(
      mail(`From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>
To: socialgov-bounces@lists.example.gov
Subject: Returned mail: see transcript for details
Content-Type: text/plain

The original message was received at Mon, 23 Nov 2026 10:00:00 GMT
from lists.example.gov [192.0.2.1]

   ----- The following addresses had permanent fatal errors -----
old.box@relay.example.org
    (expanded from: <member.one@example.org>)
other.box@relay.example.org (expanded from: member.two@example.org)

   ----- Transcript of session follows -----
550 5.1.1 old.box@relay.example.org... User unknown
`),
    );
    assert.equal(r.format, 'sendmail');
    assert.deepEqual(
      r.recipients.map((x) => x.address),
      ['member.one@example.org', 'member.two@example.org'],
    );
  });

  test('help-desk and sender addresses in a notice are not taken for the failed recipient', async () => {
    const r = await parseBounce(
      mail(`From: MAILER-DAEMON@mx.isp.example.net
To: socialgov-bounces@lists.example.gov
Subject: failure notice
Content-Type: text/plain

We could not deliver mail from socialgov-bounces@lists.example.gov (envelope-from <owner@lists.example.gov>).
For help, contact helpdesk@isp.example.net or write to abuse@isp.example.net.

<terry@isp.example.net>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

To: socialgov@lists.example.gov
Reply-To: chair@agency.example.gov
`),
    );
    assert.equal(r.format, 'qmail');
    assert.deepEqual(
      r.recipients.map((x) => [x.address, x.temporary, x.status]),
      [['terry@isp.example.net', false, '5.1.1']],
    );
  });

  test('an ordinary reply to the bounce address is not a bounce, even when it names addresses', async () => {
    const r = await parseBounce(
      mail(
        `From: Pat <pat@agency.example.gov>\nTo: socialgov-bounces@lists.example.gov\nSubject: Re: your list\nContent-Type: text/plain\n\nPlease write to lee@agency.example.gov instead.\n`,
      ),
    );
    assert.equal(r.kind, 'not-a-bounce');
    assert.deepEqual(r.recipients, []);
  });

  test('garbage input does not throw', async () => {
    const r = await parseBounce(Buffer.from([0, 1, 2, 255, 254, 10, 13, 10]));
    assert.ok(['not-a-bounce', 'non-standard'].includes(r.kind));
    assert.deepEqual(r.recipients, []);
  });
});

/** Notices in the wording of other common mail systems, each with what a coordinator expects. */
const FORMATS: Array<{ name: string; from: string; subject: string; body: string; format: string; recipients: string[]; temporary: boolean }> = [
  {
    name: 'Exim delay warning',
    from: 'Mail Delivery System <Mailer-Daemon@mx.state.example.gov>',
    subject: 'Warning: message 1kXyZ-0001aB-Cd delayed 24 hours',
    body: `This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.state.example.gov.

The message identifier is:     1kXyZ-0001aB-Cd
The subject of the message is: [socialgov] Office hours on Thursday

The address to which the message has not yet been delivered is:

  robin@county.example.gov
    host mail.county.example.gov [192.0.2.9]: Connection timed out

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered.
`,
    format: 'exim',
    recipients: ['robin@county.example.gov'],
    temporary: true,
  },
  {
    name: 'Lotus Domino',
    from: 'Postmaster@city.example.gov',
    subject: 'DELIVERY FAILURE: User Alex Kim (alex.kim@city.example.gov) not listed in Domino Directory',
    body: `Your message

  Subject: [socialgov] Office hours on Thursday

was not delivered to:

  alex.kim@city.example.gov

because:

  User Alex Kim (alex.kim@city.example.gov) not listed in Domino Directory
`,
    format: 'lotus',
    recipients: ['alex.kim@city.example.gov'],
    temporary: false,
  },
  {
    name: 'Novell GroupWise',
    from: 'System Administrator <postmaster@courts.example.gov>',
    subject: 'Undeliverable mail: [socialgov] Office hours on Thursday',
    body: `The message that you sent was undeliverable to the following:
	morgan@courts.example.gov (user not found)

Possible solutions:
	Check the spelling of the address.
`,
    format: 'groupwise',
    recipients: ['morgan@courts.example.gov'],
    temporary: false,
  },
  {
    name: 'Exchange 2003, two recipients',
    from: 'System Administrator <postmaster@agency.example.gov>',
    subject: 'Undeliverable: [socialgov] Office hours on Thursday',
    body: `Your message did not reach some or all of the intended recipients.

      Subject:	[socialgov] Office hours on Thursday
      Sent:	11/23/2026 9:00 AM

The following recipient(s) cannot be reached:

      casey@agency.example.gov on 11/23/2026 9:01 AM
            The e-mail account does not exist at the organization this message was sent to.
            <mail.agency.example.gov #5.1.1>

      drew@agency.example.gov on 11/23/2026 9:01 AM
            This message exceeds the maximum message size allowed.
            <mail.agency.example.gov #5.2.3>
`,
    format: 'exchange',
    recipients: ['casey@agency.example.gov', 'drew@agency.example.gov'],
    temporary: false,
  },
  {
    name: 'Yahoo (qmail-style wording)',
    from: 'MAILER-DAEMON@yahoo.com',
    subject: 'Failure Notice',
    body: `Sorry, we were unable to deliver your message to the following address.

<jordan@yahoo.com>:
554: delivery error: dd This user doesn't have a yahoo.com account (jordan@yahoo.com) [0] - mta1050.mail.ne1.yahoo.com

--- Below this line is a copy of the message.

Received: from lists.example.gov
From: socialgov@lists.example.gov
`,
    format: 'yahoo',
    recipients: ['jordan@yahoo.com'],
    temporary: false,
  },
];

describe('parseBounce on other common wordings', () => {
  for (const f of FORMATS) {
    test(f.name, async () => {
      const r = await parseBounce(
        mail(`From: ${f.from}\nTo: socialgov-bounces+T0k@lists.example.gov\nSubject: ${f.subject}\nContent-Type: text/plain\n\n${f.body}`),
      );
      assert.equal(r.kind, 'non-standard');
      assert.equal(r.format, f.format);
      assert.deepEqual(
        r.recipients.map((x) => x.address),
        f.recipients,
      );
      assert.ok(
        r.recipients.every((x) => x.temporary === f.temporary),
        'temporary flag',
      );
      assert.equal(r.temporary, f.temporary);
    });
  }
});

describe('summaries', () => {
  test('summarise cuts to 2 KB on a character boundary and drops control characters', () => {
    const long = 'é'.repeat(5000);
    const s = summarise(`a\u0007b\n\n\n\n${long}`);
    assert.ok(Buffer.byteLength(s, 'utf8') <= SUMMARY_MAX_BYTES);
    assert.ok(s.startsWith('ab\n\né'));
    assert.ok(s.endsWith(' …'));
    assert.equal(summarise('  short  '), 'short');
  });

  test('htmlToText keeps line breaks and decodes entities', () => {
    assert.equal(htmlToText('<p>did not reach:<BR>\n&nbsp;a&amp;b@example.org&#33;</p><style>x{}</style>'), 'did not reach:\n\n a&b@example.org!\n');
  });
});
