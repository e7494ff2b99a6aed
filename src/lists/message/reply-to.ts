/**
 * From and Reply-To for a list copy.
 *
 * DMARC mitigation: when the poster's domain publishes p=reject or p=quarantine, a copy that
 * keeps their From would fail DMARC at every receiver (our footer and prefix break their DKIM
 * signature, and our servers are not in their SPF). So From becomes
 * "Pat Smith via Social Media" <list address>, and the poster's address goes where replies
 * can still reach them: Reply-To (policy 'poster') or Cc (policy 'list').
 */
import { parseMailbox, type Mailbox } from './address.ts';
import { encodePhrase } from './encoded-words.ts';
import { getHeader, getHeaders, setHeader, withoutHeaders, type HeaderField } from './raw.ts';

export interface SenderPolicy {
  listAddress: string;
  listName: string;
  dmarcMitigation: boolean;
  replyTo: 'poster' | 'list';
}

/** A mailbox written for an address header. */
export function formatMailbox(m: Mailbox): string {
  return m.name ? `${encodePhrase(m.name)} <${m.address}>` : `<${m.address}>`;
}

/** The header with From, Reply-To and Cc set by the policy above. */
export function applySenderPolicy(headers: HeaderField[], p: SenderPolicy): HeaderField[] {
  let out = headers;
  const fromValue = getHeader(headers, 'from');
  const poster = fromValue ? parseMailbox(fromValue) : null;
  const mitigate = p.dmarcMitigation && poster !== null;

  if (mitigate) {
    const who = poster.name || poster.address;
    out = setHeader(out, 'From', formatMailbox({ name: `${who} via ${p.listName}`, address: p.listAddress }));
  }

  if (p.replyTo === 'list') {
    out = setHeader(out, 'Reply-To', `<${p.listAddress}>`);
    if (mitigate) {
      // Reply-all still reaches the poster, whose address is no longer in From.
      const cc = getHeaders(headers, 'cc').join(', ');
      const already = cc.toLowerCase().includes(poster.address.toLowerCase());
      if (!already) {
        out = withoutHeaders(out, (n) => n === 'cc');
        out = setHeader(out, 'Cc', cc ? `${cc}, ${formatMailbox(poster)}` : formatMailbox(poster));
      }
    }
  } else if (mitigate && getHeader(headers, 'reply-to') === undefined) {
    // A Reply-To the poster set themselves is their choice and stays.
    out = setHeader(out, 'Reply-To', formatMailbox(poster));
  }
  return out;
}
