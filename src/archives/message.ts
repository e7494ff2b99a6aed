/**
 * Reading one archived message: its threading headers, readable text, HTML part and attachments,
 * from the raw bytes as received. Pure (no database): the archiver, the importer and the message
 * page all read mail through here.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment } from 'mailparser';

export interface ArchiveAttachment {
  /** Position among the message's attachments (the download address uses it). */
  index: number;
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID without angle brackets, for inline images of HTML mail. */
  contentId?: string;
}

export interface ParsedMessage {
  messageId: string;
  inReplyTo: string | null;
  /** References, oldest first. */
  references: string[];
  subject: string;
  fromAddress: string;
  fromName: string | null;
  /** The Date header; null when missing or unreadable. */
  date: Date | null;
  /** The text/plain part, or the HTML part turned into text. */
  text: string;
  /** The HTML part, unsanitized: sanitize before showing it (see render.ts). */
  html: string | null;
  attachments: ArchiveAttachment[];
}

const PARSE_OPTIONS = { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepCidLinks: true } as const;

function bracketed(id: string): string {
  const t = id.trim();
  return t.startsWith('<') ? t : `<${t}>`;
}

/** Message-IDs in a header value, in order, each as "<...>". */
export function messageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const all = Array.isArray(value) ? value.join(' ') : value;
  const found = all.match(/<[^<>\s]+>/g);
  if (found) return found;
  return all.split(/\s+/).filter((x) => x.includes('@')).map(bracketed);
}

/** A stable Message-ID for mail that has none, so importing the same file twice adds nothing. */
export function syntheticMessageId(raw: Buffer): string {
  return `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@archive.invalid>`;
}

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  for (const o of list) {
    for (const v of o.value) {
      const a = v.address ?? v.group?.[0]?.address;
      if (a) return { address: a.toLowerCase(), name: v.name?.trim() || null };
    }
  }
  return { address: 'unknown@archive.invalid', name: null };
}

/**
 * Lists that rewrite From for DMARC ("Jo Smith via SocialGov" <list@...>) keep the poster in
 * Reply-To (Mailman) or X-Original-From: the archive shows and searches the poster.
 */
function originalSender(from: { address: string; name: string | null }, replyTo: AddressObject | AddressObject[] | undefined, xOriginal: unknown): { address: string; name: string | null } {
  const via = from.name ? /^(.*?)\s+via\s+\S.*$/i.exec(from.name) : null;
  if (!via) return from;
  if (xOriginal && typeof xOriginal === 'object' && 'value' in xOriginal) {
    const o = firstAddress(xOriginal as AddressObject);
    if (o.address !== 'unknown@archive.invalid') return o;
  }
  const r = firstAddress(replyTo);
  if (r.address !== 'unknown@archive.invalid') return { address: r.address, name: r.name ?? via[1]!.replace(/^"|"$/g, '') };
  return { address: from.address, name: via[1]!.replace(/^"|"$/g, '') };
}

/** Types an attachment is served with as sent: a browser shows them and runs nothing in them. */
const INERT_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'application/pdf', 'text/plain']);

/**
 * The Content-Type an attachment is served with: its own when inert, else a download of bytes.
 * A sender's "application/javascript" or "image/svg+xml" would otherwise run in the site's origin.
 */
export function servedType(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return INERT_TYPES.has(type) ? type : 'application/octet-stream';
}

/** An S/MIME signature part: it carries the signer's certificate, and so their address. */
export function isSignature(a: Pick<ArchiveAttachment, 'contentType'>): boolean {
  return /^application\/(x-)?pkcs7-signature\b/i.test(a.contentType);
}

function attachmentList(attachments: Attachment[]): ArchiveAttachment[] {
  return attachments.map((a, index) => ({
    index,
    filename: [...(a.filename ?? '')].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 ? '_' : c)).join('') || `attachment-${index + 1}`,
    contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
    size: a.size ?? a.content.length,
    ...(a.cid ? { contentId: a.cid.replace(/^<|>$/g, '') } : {}),
  }));
}

/** Parse raw message bytes. Never throws for bad mail: what cannot be read is left empty. */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  let mail;
  try {
    mail = await simpleParser(raw, PARSE_OPTIONS);
  } catch {
    // Mail too broken to parse is still archived, as its text, so a page never fails on it.
    return { messageId: syntheticMessageId(raw), inReplyTo: null, references: [], subject: '', fromAddress: 'unknown@archive.invalid', fromName: null, date: null, text: raw.toString('utf8'), html: null, attachments: [] };
  }
  const from = originalSender(firstAddress(mail.from), mail.replyTo, mail.headers.get('x-original-from'));
  const ids = messageIds(mail.messageId);
  const date = mail.date && !Number.isNaN(mail.date.getTime()) && mail.headers.has('date') ? mail.date : null;
  return {
    messageId: ids[0] ?? syntheticMessageId(raw),
    inReplyTo: messageIds(mail.inReplyTo)[0] ?? null,
    references: messageIds(mail.references),
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim(),
    fromAddress: from.address,
    fromName: from.name,
    date,
    text: mail.text ?? '',
    html: typeof mail.html === 'string' && mail.html.trim() ? mail.html : null,
    attachments: attachmentList(mail.attachments),
  };
}

/** One attachment's bytes, by its position (as listed by parseMessage). */
export async function attachmentContent(raw: Buffer, index: number): Promise<{ info: ArchiveAttachment; content: Buffer } | undefined> {
  const mail = await simpleParser(raw, PARSE_OPTIONS);
  const a = mail.attachments[index];
  if (!a) return undefined;
  return { info: attachmentList(mail.attachments)[index]!, content: a.content };
}
