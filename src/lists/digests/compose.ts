/**
 * Composing a digest: every post of a period in one message.
 *
 * Structure (and why):
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain  RFC 1153 digest: masthead, "Today's Topics" (the table of contents), then
 *                   every message as plain text between the RFC 1153 separators
 *       text/html   summary: the same table of contents with a short excerpt of each post
 *     multipart/digest
 *       message/rfc822 (one per post: the post as received, cleansed of list and secret headers)
 *
 * Mail programs show the first part of a multipart/mixed inline, so every reader sees a table
 * of contents first: HTML readers (Outlook, Gmail, Apple Mail) the summary, text-only readers
 * (mutt, Pine, screen readers set to plain text) the complete RFC 1153 digest, which reads top
 * to bottom without opening anything. The multipart/digest follows, so Thunderbird, Apple Mail
 * and Outlook list each post as a message of its own that can be opened, replied to (with the
 * poster's own Message-ID, so threads stay intact) or forwarded. The text alternative repeats
 * the posts' text; that doubles the size of text-only posts, the price of a digest that works
 * in every program (Mailman sends its MIME and plain digests as two separate choices instead).
 *
 * The HTML is escaped throughout and loads nothing remote: no images, no style sheets, only
 * links to this site. Each member's own links (get each message, leave) are placeholders here,
 * filled in per recipient by personal.ts.
 */
import { DateTime } from '../../platform/luxon.ts';
import { simpleParser, type Attachment } from 'mailparser';
import { cleanse } from '../message/cleanse.ts';
import { foldLongHeaders, shortenLongLines } from '../message/long-lines.ts';
import { encodePhrase, encodeWords } from '../message/encoded-words.ts';
import { newBoundary } from '../message/mime.ts';
import { joinMessage, makeHeader, splitMessage, toCrlf, type HeaderField } from '../message/raw.ts';
import { isOpaqueSigned, isSmimeSignature, opaqueSignedContent } from '../message/smime.ts';
import { encodeQuotedPrintable } from '../message/transfer.ts';
import { PLACEHOLDERS } from './personal.ts';
import type { DigestMode } from './schedule.ts';

export interface DigestPost {
  number: number;
  subject: string;
  fromAddress: string;
  fromName: string | null;
  sentAt: Date;
  messageId: string;
  /** The post as received. */
  raw: Buffer;
}

export interface DigestOptions {
  listName: string;
  /** "[Social Media]", or null: the subject then starts with the list name. */
  prefix: string | null;
  /** The list's posting address. */
  listAddress: string;
  /** RFC 2919 list id. */
  listId: string;
  /** The list's time zone: dates in the digest are shown in it. */
  timeZone: string;
  mode: DigestMode;
  /** The period's scheduled send time (names the digest). */
  scheduledFor: DateTime;
  /** When the digest is made (its Date). */
  now: DateTime;
  /** The member went back to each message: this digest brings the posts from before. */
  final?: boolean;
  domain: string;
  urls: {
    help: string;
    subscribe: string;
    archive: string;
    owner: string;
    /** null on an announce-only list. */
    post: string | null;
    archivedAt: (n: number) => string;
    /** Where members change how they get the list (account page). */
    account: string;
  };
}

export interface ComposedDigest {
  subject: string;
  messageId: string;
  /** The whole message, with personal-link placeholders. */
  message: Buffer;
}

const RFC1153_TOPICS_END = '-'.repeat(70);
const RFC1153_SEPARATOR = '-'.repeat(30);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** "Daily digest, Nov 23, 2026 (3 messages)" with the list's prefix. */
export function digestSubject(o: Pick<DigestOptions, 'prefix' | 'listName' | 'mode' | 'scheduledFor'>, count: number): string {
  const date = o.scheduledFor.setLocale('en-US').toFormat('LLL d, yyyy');
  const what = o.mode === 'daily' ? `Daily digest, ${date}` : `Weekly digest, week of ${date}`;
  return `${o.prefix ?? o.listName} ${what} (${count} ${count === 1 ? 'message' : 'messages'})`;
}

interface ReadablePost extends DigestPost {
  author: string;
  text: string;
  when: string;
}

const PARSE = { skipHtmlToText: false, skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true } as const;

/**
 * A post's text and attachments as a reader sees them. An S/MIME post's signature is not an
 * attachment to list, and an opaque-signed one (smime.p7m) has its text inside the signature:
 * it is read from there (the signed MIME entity, parsed: never its raw headers).
 */
async function readableParts(raw: Buffer): Promise<{ text: string; attachments: Attachment[] }> {
  let parsed = await simpleParser(raw, PARSE);
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const p7m = !parsed.text && isOpaqueSigned(type?.value ?? '', type?.params?.['smime-type']) ? parsed.attachments[0] : undefined;
  const inner = p7m ? opaqueSignedContent(p7m.content) : null;
  if (inner) parsed = await simpleParser(inner, PARSE);
  return { text: parsed.text ?? '', attachments: parsed.attachments.filter((a) => !isSmimeSignature(a.contentType)) };
}

async function readable(p: DigestPost, zone: string): Promise<ReadablePost> {
  const parts = await readableParts(p.raw);
  const text = parts.text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const attachments = parts.attachments.filter((a) => a.contentDisposition === 'attachment' || !a.related);
  const note = attachments.length
    ? `\n\n[${attachments.length} attachment${attachments.length === 1 ? '' : 's'}: ${attachments.map((a) => a.filename ?? a.contentType).join(', ')} — see the attached message]`
    : '';
  return {
    ...p,
    author: p.fromName ? `${p.fromName} <${p.fromAddress}>` : p.fromAddress,
    text: text + note,
    when: DateTime.fromJSDate(p.sentAt).setZone(zone).setLocale('en-US').toFormat("ccc, LLL d, yyyy 'at' h:mm a ZZZZ"),
  };
}

/** RFC 1153: a line that looks like a separator is changed so it cannot end a message early. */
function stuffSeparators(text: string): string {
  return text.replace(/^(-{30,}\s*)$/gm, ' $1');
}

function plainDigest(posts: ReadablePost[], o: DigestOptions, title: string): string {
  const lines: string[] = [title, '', `Send messages to the list at ${o.listAddress}`, '', "Today's Topics:", ''];
  if (o.mode === 'weekly') lines[4] = "This Week's Topics:";
  posts.forEach((p, i) => lines.push(`   ${String(i + 1).padStart(2)}. ${p.subject || '(no subject)'} (${p.fromName ?? p.fromAddress})`));
  lines.push('', RFC1153_TOPICS_END, '');
  for (const p of posts) {
    lines.push(
      `Date: ${p.when}`,
      `From: ${p.author}`,
      `Subject: ${p.subject || '(no subject)'}`,
      `Message-ID: ${p.messageId}`,
      '',
      stuffSeparators(p.text),
      '',
      RFC1153_SEPARATOR,
      '',
    );
  }
  lines.push(
    'How you get this list',
    '',
    o.final
      ? `This is your last digest of ${o.listName}: new messages now come to you one by one. To go back to digests, use your account page. To get each message (again), open:`
      : `You get one ${o.mode} digest of ${o.listName}. To get each message as it is sent instead, open:`,
    PLACEHOLDERS.textEach,
    'To stop getting messages from the list, open:',
    PLACEHOLDERS.textLeave,
    `Other choices are on your account page: ${o.urls.account}`,
    '',
    RFC1153_SEPARATOR,
    '',
    `End of ${title}`,
    '*'.repeat(Math.min(Math.max(`End of ${title}`.length, 10), 76)),
  );
  return lines.join('\r\n') + '\r\n';
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 280 ? `${flat.slice(0, 277).replace(/\s\S*$/, '')} …` : flat;
}

function htmlSummary(posts: ReadablePost[], o: DigestOptions, title: string): string {
  const items = posts.map(
    (p) =>
      `<li style="margin-bottom:1em"><strong>${escapeHtml(p.subject || '(no subject)')}</strong><br>\r\n` +
      `<span style="color:#555">${escapeHtml(p.fromName ?? p.fromAddress)}, ${escapeHtml(p.when)}</span><br>\r\n` +
      `${escapeHtml(excerpt(p.text))}<br>\r\n<a href="${escapeHtml(o.urls.archivedAt(p.number))}">Read message ${p.number} in the archive</a></li>`,
  );
  // The personal links sit on lines of their own so personal.ts can fill them in without
  // re-encoding the part (see PLACEHOLDERS).
  return (
    [
      '<!DOCTYPE html>',
      `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
      '<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.4;max-width:42em">',
      `<h1 style="font-size:1.25em">${escapeHtml(title)}</h1>`,
      `<p>${posts.length} ${posts.length === 1 ? 'message' : 'messages'}. Each one is attached in full after this summary.</p>`,
      '<ol>',
      ...items,
      '</ol>',
      '<hr>',
      o.final
        ? `<p>This is your last digest of ${escapeHtml(o.listName)}: new messages now come to you one by one. <a href=`
        : `<p>You get one ${escapeHtml(o.mode)} digest of ${escapeHtml(o.listName)}. <a href=`,
      PLACEHOLDERS.htmlEach,
      '>Get each message as it is sent instead</a>, <a href=',
      PLACEHOLDERS.htmlLeave,
      `>leave the list</a>, or see other choices on <a href="${escapeHtml(o.urls.account)}">your account page</a>.</p>`,
      `<p>Send messages to the list at <a href="mailto:${escapeHtml(o.listAddress)}">${escapeHtml(o.listAddress)}</a>.</p>`,
      '</body></html>',
    ].join('\r\n') + '\r\n'
  );
}

function textPart(type: 'plain' | 'html', content: string): Buffer {
  const head = `Content-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), encodeQuotedPrintable(Buffer.from(content, 'utf8')), Buffer.from('\r\n', 'latin1')]);
}

function multipart(subtype: string, boundary: string, parts: Buffer[], extraHead = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(`Content-Type: multipart/${subtype}; boundary="${boundary}"\r\n${extraHead}\r\n`, 'latin1')];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'), p, Buffer.from('\r\n', 'latin1'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** One post as a message/rfc822 part: as received, without list, password or signature fields. */
function attachedPost(p: DigestPost): Buffer {
  const { headers, body } = splitMessage(toCrlf(p.raw));
  // Relays refuse lines over 998 octets: a post that had one must not sink the whole digest.
  const short = shortenLongLines({ headers: foldLongHeaders(cleanse(headers)), body });
  const inner = joinMessage(short.headers, short.body);
  // message/rfc822 may only be 7bit or 8bit (RFC 2046 §5.2.1): say which.
  const eightBit = inner.some((b) => b > 0x7f);
  return Buffer.concat([Buffer.from(`Content-Type: message/rfc822\r\nContent-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}\r\n\r\n`, 'latin1'), inner]);
}

/** The digest for `posts` (in post order), ready for per-member links. */
export async function composeDigest(posts: DigestPost[], o: DigestOptions): Promise<ComposedDigest> {
  if (!posts.length) throw new RangeError('A digest needs at least one post.');
  const sorted = [...posts].sort((a, b) => a.number - b.number);
  const read = await Promise.all(sorted.map((p) => readable(p, o.timeZone)));
  const subject = digestSubject(o, sorted.length);
  const title = `${o.listName} ${o.mode === 'daily' ? 'Daily' : 'Weekly'} Digest, ${o.scheduledFor.setLocale('en-US').toFormat(o.mode === 'daily' ? 'ccc, LLL d, yyyy' : "'week of' LLL d, yyyy")}`;

  const attached = sorted.map(attachedPost);
  const plain = textPart('plain', plainDigest(read, o, title));
  const html = textPart('html', htmlSummary(read, o, title));
  const all = [...attached, plain, html];
  const alternative = multipart('alternative', newBoundary(...all), [plain, html]);
  const count = sorted.length;
  const digest = multipart('digest', newBoundary(...all), attached, `Content-Description: ${count} ${count === 1 ? 'message' : 'messages'}\r\n`);
  const mixedBoundary = newBoundary(alternative, digest);
  const body = multipart('mixed', mixedBoundary, [alternative, digest]);
  const bodyStart = body.indexOf('\r\n\r\n') + 4;

  const first = sorted[0]!.number;
  const last = sorted[sorted.length - 1]!.number;
  const local = o.listAddress.slice(0, o.listAddress.lastIndexOf('@'));
  const messageId = `<digest.${o.mode}.${o.scheduledFor.toISODate()}.${first}-${last}.${local}@${o.domain}>`;
  const request = `${local}-request@${o.domain}`;
  const headers: HeaderField[] = [
    makeHeader('From', `${encodePhrase(o.listName)} <${o.listAddress}>`),
    makeHeader('To', `${encodePhrase(o.listName)} <${o.listAddress}>`),
    makeHeader('Subject', encodeWords(subject)),
    makeHeader('Date', o.now.toRFC2822()!),
    makeHeader('Message-ID', messageId),
    makeHeader('MIME-Version', '1.0'),
    makeHeader('Content-Type', `multipart/mixed; boundary="${mixedBoundary}"`),
    makeHeader('List-Id', `${encodePhrase(o.listName)} <${o.listId}>`),
    makeHeader('List-Help', `<${o.urls.help}>, <mailto:${request}?subject=help>`),
    makeHeader('List-Subscribe', `<${o.urls.subscribe}>, <mailto:${request}?subject=subscribe>`),
    makeHeader('List-Unsubscribe', `<mailto:${request}?subject=unsubscribe>`),
    makeHeader('List-Post', o.urls.post === null ? 'NO' : `<${o.urls.post}>`),
    makeHeader('List-Owner', `<${o.urls.owner}>`),
    makeHeader('List-Archive', `<${o.urls.archive}>`),
    makeHeader('Precedence', 'list'),
    makeHeader('X-Loop', o.listAddress),
  ];
  return { subject, messageId, message: joinMessage(headers, body.subarray(bodyStart)) };
}
