/**
 * Posting rules, as GNU Mailman names them: each rule is a small pure function with a name, a
 * one-line description and a check that returns a hit (with a reason a moderator can read) or
 * nothing. The chain runs every rule, stores every hit with the message, and decides from the
 * most severe outcome: discard > reject > hold > accept.
 */
import type { SenderAuthentication } from './authenticate.ts';
import { administriviaLine } from './commands.ts';
import { matchesAddressList, type List } from './store.ts';

export type Outcome = 'accept' | 'hold' | 'reject' | 'discard';

/** What the rules see of one message to a list's post address. */
export interface PostFacts {
  list: Pick<List, 'localPart' | 'emergency' | 'moderated' | 'maxBytes' | 'maxRecipients' | 'acceptFrom' | 'banned' | 'administrivia' | 'spfFail'>;
  /** Our own List-Id value and X-Loop tag. */
  listId: string;
  loopTag: string;
  /** Where commands go: <list>-request@. */
  requestAddress: string;
  envelopeFrom: string;
  /** The From address (lower-case), if the message has one. */
  from: string | null;
  /** Every address in From (lower-case): more than one means we cannot tell who sent it. */
  fromAddresses: string[];
  size: number;
  subject: string;
  /** The plain-text body, as far as the rules look (the first lines). */
  body: string;
  /** Header name (lower-case) → every value, as sent. */
  headers: Map<string, string[]>;
  /** Addresses in To and Cc. */
  recipientCount: number;
  /** The sender's standing on this list. */
  sender: { member: boolean; banned: boolean; role: 'member' | 'moderator' | 'coordinator' | null };
  auth: SenderAuthentication | null;
  /** An earlier message to this list had the same Message-ID (an archived post or an earlier arrival). */
  repeatedMessageId: boolean;
}

export interface RuleHit {
  rule: string;
  reason: string;
  outcome: Exclude<Outcome, 'accept'>;
}

export interface Rule {
  name: string;
  description: string;
  check(f: PostFacts): Omit<RuleHit, 'rule'> | null;
}

/**
 * Rules whose hit means the From address is not proven: the message may be forged, so the
 * address in From may belong to someone who never sent it (a moderator must not ban it).
 */
export const UNVERIFIED_FROM_RULES: ReadonlySet<string> = new Set(['sender-authentication', 'from-header', 'spf-fail']);

/** Whether a held message's From may be forged (one of UNVERIFIED_FROM_RULES hit it). */
export const fromIsUnverified = (hits: Pick<RuleHit, 'rule'>[]): boolean => hits.some((h) => UNVERIFIED_FROM_RULES.has(h.rule));

const first = (f: PostFacts, name: string) => f.headers.get(name)?.[0]?.trim();

export const RULES: Rule[] = [
  {
    name: 'loop',
    description: 'The message already went through this list (our List-Id or X-Loop).',
    check(f) {
      const listIds = f.headers.get('list-id') ?? [];
      const loops = f.headers.get('x-loop') ?? [];
      const ours =
        listIds.some((v) => v.toLowerCase().includes(`<${f.listId.toLowerCase()}>`)) || loops.some((v) => v.trim().toLowerCase() === f.loopTag.toLowerCase());
      return ours ? { outcome: 'discard', reason: 'This message already went through this list (mail loop).' } : null;
    },
  },
  {
    name: 'repeated-message-id',
    description: 'The list already received a message with this Message-ID (a mail server retrying, or a post sent twice).',
    check: (f) =>
      f.repeatedMessageId
        ? {
            outcome: 'discard',
            reason: `This list already received a message with the Message-ID ${first(f, 'message-id') ?? ''}: a copy sent again is not distributed twice.`,
          }
        : null,
  },
  {
    name: 'auto-generated',
    description: 'Automatic mail: RFC 3834 Auto-Submitted, Precedence bulk/junk, or no return address.',
    check(f) {
      const auto = first(f, 'auto-submitted');
      if (auto && auto.toLowerCase().split(';')[0]!.trim() !== 'no') return { outcome: 'discard', reason: `Automatic message (Auto-Submitted: ${auto}).` };
      const precedence = first(f, 'precedence')?.toLowerCase();
      if (precedence === 'bulk' || precedence === 'junk') return { outcome: 'discard', reason: `Automatic message (Precedence: ${precedence}).` };
      if (!f.envelopeFrom) return { outcome: 'discard', reason: 'Automatic message (no return address: a bounce or notice).' };
      return null;
    },
  },
  {
    name: 'banned-address',
    description: 'The sender is banned from this list.',
    check(f) {
      const from = f.from ?? f.envelopeFrom;
      return f.sender.banned || (from && matchesAddressList(f.list.banned, from)) ? { outcome: 'discard', reason: `${from} is banned from this list.` } : null;
    },
  },
  {
    name: 'no-sender',
    description: 'The message has no From address.',
    check: (f) => (f.from ? null : { outcome: 'hold', reason: 'The message has no From address, so we cannot tell who sent it.' }),
  },
  {
    name: 'sender-authentication',
    description: "The From address is a member's, but the message fails that domain's DMARC check.",
    check(f) {
      // Non-members are held by the membership rule anyway; this rule is about forged members.
      if (!f.auth || f.auth.dmarc !== 'fail' || !f.sender.member) return null;
      return {
        outcome: 'hold',
        reason: `The message claims to come from ${f.from} but fails that domain's DMARC check (SPF ${f.auth.spf}, ${f.auth.dkimPass.length ? `DKIM passed only for ${f.auth.dkimPass.join(', ')}` : 'no valid DKIM signature'}): it may be forged.`,
      };
    },
  },
  {
    name: 'from-header',
    description: 'The message has two From headers, or several addresses in From.',
    check(f) {
      const headers = f.headers.get('from')?.length ?? 0;
      if (headers > 1) return { outcome: 'hold', reason: `The message has ${headers} From headers, so we cannot tell who sent it (a sign of forgery).` };
      if (f.fromAddresses.length > 1)
        return {
          outcome: 'hold',
          reason: `The From header names several addresses (${f.fromAddresses.slice(0, 5).join(', ')}), so we cannot tell who sent it.`,
        };
      return null;
    },
  },
  {
    name: 'spf-fail',
    description: "The From address is a member's, its domain publishes no DMARC policy, and SPF fails hard.",
    check(f) {
      // Without DMARC, SPF's hard fail is the only sign the domain gives; a soft fail proves nothing.
      if (f.list.spfFail !== 'hold' || !f.auth || f.auth.dmarc !== 'none' || f.auth.spf !== 'fail' || !f.sender.member) return null;
      return {
        outcome: 'hold',
        reason: `The message claims to come from ${f.from}, but the server that sent it is not allowed to send for ${f.envelopeFrom.split('@')[1] ?? 'that domain'} (SPF fails) and ${f.auth.fromDomain ?? 'the domain'} publishes no DMARC policy: it may be forged.`,
      };
    },
  },
  {
    name: 'administrivia',
    description: 'The post is a list command ("unsubscribe", "remove me", "set digest") sent to every member by mistake.',
    check(f) {
      if (!f.list.administrivia) return null;
      const line = administriviaLine(f.subject, f.body);
      return line
        ? { outcome: 'hold', reason: `The message looks like a list command ("${line.slice(0, 60)}"), not a post: commands go to ${f.requestAddress}.` }
        : null;
    },
  },
  {
    name: 'emergency',
    description: 'Emergency moderation is on: every post waits for a moderator.',
    check: (f) => (f.list.emergency ? { outcome: 'hold', reason: 'Emergency moderation is on for this list: every post waits for a moderator.' } : null),
  },
  {
    name: 'moderated',
    description: 'Announce-only list: posts from anyone but moderators wait for approval.',
    check: (f) =>
      f.list.moderated && f.sender.role !== 'moderator' && f.sender.role !== 'coordinator'
        ? { outcome: 'hold', reason: 'This is an announce-only list: a moderator approves every post.' }
        : null,
  },
  {
    name: 'membership',
    description: 'Only members (and addresses on the accept list) may post.',
    check(f) {
      if (f.sender.member || (f.from && matchesAddressList(f.list.acceptFrom, f.from))) return null;
      return { outcome: 'hold', reason: `The sender, ${f.from}, is not a member of this list.` };
    },
  },
  {
    name: 'max-size',
    description: 'The message is larger than the list allows.',
    check: (f) =>
      f.size > f.list.maxBytes
        ? { outcome: 'hold', reason: `The message is ${Math.ceil(f.size / 1024)} KB; this list takes up to ${Math.floor(f.list.maxBytes / 1024)} KB.` }
        : null,
  },
  {
    name: 'max-recipients',
    description: 'The message is addressed to more people than the list allows.',
    check: (f) =>
      f.recipientCount > f.list.maxRecipients
        ? { outcome: 'hold', reason: `The message is addressed to ${f.recipientCount} people (To and Cc); this list allows ${f.list.maxRecipients}.` }
        : null,
  },
];

const SEVERITY: Record<Outcome, number> = { accept: 0, hold: 1, reject: 2, discard: 3 };

export interface ChainResult {
  outcome: Outcome;
  hits: RuleHit[];
  /** The reason behind the outcome (the first hit with it). */
  reason: string | null;
}

/** Run every rule; the most severe outcome wins. */
export function runChain(f: PostFacts, rules: Rule[] = RULES): ChainResult {
  const hits: RuleHit[] = [];
  for (const r of rules) {
    const hit = r.check(f);
    if (hit) hits.push({ rule: r.name, ...hit });
  }
  let outcome: Outcome = 'accept';
  for (const h of hits) if (SEVERITY[h.outcome] > SEVERITY[outcome]) outcome = h.outcome;
  return { outcome, hits, reason: hits.find((h) => h.outcome === outcome)?.reason ?? null };
}
