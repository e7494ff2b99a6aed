/**
 * The lists feature's settings: the mail-in listeners (SMTP and LMTP), DKIM signing and ARC
 * sealing of list mail, sender checks, delivery to the relay, held posts, digests and the bounce
 * policy.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { SettingGroup } from '../platform/config-settings.ts';
import { commaList, ConfigError, parsePort, parsePositive } from '../platform/config-values.ts';
import { DEFAULT_BOUNCE_POLICY } from './bounces/score.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Address the mail-in listeners bind to. */
    mailInHost: string;
    /** SMTP listener port for list mail; 0 picks a free one. */
    smtpInPort: number;
    /** LMTP listener port (for Postfix's lmtp transport); unset: no LMTP listener. */
    lmtpPort: number | undefined;
    /** PEM certificate and key files for STARTTLS on the mail-in listeners. */
    mailInTlsCert: string | undefined;
    mailInTlsKey: string | undefined;
    /** Largest message accepted, in bytes. */
    mailInMaxBytes: number;
    /** Simultaneous connections per listener. */
    mailInMaxConnections: number;
    /** Seconds a mail-in connection may sit idle. */
    mailInIdleSeconds: number;
    /** Peers (IP addresses) whose XFORWARD the mail-in listeners believe: the Postfix in front. */
    mailInTrustedPeers: string[];
    /** DKIM signing of list mail: selectors and their PEM private key files, paired in order (each copy gets one signature per key); empty: not signed. */
    dkimSelectors: string[];
    dkimKeyFiles: string[];
    /** ARC sealing of list copies (RFC 8617) with the RSA DKIM key: on, off, or (unset) on when there is one. */
    arcSeal: 'on' | 'off' | 'auto';
    /** DNS servers for SPF/DKIM/DMARC checks (ip[:port], comma-separated); unset: the system's. */
    dnsServers: string[];
    /** Connections to the relay used for list delivery. */
    relayConnections: number;
    /** Worker threads that sign list copies (0: the main thread). */
    signingThreads: number;
    /** Automatic replies (command answers) to one address per day at most. */
    autoReplyLimit: number;
    /** Days a held post waits for a moderator before it is discarded. */
    holdDays: number;
    /** Digests (src/lists/digests): hour of the day (0-23, list's time zone) they go out. */
    digestHour: number;
    /** Digests: ISO weekday (1 = Monday ... 7 = Sunday) of the weekly digest. */
    digestWeekday: number;
    /** Bounce score at which list delivery to a member is turned off. */
    bounceThreshold: number;
    /** Notices sent to a member whose delivery was turned off, before removal. */
    bounceWarnings: number;
    /** Days between those notices, and from the last one to removal. */
    bounceWarningDays: number;
  }
}

/**
 * A bounce setting: the threshold a number greater than 0, the others whole numbers (0 or more).
 * Unset: the policy's default (bounces/score.ts), which checks the whole policy again when it scores.
 */
function bounceSetting(raw: string | undefined, env: string, key: 'threshold' | 'warnings' | 'warningIntervalDays'): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_BOUNCE_POLICY[key];
  const whole = key !== 'threshold';
  const example = whole ? 'a whole number such as 3' : 'a number such as 5 or 2.5';
  if (!(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(raw.trim()))
    throw new ConfigError(env, `"${raw}" is not ${whole ? 'a whole number' : 'a number'}; write ${example}.`);
  const value = Number(raw);
  if (!whole && !(Number.isFinite(value) && value > 0)) throw new ConfigError(env, `it must be a number greater than 0 (it is ${value}). Write ${example}.`);
  return value;
}

export const listsSettings: SettingGroup = {
  title: 'Lists',
  settings: [
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
    // Digests (src/lists/digests): when daily and weekly digests go out, in each list's time zone.
    {
      key: 'digestHour',
      env: 'DIGEST_HOUR',
      defaultText: '`7`',
      description: "Hour of the day (0-23) when daily and weekly digests are sent, in each list's time zone (lists.time_zone).",
      parse: (raw, env) => {
        if (raw === undefined || raw === '') return 7;
        if (!/^\d{1,2}$/.test(raw.trim()) || Number(raw) > 23)
          throw new ConfigError(env, `"${raw}" must be a whole hour from 0 to 23, for example 7 for 7 a.m.`);
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
      description:
        'Notices mailed to a member whose delivery was turned off for bouncing, before they are removed from the list (`0`: removed without notice).',
      parse: (raw, env) => bounceSetting(raw, env, 'warnings'),
    },
    {
      key: 'bounceWarningDays',
      env: 'BOUNCE_WARNING_DAYS',
      defaultText: '`7`',
      description: 'Days between those notices, and from the last notice to removal.',
      parse: (raw, env) => bounceSetting(raw, env, 'warningIntervalDays'),
    },
  ],
  check: (config) => {
    if (!!config.mailInTlsCert !== !!config.mailInTlsKey)
      throw new ConfigError(config.mailInTlsCert ? 'MAIL_IN_TLS_KEY' : 'MAIL_IN_TLS_CERT', 'set both MAIL_IN_TLS_CERT and MAIL_IN_TLS_KEY, or neither.');
    if (!!config.dkimSelectors.length !== !!config.dkimKeyFiles.length)
      throw new ConfigError(
        config.dkimSelectors.length ? 'DKIM_PRIVATE_KEY_FILE' : 'DKIM_SELECTOR',
        'set both DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, or neither.',
      );
    if (config.dkimSelectors.length !== config.dkimKeyFiles.length) {
      throw new ConfigError(
        'DKIM_PRIVATE_KEY_FILE',
        `${config.dkimKeyFiles.length} key files for ${config.dkimSelectors.length} selectors in DKIM_SELECTOR; give one key file per selector, in the same order.`,
      );
    }
    if (config.arcSeal === 'on' && !config.dkimSelectors.length)
      throw new ConfigError('ARC_SEAL', 'ARC sealing needs an RSA key: set DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, or ARC_SEAL=off.');
    const twice = config.dkimSelectors.find((sel, i) => config.dkimSelectors.indexOf(sel) !== i);
    if (twice) throw new ConfigError('DKIM_SELECTOR', `"${twice}" is named twice; each key needs a selector of its own.`);
  },
};
