/**
 * A message as mail-in stored it (its incoming_messages row), parsed once with mailparser, and
 * what the pipeline needs of it when it is accepted: by the posting rules (incoming.ts) or by a
 * moderator (moderation.ts). Both use this module, so neither needs the other's internals.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { SenderAuthentication } from './authenticate.ts';
import type { ListContext } from './context.ts';
import type { AcceptedMessage } from './pipeline.ts';

export interface IncomingRow {
  id: number;
  list_id: number | null;
  address_kind: 'post' | 'request' | 'owner' | 'bounces' | 'confirm';
  token: string | null;
  envelope_from: string;
  remote_ip: string | null;
  helo: string | null;
  /** smtp, lmtp, or web (a signed-in member's post from the archive pages, src/archives/web-post.ts). */
  protocol: string;
  raw: Buffer;
  size: number;
  status: string;
}

function headerMap(parsed: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of parsed.headerLines) {
    const value = line.line
      .slice(line.line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    map.set(line.key, [...(map.get(line.key) ?? []), value]);
  }
  return map;
}

/** Every address in an address header (groups opened up). */
export function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value.flatMap((v) => (v.group ? v.group.map((g) => g.address ?? '') : [v.address ?? '']))).filter(Boolean);
}

/** What the pipeline needs of a message that is accepted now (by the rules or a moderator). */
export function acceptedMessage(
  ctx: Pick<ListContext, 'domain'>,
  row: Pick<IncomingRow, 'id' | 'raw'>,
  parsed: ParsedMail,
  from: string,
  memberId: number | null,
  auth: SenderAuthentication | null,
): AcceptedMessage {
  // Encoded words can decode to NUL, which PostgreSQL text cannot hold.
  const noNul = (v: string) => v.replace(/\0/g, '');
  const fromName = Array.isArray(parsed.from) ? null : parsed.from?.value[0]?.name ? noNul(parsed.from.value[0].name) || null : null;
  // Every copy must carry the same Message-ID (threading, and receivers dropping a copy sent
  // twice), so a post without one (or without a Date) gets it here, once.
  const messageId = parsed.messageId ? noNul(parsed.messageId) : `<socialgov-${row.id}@${ctx.domain}>`;
  const added = [
    ...(parsed.messageId ? [] : [`Message-ID: ${messageId}`]),
    ...(parsed.date ? [] : [`Date: ${new Date().toUTCString().replace('GMT', '+0000')}`]),
  ];
  return {
    incomingId: row.id,
    raw: added.length ? Buffer.concat([Buffer.from(added.join('\r\n') + '\r\n'), row.raw]) : row.raw,
    messageId,
    inReplyTo: parsed.inReplyTo ? noNul(parsed.inReplyTo) : null,
    references: (Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : []).map(noNul),
    subject: noNul(parsed.subject ?? ''),
    fromAddress: from,
    fromName,
    memberId,
    sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) && parsed.date.getTime() < Date.now() + 86_400_000 ? parsed.date : new Date(),
    auth,
  };
}

export async function parseIncoming(raw: Buffer): Promise<{ parsed: ParsedMail; headers: Map<string, string[]>; from: string | null }> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  return { parsed, headers: headerMap(parsed), from: addresses(parsed.from)[0]?.toLowerCase() ?? null };
}
