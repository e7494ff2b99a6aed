/**
 * Configuration: read once at start-up from the environment (and an optional JSON file named by
 * SOCIALGOV_CONFIG), validated, then passed down. Nothing else reads settings from process.env
 * (the CLI's io.ts only hands the process's environment, or a test's, to loadConfig).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-values.ts';
import { PLATFORM_SETTINGS, ROLES, type Role, type Setting, type SettingGroup, type SettingText } from './config-settings.ts';

export { ConfigError, PLATFORM_SETTINGS, ROLES, type Role, type Setting, type SettingGroup, type SettingText };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The settings as read. These are the platform's; each feature adds its own keys by declaration
 * merging in its settings.ts (`declare module '../platform/config.ts'`), so `ctx.config.digestHour`
 * is typed as the lists feature declares it.
 */
export interface Config {
  /** PostgreSQL server to use; when absent the embedded PostgreSQL under dataDir is used. */
  databaseUrl: string | undefined;
  /** Folder for the embedded database, generated secrets and the mail outbox. */
  dataDir: string;
  /** Port for the embedded PostgreSQL; 0 picks a free one. Never 5432. */
  embeddedPgPort: number;
  host: string;
  port: number;
  /** Address people use to reach the site; links in mail and the API point here. */
  publicUrl: string | undefined;
  logLevel: LogLevel;
  /** Seed the Social Media community on the first start. */
  seed: boolean;
  /** Trust X-Forwarded-* headers from a reverse proxy. */
  trustProxy: boolean;
  /** Name of the whole site, shown in the header. */
  siteName: string;
  /** The USWDS identifier in the footer: the agency that runs this site, and its required links (unset links are left out). */
  agencyName: string | undefined;
  agencyUrl: string | undefined;
  aboutUrl: string | undefined;
  accessibilityUrl: string | undefined;
  foiaUrl: string | undefined;
  noFearUrl: string | undefined;
  privacyUrl: string | undefined;
  /** Outgoing mail relay, e.g. smtp://user:pass@relay:587; unset: mail is written to <dataDir>/outbox. */
  smtpUrl: string | undefined;
  /** Refuse to send over a relay connection that does not offer STARTTLS. */
  smtpRequireTls: boolean;
  /** From address of mail socialgov sends (confirmations, sign-in links). */
  mailFrom: string | undefined;
  /** Key for signing cookies; unset: one is generated and kept in the database. */
  secret: string | undefined;
  /** Seconds a public page, rendered for a signed-out visitor, is served again to others; 0: never. */
  pageCacheSeconds: number;
  /** Seconds of an almost idle event loop after which `serve` gives memory back (src/platform/idle-memory.ts); 0: never. */
  idleMemorySeconds: number;
  /** Which roles this process runs: web, mail-in, worker. */
  roles: Role[];
  /** Domain of the list addresses (<list>@domain); default: the PUBLIC_URL host, else localhost. */
  listDomain: string | undefined;
}

/**
 * Build the configuration from an environment: the platform's settings and the `features`' (src/app's
 * loadAppConfig gives every installed feature's; a feature's own test gives that feature's). A
 * feature's keys are absent from the result unless its settings are given. Values in the
 * environment win over the file named by SOCIALGOV_CONFIG (a JSON object whose keys are the same
 * setting names); a name in the file that none of the given settings has is an error.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, features: readonly SettingGroup[] = []): Config {
  const groups = [PLATFORM_SETTINGS, ...features];
  const settings: Setting[] = groups.flatMap((g) => g.settings);
  const known = new Set([...settings.map((s) => s.env), ...groups.flatMap((g) => g.alsoReads ?? []).map((s) => s.env)]);
  const merged: Record<string, string | undefined> = {};
  const file = env.SOCIALGOV_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError('SOCIALGOV_CONFIG', `cannot read ${file} as JSON (${(err as Error).message}); fix the file or unset SOCIALGOV_CONFIG.`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError('SOCIALGOV_CONFIG', `${file} must hold a JSON object such as {"PORT": "8080"}.`);
    }
    for (const [k, v] of Object.entries(parsed)) {
      if (!known.has(k)) throw new ConfigError('SOCIALGOV_CONFIG', `${file} names unknown setting "${k}"; known settings: ${[...known].join(', ')}.`);
      merged[k] = v === null || v === undefined ? undefined : String(v);
    }
  }
  for (const name of known) {
    const v = env[name];
    if (v !== undefined && v !== '') merged[name] = v;
  }
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const s of settings) out[s.key] = s.parse(merged[s.env], s.env, merged);
  const config = out as Config;
  for (const g of groups) g.check?.(config);
  return config;
}

/** The domain of list addresses. */
export function listDomainOf(config: Config): string {
  if (config.listDomain) return config.listDomain;
  if (config.publicUrl) return new URL(config.publicUrl).hostname;
  return 'localhost';
}

/**
 * The site's address: every absolute link (mail, feeds, the API) is built from this, and only
 * from this. PUBLIC_URL, else the address the web server listens on. Never a request's Host or
 * X-Forwarded-Host header, which whoever sends the request chooses.
 */
export function siteUrl(config: Config, listeningPort: number): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listeningPort}`;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Said at start-up when other machines can reach the site but links would point at this one. */
export function publicUrlWarning(config: Config, listeningPort: number): string | undefined {
  if (config.publicUrl || isLoopback(config.host)) return undefined;
  return `Warning: HOST is ${config.host}, so other machines can reach this site, but PUBLIC_URL is not set: links in mail, feeds and the API point at ${siteUrl(config, listeningPort)}. Set PUBLIC_URL to the address people use, e.g. https://socialgov.example.gov.`;
}
