/**
 * The machine-readable part of an RFC 3464 delivery status notification
 * (`message/delivery-status`): one block of fields about the message, then one block per
 * recipient, blocks separated by blank lines.
 */
import { cleanAddress, mergeRecipients } from './addresses.ts';
import type { BouncedRecipient } from './types.ts';

/** Fields of one block, names lower-cased, continuation lines unfolded. */
export function fieldBlocks(text: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) {
      if (current.size) blocks.push(current);
      current = new Map();
      last = null;
    } else if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
    } else {
      const m = /^([!-9;-~]+)\s*:\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      // A repeated field keeps its first value, as a reader of the report would.
      if (!current.has(last)) current.set(last, m[2]!.trim());
    }
  }
  if (current.size) blocks.push(current);
  return blocks;
}

/** `5.1.1` from `5.1.1 (user unknown)`; undefined when the field holds no status code. */
function statusCode(value: string | undefined): string | undefined {
  return value ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] : undefined;
}

/** `smtp; 550 5.1.1 <a@b>... User unknown` → `550 5.1.1 <a@b>... User unknown`. */
function diagnosticText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value
    .replace(/^[A-Za-z0-9-]+\s*;\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 500) : undefined;
}

/**
 * The recipients a delivery-status body reports as failed or delayed. Recipients that were
 * delivered, relayed or expanded are left out. The address is the Original-Recipient when the
 * report gives one (the address the list sent to), otherwise the Final-Recipient.
 */
export function parseDeliveryStatus(text: string): BouncedRecipient[] {
  const recipients: BouncedRecipient[] = [];
  for (const block of fieldBlocks(text)) {
    const original = block.get('original-recipient');
    const final = block.get('final-recipient');
    const address = (original && cleanAddress(original)) || (final && cleanAddress(final)) || null;
    if (!address) continue;
    const status = statusCode(block.get('status'));
    // Action is "failed" or "delayed"; some MTAs write "failure" or add a comment after it.
    let action = block
      .get('action')
      ?.toLowerCase()
      .match(/^[a-z]+/)?.[0];
    if (!action && status) action = status.startsWith('5') ? 'failed' : status.startsWith('4') ? 'delayed' : 'delivered';
    if (!action) action = 'failed';
    if (action.startsWith('fail')) action = 'failed';
    if (action !== 'failed' && action !== 'delayed') continue;
    const diagnostic = diagnosticText(block.get('diagnostic-code'));
    recipients.push({
      address,
      temporary: action === 'delayed',
      action,
      ...(status ? { status } : {}),
      ...(diagnostic ? { diagnostic } : {}),
    });
  }
  // One report may list a recipient several times (one block per attempt).
  return mergeRecipients(recipients);
}
