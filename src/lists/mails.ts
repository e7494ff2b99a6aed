/** The text of the mail the list sends by itself: command answers and notices. Plain language. */
import type { OutgoingMail } from '../platform/mail/transport.ts';

export interface ListRef {
  name: string;
  post: string;
  request: string;
  /** The community's page, or for a working group's list the group's page. */
  communityUrl: string;
  /** A working group's list: joining and leaving it is joining and leaving the group. */
  group?: boolean;
}

export function helpText(l: ListRef): string {
  if (l.group) {
    return [
      `This is the ${l.name} list, the discussion list of a working group. To post, send your message to ${l.post}.`,
      '',
      `Commands go to ${l.request}, in the subject or on the first lines of the message:`,
      '',
      '  leave (or unsubscribe) get a link that takes you out of the working group and off its list',
      '  help                  this message',
      '',
      `To join, sign in and join the working group on its page: ${l.communityUrl}`,
      'Each message or a digest: choose on your account page, for the community; it applies to this list too.',
    ].join('\n');
  }
  return [
    `This is the ${l.name} mailing list. To post, send your message to ${l.post}.`,
    '',
    `Commands go to ${l.request}, in the subject or on the first lines of the message:`,
    '',
    '  join (or subscribe)   ask to join; put your name and job title in the message,',
    '                        e.g. "Name: Pat Smith" and "Job title: Social media specialist"',
    '  leave (or unsubscribe) get a link that takes you off the list',
    '  set digest daily      a daily digest instead of each message (or: set digest weekly)',
    '  set each              each message as it is posted',
    '  set nomail            no mail from the list for now; you stay a member',
    '  info                  what this list is and its addresses',
    '  who                   the list of members, if this list shares it',
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

/** A command ("unsubscribe") sent to the post address: held, and the sender told where commands go. */
export function administriviaNotice(to: string, l: ListRef, subject: string, inReplyTo?: string): OutgoingMail {
  return commandReply(
    to,
    l,
    subject,
    [
      `Your message to ${l.post} looks like a request about your membership, so we did not send it to the members.`,
      '',
      `To leave, use the unsubscribe link at the bottom of any message from the list, or send "leave" to ${l.request}.`,
      `To join, change how you get messages (each message or a daily or weekly digest), or leave, you can also use the web page: ${l.communityUrl}`,
      '',
      'If you meant to write to the members, a moderator will look at your message.',
    ],
    inReplyTo,
  );
}

export function rejectNotice(to: string, l: ListRef, subject: string, reason: string, inReplyTo?: string): OutgoingMail {
  return {
    from: l.request,
    to,
    subject: `Your message to ${l.name} was not sent: ${subject}`.slice(0, 200),
    text: [
      `Your message to ${l.post} was not sent to the list.`,
      '',
      `Why: ${reason}`,
      '',
      `If you have questions, write to the list's coordinators at ${l.post.replace('@', '-owner@')}.`,
    ].join('\n'),
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
  return commandReply(
    to,
    l,
    'leave',
    [
      `You asked to leave ${l.name}. To confirm, open this link and press the button:`,
      link,
      '',
      'If you did not ask to leave, ignore this message: nothing changes.',
    ],
    inReplyTo,
  );
}

/** What the coordinators see of a message to -owner. */
export interface OwnerMessage {
  /** The address a reply should reach: the sender's own. */
  from: string;
  name: string | null;
  subject: string;
  /** The plain-text body, shown inline; null for a message with none (HTML only). */
  text: string | null;
  raw: Buffer;
  /** Set when they wrote to -request with no command we know, rather than to -owner. */
  viaRequest?: boolean;
}

/** The most of the original shown inline; all of it is in the attachment. */
const OWNER_INLINE_CHARS = 100_000;

/**
 * Mail to -owner, forwarded to one coordinator: from the owner address (our domain, so it passes
 * DMARC) as "<name> via <list> coordinators", with Reply-To the sender, so pressing Reply answers
 * the person and not the command robot at -request. The text is inline, the original attached.
 */
export function ownerForward(to: string, l: ListRef, m: OwnerMessage): OutgoingMail {
  const owner = l.post.replace('@', '-owner@');
  // A display name is quoted in From: drop what could break out of the quotes or the header.
  const shown = (m.name || m.from).replace(/["\\]|\p{Cc}/gu, '').slice(0, 80);
  const text = m.text?.trim() ? m.text.slice(0, OWNER_INLINE_CHARS) : '(The message has no plain-text part: open the attached message to read it.)';
  return {
    from: `"${shown} via ${l.name.replace(/["\\]|\p{Cc}/gu, '')} coordinators" <${owner}>`,
    to,
    replyTo: m.from,
    subject: `[${l.name} owners] ${m.subject}`.slice(0, 200),
    text: [
      m.viaRequest
        ? `${m.from} wrote to ${l.request} with no command we know, so their message comes to you, the coordinators of ${l.name}. Reply to this message to answer them.`
        : `${m.from} wrote to the coordinators of ${l.name} (${owner}). Reply to this message to answer them.`,
      '',
      '---------- Their message ----------',
      `From: ${m.name ? `${m.name} <${m.from}>` : m.from}`,
      `Subject: ${m.subject}`,
      '',
      text,
    ].join('\n'),
    attachments: [{ filename: 'message.eml', contentType: 'message/rfc822', content: m.raw.toString('utf8') }],
  };
}

export interface HoldNoticeItem {
  held: { id: number; from: string; subject: string; size: number; reason: string; receivedAt: Date };
  /** Single-use page with Approve and Discard buttons. */
  link: string;
  /** Reply to this address to approve. */
  reply: string;
}

export function holdNotice(to: string, l: { name: string; queueUrl: string; holdDays: number }, items: HoldNoticeItem[]): OutgoingMail {
  const one = items.length === 1 ? items[0]! : undefined;
  const describe = (i: HoldNoticeItem) => [
    `From: ${i.held.from}`,
    `Subject: ${i.held.subject || '(no subject)'}`,
    `Size: ${Math.max(1, Math.round(i.held.size / 1024))} KB`,
    `Why it is held: ${i.held.reason}`,
    `Approve or discard: ${i.link}`,
  ];
  return {
    to,
    subject: one
      ? `${l.name}: a message is waiting for a moderator: ${one.held.subject || '(no subject)'}`.slice(0, 200)
      : `${l.name}: ${items.length} messages are waiting for a moderator`,
    text: [
      one ? `A message to ${l.name} is waiting for a moderator.` : `${items.length} messages to ${l.name} are waiting for a moderator.`,
      '',
      ...items.flatMap((i, n) => [...(one ? [] : [`${n + 1}.`]), ...describe(i), '']),
      ...(one ? ['To approve it, you can also reply to this message (the reply goes to the list server, not to the list).', ''] : []),
      `All held messages: ${l.queueUrl}`,
      `Each link works once. Messages nobody decides on are discarded after ${l.holdDays} days, and the sender is told.`,
    ].join('\n'),
    ...(one ? { replyTo: one.reply } : {}),
  };
}

export function heldExpiredNotice(to: string, l: { name: string; post: string }, subject: string, days: number): OutgoingMail {
  return {
    to,
    subject: `Your message to ${l.name} was not sent: ${subject}`.slice(0, 200),
    text: [
      `Your message to ${l.post} waited ${days} days for a moderator and has been discarded. It was not sent to the list.`,
      '',
      `If it is still useful, you can send it again, or write to the coordinators at ${l.post.replace('@', '-owner@')}.`,
    ].join('\n'),
    headers: { 'Auto-Submitted': 'auto-replied' },
  };
}
