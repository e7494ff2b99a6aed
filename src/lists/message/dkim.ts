/**
 * DKIM signing (RFC 6376) with relaxed/relaxed canonicalization, RSA-SHA256 and Ed25519-SHA256
 * (RFC 8463), on node:crypto. Split so the body hash is computed once per post and each
 * recipient's copy costs one header canonicalization and one signature.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';

export interface DkimKey {
  /** Signing domain (d=), e.g. lists.example.gov. */
  domain: string;
  /** Selector (s=): the key is published at <selector>._domainkey.<domain>. */
  selector: string;
  privateKeyPem: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** The parsed key; filled in by loadDkimKey, parsed from the PEM when absent. */
  privateKey?: KeyObject;
  /** The DNS TXT record to publish, e.g. "v=DKIM1; k=rsa; p=MIIB…". */
  dnsRecord?: string;
}

/** A DKIM key that cannot be used, with what to do about it. */
export class DkimKeyError extends Error {
  readonly code = 'DKIM_KEY_INVALID';
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const isDomainName = (s: string) => s.length <= 253 && s.split('.').every((l) => LABEL.test(l));

/**
 * Checks and loads a private key. RSA keys must have at least 1024 bits (receivers ignore
 * shorter ones; 2048 is the sensible size); Ed25519 keys are accepted; anything else is refused
 * with a message that says what to generate instead.
 */
export function loadDkimKey(domain: string, selector: string, pem: string): DkimKey {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!isDomainName(d) || !d.includes('.')) {
    throw new DkimKeyError(`The DKIM domain "${domain}" is not a domain name; use the list domain, for example lists.example.gov.`);
  }
  if (!selector.split('.').every((l) => LABEL.test(l))) {
    throw new DkimKeyError(`The DKIM selector "${selector}" must be letters, digits and hyphens (for example "sg2026").`);
  }
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new DkimKeyError('The DKIM key is not a PEM private key; it must start with "-----BEGIN PRIVATE KEY-----" (or "BEGIN RSA PRIVATE KEY").');
  }
  if (/ENCRYPTED/.test(pem)) {
    throw new DkimKeyError('The DKIM key is protected by a passphrase; export it without one (openssl pkey -in key.pem -out plain.pem).');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new DkimKeyError(`The DKIM key could not be read (${(err as Error).message}); check that the whole PEM block was copied.`);
  }
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 1024) {
      throw new DkimKeyError(`The DKIM key has only ${bits} bits; receivers ignore RSA keys under 1024 bits. Generate a 2048-bit key.`);
    }
    const p = publicDer.toString('base64');
    return { domain: d, selector, privateKeyPem: pem, algorithm: 'rsa-sha256', privateKey: key, dnsRecord: `v=DKIM1; k=rsa; p=${p}` };
  }
  if (key.asymmetricKeyType === 'ed25519') {
    // RFC 8463 §4.2: the record holds the raw 32-byte key, the end of the SPKI encoding.
    const p = publicDer.subarray(publicDer.length - 32).toString('base64');
    return { domain: d, selector, privateKeyPem: pem, algorithm: 'ed25519-sha256', privateKey: key, dnsRecord: `v=DKIM1; k=ed25519; p=${p}` };
  }
  throw new DkimKeyError(
    `DKIM keys must be RSA or Ed25519; this one is ${key.asymmetricKeyType ?? 'of an unknown type'}. Generate one with "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048".`,
  );
}

/** The parsed private key, checking that it matches the declared algorithm. */
export function privateKeyOf(k: DkimKey): KeyObject {
  const key = k.privateKey ?? loadDkimKey(k.domain, k.selector, k.privateKeyPem).privateKey!;
  const want = k.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519';
  if (key.asymmetricKeyType !== want) {
    throw new DkimKeyError(`The DKIM key for ${k.selector}._domainkey.${k.domain} is ${key.asymmetricKeyType} but is set to sign with ${k.algorithm}.`);
  }
  return key;
}

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The relaxed body canonicalization (RFC 6376 §3.4.4): white space runs become one space,
 * white space at line ends and empty lines at the end go, and a non-empty body ends in CRLF.
 */
export function relaxedBody(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 2);
  let w = 0;
  let lastContentEnd = 0; // end of the last line that had any content, CRLF included
  let pendingSpace = false;
  let lineHasContent = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === SP || c === TAB) {
      pendingSpace = true;
    } else if (c === LF || (c === CR && body[i + 1] === LF)) {
      if (c === CR) i++;
      pendingSpace = false;
      out[w++] = CR;
      out[w++] = LF;
      if (lineHasContent) lastContentEnd = w;
      lineHasContent = false;
    } else {
      if (pendingSpace) out[w++] = SP;
      pendingSpace = false;
      out[w++] = c;
      lineHasContent = true;
    }
  }
  if (lineHasContent) {
    out[w++] = CR;
    out[w++] = LF;
    lastContentEnd = w;
  }
  return out.subarray(0, lastContentEnd);
}

/** base64 SHA-256 of the relaxed body: the bh= value. */
export function bodyHash(body: Buffer): string {
  return createHash('sha256').update(relaxedBody(body)).digest('base64');
}

/**
 * The relaxed header canonicalization (RFC 6376 §3.4.2) of one field's raw lines: lower-case
 * name, unfolded, white space runs to one space, none around the colon; CRLF at the end.
 */
export function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}\r\n`;
}

/** Signs canonicalized header bytes: RSA over the data, Ed25519 over its SHA-256 (RFC 8463 §3). */
export function signHeaderData(algorithm: DkimKey['algorithm'], key: KeyObject, data: Buffer): string {
  if (algorithm === 'rsa-sha256') return sign('sha256', data, key).toString('base64');
  return sign(null, createHash('sha256').update(data).digest(), key).toString('base64');
}

/** Folds a base64 value into lines for the b= tag (FWS is allowed anywhere in it). */
export function foldBase64(b64: string): string {
  let out = '';
  for (let i = 0; i < b64.length; i += 72) out += (i ? '\r\n\t' : '') + b64.slice(i, i + 72);
  return out;
}
