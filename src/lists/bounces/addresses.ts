/**
 * Finding e-mail addresses in the free text of delivery reports. Bounce text is written for
 * people, so addresses come wrapped in <>, quotes, "rfc822;" prefixes and trailing colons; this
 * module pulls out plain `local@domain` strings and tells the sender's own addresses apart.
 */
import type { BouncedRecipient } from './types.ts';

/**
 * Characters of a local part inside running text. Quotes and apostrophes are left out: they wrap
 * addresses in prose far more often than they appear in one.
 */
const LOCAL_CHAR = /[A-Za-z0-9!#$%&*+/=?^_`{|}~.-]/;
/** A domain with at least one dot, matched from a given position (sticky). */
const DOMAIN_AT = /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/y;
/** RFC 5321 limit; also bounds the scan to the left of each "@". */
const MAX_LOCAL = 64;

const WHOLE_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Mail-system mailboxes that sign delivery reports; never the member who bounced. */
const SYSTEM_LOCAL_PART = /^(postmaster|mailer-daemon|mailer_daemon|mailerdaemon|mail-daemon|mdaemon)$/i;

export interface FoundAddress {
  address: string;
  /** Offset of the address in the searched text. */
  index: number;
}

/**
 * Every address in `text`, in order of appearance (duplicates included). Works outward from each
 * "@" so that long runs of address-like characters (base64, say) cost linear time.
 */
export function addressesIn(text: string): FoundAddress[] {
  const found: FoundAddress[] = [];
  let at = text.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && LOCAL_CHAR.test(text[start - 1]!)) start--;
    DOMAIN_AT.lastIndex = at + 1;
    const domain = DOMAIN_AT.exec(text)?.[0];
    const local = text.slice(start, at).replace(/^\.+/, '');
    // A run longer than a local part may be is not an address (and its tail would be a wrong one).
    const tooLong = start > 0 && LOCAL_CHAR.test(text[start - 1]!);
    if (domain && local && !tooLong) {
      found.push({ address: trimDots(`${local}@${domain}`), index: at - local.length });
    }
    at = text.indexOf('@', at + 1);
  }
  return found;
}

function trimDots(s: string): string {
  return s.replace(/^\.+/, '').replace(/\.+$/, '');
}

/**
 * One address from a structured field such as a DSN `Final-Recipient: rfc822; <a@b.example>`.
 * Returns null when the value is not an Internet mail address (X.400 and the like).
 */
export function cleanAddress(value: string): string | null {
  let v = value.trim();
  const typed = /^([A-Za-z0-9-]+)\s*;\s*(.*)$/.exec(v);
  if (typed) {
    if (!/^rfc822$/i.test(typed[1]!)) return null;
    v = typed[2]!.trim();
  }
  v = v
    .replace(/^<+|>+$/g, '')
    .replace(/^"|"$/g, '')
    .trim();
  v = trimDots(v);
  return WHOLE_ADDRESS.test(v) ? v : null;
}

/** postmaster@, MAILER-DAEMON@ and friends. */
export function isSystemAddress(address: string): boolean {
  const local = address.slice(0, address.lastIndexOf('@'));
  return SYSTEM_LOCAL_PART.test(local);
}

/** A mailing list's own bounce address (ours or another Mailman's), VERP-encoded or not. */
export function isListBounceAddress(address: string): boolean {
  return /-bounces(\+[^@]*)?@/i.test(address);
}

/**
 * One entry per address (compared case-insensitively, first spelling kept). A recipient reported
 * both as delayed and as failed counts as failed.
 */
export function mergeRecipients(items: BouncedRecipient[]): BouncedRecipient[] {
  const byKey = new Map<string, BouncedRecipient>();
  for (const r of items) {
    const key = r.address.toLowerCase();
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...r });
    else if (seen.temporary && !r.temporary) byKey.set(key, { ...r, address: seen.address });
  }
  return [...byKey.values()];
}
