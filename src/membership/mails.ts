/** The text of the mail that joining, approvals and signing in send. Plain language, plain text. */
import type { OutgoingMail } from '../platform/mail/transport.ts';

interface CommunityRef {
  slug: string;
  title: string;
}

const FOIA = 'Messages sent to this community are government records and may be released under the Freedom of Information Act (FOIA).';

export function confirmJoinMail(to: string, c: CommunityRef, link: string, hours: number, needsApproval: boolean): OutgoingMail {
  return {
    to,
    subject: `Confirm your request to join ${c.title}`,
    text: [
      `Someone (we hope you) asked to join the ${c.title} community with this address.`,
      '',
      'To confirm, open this link:',
      link,
      '',
      needsApproval
        ? 'After you confirm, a community coordinator will review your request, because we could not tell from your address alone that you work for the government. We will email you with their answer.'
        : 'After you confirm, you are a member.',
      '',
      `The link works once and expires in ${hours} hours. If you did not ask to join, ignore this message: nothing happens unless you confirm.`,
      '',
      FOIA,
    ].join('\n'),
  };
}

export function alreadyMemberMail(to: string, c: CommunityRef, accountLink: string): OutgoingMail {
  return {
    to,
    subject: `You are already a member of ${c.title}`,
    text: [
      `Someone (we hope you) asked to join the ${c.title} community with this address, but you are already a member.`,
      '',
      'To change how you get messages, or to leave, sign in to your account:',
      accountLink,
      '',
      'If you did not ask to join, you can ignore this message.',
    ].join('\n'),
  };
}

export function approvalNeededMail(
  to: string,
  c: CommunityRef,
  applicant: { name: string; email: string; jobTitle?: string | null; agency?: string | null; reason: string },
  queueLink: string,
): OutgoingMail {
  return {
    to,
    subject: `Approval needed: ${applicant.name} asked to join ${c.title}`,
    text: [
      `${applicant.name} <${applicant.email}> confirmed a request to join ${c.title}.`,
      `Job title: ${applicant.jobTitle || '(not given)'}`,
      `Agency: ${applicant.agency || '(not given)'}`,
      `Why it needs a person: ${applicant.reason}`,
      '',
      'Review it here:',
      queueLink,
    ].join('\n'),
  };
}

export function approvedMail(to: string, c: CommunityRef, communityLink: string): OutgoingMail {
  return {
    to,
    subject: `Welcome to ${c.title}`,
    text: [`A coordinator approved your request. You are now a member of ${c.title}.`, '', communityLink, '', FOIA].join('\n'),
  };
}

export function deniedMail(to: string, c: CommunityRef, note: string): OutgoingMail {
  return {
    to,
    subject: `Your request to join ${c.title}`,
    text: [
      `A coordinator reviewed your request to join ${c.title} and could not approve it.`,
      '',
      `Their reason: ${note}`,
      '',
      'If you think this is a mistake, reply to a community coordinator, or ask again from a government email address.',
    ].join('\n'),
  };
}

export function welcomeMail(to: string, c: CommunityRef, communityLink: string, accountLink: string): OutgoingMail {
  return {
    to,
    subject: `Welcome to ${c.title}`,
    text: [
      `You are now a member of ${c.title}.`,
      '',
      communityLink,
      '',
      `Change how you get messages, or leave, from your account: ${accountLink}`,
      '',
      FOIA,
    ].join('\n'),
  };
}

export function signInMail(to: string, link: string, minutes: number, siteName: string): OutgoingMail {
  return {
    to,
    subject: `Your sign-in link for ${siteName}`,
    text: [
      `Open this link to sign in to ${siteName}:`,
      link,
      '',
      `It works once and expires in ${minutes} minutes. If you did not ask to sign in, ignore this message.`,
    ].join('\n'),
  };
}
