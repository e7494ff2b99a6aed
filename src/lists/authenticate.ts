/**
 * Sender authentication of list posts: SPF, DKIM and DMARC through mailauth, with a DNS resolver
 * the operator can point at their own servers (DNS_SERVERS). The result tells the posting rules
 * whether a message that claims a member's address really comes from that address's domain, and
 * tells the pipeline whether the sender's domain asks receivers to reject or quarantine failures
 * (so the list must rewrite From before resending: DMARC mitigation).
 */
import { Resolver } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { Config } from '../platform/config.ts';
import libmime from 'libmime';

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

/** The parts of mailauth's answers that we read (its bundled typings do not describe them as they behave). */
interface DkimVerification {
  results?: Array<{ id?: string; status?: { result?: string; aligned?: unknown; underSized?: unknown }; signingDomain?: string; info?: string }>;
  headerFrom?: string[];
  /** The message's ARC sets, for the ARC check. */
  arc?: unknown;
}
interface Checked {
  status?: { result?: string };
  info?: string;
  /** SPF: the domain checked. */
  domain?: string;
}
interface DmarcResult extends Checked {
  policy?: string;
  p?: string;
  sp?: string;
  domain?: string;
}
interface ArcResult extends Checked {
  authResults?: string;
}

/** What mailauth's `authenticate` answers, as far as we read it. */
export interface MailauthResult {
  dmarc?: DmarcResult | false;
  spf?: Checked | false;
  dkim?: DkimVerification;
  arc?: ArcResult | false;
}

// mailauth's checks, each from its own module: its `authenticate` (lib/mailauth.js) also loads
// the BIMI checker at require time, though we never run it (an npm copy of undici, the VMC and
// XML parsers: about 4 MB of an idle process's heap). Loaded on first use, not at start: the
// checks with the public suffix list are several MB more that a process that never receives
// mail does not need.
const require = createRequire(import.meta.url);
interface Checks {
  dkimVerify(input: Buffer, opts: { resolver: DnsResolve; sender?: string }): Promise<DkimVerification>;
  spf(opts: { ip?: string; helo?: string; sender: string; mta: string; resolver: DnsResolve }): Promise<Checked | false>;
  arc(chain: unknown, opts: { resolver: DnsResolve }): Promise<ArcResult>;
  dmarc(opts: {
    headerFrom: string[];
    spfDomains: string[];
    dkimDomains: Array<{ id?: string; domain?: string; aligned?: unknown; underSized?: unknown }>;
    arcResult: ArcResult;
    resolver: DnsResolve;
  }): Promise<DmarcResult>;
  foldLines(text: string, lineLength: number): string;
}
let loaded: Checks | undefined;
const checks = (): Checks =>
  (loaded ??= {
    dkimVerify: (require('mailauth/lib/dkim/verify') as Pick<Checks, 'dkimVerify'>).dkimVerify,
    spf: (require('mailauth/lib/spf') as Pick<Checks, 'spf'>).spf,
    arc: (require('mailauth/lib/arc') as Pick<Checks, 'arc'>).arc,
    dmarc: (require('mailauth/lib/dmarc') as Pick<Checks, 'dmarc'>).dmarc,
    foldLines: libmime.foldLines, // loaded with mail-in anyway (mailparser uses it)
  });

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
  const result = await checkSender(raw, {
    ...(envelope.ip ? { ip: envelope.ip.replace(/^::ffff:/, '') } : {}),
    ...(envelope.helo ? { helo: envelope.helo } : {}),
    sender: envelope.sender,
    resolver: resolve,
    mta: authservId,
  });
  return senderAuthenticationOf(result);
}

/**
 * SPF, DKIM, ARC and DMARC as mailauth's `authenticate` checks them (with BIMI off), and the
 * Authentication-Results value the ARC seal repeats: the DKIM results, SPF, ARC, then DMARC,
 * each folded at 160 characters. authenticate.test.ts proves the answers the same as
 * `authenticate`'s on real mail.
 */
async function checkSender(raw: Buffer, o: { ip?: string; helo?: string; sender: string; resolver: DnsResolve; mta: string }): Promise<MailauthResult> {
  const c = checks();
  const dkim = await c.dkimVerify(raw, { resolver: o.resolver, sender: o.sender });
  // No HELO name given: the client's address stands for it, as a literal ([192.0.2.1]).
  const helo = o.helo ?? o.ip;
  const spf = await c.spf({ ...o, ...(helo ? { helo: isIP(helo) ? `[${helo}]` : helo } : {}) });
  const arc = await c.arc(dkim.arc, { resolver: o.resolver });
  const parts = (dkim.results ?? []).map((r) => c.foldLines(r.info ?? '', 160));
  if (spf) parts.push(c.foldLines(spf.info ?? '', 160));
  if (arc.info) parts.push(c.foldLines(arc.info, 160));
  let dmarc: DmarcResult | undefined;
  if (dkim.headerFrom) {
    dmarc = await c.dmarc({
      headerFrom: dkim.headerFrom,
      spfDomains: spf && spf.status?.result === 'pass' && spf.domain ? [spf.domain] : [],
      dkimDomains: (dkim.results ?? [])
        .filter((r) => r.status?.result === 'pass')
        .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status?.aligned, underSized: r.status?.underSized })),
      arcResult: arc,
      resolver: o.resolver,
    });
    if (dmarc.info) parts.push(c.foldLines(dmarc.info, 160));
  }
  arc.authResults = `${o.mta};\r\n ${parts.join(';\r\n ')}`;
  return { dkim, spf, arc, dmarc: dmarc ?? false };
}

/** The plain data kept with a message, from the checks' answers. */
export function senderAuthenticationOf(result: MailauthResult): SenderAuthentication {
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
