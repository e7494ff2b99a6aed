/** The mail events send, as plain text a person can act on; calendar copies go as .ics attachments. */
import type { MailAttachment, OutgoingMail } from '../platform/mail/transport.ts';
import { buildCalendar, type CalendarEvent } from './ics.ts';
import { locationText } from './calendar.ts';
import { recordingUrl, type Occurrence, type StoredEvent } from './model.ts';
import { formatWhen } from './time.ts';

export interface MailPerson {
  name: string;
  email: string;
}

export interface MailLinks {
  event: string;
  /** The registrant's own page: cancel, confirm an offered seat. */
  manage: string;
}

export function icsAttachment(method: 'REQUEST' | 'CANCEL', events: CalendarEvent[]): MailAttachment {
  return {
    filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: buildCalendar({ method, events }),
  };
}

function when(e: StoredEvent, o: Occurrence): string {
  return formatWhen(o.startsAt, o.endsAt, e.timeZone);
}

function joinLines(e: StoredEvent): string[] {
  const lines: string[] = [];
  if (e.format !== 'online') lines.push(`Where: ${locationText(e)}`);
  if (e.format !== 'in-person' && e.joinUrl) lines.push(`Join online: ${e.joinUrl}`);
  if (e.captionsUrl) lines.push(`Live captions (CART): ${e.captionsUrl}`);
  return lines;
}

export function confirmationMail(
  p: MailPerson,
  e: StoredEvent,
  o: Occurrence,
  links: MailLinks,
  ics: MailAttachment,
  opts: { everySession: boolean; seriesText?: string },
): OutgoingMail {
  return {
    to: p.email,
    subject: `You are registered: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      opts.everySession ? `You are registered for every session of ${e.title} (${opts.seriesText ?? 'a series'}).` : `You are registered for ${e.title}.`,
      '',
      `${opts.everySession ? 'Next session' : 'When'}: ${when(e, o)}`,
      ...joinLines(e),
      '',
      'The attached invitation (invite.ics) adds it to your calendar.',
      `Event page: ${links.event}`,
      `Cannot come? Cancel here so someone else can have your seat: ${links.manage}`,
    ].join('\n'),
    attachments: [ics],
  };
}

export function waitlistedMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, position: number): OutgoingMail {
  return {
    to: p.email,
    subject: `You are on the waiting list: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `${e.title} on ${when(e, o)} is full. You are number ${position} on the waiting list.`,
      'If a seat frees up, we will email you, and you will have a limited time to confirm it.',
      '',
      `Event page: ${links.event}`,
      `Leave the waiting list: ${links.manage}`,
    ].join('\n'),
  };
}

export function offerMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, expiresText: string): OutgoingMail {
  return {
    to: p.email,
    subject: `A seat is free: confirm by ${expiresText} — ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `A seat is now free at ${e.title} on ${when(e, o)}, and it is held for you.`,
      `Confirm it by ${expiresText}, or it goes to the next person on the waiting list:`,
      links.manage,
      '',
      `Event page: ${links.event}`,
    ].join('\n'),
  };
}

export function offerExpiredMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks): OutgoingMail {
  return {
    to: p.email,
    subject: `Your held seat has gone to the next person: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `The seat held for you at ${e.title} on ${when(e, o)} was not confirmed in time, so it went to the next person on the waiting list.`,
      '',
      `Event page: ${links.event}`,
    ].join('\n'),
  };
}

export function cancelledByYouMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, ics: MailAttachment | undefined): OutgoingMail {
  const m: OutgoingMail = {
    to: p.email,
    subject: `Registration cancelled: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `Your registration for ${e.title} on ${when(e, o)} is cancelled.`,
      ics ? 'The attached cancel.ics removes it from your calendar.' : '',
      '',
      `Changed your mind? Register again on the event page: ${links.event}`,
    ].join('\n'),
  };
  if (ics) m.attachments = [ics];
  return m;
}

export function changedMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, changes: string[], ics: MailAttachment): OutgoingMail {
  return {
    to: p.email,
    subject: `Changed: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `The organizers changed the ${changes.join(', ')} of ${e.title}. You are still registered.`,
      '',
      `When: ${when(e, o)}`,
      ...joinLines(e),
      '',
      'The attached invitation updates your calendar.',
      `Event page: ${links.event}`,
      `Cannot come now? Cancel here: ${links.manage}`,
    ].join('\n'),
    attachments: [ics],
  };
}

export function sessionCancelledMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, ics: MailAttachment, note?: string): OutgoingMail {
  return {
    to: p.email,
    subject: `Cancelled: ${e.title}, ${when(e, o)}`,
    text: [
      `Hello ${p.name},`,
      '',
      e.status === 'cancelled' ? `${e.title} is cancelled.` : `The session of ${e.title} on ${when(e, o)} is cancelled.`,
      note ? `\nFrom the organizers: ${note}` : '',
      '',
      'The attached cancel.ics removes it from your calendar.',
      `Event page: ${links.event}`,
    ].join('\n'),
    attachments: [ics],
  };
}

export function reminderMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks, label: string): OutgoingMail {
  return {
    to: p.email,
    subject: `Reminder: ${e.title} starts in ${label}`,
    text: [
      `Hello ${p.name},`,
      '',
      `${e.title} starts in ${label}.`,
      '',
      `When: ${when(e, o)}`,
      ...joinLines(e),
      '',
      `Event page: ${links.event}`,
      `Cannot come? Cancel so someone else can have your seat: ${links.manage}`,
    ].join('\n'),
  };
}

export function followUpMail(p: MailPerson, e: StoredEvent, o: Occurrence, links: MailLinks): OutgoingMail {
  const r = o.recording;
  const video = recordingUrl(r);
  return {
    to: p.email,
    subject: `Thank you for registering: ${e.title}`,
    text: [
      `Hello ${p.name},`,
      '',
      `Thank you for registering for ${e.title} on ${when(e, o)}.`,
      '',
      video ? `Watch the recording: ${video}` : 'The recording, if there is one, will be on the event page.',
      r.slidesUrl ? `Slides: ${r.slidesUrl}` : '',
      r.transcript ? `Transcript: ${links.event}#transcript` : '',
      e.evaluationUrl ? `Tell us how it went (a short evaluation): ${e.evaluationUrl}` : '',
      '',
      `Event page: ${links.event}`,
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n'),
  };
}

export function accommodationMail(to: string, e: StoredEvent, o: Occurrence, who: MailPerson, needs: string[], organizerLink: string): OutgoingMail {
  return {
    to,
    subject: `Accommodation request: ${e.title}, ${when(e, o)}`,
    replyTo: who.email,
    text: [
      `${who.name} <${who.email}> registered for ${e.title} on ${when(e, o)} and asked for:`,
      ...needs.map((n) => `- ${n}`),
      '',
      'Reply to this message to reach them directly.',
      `Registrants: ${organizerLink}`,
    ].join('\n'),
  };
}

export function organizerMessageMail(p: MailPerson, e: StoredEvent, subject: string, body: string, links: MailLinks, from: string): OutgoingMail {
  return {
    to: p.email,
    subject: `${e.title}: ${subject}`,
    text: [`Hello ${p.name},`, '', body, '', `— ${from}, organizer`, '', `Event page: ${links.event}`, `Your registration: ${links.manage}`].join('\n'),
  };
}

/*
 * The two mails below go to an address nobody has confirmed yet, so they carry nothing a
 * stranger typed (not the name, agency or answers) and no join link: the form cannot be used
 * to send someone else a message of its sender's choosing.
 */

/** Sent to a guest's address: the link that turns the request into a registration. */
export function confirmAddressMail(
  to: string,
  e: StoredEvent,
  o: Occurrence,
  eventLink: string,
  confirmLink: string,
  hours: number,
  everySession: boolean,
): OutgoingMail {
  return {
    to,
    subject: `Confirm your registration: ${e.title}`,
    text: [
      'Hello,',
      '',
      `Someone, probably you, asked to register this email address for ${e.title}${everySession ? ', every session from' : ' on'} ${when(e, o)}.`,
      '',
      `To confirm, open this link within ${hours} hours and select "Confirm my registration":`,
      confirmLink,
      '',
      'Until you confirm, no seat is saved for you and you are not registered.',
      'If you did not ask for this, ignore this message: nothing is registered, and the link stops working on its own.',
      '',
      `Event page: ${eventLink}`,
    ].join('\n'),
  };
}

/** Sent when a guest asks again for a session this address is already registered (or waiting) for. */
export function alreadyRegisteredMail(to: string, e: StoredEvent, o: Occurrence, links: MailLinks): OutgoingMail {
  return {
    to,
    subject: `You are already registered: ${e.title}`,
    text: [
      'Hello,',
      '',
      `Someone, probably you, asked to register this email address for ${e.title} on ${when(e, o)}.`,
      'This address is already registered for that session (or on its waiting list), so nothing changed.',
      '',
      `Your registration, to see it or cancel it: ${links.manage}`,
      `Event page: ${links.event}`,
    ].join('\n'),
  };
}
