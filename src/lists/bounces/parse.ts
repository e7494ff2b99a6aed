/**
 * Reading a message that arrived at a list's bounce address: is it a delivery failure, for whom,
 * hard or temporary — or an out-of-office reply, or something else entirely?
 *
 * Order of questions (each one small, see the modules it calls):
 *   1. A standard delivery status notification (RFC 3464)? Its per-recipient fields decide.
 *   2. An auto-reply (Auto-Submitted, X-Autoreply, Precedence: auto_reply, "Out of Office"
 *      subjects) not signed by a mail system? Then it is 'auto-reply', never a bounce.
 *   3. Signed by a mail system, titled like a failure notice or carrying a (broken) report part?
 *      The non-standard detectors read it.
 *   4. Otherwise 'not-a-bounce'.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { addressesIn, mergeRecipients } from './addresses.ts';
import { autoReplyVerdict, type HeaderMap } from './autoreply.ts';
import { fieldBlocks, parseDeliveryStatus } from './dsn.ts';
import { detectNonStandard, noticeLines, type BounceText } from './nonstandard.ts';
import type { BounceReport, BouncedRecipient } from './types.ts';

export type { BounceReport, BouncedRecipient } from './types.ts';

/** How much of the body text the detectors read. */
const MAX_TEXT_CHARS = 256 * 1024;

/** Coordinators see at most this much of the failure text. */
export const SUMMARY_MAX_BYTES = 2048;

const PARSE_OPTIONS = {
  keepDeliveryStatus: true, // the delivery-status part as an attachment, not mixed into the text
  ignoreEmbedded: true, // the returned original message stays an attachment: its addresses are not failures
  skipTextToHtml: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
} as const;

/** Senders that sign delivery reports (display name or mailbox). */
const MAIL_SYSTEM_SENDER =
  /mailer[-_]?daemon|postmaster|mail delivery|delivery (status|subsystem|system)|mail administrator|system administrator|mdaemon|smtp[_ ]?mail[_ ]?service|jetmail|automated response from/i;

/** Subjects of delivery failure notices. */
const FAILURE_SUBJECT =
  /undeliver|undelivered|not delivered|could not be delivered|delivery (status|failure|failed|notification|problem|report)|returned mail|mail delivery|failure notice|failure delivery|non-?delivery|failed mail|mail (error|failure|system error)|processing error|nameserver error|delayed mail|delivery warning|user unknown|mailbox (full|unavailable)/i;

/**
 * Parse a raw message (as received, headers and body) into a bounce report. Never throws on
 * malformed mail: what cannot be read is 'not-a-bounce'.
 */
export async function parseBounce(raw: Buffer): Promise<BounceReport> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, PARSE_OPTIONS);
  } catch (err) {
    return { kind: 'not-a-bounce', recipients: [], summary: summarise(`The message could not be read as e-mail: ${(err as Error).message}`) };
  }
  const headers = headerMap(mail);
  const subject = mail.subject ?? '';
  const from = headers.get('from')?.[0] ?? '';
  // A notice is short; a huge body is a returned message or an attack, and its tail does not matter.
  const text = (mail.text?.trim() ? mail.text : htmlToText(typeof mail.html === 'string' ? mail.html : '')).slice(0, MAX_TEXT_CHARS);

  const reports = await deliveryStatusParts(mail, text);
  const statusParts = reports.map((r) => r.status);
  const dsnRecipients = mergeRecipients(statusParts.flatMap(parseDeliveryStatus));
  if (dsnRecipients.length) {
    // The human-readable part of the report (the innermost one when a gateway wrapped it).
    const notice = noticeLines(reports.find((r) => r.text.trim())?.text ?? text)
      .join('\n')
      .trim();
    return {
      kind: 'dsn',
      format: 'rfc3464',
      recipients: dsnRecipients,
      temporary: dsnRecipients.every((r) => r.temporary),
      summary: summarise([notice, dsnRecipients.map(describe).join('\n')].filter(Boolean).join('\n\n')),
    };
  }

  const nullSender = /^\s*<\s*>\s*$/.test(headers.get('return-path')?.[0] ?? 'x');
  const fromMailSystem = MAIL_SYSTEM_SENDER.test(from) || (nullSender && FAILURE_SUBJECT.test(subject));
  const autoReply = autoReplyVerdict(headers, subject);
  if (autoReply.autoReply && !fromMailSystem) return autoReplyReport(text);

  // A delivery-status part whose recipients were all delivered or relayed is a success notice.
  if (statusParts.length && onlySuccesses(statusParts)) return { kind: 'not-a-bounce', recipients: [], summary: summarise(text) };

  if (!fromMailSystem && !statusParts.length && !FAILURE_SUBJECT.test(subject)) return { kind: 'not-a-bounce', recipients: [], summary: summarise(text) };

  const msg: BounceText = { text, subject, from, ownAddresses: ownAddresses(headers) };
  const found = detectNonStandard(msg);
  if (!found.recipients.length && autoReply.autoReply) return autoReplyReport(text);
  return {
    kind: 'non-standard',
    format: found.format,
    recipients: found.recipients,
    temporary: found.recipients.length ? found.recipients.every((r) => r.temporary) : found.temporary,
    summary: summarise(found.notice.trim() || text),
  };
}

function autoReplyReport(text: string): BounceReport {
  return { kind: 'auto-reply', format: 'auto-reply', recipients: [], summary: summarise(text) };
}

function describe(r: BouncedRecipient): string {
  return [r.address, r.action, r.status, r.diagnostic].filter(Boolean).join(' — ');
}

/** Header lines by lower-cased name, values unfolded. */
function headerMap(mail: ParsedMail): HeaderMap {
  const map = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const list = map.get(key.toLowerCase()) ?? [];
    list.push(value);
    map.set(key.toLowerCase(), list);
  }
  return map;
}

/** Addresses in the bounce's own headers: our list's bounce address, the reporting system. */
function ownAddresses(headers: HeaderMap): Set<string> {
  // Not X-Original-To or Delivered-To: some gateways copy the failed recipient's address into them.
  const names = ['from', 'to', 'cc', 'reply-to', 'sender', 'return-path', 'errors-to'];
  const own = new Set<string>();
  for (const name of names) for (const value of headers.get(name) ?? []) for (const a of addressesIn(value)) own.add(a.address.toLowerCase());
  return own;
}

/**
 * Every delivery-status part, with the human-readable text of the report it belongs to. Some
 * gateways wrap the whole report in a message/rfc822 part (one level deep is enough for them);
 * the returned original message is never searched because it is not a report.
 */
async function deliveryStatusParts(mail: ParsedMail, text: string, depth = 0): Promise<Array<{ status: string; text: string }>> {
  const parts: Array<{ status: string; text: string }> = [];
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') parts.push({ status: a.content.toString('utf8'), text });
    else if (type === 'message/rfc822' && depth === 0 && /^content-type:\s*multipart\/report/im.test(a.content.subarray(0, 65536).toString('latin1'))) {
      try {
        const inner = await simpleParser(a.content, PARSE_OPTIONS);
        parts.push(...(await deliveryStatusParts(inner, inner.text ?? '', depth + 1)));
      } catch {
        // An unreadable embedded message is just not a report.
      }
    }
  }
  return parts;
}

function onlySuccesses(parts: string[]): boolean {
  const actions = parts.flatMap((p) =>
    fieldBlocks(p)
      .map(
        (b) =>
          b
            .get('action')
            ?.toLowerCase()
            .match(/^[a-z]+/)?.[0],
      )
      .filter((a): a is string => !!a),
  );
  return actions.length > 0 && actions.every((a) => a === 'delivered' || a === 'relayed' || a === 'expanded');
}

/** Plain text from an HTML-only notice: line breaks kept, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6]|table)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/gi, '&');
}

/** Plain text, blank-line runs squeezed, control characters dropped, cut to 2 KB on a character boundary. */
export function summarise(text: string): string {
  let s = text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (Buffer.byteLength(s, 'utf8') <= SUMMARY_MAX_BYTES) return s;
  const suffix = ' …';
  const budget = SUMMARY_MAX_BYTES - Buffer.byteLength(suffix, 'utf8');
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > budget) break;
    out += ch;
    bytes += n;
  }
  s = out.trimEnd() + suffix;
  return s;
}
