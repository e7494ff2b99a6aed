/**
 * Cleansing: the header fields a post must lose before the list sends it on.
 */
import { withoutHeaders, type HeaderField } from './raw.ts';

/** Exact (lower-case) names removed from every post, with the reason for each group. */
const REMOVED = new Set([
  // A moderator password must never reach the members.
  'approved',
  'approve',
  'x-approved',
  'x-approve',
  // Mailman's "Urgent: <password>" (deliver even to digest members) is a password too.
  'urgent',
  // Read-receipt requests would make every member's mail program answer the poster.
  'return-receipt-to',
  'disposition-notification-to',
  'x-confirm-reading-to',
  'x-pmrqc',
  // Replaced by the list's own: a post's own list headers would point members elsewhere.
  'archived-at',
  'precedence',
  'x-loop',
  'x-list-sequence',
  // The list, not the poster's system, now handles delivery problems.
  'errors-to',
  'return-path',
  'sender',
  // The poster's DKIM signatures and ARC seals cover the subject, the body and the header
  // fields we change (subject prefix, footer, From for DMARC): after our edits they would only
  // fail and hurt the post's reputation. The list signs each copy itself (personalize.ts).
  'dkim-signature',
]);

/** Whether a (lower-case) field name is removed by `cleanse`. */
export function isCleansed(lowerName: string): boolean {
  return REMOVED.has(lowerName) || lowerName.startsWith('list-') || lowerName.startsWith('arc-');
}

/** The fields without those a list post must not carry on. */
export function cleanse(headers: HeaderField[]): HeaderField[] {
  return withoutHeaders(headers, isCleansed);
}
