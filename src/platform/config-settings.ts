/**
 * The shape of a setting (its environment variable, its default as the README shows it, what it
 * means, how its text is read and checked), and the platform's own settings: the database, the
 * data folder, the web server, the site's name and footer, the outgoing mail relay, the secret and
 * the roles. Each feature brings its own settings in its descriptor (src/<feature>/settings.ts);
 * config.ts reads the ones it is given once at start-up.
 */
import path from 'node:path';
import { ConfigError, DOMAIN_PATTERN, parseBool, parseLink, parsePort, parseSeconds, parseUrl } from './config-values.ts';
import type { Config, LogLevel } from './config.ts';

export type Role = 'web' | 'mail-in' | 'worker';
export const ROLES: Role[] = ['web', 'mail-in', 'worker'];

export interface Setting<K extends keyof Config = keyof Config> {
  key: K;
  env: string;
  description: string;
  defaultText: string;
  /** Reads the setting's text (`raw`); `values` holds every setting's text, for a value made of several. */
  parse: (raw: string | undefined, env: string, values: Readonly<Record<string, string | undefined>>) => Config[K];
}

/** A variable that one of its group's settings reads besides its own (through `values`). */
export interface SettingText {
  env: string;
  description: string;
  defaultText: string;
}

/** The settings of the platform or of one feature: documented under one heading, read together. */
export interface SettingGroup {
  /** The heading in the README's settings table and in `socialgov --help`. */
  title: string;
  /** In the order the README documents them. */
  settings: ReadonlyArray<Setting>;
  /** Variables the settings above read besides their own, documented after them. */
  alsoReads?: ReadonlyArray<SettingText>;
  /** Checks the group's settings against each other once each is read; throws a ConfigError. */
  check?: (config: Config) => void;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The platform's own settings, in the order the README documents them. */
export const PLATFORM_SETTINGS: SettingGroup = {
  title: 'Platform',
  settings: [
    {
      key: 'databaseUrl',
      env: 'DATABASE_URL',
      defaultText: '(embedded PostgreSQL)',
      description: 'PostgreSQL server to use, e.g. `postgres://user:pass@db.example.gov:5432/socialgov`. Unset: the embedded PostgreSQL under the data folder.',
      parse: (raw, env) => (raw ? parseUrl(raw, env, ['postgres:', 'postgresql:']) : undefined),
    },
    {
      key: 'dataDir',
      env: 'SOCIALGOV_DATA_DIR',
      defaultText: '`./data`',
      description: 'Folder for the embedded database, generated secrets, the mail outbox and backups.',
      parse: (raw) => path.resolve(raw && raw.trim() ? raw : 'data'),
    },
    {
      key: 'embeddedPgPort',
      env: 'SOCIALGOV_EMBEDDED_PG_PORT',
      defaultText: '`0` (a free port)',
      description: 'Port of the embedded PostgreSQL on 127.0.0.1. 5432 is refused (a system PostgreSQL usually has it).',
      parse: (raw, env) => {
        const n = raw ? parsePort(raw, env, true) : 0;
        if (n === 5432) throw new ConfigError(env, '5432 is left for a system PostgreSQL; use 0 (a free port) or another port.');
        return n;
      },
    },
    {
      key: 'host',
      env: 'HOST',
      defaultText: '`127.0.0.1`',
      description: 'Address the web server listens on; `0.0.0.0` for all interfaces.',
      parse: (raw) => (raw && raw.trim() ? raw.trim() : '127.0.0.1'),
    },
    {
      key: 'port',
      env: 'PORT',
      defaultText: '`3000`',
      description: 'Port the web server listens on; `0` picks a free one.',
      parse: (raw, env) => (raw ? parsePort(raw, env, true) : 3000),
    },
    {
      key: 'publicUrl',
      env: 'PUBLIC_URL',
      defaultText: '`http://HOST:PORT`',
      description:
        "Address people use to reach the site (behind a proxy, e.g. `https://socialgov.example.gov`). Every link in mail, feeds and the API is built from it; unset, from the address the web server listens on, never from a request's Host header.",
      parse: (raw, env) => (raw ? parseUrl(raw.replace(/\/+$/, ''), env, ['http:', 'https:']) : undefined),
    },
    {
      key: 'logLevel',
      env: 'LOG_LEVEL',
      defaultText: '`info`',
      description: `Log detail: ${LOG_LEVELS.join(', ')}.`,
      parse: (raw, env) => {
        const v = (raw ?? 'info').trim().toLowerCase();
        if (!LOG_LEVELS.includes(v as LogLevel)) throw new ConfigError(env, `"${raw}" is not a log level; use one of ${LOG_LEVELS.join(', ')}.`);
        return v as LogLevel;
      },
    },
    {
      key: 'seed',
      env: 'SOCIALGOV_SEED',
      defaultText: '`true`',
      description: 'Create the Social Media Community of Practice on the first start.',
      parse: (raw, env) => (raw ? parseBool(raw, env) : true),
    },
    {
      key: 'trustProxy',
      env: 'TRUST_PROXY',
      defaultText: '`false`',
      description: 'Trust `X-Forwarded-For`/`-Proto` from a reverse proxy in front of socialgov.',
      parse: (raw, env) => (raw ? parseBool(raw, env) : false),
    },
    {
      key: 'siteName',
      env: 'SOCIALGOV_SITE_NAME',
      defaultText: '`SocialGov Communities`',
      description: 'Name of the site shown in the header and page titles.',
      parse: (raw) => (raw && raw.trim() ? raw.trim() : 'SocialGov Communities'),
    },
    {
      key: 'agencyName',
      env: 'SOCIALGOV_AGENCY',
      defaultText: '(none)',
      description: 'The agency that runs this site, shown in the footer\'s identifier as "An official website of the …". Unset: that line is left out.',
      parse: (raw) => (raw && raw.trim() ? raw.trim() : undefined),
    },
    {
      key: 'agencyUrl',
      env: 'SOCIALGOV_AGENCY_URL',
      defaultText: '(none)',
      description: "The agency's home page; the agency's name in the footer links to it.",
      parse: (raw, env) => parseLink(raw, env),
    },
    ...(
      [
        ['aboutUrl', 'SOCIALGOV_ABOUT_URL', 'About the agency'],
        ['accessibilityUrl', 'SOCIALGOV_ACCESSIBILITY_URL', 'Accessibility statement'],
        ['foiaUrl', 'SOCIALGOV_FOIA_URL', 'FOIA requests'],
        ['noFearUrl', 'SOCIALGOV_NO_FEAR_URL', 'No FEAR Act data'],
        ['privacyUrl', 'SOCIALGOV_PRIVACY_URL', 'Privacy policy'],
      ] as const
    ).map(([key, env, label]) => ({
      key,
      env,
      defaultText: '(none: not shown)',
      description: `The footer's "${label}" link: an https:// address or a path on this site. Unset: the link is left out.`,
      parse: (raw: string | undefined, e: string) => parseLink(raw, e),
    })),
    {
      key: 'smtpUrl',
      env: 'SMTP_URL',
      defaultText: '(none: mail goes to `<data folder>/outbox/`)',
      description:
        'Relay for outgoing mail: `smtp://user:password@relay.example.gov:587` (STARTTLS when offered) or `smtps://...:465` (TLS). Unset: each message is written as an `.eml` file in the outbox folder.',
      parse: (raw, env) => (raw ? parseUrl(raw, env, ['smtp:', 'smtps:']) : undefined),
    },
    {
      key: 'smtpRequireTls',
      env: 'SMTP_REQUIRE_TLS',
      defaultText: '`false`',
      description: 'Refuse to send mail over a relay connection without TLS.',
      parse: (raw, env) => (raw ? parseBool(raw, env) : false),
    },
    {
      key: 'mailFrom',
      env: 'MAIL_FROM',
      defaultText: '`no-reply@<PUBLIC_URL host>`',
      description: 'From address of the mail socialgov sends, e.g. `SocialGov <no-reply@socialgov.example.gov>`.',
      parse: (raw) => (raw && raw.trim() ? raw.trim() : undefined),
    },
    {
      key: 'secret',
      env: 'SOCIALGOV_SECRET',
      defaultText: '(generated, kept in the database)',
      description: 'Key that signs cookies (at least 32 characters). Unset: one is generated on first start and shared by every process through the database.',
      parse: (raw, env) => {
        if (!raw) return undefined;
        if (raw.length < 32) throw new ConfigError(env, 'must be at least 32 characters; generate one with: openssl rand -base64 48');
        return raw;
      },
    },
    {
      key: 'pageCacheSeconds',
      env: 'PAGE_CACHE_SECONDS',
      defaultText: '`5`',
      description:
        'Seconds a page is kept: one made for a signed-out visitor is served again to other signed-out visitors, and on pages that differ for members only by their memberships and roles, one made for a member is served to members with the same (their session is still read on every request; form tokens are made for each). Live figures (member counts, upcoming events) are at most this old, plus the time the first visitor after takes to get a new one made (the others get the old one meanwhile; never more than twice this); a change made through this web process shows at once. `0` turns it off.',
      parse: (raw, env) => parseSeconds(raw, env, 5, 300),
    },
    {
      key: 'idleMemorySeconds',
      env: 'IDLE_MEMORY_SECONDS',
      defaultText: '`5`',
      description:
        "Seconds the process has had almost nothing to do (its event loop busy at most 5 % of the time) before it gives memory back: V8 collects garbage as it does before giving up on an allocation, drops the compiled code of functions not running, and returns emptied pages to the system (about 17 MB of an idle install). The first requests after it compile again what they use (a page took 27 ms instead of 8). Again only once the heap has grown by 4 MB since; `0` turns it off. Node 22 and later (Node 20's V8 cannot).",
      parse: (raw, env) => parseSeconds(raw, env, 5, 3600),
    },
    {
      key: 'roles',
      env: 'SOCIALGOV_ROLES',
      defaultText: '`web,mail-in,worker`',
      description:
        'Roles this process runs, comma-separated: `web` (site and API), `mail-in` (SMTP/LMTP listeners), `worker` (queued jobs and list delivery). Run several processes with different roles against one PostgreSQL to scale.',
      parse: (raw, env) => {
        if (!raw) return [...ROLES];
        const items = raw
          .split(',')
          .map((r) => r.trim().toLowerCase())
          .filter(Boolean);
        for (const r of items) if (!ROLES.includes(r as Role)) throw new ConfigError(env, `"${r}" is not a role; use any of ${ROLES.join(', ')}.`);
        if (!items.length) throw new ConfigError(env, `name at least one role: ${ROLES.join(', ')}.`);
        return [...new Set(items)] as Role[];
      },
    },
    {
      key: 'listDomain',
      env: 'LIST_DOMAIN',
      defaultText: '(the PUBLIC_URL host, else `localhost`)',
      description:
        'Domain of the list addresses, e.g. `lists.socialgov.example.gov`: posts go to `<list>@LIST_DOMAIN`. Its MX must point at the mail-in listener (or at Postfix in front of it).',
      parse: (raw, env) => {
        if (!raw || !raw.trim()) return undefined;
        const d = raw.trim().toLowerCase().replace(/\.$/, '');
        if (!DOMAIN_PATTERN.test(d) || d.startsWith('*.')) throw new ConfigError(env, `"${raw}" is not a domain name; write e.g. lists.socialgov.example.gov`);
        return d;
      },
    },
  ],
};
