/**
 * ARC (RFC 8617): the list's seal on the copies of a post, so a receiver that trusts the list can
 * use the authentication results the list saw on the original (SPF, DKIM, DMARC), which the
 * list's own changes (subject prefix, footer, From rewrite) break for everyone else.
 *
 * One ARC set per post, not per copy: the ARC-Message-Signature covers only fields that are the
 * same in every copy (not List-Unsubscribe, which is personal), and the ARC-Seal covers the ARC
 * fields, so every recipient's copy carries the same three fields and sealing costs nothing per
 * recipient. Signing and the chain format are mailauth's (`sealMessage`).
 */
import { createRequire } from 'node:module';
import type { DkimKey } from './dkim.ts';
import { joinMessage, splitMessage, type HeaderField } from './raw.ts';

/** Fields the ARC-Message-Signature covers when present: the same in every copy of a post. */
export const ARC_SIGNED_FIELDS = [
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'list-id',
  'list-help',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
  'archived-at',
];

// mailauth 4's bundled typings do not describe sealMessage as it behaves; type what we use.
const require = createRequire(import.meta.url);
// Loaded on first use, not at start, and from mailauth's ARC module alone: its index also loads
// the BIMI checker at require time (see authenticate.ts).
type Mailauth = {
  sealMessage(
    input: Buffer,
    seal: {
      signingDomain: string;
      selector: string;
      privateKey: unknown;
      algorithm: string;
      authResults: string;
      cv: 'none' | 'pass' | 'fail';
      headerList: string;
      signTime?: Date;
    },
  ): Promise<Buffer>;
};
let loaded: Mailauth | undefined;
const mailauth = (): Mailauth => (loaded ??= require('mailauth/lib/arc') as Mailauth);

/** A key that cannot seal: RFC 8617 defines ARC signatures with RSA-SHA256 only. */
export class ArcKeyError extends Error {
  readonly code = 'ARC_KEY_INVALID';
}

export interface ArcSealParams {
  /** The RSA key that seals (the list's RSA DKIM key: the same selector record serves both). */
  key: DkimKey;
  /**
   * The results the list computed for the original, as an Authentication-Results value
   * ("lists.example.gov; spf=pass ...; dkim=pass ...; dmarc=pass ..."), from authenticateSender.
   */
  authResults: string;
  /** The original's ARC chain as checked on arrival: pass, fail or none. */
  chain: string;
  /** The original message as it arrived (its ARC sets are carried on when its chain passed). */
  original: Buffer;
  signTime?: Date;
}

const isArcField = (h: HeaderField) => /^arc-(seal|message-signature|authentication-results)$/i.test(h.name);

/**
 * The decorated post with the list's ARC set on top. A chain that passed on arrival is carried
 * on (its sets are put back, the list's set is the next instance with cv=pass); a chain that
 * failed, or none, is not carried on: the list's set starts a new chain (i=1, cv=none), and its
 * ARC-Authentication-Results says arc=fail where the old chain failed, so nothing is hidden.
 */
export async function arcSeal(decorated: Buffer, p: ArcSealParams): Promise<Buffer> {
  if (p.key.algorithm !== 'rsa-sha256') {
    throw new ArcKeyError(
      `ARC seals need an RSA key (RFC 8617 allows only rsa-sha256); ${p.key.selector}._domainkey.${p.key.domain} is ${p.key.algorithm}. Add an RSA key to DKIM_SELECTOR, or set ARC_SEAL=off.`,
    );
  }
  const { headers, body } = splitMessage(decorated);
  const carried = p.chain === 'pass' ? splitMessage(p.original).headers.filter(isArcField) : [];
  const own = headers.filter((h) => !isArcField(h));
  const input = joinMessage([...carried, ...own], body);
  const set = await mailauth().sealMessage(input, {
    signingDomain: p.key.domain,
    selector: p.key.selector,
    privateKey: p.key.privateKeyPem,
    algorithm: 'rsa-sha256',
    authResults: p.authResults.trim(),
    cv: carried.length ? 'pass' : 'none',
    headerList: ARC_SIGNED_FIELDS.join(':'),
    // Always given: without it mailauth reads the clock twice for the ARC-Message-Signature
    // (once for what it signs, once for the t= it writes), and a post sealed across a
    // half-second boundary carried a signature no receiver could verify (about 1 in 1,000).
    signTime: p.signTime ?? new Date(),
  });
  return Buffer.concat([set, input]);
}
