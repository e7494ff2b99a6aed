/**
 * Every setting: its environment variable, its default as the README shows it, what it means,
 * and how its text is read and checked (config.ts reads them all once at start-up).
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import {
  bounceSetting,
  commaList,
  ConfigError,
  DOMAIN_PATTERN,
  parseBool,
  parseDomainList,
  parseLink,
  parsePort,
  parsePositive,
  parseUrl,
} from './config-values.ts';
import type { Config, LogLevel } from './config.ts';

export type Role = 'web' | 'mail-in' | 'worker';
export const ROLES: Role[] = ['web', 'mail-in', 'worker'];

export interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  description: string;
  defaultText: string;
  parse: (raw: string | undefined, env: string) => Config[K];
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Every setting, in the order the README documents them. */
export const SETTINGS: ReadonlyArray<Setting<keyof Config>> = [
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
    key: 'eligibleDomains',
    env: 'ELIGIBLE_DOMAINS',
    defaultText: '(none)',
    description:
      'Allow-list: comma-separated domains whose addresses may join without approval besides .gov and .mil, exact (`si.edu`) or `*.suffix` (`*.state.ny.us`).',
    parse: (raw, env) => parseDomainList(raw, env),
  },
  {
    key: 'blockedDomains',
    env: 'BLOCKED_DOMAINS',
    defaultText: '(none)',
    description: 'Deny-list: comma-separated domains whose addresses may never join, same forms as ELIGIBLE_DOMAINS.',
    parse: (raw, env) => parseDomainList(raw, env),
  },
  {
    key: 'joinLinkHours',
    env: 'JOIN_LINK_HOURS',
    defaultText: '`48`',
    description: 'Hours a join confirmation link stays valid.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 24 * 30) : 48),
  },
  {
    key: 'signInLinkMinutes',
    env: 'SIGNIN_LINK_MINUTES',
    defaultText: '`30`',
    description: 'Minutes a sign-in link stays valid.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 24 * 60) : 30),
  },
  {
    key: 'sessionDays',
    env: 'SESSION_DAYS',
    defaultText: '`14`',
    description: 'Days a sign-in lasts without use.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 365) : 14),
  },
  {
    key: 'pageCacheSeconds',
    env: 'PAGE_CACHE_SECONDS',
    defaultText: '`5`',
    description:
      'Seconds a public page made for a signed-out visitor is served again to other signed-out visitors, so live figures (member counts, upcoming events) on public pages are at most this old, plus the time the first visitor after takes to get a new one made (the others get the old one meanwhile; never more than twice this); a change made through this web process shows at once. Signed-in members never get a kept page. `0` turns it off.',
    parse: (raw, env) => {
      if (raw === undefined || raw.trim() === '') return 5;
      if (!/^\d+$/.test(raw.trim()) || Number(raw) > 300) throw new ConfigError(env, `"${raw}" must be a whole number of seconds from 0 to 300.`);
      return Number(raw);
    },
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
  {
    key: 'mailInHost',
    env: 'MAIL_IN_HOST',
    defaultText: '`127.0.0.1`',
    description: 'Address the SMTP and LMTP listeners bind to; `0.0.0.0` to take mail from other machines.',
    parse: (raw) => (raw && raw.trim() ? raw.trim() : '127.0.0.1'),
  },
  {
    key: 'smtpInPort',
    env: 'SMTP_IN_PORT',
    defaultText: '`2525`',
    description:
      'Port of the SMTP listener for list mail (`0` picks a free one). Port 25 needs root or a proxy; usually Postfix listens on 25 and hands mail over by LMTP.',
    parse: (raw, env) => (raw ? parsePort(raw, env, true) : 2525),
  },
  {
    key: 'lmtpPort',
    env: 'LMTP_PORT',
    defaultText: '(none: no LMTP listener)',
    description: "Port of the LMTP listener, for Postfix's `lmtp:` transport (`0` picks a free one).",
    parse: (raw, env) => (raw ? parsePort(raw, env, true) : undefined),
  },
  {
    key: 'mailInTlsCert',
    env: 'MAIL_IN_TLS_CERT',
    defaultText: '(none: no STARTTLS)',
    description: 'PEM certificate file offered with STARTTLS on the mail-in listeners (with MAIL_IN_TLS_KEY).',
    parse: (raw) => (raw && raw.trim() ? path.resolve(raw.trim()) : undefined),
  },
  {
    key: 'mailInTlsKey',
    env: 'MAIL_IN_TLS_KEY',
    defaultText: '(none)',
    description: 'PEM private key file for MAIL_IN_TLS_CERT.',
    parse: (raw) => (raw && raw.trim() ? path.resolve(raw.trim()) : undefined),
  },
  {
    key: 'mailInMaxBytes',
    env: 'MAIL_IN_MAX_BYTES',
    defaultText: '`10485760` (10 MB)',
    description: 'Largest message the listeners accept; larger ones are refused with 552 during the transfer.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 100 * 1024 * 1024) : 10 * 1024 * 1024),
  },
  {
    key: 'mailInMaxConnections',
    env: 'MAIL_IN_MAX_CONNECTIONS',
    defaultText: '`100`',
    description: 'Simultaneous connections each listener accepts; more are refused with 421.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 10_000) : 100),
  },
  {
    key: 'mailInIdleSeconds',
    env: 'MAIL_IN_IDLE_SECONDS',
    defaultText: '`60`',
    description: 'Seconds a mail-in connection may sit idle before it is closed.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 3600) : 60),
  },
  {
    key: 'mailInTrustedPeers',
    env: 'MAIL_IN_TRUSTED_PEERS',
    defaultText: '`127.0.0.1,::1`',
    description:
      'IP addresses, comma-separated, of the mail servers in front (Postfix) whose XFORWARD the mail-in listeners accept, so sender checks (SPF) judge the host that really sent the post; `none` trusts no one. Any other peer gets `550` for XFORWARD. Only list machines you run: a trusted peer can claim any sender address.',
    parse: (raw, env) => {
      if (raw === undefined || raw.trim() === '') return ['127.0.0.1', '::1'];
      if (raw.trim().toLowerCase() === 'none') return [];
      const items = raw
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      for (const d of items)
        if (!isIP(d)) throw new ConfigError(env, `"${d}" is not an IP address (give each trusted peer's address, comma-separated, or \`none\`).`);
      return items;
    },
  },
  {
    key: 'dkimSelectors',
    env: 'DKIM_SELECTOR',
    defaultText: '(none: list mail is not signed)',
    description:
      'DKIM selector for list mail, e.g. `sg2026`; the public key is published at `<selector>._domainkey.<LIST_DOMAIN>`. Needs DKIM_PRIVATE_KEY_FILE. Several, comma-separated (e.g. `sg2026,sg2026e` for an RSA and an Ed25519 key), sign each copy once per key.',
    parse: (raw, env) => commaList(raw, env, 'selector'),
  },
  {
    key: 'dkimKeyFiles',
    env: 'DKIM_PRIVATE_KEY_FILE',
    defaultText: '(none)',
    description:
      'PEM private key (RSA 2048+ or Ed25519) that signs list mail; with several selectors, one file per selector, comma-separated, in the same order.',
    parse: (raw, env) => commaList(raw, env, 'file').map((f) => path.resolve(f)),
  },
  {
    key: 'arcSeal',
    env: 'ARC_SEAL',
    defaultText: '(on when DKIM_SELECTOR has an RSA key)',
    description:
      'ARC-seal list copies (RFC 8617) with the RSA key of DKIM_SELECTOR, so receivers that trust the list can use the SPF, DKIM and DMARC results it saw on the original. `off` seals nothing; `on` requires an RSA key.',
    parse: (raw, env) => {
      const v = (raw ?? '').trim().toLowerCase();
      if (v === '') return 'auto';
      if (v === 'on' || v === 'off') return v;
      throw new ConfigError(env, `"${raw}" must be on or off (or unset: on when there is an RSA DKIM key).`);
    },
  },
  {
    key: 'dnsServers',
    env: 'DNS_SERVERS',
    defaultText: '(the system resolver)',
    description: 'DNS servers used to check senders (SPF, DKIM, DMARC), comma-separated `ip` or `ip:port`.',
    parse: (raw, env) => {
      if (!raw) return [];
      const items = raw
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      for (const d of items)
        if (!/^(\d{1,3}(\.\d{1,3}){3}(:\d+)?|\[[0-9a-f:]+\](:\d+)?|[0-9a-f:]+)$/i.test(d))
          throw new ConfigError(env, `"${d}" is not an IP address (optionally :port).`);
      return items;
    },
  },
  {
    key: 'relayConnections',
    env: 'RELAY_CONNECTIONS',
    defaultText: '`5`',
    description: 'Connections each worker opens to the relay for list delivery.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 100) : 5),
  },
  {
    key: 'signingThreads',
    env: 'SIGNING_THREADS',
    defaultText: '(one per core, at most 4; none on one core)',
    description:
      'Worker threads that personalize and DKIM-sign list copies beside the SMTP hand-off; `0` signs in the main thread. The hand-off itself needs little CPU, so signing may use every core.',
    parse: (raw, env) => {
      // Measured (bench/fanout.ts, 2 cores, 10,000 copies, RSA-2048): 1 thread 12.2 s, 2 threads 7.8 s.
      if (raw === undefined || raw === '') return availableParallelism() < 2 ? 0 : Math.min(availableParallelism(), 4);
      if (!/^\d+$/.test(raw.trim()) || Number(raw) > 16) throw new ConfigError(env, `"${raw}" must be a whole number from 0 to 16.`);
      return Number(raw);
    },
  },
  {
    key: 'autoReplyLimit',
    env: 'AUTO_REPLY_LIMIT',
    defaultText: '`10`',
    description: 'Automatic replies (answers to list commands, rejection notices) sent to one address per day at most.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 1000) : 10),
  },
  {
    key: 'holdDays',
    env: 'HOLD_DAYS',
    defaultText: '`14`',
    description: 'Days a held post waits for a moderator; then it is discarded and the sender is told.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 365) : 14),
  },
  {
    key: 'eventReminders',
    env: 'EVENT_REMINDERS',
    defaultText: '`1w,1d,1h`',
    description:
      'When registrants get event reminders: comma-separated times before the start, each a number and w (weeks), d (days), h (hours) or m (minutes); `none` for no reminders.',
    parse: (raw, env) => {
      const v = (raw ?? '1w,1d,1h').trim().toLowerCase();
      if (v === 'none') return '';
      for (const part of v.split(',').map((x) => x.trim())) {
        if (!/^\d{1,3}[wdhm]$/.test(part)) throw new ConfigError(env, `"${part}" is not a reminder time; write e.g. 1w,1d,1h (or none).`);
      }
      return v
        .split(',')
        .map((x) => x.trim())
        .join(',');
    },
  },
  {
    key: 'eventOfferHours',
    env: 'EVENT_OFFER_HOURS',
    defaultText: '`24`',
    description: 'Hours a person moved up from an event waiting list has to confirm the seat before it goes to the next person (an event can set its own).',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 720) : 24),
  },
  // Digests (src/lists/digests): when daily and weekly digests go out, in each list's time zone.
  {
    key: 'digestHour',
    env: 'DIGEST_HOUR',
    defaultText: '`7`',
    description: "Hour of the day (0-23) when daily and weekly digests are sent, in each list's time zone (lists.time_zone).",
    parse: (raw, env) => {
      if (raw === undefined || raw === '') return 7;
      if (!/^\d{1,2}$/.test(raw.trim()) || Number(raw) > 23) throw new ConfigError(env, `"${raw}" must be a whole hour from 0 to 23, for example 7 for 7 a.m.`);
      return Number(raw);
    },
  },
  {
    key: 'digestWeekday',
    env: 'DIGEST_WEEKDAY',
    defaultText: '`1` (Monday)',
    description: 'Day of the week when weekly digests are sent: 1 = Monday ... 7 = Sunday.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 7) : 1),
  },
  {
    key: 'registryReviewMonths',
    env: 'REGISTRY_REVIEW_MONTHS',
    defaultText: '`6`',
    description: 'Registry: months after its last review that a published account, app or website goes back to the reviewers and its contacts are reminded.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 120) : 6),
  },
  {
    key: 'registryReminderDays',
    env: 'REGISTRY_REMINDER_DAYS',
    defaultText: '`30`',
    description: 'Registry: days between reminders to the contacts of a record whose review is due.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 365) : 30),
  },
  {
    key: 'speakerReminderDays',
    env: 'SPEAKER_REMINDER_DAYS',
    defaultText: '`5`',
    description: 'Speakers bureau: days a proposed speaker has to accept or decline before they get one reminder.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 90) : 5),
  },
  {
    key: 'speakerRequestMinSeconds',
    env: 'SPEAKER_REQUEST_MIN_SECONDS',
    defaultText: '`5`',
    description:
      'Speakers bureau: a request form sent back sooner than this many seconds after it was shown is refused as automated (the visitor is asked to send it again).',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 600) : 5),
  },
  {
    key: 'registryRateLimit',
    env: 'REGISTRY_RATE_LIMIT',
    defaultText: '`300`',
    description:
      'Registry API: requests per minute from one IP address without an API key (each web process counts separately). API keys have their own limits.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 10_000_000) : 300),
  },
  {
    key: 'libraryReviewMonths',
    env: 'LIBRARY_REVIEW_MONTHS',
    defaultText: '`12`',
    description: 'Months after a library page was last reviewed before its content lead gets a reminder to review it.',
    parse: (raw, env) => (raw ? parsePositive(raw, env, 120) : 12),
  },
  {
    key: 'bounceThreshold',
    env: 'BOUNCE_THRESHOLD',
    defaultText: '`5.0`',
    description: 'Bounce score at which list delivery to a member is turned off (a day with a permanent failure adds 1, a day with only temporary ones 0.5).',
    parse: (raw, env) => bounceSetting(raw, env, 'threshold'),
  },
  {
    key: 'bounceWarnings',
    env: 'BOUNCE_WARNINGS',
    defaultText: '`3`',
    description: 'Notices mailed to a member whose delivery was turned off for bouncing, before they are removed from the list (`0`: removed without notice).',
    parse: (raw, env) => bounceSetting(raw, env, 'warnings'),
  },
  {
    key: 'bounceWarningDays',
    env: 'BOUNCE_WARNING_DAYS',
    defaultText: '`7`',
    description: 'Days between those notices, and from the last notice to removal.',
    parse: (raw, env) => bounceSetting(raw, env, 'warningIntervalDays'),
  },
];
