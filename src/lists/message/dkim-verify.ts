/**
 * A typed wrapper around mailauth 4's `dkimVerify`. mailauth's bundled index.d.ts does not
 * match what the function returns (results carry `algo`, `format`, `status.comment` and
 * `signingHeaders`, not `algorithm`/`canonicalization`/`info`), so the real shape is declared
 * here from lib/dkim/dkim-verifier.js. Used by our tests to check our own signatures, and
 * usable by the inbound rules to check a poster's.
 */
import { createRequire } from 'node:module';

// From its own module: mailauth's index also loads BIMI (see authenticate.ts).
const untypedDkimVerify = (createRequire(import.meta.url)('mailauth/lib/dkim/verify') as { dkimVerify: unknown }).dkimVerify;

/** DNS lookup: TXT answers as arrays of character-strings per record. */
export type DnsResolver = (name: string, type: string) => Promise<string[][]>;

export interface DkimSignatureResult {
  signingDomain: string;
  selector: string;
  /** "rsa-sha256" or "ed25519-sha256". */
  algo: string;
  /** Canonicalization, e.g. "relaxed/relaxed". */
  format: string;
  bodyHash: string;
  bodyHashExpecting: string;
  signingHeaders: { keys: string; headers: string[]; canonicalizedHeader: string };
  status: {
    result: 'pass' | 'fail' | 'neutral' | 'policy' | 'temperror' | 'permerror' | 'none';
    comment?: string | false;
    aligned?: string | false;
  };
}

export interface DkimVerification {
  headerFrom: string[];
  results: DkimSignatureResult[];
}

type RealDkimVerify = (input: Buffer, options: { resolver: DnsResolver; curTime?: Date; minBitLength?: number }) => Promise<DkimVerification>;

/** Verifies every DKIM-Signature in a message, looking keys up through `resolver`. */
export function verifyDkim(message: Buffer, resolver: DnsResolver, curTime?: Date): Promise<DkimVerification> {
  return (untypedDkimVerify as unknown as RealDkimVerify)(message, { resolver, ...(curTime ? { curTime } : {}) });
}
