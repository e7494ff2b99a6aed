/** Mail authentication in tests: a made-up DNS for the test domains, and DKIM-signed messages. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { dkimSign } = require('mailauth/lib/dkim/sign') as { dkimSign(input: Buffer, opts: object): Promise<{ signatures: string }> };

/**
 * DNS for the test domains, input data for the checks (not a stand-in for our code): `lookup`
 * gives a name's TXT record; any other name or type answers ENOTFOUND, as a resolver does.
 */
export function txtResolver(lookup: (name: string) => string | undefined): (name: string, type: string) => Promise<string[][]> {
  return async (name, type) => {
    const value = type === 'TXT' ? lookup(name.toLowerCase()) : undefined;
    if (!value) throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    return [[value]];
  };
}

/** `raw` with a DKIM-Signature of `key` on top. */
export async function dkimSigned(raw: Buffer, key: { domain: string; selector: string; privateKeyPem: string }): Promise<Buffer> {
  const { signatures } = await dkimSign(raw, {
    // mailauth reads the clock twice when not given the time (see src/lists/message/arc.ts): the
    // signature would fail about 1 in 1,000 runs.
    signTime: new Date(),
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem }],
  });
  return Buffer.concat([Buffer.from(signatures), raw]);
}
