/**
 * VERP bounce addresses: each copy of a post goes out with its own envelope sender,
 * `<list>-bounces+<token>@<domain>`, so a bounce names the member by the address it comes back
 * to, whatever the remote mail system writes in it. The token is the caller's (URL-safe base64,
 * case-sensitive); this module only builds and reads the address.
 */

/** URL-safe base64 (RFC 4648 §5) without padding. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
/** A list's local part: letters, digits, dot, hyphen, underscore; no leading/trailing or doubled dot. */
const LIST_LOCAL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]|\.(?!\.))*[A-Za-z0-9_-]$|^[A-Za-z0-9_]$/;
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const VERP = /^(.+)-bounces\+([^@]+)@([^@]+)$/i;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_PART = 64;

export class VerpError extends Error {
  override name = 'VerpError';
}

/**
 * `verpEncode('socialgov', 'lists.example.gov', 'Ab3_x')` → `socialgov-bounces+Ab3_x@lists.example.gov`.
 * Throws VerpError when a part could not form a valid address (a programming error, not user input).
 */
export function verpEncode(listLocal: string, domain: string, token: string): string {
  if (!LIST_LOCAL.test(listLocal)) throw new VerpError(`List address "${listLocal}" is not a plain local part (letters, digits, ".", "-", "_").`);
  if (!DOMAIN.test(domain)) throw new VerpError(`"${domain}" is not a mail domain name.`);
  if (!TOKEN.test(token)) throw new VerpError('The bounce token must be URL-safe base64 (A-Z, a-z, 0-9, "-", "_") without padding.');
  const local = `${listLocal}-bounces+${token}`;
  if (local.length > MAX_LOCAL_PART) throw new VerpError(`"${local}" is longer than the 64 characters mail systems accept before the @; use a shorter token.`);
  return `${local}@${domain}`;
}

/**
 * The list and token of a VERP bounce address, or null if the address is not one. Strict: no
 * angle brackets, display names or spaces; exactly one "@"; the token exactly as it was (tokens
 * are case-sensitive). The fixed "-bounces" part is matched in any case and `listLocal` comes
 * back lower-cased, since mail systems treat list names case-insensitively.
 */
export function verpDecode(address: string): { listLocal: string; token: string } | null {
  const m = VERP.exec(address);
  if (!m) return null;
  const [, listLocal, token, domain] = m as unknown as [string, string, string, string];
  if (!LIST_LOCAL.test(listLocal) || !TOKEN.test(token) || !DOMAIN.test(domain)) return null;
  if (listLocal.length + '-bounces+'.length + token.length > MAX_LOCAL_PART) return null;
  return { listLocal: listLocal.toLowerCase(), token };
}
