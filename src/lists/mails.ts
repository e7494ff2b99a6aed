/** The text of the mail the list sends by itself: command answers and notices. Plain language. */
import type { OutgoingMail } from '../platform/mail/transport.ts';

export interface ListRef {
  name: string;
  post: string;
  request: string;
  communityUrl: string;
}

export function helpText(l: ListRef): string {
  return [
    `This is the ${l.name} mailing list. To post, send your message to ${l.post}.`,
    '',
    `Commands go to ${l.request}, in the subject or on the first lines of the message:`,
    '',
    '  join (or subscribe)   ask to join; put your name and job title in the message,',
    '                        e.g. "Name: Pat Smith" and "Job title: Social media specialist"',
    '  leave (or unsubscribe) get a link that takes you off the list',
    '  help                  this message',
    '',
    `Membership is limited to government employees and contractors with a government email address. You can also join, leave, or choose a daily or weekly digest on the web: ${l.communityUrl}`,
  ].join('\n');
}

export function commandReply(to: string, l: ListRef, subject: string, lines: string[], inReplyTo?: string): OutgoingMail {
  return {
    from: l.request,
    to,
    subject: `Re: ${subject || 'your message'}`.slice(0, 200),
    text: [...lines, '', '--', helpText(l)].join('\n'),
    // RFC 3834: an answer to a person's message; auto-responders must not answer it.
    headers: { 'Auto-Submitted': 'auto-replied', ...(inReplyTo ? { 'In-Reply-To': inReplyTo, References: inReplyTo } : {}) },
  };
}

export function rejectNotice(to: string, l: ListRef, subject: string, reason: string, inReplyTo?: string): OutgoingMail {
  return {
    from: l.request,
    to,
    subject: `Your message to ${l.name} was not sent: ${subject}`.slice(0, 200),
    text: [`Your message to ${l.post} was not sent to the list.`, '', `Why: ${reason}`, '', `If you have questions, write to the list's coordinators at ${l.post.replace('@', '-owner@')}.`].join('\n'),
    headers: { 'Auto-Submitted': 'auto-replied', ...(inReplyTo ? { 'In-Reply-To': inReplyTo } : {}) },
  };
}

export function heldNotice(to: string, l: ListRef, subject: string, reason: string, inReplyTo?: string): OutgoingMail {
  return {
    from: l.request,
    to,
    subject: `Your message to ${l.name} is waiting for a moderator: ${subject}`.slice(0, 200),
    text: [
      `Your message to ${l.post} is waiting for a moderator before it goes to the list.`,
      '',
      `Why: ${reason}`,
      '',
      'You do not need to send it again. You will hear from us if a moderator declines it.',
    ].join('\n'),
    headers: { 'Auto-Submitted': 'auto-replied', ...(inReplyTo ? { 'In-Reply-To': inReplyTo } : {}) },
  };
}

export function leaveLinkMail(to: string, l: ListRef, link: string, inReplyTo?: string): OutgoingMail {
  return commandReply(to, l, 'leave', [
    `You asked to leave ${l.name}. To confirm, open this link and press the button:`,
    link,
    '',
    'If you did not ask to leave, ignore this message: nothing changes.',
  ], inReplyTo);
}

export function ownerForward(to: string, l: ListRef, from: string, subject: string, raw: Buffer): OutgoingMail {
  return {
    from: l.request,
    to,
    subject: `[${l.name} owners] ${subject}`.slice(0, 200),
    text: [`${from} wrote to the coordinators of ${l.name} (${l.post.replace('@', '-owner@')}). Their message is attached.`].join('\n'),
    attachments: [{ filename: 'message.eml', contentType: 'message/rfc822', content: raw.toString('utf8') }],
  };
}
