/**
 * Sender authentication of list posts: SPF, DKIM and DMARC through mailauth, with a DNS resolver
 * the operator can point at their own servers (DNS_SERVERS). The result tells the posting rules
 * whether a message that claims a member's address really comes from that address's domain, and
 * tells the pipeline whether the sender's domain asks receivers to reject or quarantine failures
 * (so the list must rewrite From before resending: DMARC mitigation).
 */
import { Resolver } from 'node:dns/promises';
import { createRequire } from 'node:module';
import type { Config } from '../platform/config.ts';

/** What the rules and the pipeline need to know, as plain data stored with the message. */
export interface SenderAuthentication {
  /** DMARC for the From domain: pass, fail, none (no policy), temperror/permerror (lookup failed). */
  dmarc: string;
  /** The From domain's DMARC policy (p=, or sp= for a sub-domain): reject, quarantine, none. */
  policy: string | null;
  spf: string;
  /** Domains with a passing DKIM signature. */
  dkimPass: string[];
  fromDomain: string | null;
  /**
   * ARC (RFC 8617): the incoming chain's state (pass, fail, none) and the results above as an
   * Authentication-Results value, which the list's ARC seal repeats for receivers. Absent on
   * messages checked before the list sealed.
   */
  arc?: { result: string; authResults: string };
  /**
   * Posted on the web by a signed-in member (src/archives/web-post.ts): no mail server sent it,
   * so SPF, DKIM and DMARC say nothing; the site never holds a key of the member's domain, so
   * the copies always go out "Name via List" (pipeline.ts needsDmarcMitigation).
   */
  web?: true;
}

/** The result stored with a web post: nothing checked by DNS, the sender proven by sign-in. */
export function webPostAuthentication(from: string): SenderAuthentication {
  return { dmarc: 'none', policy: null, spf: 'none', dkimPass: [], fromDomain: from.slice(from.lastIndexOf('@') + 1).toLowerCase() || null, web: true };
}

export type DnsResolve = (name: string, type: string) => Promise<unknown>;

interface MailauthResult {
  dmarc?: { status?: { result?: string }; policy?: string; p?: string; sp?: string; domain?: string } | false;
  spf?: { status?: { result?: string } } | false;
  dkim?: { results?: Array<{ status?: { result?: string }; signingDomain?: string }> };
  arc?: { status?: { result?: string }; authResults?: string } | false;
}

// mailauth 4's bundled typings do not describe `authenticate` as it behaves; type what we use.
const require = createRequire(import.meta.url);
// Loaded on first use, not at start: mailauth (with its public suffix list) is about 10 MB of
// heap that an idle process does not need.
type Mailauth = {
  authenticate(
    input: Buffer,
    opts: { ip?: string; helo?: string; sender?: string; mta?: string; resolver?: DnsResolve; disableArc?: boolean; disableBimi?: boolean },
  ): Promise<MailauthResult>;
};
let loaded: Mailauth | undefined;
const mailauth = (): Mailauth => (loaded ??= require('mailauth') as Mailauth);

/** A resolver on the configured DNS servers (or the system's), with short timeouts. */
export function dnsResolver(config: Pick<Config, 'dnsServers'>): DnsResolve {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (config.dnsServers.length) resolver.setServers(config.dnsServers);
  return (name, type) => resolver.resolve(name, type as 'TXT');
}

/**
 * Checks SPF, DKIM, DMARC and an incoming ARC chain. `authservId` names who checked (the list
 * domain) in the Authentication-Results text kept for the ARC seal.
 */
export async function authenticateSender(
  raw: Buffer,
  envelope: { ip?: string | null; helo?: string | null; sender: string },
  resolve: DnsResolve,
  authservId: string,
): Promise<SenderAuthentication> {
  const result = await mailauth().authenticate(raw, {
    ...(envelope.ip ? { ip: envelope.ip.replace(/^::ffff:/, '') } : {}),
    ...(envelope.helo ? { helo: envelope.helo } : {}),
    sender: envelope.sender,
    resolver: resolve,
    mta: authservId,
    disableBimi: true,
  });
  const dmarc = result.dmarc || undefined;
  return {
    dmarc: dmarc?.status?.result ?? 'none',
    policy: dmarc ? (dmarc.policy ?? dmarc.p ?? null) : null,
    spf: (result.spf && result.spf.status?.result) || 'none',
    dkimPass: (result.dkim?.results ?? []).filter((r) => r.status?.result === 'pass' && r.signingDomain).map((r) => r.signingDomain!.toLowerCase()),
    fromDomain: dmarc?.domain ?? null,
    ...(result.arc && result.arc.authResults ? { arc: { result: result.arc.status?.result ?? 'none', authResults: result.arc.authResults } } : {}),
  };
}
