/**
 * Delivery reports that are not RFC 3464: the prose that Postfix, Exim, qmail, sendmail,
 * Exchange, Yahoo, Gmail, Lotus Notes and many smaller mail systems send. Like Mailman's
 * bounce detectors, each detector is one small named function; they run top to bottom and
 * the first that names a recipient wins. The last one is the catch-all: it reads the failure
 * notice up to where the returned copy of our own message starts, and takes the addresses in it.
 */
import { addressesIn, cleanAddress, isListBounceAddress, isSystemAddress, mergeRecipients } from './addresses.ts';
import type { BouncedRecipient } from './types.ts';

/** A bounce reduced to what detectors read. */
export interface BounceText {
  /** The human-readable body (plain text, or the HTML part turned into text). */
  text: string;
  subject: string;
  /** The From header as written, display name included. */
  from: string;
  /** Lower-cased addresses from the bounce's own headers (the list's bounce address, the reporting system). */
  ownAddresses: ReadonlySet<string>;
}

export interface Detection {
  format: string;
  recipients: BouncedRecipient[];
  /** The failure notice itself, without the returned message. */
  notice: string;
  temporary: boolean;
}

interface Detector {
  name: string;
  description: string;
  detect(msg: BounceText): Detection | null;
}

/**
 * Lines where the failure notice ends and the copy of the returned message (or an SMTP
 * transcript that names the sender too) begins.
 */
const NOTICE_END: RegExp[] = [
  /original message follows/i,
  /original message (is )?(attached|below|headers)/i,
  /^\s*-+\s*original message/i,
  /this is a copy of (the|your) message/i,
  /copy of the original message/i,
  /below (this|the next) line is a copy/i,
  /the header of the original message/i,
  /message header(s)? follows?/i,
  /header of the source mail/i,
  /transcript of session follows/i,
  /session transcript/i,
  /start of returned message/i,
  /^\s*-+\s*returned mail\s*-+/i,
  /returned mail follows/i,
  /unsent message below/i,
  /your message reads/i,
  /summary of the undelivered message/i,
  /included is a copy of the message header/i,
  /the header and top \d+ lines/i,
  /lines of your original message follow/i,
  /original message as received/i,
  /^\s*old message:/i,
  /diagnostic information for administrators/i,
  /mensaje original/i,
  /^\s*-+\s*forwarded message/i,
  /^\s*(undelivered|returned) message\s*:?\s*$/i,
  /attachment is a copy of the message/i,
  /\u9644\u4ef6\u4e2d\u7684\u5185\u5bb9\u662f\u539f\u4fe1\u4ef6/, // 附件中的内容是原信件
  /^\s*>?\s*(received|return-path):/i,
  // A multipart body shown as text (the report lacks a MIME-Version header): the returned part.
  /^content-type:\s*(message\/rfc822|text\/rfc822-headers|message\/delivery-status)/i,
];

/** Words that mark a warning about a delay rather than a final failure. */
const DELAY_TEXT =
  /has not yet been delivered|not been delivered yet|has been delayed|been postponed|delivery (is |has been )?delayed|warning message only|this is just a warning|delivery attempts will continue|will continue to (try|attempt)|will (keep|be) (trying|retried|retrying)|still being retried|delayed \d+ hours/i;
const DELAY_SUBJECT = /\bdelay(ed)?\b|not yet been delivered|still being retried/i;

/** Header-like lines of a quoted message: the addresses on them are senders and lists, not failures. */
const HEADER_LINE = /^\s*>?\s*(from|to|cc|bcc|sent|date|subject|reply-to|sender|return-path|message-id|received|in-reply-to|references|x-[\w-]+)\s*:/i;

/**
 * An address right after "from" (our own sender) or "contact" (a help desk), unless the report
 * says the failed address was expanded or generated from it.
 */
const AFTER_FROM = /(^|[^\w-])((envelope-)?(from|sender)|contact(ing)?|write to|e-?mail us at)\s*:?\s*[<"'(]?\s*$/i;
const EXPANDED_FROM = /(generated|expanded)\s+(from|by)\s*:?\s*[<"'(]?\s*$/i;
/** The expansion note on a line of its own, about the address on the line above. */
const EXPANDED_LINE = /^\s*\(?\s*(generated|expanded)\s+(from|by)\s*:?\s*[<"'(]?\s*$/i;

/** The lines of the failure notice: from the start up to the first line that begins the returned copy. */
export function noticeLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    if (NOTICE_END.some((re) => re.test(line))) break;
    out.push(line);
  }
  return out;
}

function isDelay(notice: string, subject: string): boolean {
  return DELAY_TEXT.test(notice) || DELAY_SUBJECT.test(subject);
}

function usable(address: string, msg: BounceText): boolean {
  return !isSystemAddress(address) && !isListBounceAddress(address) && !msg.ownAddresses.has(address.toLowerCase());
}

/** Up to four lines of explanation starting at the recipient's line, ending before another recipient's line. */
function explanation(lines: string[], at: number, otherRecipientLines: ReadonlySet<number>): string | undefined {
  const parts: string[] = [];
  for (let i = at; i < lines.length && parts.length < 4; i++) {
    if (i > at && (otherRecipientLines.has(i) || !lines[i]!.trim())) break;
    parts.push(lines[i]!.trim());
  }
  const text = parts.join(' ').replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, 300) : undefined;
}

function recipientsFrom(found: Array<{ address: string; line: number }>, lines: string[], temporary: boolean): BouncedRecipient[] {
  return mergeRecipients(
    found.map((f) => {
      const others = new Set(found.filter((o) => o.address.toLowerCase() !== f.address.toLowerCase()).map((o) => o.line));
      const diagnostic = explanation(lines, f.line, others);
      const status = diagnostic ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(diagnostic)?.[1] : undefined;
      return { address: f.address, temporary, action: temporary ? 'delayed' : 'failed', ...(status ? { status } : {}), ...(diagnostic ? { diagnostic } : {}) };
    }),
  );
}

/** The catch-all reading of a notice: every usable address on its lines. */
function addressesOnLines(lines: string[], msg: BounceText): Array<{ address: string; line: number }> {
  const found: Array<{ address: string; line: number }> = [];
  lines.forEach((line, i) => {
    if (HEADER_LINE.test(line)) return;
    for (const { address, index } of addressesIn(line)) {
      const before = line.slice(0, index);
      if (AFTER_FROM.test(before) && !EXPANDED_FROM.test(before)) continue;
      if (EXPANDED_FROM.test(before)) {
        // sendmail: "local@relay.example\n (expanded from: member@list.example)" — the member is
        // the one we sent to, not the address the member's mail is forwarded to.
        const about = EXPANDED_LINE.test(before) ? i - 1 : i;
        for (let k = found.length - 1; k >= 0; k--) if (found[k]!.line === about) found.splice(k, 1);
      }
      if (usable(address, msg)) found.push({ address, line: i });
    }
  });
  return found;
}

/** Which mail system wrote a notice, from its wording; 'simplematch' when none is recognised. */
export function formatOf(msg: BounceText): string {
  const { text, from, subject } = msg;
  // The sender's domain first: big providers reuse other systems' wording (Yahoo writes like qmail).
  if (/@(yahoo|yahoo-inc)\.[a-z.]+/i.test(from) || /^Message from\s+\S*yahoo\./im.test(text)) return 'yahoo';
  if (/@(google|googlemail|gmail)\.com/i.test(from)) return 'gmail';
  if (/@aol\.com/i.test(from)) return 'aol';
  if (/@sina\.com/i.test(from)) return 'sina';
  if (/This is the .*program at host|^\s*The .*Postfix program\s*$/im.test(text)) return 'postfix';
  if (/qmail-send program|Below this line is a copy of the message/i.test(text)) return 'qmail';
  if (/following addresses had permanent fatal errors|Transcript of session follows/i.test(text)) return 'sendmail';
  if (/This message was created automatically by mail delivery software/i.test(text)) return 'exim';
  if (/Domino Directory|Lotus Notes/i.test(text + subject)) return 'lotus';
  if (
    /did not reach the following recipient|did not reach some or all of the intended recipients|Delivery has failed to these recipients|MSEXCH:|Microsoft Exchange/i.test(
      text,
    )
  )
    return 'exchange';
  if (/GroupWise|was undeliverable to the following/i.test(text)) return 'groupwise';
  if (/SMTPD?32|^Original message follows\.\s*$/im.test(text)) return 'smtp32';
  if (/MDaemon/i.test(text + from)) return 'mdaemon';
  if (/The following recipients did not receive your message/i.test(text)) return 'netscape';
  if (/InterScan/i.test(text)) return 'interscan';
  if (/LSMTP|^Error-for:/im.test(text + from)) return 'lsmtp';
  if (/hMailServer/i.test(text)) return 'hmailserver';
  return 'simplematch';
}

/** Lawrence Livermore: names the address in a sentence and then lists look-alike people. */
const llnl: Detector = {
  name: 'llnl',
  description: 'LLNL postmaster: "The address to which your message was addressed, X, did not exactly match"',
  detect(msg) {
    const m = /The\s+address\s+to\s+which\s+your\s+message\s+was\s+addressed,\s*(\S+@[^\s,]+),\s*did\s+not/i.exec(msg.text);
    if (!m) return null;
    const notice = noticeLines(msg.text).join('\n');
    return { format: 'llnl', recipients: [{ address: m[1]!, temporary: false, action: 'failed' }], notice, temporary: false };
  },
};

/** Yale's (and UC Irvine's) phquery gateway: lists bare names that matched no directory entry. */
const phquery: Detector = {
  name: 'yale',
  description: 'phquery name-server reports that list bare names under "Message not delivered to the following"',
  detect(msg) {
    const lines = msg.text.split(/\r?\n/);
    const start = lines.findIndex((l) => /Message not delivered to the following/i.test(l));
    if (start < 0) return null;
    const yale = /yale\.edu/i.test(msg.from);
    const found: BouncedRecipient[] = [];
    for (const line of lines.slice(start + 1)) {
      if (/Error Detail|^\s*-{4,}/i.test(line)) break;
      const token = line.trim().split(/\s+/)[0];
      if (!token) continue;
      if (token.includes('@')) {
        const address = addressesIn(token)[0]?.address;
        if (address && usable(address, msg)) found.push({ address, temporary: false, action: 'failed' });
      } else if (yale && /^[A-Za-z0-9._-]+$/.test(token)) {
        // A bare Yale name: the message went to NAME@yale.edu, and Yale forwards NAME@cs.yale.edu too.
        found.push(
          { address: `${token}@cs.yale.edu`, temporary: false, action: 'failed' },
          { address: `${token}@yale.edu`, temporary: false, action: 'failed' },
        );
      }
    }
    if (!found.length) return null;
    return { format: yale ? 'yale' : 'phquery', recipients: mergeRecipients(found), notice: noticeLines(msg.text).join('\n'), temporary: false };
  },
};

/** AOL: lists screen names, not addresses, under a sentence that names our own sender. */
const aol: Detector = {
  name: 'aol',
  description: 'AOL: screen names on indented lines after "could not be delivered because"',
  detect(msg) {
    if (!/@aol\.com/i.test(msg.from)) return null;
    const lines = msg.text.split(/\r?\n/);
    const start = lines.findIndex((l) => /could not be delivered/i.test(l));
    if (start < 0) return null;
    const notice = noticeLines(msg.text).join('\n');
    const temporary = isDelay(notice, msg.subject);
    const found: BouncedRecipient[] = [];
    for (const line of lines.slice(start + 1)) {
      if (!/^\s+\S/.test(line)) break;
      const name = line.trim();
      const address = name.includes('@') ? addressesIn(name)[0]?.address : cleanAddress(`${name.replace(/\s+/g, '')}@aol.com`);
      if (address && usable(address, msg)) found.push({ address, temporary, action: temporary ? 'delayed' : 'failed' });
    }
    if (!found.length) return null;
    return { format: 'aol', recipients: mergeRecipients(found), notice, temporary };
  },
};

/**
 * Exchange 5.5 and GroupWise gateways: "did not reach the following recipient(s):" then one
 * line per recipient, either "addr on <date>" or an X.400 form with "SMTP=addr;". The quoted
 * To/Cc of our own message comes before it and must not count.
 */
const exchange: Detector = {
  name: 'exchange',
  description: 'Exchange/GroupWise: recipients after "did not reach the following recipient(s)"',
  detect(msg) {
    const lines = noticeLines(msg.text);
    const start = lines.findIndex((l) => /did not reach the following recipient/i.test(l));
    if (start < 0) return null;
    const found: Array<{ address: string; line: number }> = [];
    lines.forEach((line, i) => {
      if (i <= start) return;
      const x400 = /SMTP=([^;\s]+@[^;\s]+)/i.exec(line);
      const plain = /^\s*([^\s@]+@[^\s@]+?)\s+on\s/i.exec(line);
      const address = x400?.[1] ?? plain?.[1];
      if (address && usable(address, msg)) found.push({ address, line: i });
    });
    if (!found.length) return null;
    const notice = lines.join('\n');
    const temporary = isDelay(notice, msg.subject);
    return { format: /GroupWise/i.test(msg.text) ? 'groupwise' : 'exchange', recipients: recipientsFrom(found, lines, temporary), notice, temporary };
  },
};

/** Everything else: the addresses in the failure notice, up to where the returned message starts. */
const simpleMatch: Detector = {
  name: 'simplematch',
  description: 'Any mail system: addresses in the failure notice before the returned copy of the message',
  detect(msg) {
    const lines = noticeLines(msg.text);
    const found = addressesOnLines(lines, msg);
    const notice = lines.join('\n');
    const temporary = isDelay(notice, msg.subject);
    return { format: formatOf(msg), recipients: recipientsFrom(found, lines, temporary), notice, temporary };
  },
};

/** Read top to bottom: the specific detectors first, the catch-all last. */
export const DETECTORS: readonly Detector[] = [llnl, phquery, aol, exchange, simpleMatch];

/** The first detector's reading that names a recipient; otherwise the catch-all's (which may name none). */
export function detectNonStandard(msg: BounceText): Detection {
  let last: Detection | null = null;
  for (const d of DETECTORS) {
    const found = d.detect(msg);
    if (found?.recipients.length) return found;
    last = found ?? last;
  }
  return last ?? { format: formatOf(msg), recipients: [], notice: noticeLines(msg.text).join('\n'), temporary: isDelay(msg.text, msg.subject) };
}
