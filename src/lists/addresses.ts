/**
 * The addresses of a list: `<list>@domain` (posts), `<list>-request@` (commands), `<list>-owner@`
 * (coordinators), `<list>-bounces+<token>@` (VERP: who bounced) and `<list>-confirm+<token>@`
 * (confirm by reply). Anything else at the list domain is refused with 550 at RCPT time.
 */
export type AddressKind = 'post' | 'request' | 'owner' | 'bounces' | 'confirm';

export interface ListAddress {
  localPart: string;
  kind: AddressKind;
  token?: string;
}

const SUFFIX = /^(.+?)-(request|owner|bounces|confirm)(?:\+([A-Za-z0-9_.=-]{1,200}))?$/;

/** What a recipient address at the list domain means, before looking the list up. */
export function parseListAddress(address: string, listDomain: string): ListAddress | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (domain !== listDomain.toLowerCase()) return undefined;
  const local = address.slice(0, at);
  const m = SUFFIX.exec(local);
  if (m) {
    const kind = m[2] as AddressKind;
    const token = m[3];
    // Tokens only belong on -bounces and -confirm; a -request+x address is not ours.
    if (token && kind !== 'bounces' && kind !== 'confirm') return undefined;
    if (!token && kind === 'confirm') return undefined;
    return { localPart: m[1]!.toLowerCase(), kind, ...(token ? { token } : {}) };
  }
  if (local.includes('+')) return undefined;
  return { localPart: local.toLowerCase(), kind: 'post' };
}

export function listAddresses(localPart: string, domain: string) {
  return {
    post: `${localPart}@${domain}`,
    request: `${localPart}-request@${domain}`,
    owner: `${localPart}-owner@${domain}`,
    bounces: (token: string) => `${localPart}-bounces+${token}@${domain}`,
    confirm: (token: string) => `${localPart}-confirm+${token}@${domain}`,
  };
}
