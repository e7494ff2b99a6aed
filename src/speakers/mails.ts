/** The mail the speakers bureau sends, as plain text a person can act on. */
import type { OutgoingMail } from '../platform/mail/transport.ts';
import { formatWhen } from '../events/index.ts';
import { FORMAT_TEXT } from './request-form.ts';
import type { SpeakerRequest } from './store.ts';

export interface RequestLinks {
  /** The requester's status page (signed link). */
  status: string;
  /** The coordinators' page for the request. */
  manage: string;
  /** The proposed speaker's page: accept or decline. */
  speaker: string;
}

/** Who a message is for: part of its once-only key. */
export type Recipient = 'requester' | 'speaker' | 'coordinator';

function summary(r: SpeakerRequest): string[] {
  return [
    `Event: ${r.eventName} (${r.organization})`,
    `When: ${formatWhen(r.startsAt, r.endsAt, r.timeZone)}`,
    `Where: ${r.online ? 'Online' : (r.location ?? 'In person')}`,
    `Topic: ${r.topic}`,
    `Format: ${FORMAT_TEXT[r.format]}`,
    `Audience: ${r.audience}${r.audienceSize ? ` (about ${r.audienceSize} people)` : ''}`,
    `Press attending: ${r.press ? 'yes' : 'no'}`,
  ];
}

/** The mail for the step a request just took (its current status), to each person who should know. */
export function requestMails(
  r: SpeakerRequest,
  links: RequestLinks,
  coordinators: string[],
  note: string | null,
  opts: { reminder?: boolean } = {},
): Array<{ who: Recipient; mail: OutgoingMail }> {
  const out: Array<{ who: Recipient; mail: OutgoingMail }> = [];
  const toRequester = (subject: string, lines: string[]) =>
    out.push({
      who: 'requester',
      mail: {
        to: r.requesterEmail,
        subject,
        text: [`Hello ${r.requesterName},`, '', ...lines, '', `See your request at any time: ${links.status}`, '', ...summary(r)].join('\n'),
      },
    });
  const toSpeaker = (subject: string, lines: string[]) => {
    if (r.speaker)
      out.push({ who: 'speaker', mail: { to: r.speaker.email, subject, text: [`Hello ${r.speaker.name},`, '', ...lines, '', ...summary(r)].join('\n') } });
  };
  const toCoordinators = (subject: string, lines: string[]) => {
    for (const to of coordinators)
      out.push({ who: 'coordinator', mail: { to, subject, text: [...lines, '', `Open the request: ${links.manage}`, '', ...summary(r)].join('\n') } });
  };
  const said = note ? ['', `Note: ${note}`] : [];

  if (opts.reminder) {
    toSpeaker(`Reminder: can you speak at ${r.eventName}?`, [
      `You were proposed as the speaker for ${r.eventName} and have not answered yet.`,
      `Accept (after clearing it with your supervisor and press office) or decline here: ${links.speaker}`,
    ]);
    return out;
  }
  switch (r.status) {
    case 'new':
      toRequester(`We received your speaker request: ${r.eventName}`, [
        `Thank you for asking the ${r.communityTitle} speakers bureau for a speaker.`,
        'A coordinator will review your request and look for a speaker. We will email you when a speaker has agreed.',
      ]);
      toCoordinators(`New speaker request: ${r.eventName}`, [`${r.requesterName} (${r.organization}) asked for a speaker. Review it and propose a speaker.`]);
      break;
    case 'in_review':
      toRequester(`Your speaker request is being reviewed: ${r.eventName}`, ['A coordinator is reviewing your request and looking for a speaker.', ...said]);
      break;
    case 'matched':
      toSpeaker(`Can you speak at ${r.eventName}?`, [
        `A coordinator of ${r.communityTitle} proposed you as the speaker for this event.`,
        'Before you accept, clear the invitation with your supervisor and your press office.',
        `Accept or decline here: ${links.speaker}`,
        ...said,
      ]);
      break;
    case 'accepted':
      toRequester(`A speaker has agreed: ${r.eventName}`, [
        `${r.speaker?.name ?? 'A speaker'} has agreed to speak at your event. A coordinator will confirm the details with you.`,
      ]);
      toCoordinators(`Speaker accepted: ${r.eventName}`, [
        `${r.speaker?.name ?? 'The speaker'} accepted and noted supervisor and press office approval. Confirm the engagement.`,
        ...said,
      ]);
      break;
    case 'declined':
      toCoordinators(`Speaker declined: ${r.eventName}`, [`${r.speaker?.name ?? 'The speaker'} cannot speak at this event. Propose another speaker.`, ...said]);
      break;
    case 'confirmed':
      toRequester(`Your speaker is confirmed: ${r.eventName}`, [`${r.speaker?.name ?? 'Your speaker'} is confirmed for your event.`, ...said]);
      toSpeaker(`Confirmed: you are speaking at ${r.eventName}`, ['The engagement is confirmed. Thank you for speaking for the community.', ...said]);
      break;
    case 'completed':
      toRequester(`Thank you: ${r.eventName}`, ['The engagement is marked completed. Thank you for inviting the speakers bureau.', ...said]);
      break;
    case 'withdrawn':
      toRequester(`Speaker request withdrawn: ${r.eventName}`, ['This speaker request is withdrawn; nothing more will happen with it.', ...said]);
      toSpeaker(`No longer needed: ${r.eventName}`, ['The speaker request you were proposed for is withdrawn. You do not need to do anything.', ...said]);
      toCoordinators(`Speaker request withdrawn: ${r.eventName}`, ['This speaker request is withdrawn.', ...said]);
      break;
  }
  return out;
}

export function consultationRoutedMail(to: string, p: { communityTitle: string; topic: string; link: string }): OutgoingMail {
  return {
    to,
    subject: `A member asks the experts: ${p.topic}`,
    text: [
      `A member of ${p.communityTitle} asked a question on ${p.topic}, a topic you listed as an expert.`,
      'If you can answer it, open it and take it; the first expert to take it answers it.',
      '',
      `Open the question: ${p.link}`,
    ].join('\n'),
  };
}

export function consultationUpdateMail(to: string, p: { topic: string; link: string; lines: string[] }): OutgoingMail {
  return { to, subject: `Your question to the experts: ${p.topic}`, text: [...p.lines, '', `Open it: ${p.link}`].join('\n') };
}
