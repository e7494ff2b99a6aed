/** The text of the mail the registry sends to a record's contacts and to reviewers. Plain language, plain text. */
import type { OutgoingMail } from '../platform/mail/transport.ts';
import { KIND_WORDS, type RecordKind } from './records.ts';

interface RecordRef {
  id: number;
  kind: RecordKind;
  name: string;
  url: string | null;
}

function what(r: RecordRef): string {
  return `the ${KIND_WORDS[r.kind]} “${r.name}”${r.url ? ` (${r.url})` : ''}`;
}

export function waitingForReviewMail(to: string, r: RecordRef, by: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: ${r.name} is waiting for review`,
    text: [`${by} submitted ${what(r)} to the registry.`, '', 'Review it (publish, or reject with a reason) here:', link].join('\n'),
  };
}

export function publishedMail(to: string, r: RecordRef, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: ${r.name} is published`,
    text: [
      `A reviewer published ${what(r)}. It is now listed in the public registry, and the verification API answers that it is official.`,
      '',
      link,
      '',
      'You are a contact for this record. Keep it up to date: if the account is renamed or closed, edit or archive the record.',
    ].join('\n'),
  };
}

export function rejectedMail(to: string, r: RecordRef, reason: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: ${r.name} was not published`,
    text: [
      `A reviewer did not publish ${what(r)}.`,
      '',
      `Their reason: ${reason}`,
      '',
      'The record is a draft again. Change it and submit it again here:',
      link,
    ].join('\n'),
  };
}

export function archiveRequestedMail(to: string, r: RecordRef, by: string, reason: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: archive requested for ${r.name}`,
    text: [`${by} asked to archive ${what(r)}.`, ...(reason ? [`Their reason: ${reason}`] : []), '', 'Archive it here:', link].join('\n'),
  };
}

export function archivedMail(to: string, r: RecordRef, reason: string, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: ${r.name} is archived`,
    text: [
      `A reviewer archived ${what(r)}.`,
      `Reason: ${reason}`,
      '',
      'The verification API now answers that it is not a verified account, and says it was archived.',
      link,
    ].join('\n'),
  };
}

export function reviewDueMail(to: string, r: RecordRef, months: number, link: string): OutgoingMail {
  return {
    to,
    subject: `Registry: please check ${r.name}`,
    text: [
      `Nobody has reviewed ${what(r)} for ${months} months. It stays published, and it is back in the reviewers’ queue.`,
      '',
      'Please check that the record is still right: open it, correct anything that changed, or ask to archive it if the account is no longer used.',
      link,
      '',
      'You get this reminder because you are a contact for this record.',
    ].join('\n'),
  };
}
