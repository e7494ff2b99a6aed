/**
 * Reading one archived message: its threading headers, readable text, HTML part and attachments,
 * from the raw bytes as received. Pure (no database): the archiver, the importer and the message
 * page all read mail through here.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';

export interface ArchiveAttachment {
  /** Position among the message's attachments (the download address uses it). */
  index: number;
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID without angle brackets, for inline images of HTML mail. */
  contentId?: string;
  /**
   * What the part is to a reader (attachmentKind): a file the sender attached, an image the
   * HTML body shows, or a signature. Entries archived before this was kept have none.
   */
  kind?: AttachmentKind;
}

export type AttachmentKind = 'file' | 'inline' | 'signature';

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
  /** Some part is a file the sender attached (not a signature, not an image the HTML shows). */
  hasAttachment: boolean;
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
  return all
    .split(/\s+/)
    .filter((x) => x.includes('@'))
    .map(bracketed);
}

/** A stable Message-ID for mail that has none, so importing the same file twice adds nothing. */
export function syntheticMessageId(raw: Buffer): string {
  return `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@archive.invalid>`;
}

export interface Poster {
  address: string;
  name: string | null;
}

const NOBODY = 'unknown@archive.invalid';

/** "Jo Smith via SocialGov" → "Jo Smith"; null when the name is not a list's "X via List". */
export function viaName(name: string | null): string | null {
  const via = name ? /^(.*?)\s+via\s+\S.*$/i.exec(name) : null;
  return via ? via[1]!.replace(/^"|"$/g, '').trim() || null : null;
}

/**
 * Who posted a message, the one rule for every way mail reaches the archive (mail-in and
 * import). Lists that rewrite From for DMARC ("Jo Smith via OtherList" <list@...>) keep the
 * poster in X-Original-From or Reply-To (Mailman): the archive shows and searches the poster.
 * A Reply-To that is the list itself says nothing about the poster and is passed over.
 */
export function posterOf(from: Poster, replyTo: Poster[], xOriginalFrom: Poster[]): Poster {
  const name = viaName(from.name);
  if (name === null) return from;
  const other = (p: Poster) => p.address !== NOBODY && p.address !== from.address;
  const original = xOriginalFrom.find(other);
  if (original) return { address: original.address, name: original.name ?? name };
  const reply = replyTo.find(other);
  if (reply) return { address: reply.address, name: reply.name ?? name };
  return { address: from.address, name };
}

function addresses(from: AddressObject | AddressObject[] | undefined): Poster[] {
  const out: Poster[] = [];
  for (const o of Array.isArray(from) ? from : from ? [from] : []) {
    for (const v of o.value) {
      const a = v.address ?? v.group?.[0]?.address;
      if (a) out.push({ address: a.toLowerCase(), name: v.name?.trim() || null });
    }
  }
  return out;
}

/** Addresses of a header mailparser leaves as text (X-Original-From). */
function headerAddresses(value: unknown): Poster[] {
  if (typeof value !== 'string' || !value.trim()) return [];
  return addressparser(value, { flatten: true })
    .filter((a) => a.address)
    .map((a) => ({ address: a.address.toLowerCase(), name: a.name?.trim() || null }));
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

/** An S/MIME or OpenPGP signature part: S/MIME's carries the signer's certificate, and so their address. */
export function isSignature(a: Pick<ArchiveAttachment, 'contentType'>): boolean {
  return /^application\/((x-)?pkcs7|pgp)-signature\b/i.test(a.contentType);
}

/** One MIME part that is not the message's text, as attachmentKind reads it. */
export interface MessagePart {
  contentType: string;
  /** The filename the sender gave (Content-Disposition filename or Content-Type name), if any. */
  filename?: string | undefined;
  /** The Content-Disposition type, if the part has one. */
  disposition?: string | undefined;
  contentId?: string | undefined;
}

/** The Content-IDs the HTML body shows (`cid:` addresses), without angle brackets. */
export function referencedContentIds(html: string | null): Set<string> {
  const ids = new Set<string>();
  for (const m of (html ?? '').matchAll(/cid:([^"'\s>)]+)/gi)) {
    const id = m[1]!.replace(/^<|>$/g, '');
    ids.add(id);
    try {
      ids.add(decodeURIComponent(id));
    } catch {
      // an address with a stray "%" is kept as written
    }
  }
  return ids;
}

/**
 * What a part is to a reader. A signature (S/MIME, OpenPGP) is never an attachment; nor is an
 * image the HTML body shows by its Content-ID. Any other part is a file the sender attached
 * when it has a filename or says "Content-Disposition: attachment", or when it is not text and
 * not marked inline. (A Content-ID alone says nothing: Apple Mail gives one to every part.)
 */
export function attachmentKind(part: MessagePart, shownIds: Set<string>): AttachmentKind {
  if (isSignature(part)) return 'signature';
  if (part.contentId && shownIds.has(part.contentId.replace(/^<|>$/g, ''))) return 'inline';
  const disposition = part.disposition?.toLowerCase();
  if (part.filename?.trim() || disposition === 'attachment') return 'file';
  if (disposition !== 'inline' && !/^text\//i.test(part.contentType)) return 'file';
  return 'inline';
}

function attachmentList(attachments: Attachment[], html: string | null): ArchiveAttachment[] {
  const shown = referencedContentIds(html);
  return attachments.map((a, index) => {
    const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
    const contentId = a.cid ? a.cid.replace(/^<|>$/g, '') : undefined;
    return {
      index,
      filename: [...(a.filename ?? '')].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 ? '_' : c)).join('') || `attachment-${index + 1}`,
      contentType,
      size: a.size ?? a.content.length,
      ...(contentId ? { contentId } : {}),
      kind: attachmentKind({ contentType, filename: a.filename, disposition: a.contentDisposition, contentId }, shown),
    };
  });
}

/** Parse raw message bytes. Never throws for bad mail: what cannot be read is left empty. */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  let mail;
  try {
    mail = await simpleParser(raw, PARSE_OPTIONS);
  } catch {
    // Mail too broken to parse is still archived, as its text, so a page never fails on it.
    return {
      messageId: syntheticMessageId(raw),
      inReplyTo: null,
      references: [],
      subject: '',
      fromAddress: NOBODY,
      fromName: null,
      date: null,
      text: raw.toString('utf8'),
      html: null,
      attachments: [],
      hasAttachment: false,
    };
  }
  const from = posterOf(
    addresses(mail.from)[0] ?? { address: NOBODY, name: null },
    addresses(mail.replyTo),
    headerAddresses(mail.headers.get('x-original-from')),
  );
  const html = typeof mail.html === 'string' && mail.html.trim() ? mail.html : null;
  const attachments = attachmentList(mail.attachments, html);
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
    html,
    attachments,
    hasAttachment: attachments.some((a) => a.kind === 'file'),
  };
}

/** One attachment's bytes, by its position (as listed by parseMessage). */
export async function attachmentContent(raw: Buffer, index: number): Promise<{ info: ArchiveAttachment; content: Buffer } | undefined> {
  const mail = await simpleParser(raw, PARSE_OPTIONS);
  const a = mail.attachments[index];
  if (!a) return undefined;
  return { info: attachmentList(mail.attachments, typeof mail.html === 'string' ? mail.html : null)[index]!, content: a.content };
}
