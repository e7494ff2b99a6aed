/**
 * Platforms are data: each says which hosts it answers for and how to read an account out of an
 * address. `parseAccountAddress` turns any address a person pastes (any scheme, www./m./mobile.,
 * any case, trailing slash, tracking query, twitter.com or x.com) into one platform, one account
 * and the key it is matched by. Pure functions; the rows live in `registry_platforms`.
 */
import { compareText } from '../platform/text.ts';

export type AccountKind = 'handle' | 'user-id';

export interface PlatformRule {
  /** What the address names: the account's handle, or the platform's persistent user id. */
  kind: AccountKind;
  /** A regular expression over the path (trailing slashes removed), with a named group `account`. */
  path: string;
  /** Read the account from this query parameter instead of the path (the path must still match). */
  query?: string;
  /** A regular expression the account itself must match (used with `query`). */
  accountPattern?: string;
  /** Values of `account` that are the platform's own pages, not accounts (any case). */
  reserved?: string[];
  /**
   * A regular expression over the path of a post's address. A post is not an account, and some
   * platforms show a post under any account's name (x.com/<anyone>/status/<id>), so such an
   * address is refused rather than read as the account it names.
   */
  posts?: string;
  /** Accounts differ by case (channel ids, DIDs); otherwise matching ignores case. */
  caseSensitive?: boolean;
  /** How the account is matched, e.g. "@{account}"; {account} and {host} are filled in. Default "{account}". */
  key?: string;
  /** The canonical address, e.g. "https://x.com/{account}". */
  canonical: string;
  /** How the account is shown to people, e.g. "@{account}". */
  display: string;
}

export interface Platform {
  key: string;
  name: string;
  /** Hosts (www., m. and mobile. are ignored), "*.example.com" for sub-domains, "*" for any host. */
  hosts: string[];
  rules: PlatformRule[];
  active: boolean;
  builtin: boolean;
  sort: number;
}

export interface ParsedAccount {
  platform: Platform;
  kind: AccountKind;
  /** The account as it appears in the address. */
  account: string;
  /** What records are matched by: the handle key, or the platform user id. */
  key: string;
  canonicalUrl: string;
  display: string;
}

export type ParseErrorCode = 'NOT_A_URL' | 'CREDENTIALS_IN_URL' | 'UNKNOWN_PLATFORM' | 'NOT_AN_ACCOUNT';
export type ParseResult = { ok: true; parsed: ParsedAccount } | { ok: false; code: ParseErrorCode; message: string; platform?: Platform };

/** Host prefixes that name the same site (mobile and "www" copies). */
const IGNORED_HOST_PREFIXES = ['www.', 'm.', 'mobile.'];

export function normaliseHost(hostname: string): string {
  let host = hostname.toLowerCase().replace(/\.$/, '');
  for (let changed = true; changed;) {
    changed = false;
    for (const p of IGNORED_HOST_PREFIXES) {
      if (host.startsWith(p) && host.length > p.length + 3) {
        host = host.slice(p.length);
        changed = true;
      }
    }
  }
  return host;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = compiled.get(source);
  if (!r) {
    r = new RegExp(source, 'u');
    compiled.set(source, r);
  }
  return r;
}

function fill(template: string, vars: { account: string; host: string }): string {
  return template.replaceAll('{account}', vars.account).replaceAll('{host}', vars.host);
}

/** `@user@instance.social`: the way Mastodon accounts are usually written. */
const FEDIVERSE_ACCOUNT = /^@?([A-Za-z0-9_]{1,30})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;

function toUrl(input: string): URL | 'credentials' | undefined {
  const text = input.trim();
  if (!text || /\s/.test(text)) return undefined;
  const fedi = FEDIVERSE_ACCOUNT.exec(text);
  const candidate = fedi ? `https://${fedi[2]}/@${fedi[1]}` : /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const u = new URL(candidate);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    if (u.username || u.password) return 'credentials';
    if (!u.hostname.includes('.')) return undefined;
    return u;
  } catch {
    return undefined;
  }
}

/** An account address of the platform to show as an example in messages. */
function example(platform: Platform, host: string): string {
  const rule = platform.rules.find((r) => r.kind === 'handle') ?? platform.rules[0];
  return rule ? fill(rule.canonical, { account: 'USAGov', host }) : `https://${host}/`;
}

function cleanPath(pathname: string): string {
  let p: string;
  try {
    p = decodeURIComponent(pathname);
  } catch {
    p = pathname;
  }
  p = p.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return p || '/';
}

function tryRule(platform: Platform, rule: PlatformRule, url: URL, host: string, path: string): ParsedAccount | undefined {
  const m = regex(rule.path).exec(path);
  if (!m) return undefined;
  let account: string | undefined;
  if (rule.query) {
    account = url.searchParams.get(rule.query)?.trim() ?? undefined;
    if (!account || (rule.accountPattern && !regex(`^(?:${rule.accountPattern})$`).test(account))) return undefined;
  } else {
    account = m.groups?.account;
  }
  if (!account) return undefined;
  if (rule.reserved?.some((r) => r.toLowerCase() === account.toLowerCase())) return undefined;
  const keyAccount = rule.caseSensitive ? account : account.toLowerCase();
  const key = fill(rule.key ?? '{account}', { account: keyAccount, host });
  return {
    platform,
    kind: rule.kind,
    account,
    key: rule.caseSensitive ? key : key.toLowerCase(),
    canonicalUrl: fill(rule.canonical, { account, host }),
    display: fill(rule.display, { account, host }),
  };
}

/** Platforms with named hosts first (by sort), then catch-all ones such as Mastodon. */
function candidates(platforms: Platform[], host: string): Platform[] {
  const active = platforms.filter((p) => p.active).sort((a, b) => a.sort - b.sort || compareText(a.key, b.key));
  const named = active.filter((p) => p.hosts.some((h) => h !== '*' && hostMatches(h, host)));
  if (named.length) return named;
  return active.filter((p) => p.hosts.includes('*'));
}

export function parseAccountAddress(input: string, platforms: Platform[]): ParseResult {
  const url = toUrl(input);
  if (url === 'credentials') {
    // The text is not repeated: it holds a password.
    return {
      ok: false,
      code: 'CREDENTIALS_IN_URL',
      message: 'The address has a user name or password in it (the part before “@”). An account’s address has none: leave it out, as in https://x.com/USAGov.',
    };
  }
  if (!url) {
    return {
      ok: false,
      code: 'NOT_A_URL',
      message: `"${input.trim().slice(0, 200)}" is not a web address. Give the account's full address, such as https://x.com/USAGov or https://www.youtube.com/@usagov.`,
    };
  }
  const host = normaliseHost(url.hostname);
  const path = cleanPath(url.pathname);
  const found = candidates(platforms, host);
  const named = found.find((p) => !p.hosts.includes('*'));
  // The URL parser drops a scheme's default port (https://x.com:443 is https://x.com); any other is not the platform's page.
  if (url.port) {
    return {
      ok: false,
      code: 'NOT_AN_ACCOUNT',
      ...(named ? { platform: named } : {}),
      message: `${url.host}${path === '/' ? '' : path} has a port number (:${url.port}); an account’s address never has one. Give the account’s own page${named ? `, such as ${example(named, host)}` : ''}.`,
    };
  }
  for (const platform of found) {
    const post = platform.rules.find((r) => r.posts && regex(r.posts).test(path));
    if (post) {
      return {
        ok: false,
        code: 'NOT_AN_ACCOUNT',
        platform,
        message: `${url.hostname}${path} is the address of a post, not of an account: ${platform.name} shows a post under any account’s name, so the name in it proves nothing. Give the account’s own page, such as ${example(platform, host)}.`,
      };
    }
    for (const rule of platform.rules) {
      const parsed = tryRule(platform, rule, url, host, path);
      if (parsed) return { ok: true, parsed };
    }
  }
  if (named) {
    return {
      ok: false,
      code: 'NOT_AN_ACCOUNT',
      platform: named,
      message: `${url.hostname}${path === '/' ? '' : path} is a ${named.name} address, but not the address of an account. Give the account's own page, such as ${example(named, host)}.`,
    };
  }
  return {
    ok: false,
    code: 'UNKNOWN_PLATFORM',
    message: `${url.hostname} is not a platform the registry knows. See /api/v1/registry/platforms for the platforms it covers; a reviewer can add one.`,
  };
}

export type PlatformProblem = { field: string; message: string };

/** Check a platform an operator adds or changes: every pattern compiles and names its account. */
export function checkPlatform(p: Pick<Platform, 'key' | 'name' | 'hosts' | 'rules'>): PlatformProblem[] {
  const problems: PlatformProblem[] = [];
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(p.key))
    problems.push({ field: 'key', message: 'Use 1 to 40 lower-case letters, digits and hyphens, such as "bluesky".' });
  if (!p.name.trim()) problems.push({ field: 'name', message: 'Enter the platform’s name, such as "Bluesky".' });
  if (!p.hosts.length) problems.push({ field: 'hosts', message: 'Enter at least one host, such as bsky.app.' });
  for (const h of p.hosts) {
    if (h !== '*' && !/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h))
      problems.push({ field: 'hosts', message: `"${h}" is not a host name; write it as example.com, *.example.com, or * for any host.` });
  }
  if (!p.rules.length) problems.push({ field: 'rules', message: 'Give at least one rule for reading an account from an address.' });
  p.rules.forEach((r, i) => {
    const at = `rules[${i}]`;
    if (r.kind !== 'handle' && r.kind !== 'user-id') problems.push({ field: at, message: 'kind must be "handle" or "user-id".' });
    try {
      const re = new RegExp(r.path, 'u');
      if (!r.query && !re.source.includes('(?<account>'))
        problems.push({ field: at, message: 'path needs a named group (?<account>...) that captures the account, or a query parameter.' });
    } catch (err) {
      problems.push({ field: at, message: `path is not a valid regular expression: ${(err as Error).message}` });
    }
    for (const [name, source] of [
      ['accountPattern', r.accountPattern],
      ['posts', r.posts],
    ] as const) {
      if (source === undefined) continue;
      try {
        new RegExp(source, 'u');
      } catch (err) {
        problems.push({ field: at, message: `${name} is not a valid regular expression: ${(err as Error).message}` });
      }
    }
    for (const [name, t] of [
      ['canonical', r.canonical],
      ['display', r.display],
      ['key', r.key ?? '{account}'],
    ] as const) {
      if (typeof t !== 'string' || !t.includes('{account}')) problems.push({ field: at, message: `${name} must contain {account}.` });
      else if (/\{(?!account\}|host\})/.test(t)) problems.push({ field: at, message: `${name} may use only {account} and {host}.` });
    }
    if (typeof r.canonical === 'string' && !/^https:\/\//.test(r.canonical)) problems.push({ field: at, message: 'canonical must start with https://' });
  });
  return problems;
}
