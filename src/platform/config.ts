/**
 * Configuration: read once at start-up from the environment (and an optional JSON file named by
 * SOCIALGOV_CONFIG), validated, then passed down. Nothing else reads settings from process.env
 * (the CLI's io.ts only hands the process's environment, or a test's, to loadConfig).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-values.ts';
import { PLATFORM_SETTINGS, ROLES, type Role, type Setting, type SettingGroup } from './config-settings.ts';

export { ConfigError, PLATFORM_SETTINGS, ROLES, type Role, type Setting, type SettingGroup };

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
  /** OpenID Connect provider (e.g. Login.gov) for "Sign in with ..."; unset: mailed links only. */
  oidc: OidcConfig | undefined;
  /** Which roles this process runs: web, mail-in, worker. */
  roles: Role[];
  /** Domain of the list addresses (<list>@domain); default: the PUBLIC_URL host, else localhost. */
  listDomain: string | undefined;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
  acrValues: string | undefined;
  prompt: string | undefined;
  label: string;
}

/** OpenID Connect settings: documented with the others, validated together. */
export const OIDC_SETTINGS: ReadonlyArray<{ env: string; defaultText: string; description: string }> = [
  {
    env: 'OIDC_ISSUER',
    defaultText: '(none: sign-in by mailed link only)',
    description: 'OpenID Connect provider for a "Sign in with ..." button, e.g. `https://secure.login.gov` (https; http only for localhost).',
  },
  { env: 'OIDC_CLIENT_ID', defaultText: '(none)', description: 'The client id registered with the provider (required with OIDC_ISSUER).' },
  {
    env: 'OIDC_CLIENT_SECRET',
    defaultText: '(none: PKCE public client)',
    description: 'Client secret, if the provider issued one. Without it socialgov uses PKCE, as Login.gov allows.',
  },
  { env: 'OIDC_SCOPES', defaultText: '`openid email`', description: 'Scopes to ask for; the provider must return a verified `email`.' },
  { env: 'OIDC_ACR_VALUES', defaultText: '(none)', description: 'acr_values to send, e.g. `http://idmanagement.gov/ns/assurance/ial/1` for Login.gov.' },
  { env: 'OIDC_PROMPT', defaultText: '`select_account`', description: 'The `prompt` to send (Login.gov requires `select_account`); `none-sent` sends none.' },
  { env: 'OIDC_LABEL', defaultText: '`Sign in with Login.gov`', description: 'Text of the sign-in button.' },
];

function parseOidc(merged: Record<string, string | undefined>): OidcConfig | undefined {
  const issuer = merged.OIDC_ISSUER?.trim();
  const clientId = merged.OIDC_CLIENT_ID?.trim();
  if (!issuer && !clientId) return undefined;
  if (!issuer) throw new ConfigError('OIDC_ISSUER', 'is required when OIDC_CLIENT_ID is set; give the provider address, or unset both.');
  if (!clientId) throw new ConfigError('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set; give the client id the provider registered, or unset both.');
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    throw new ConfigError('OIDC_ISSUER', `"${issuer}" is not a URL; write it as https://provider.example.gov`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local))
    throw new ConfigError('OIDC_ISSUER', 'must use https:// (http:// is allowed only for localhost).');
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret: merged.OIDC_CLIENT_SECRET || undefined,
    scopes: merged.OIDC_SCOPES?.trim() || 'openid email',
    acrValues: merged.OIDC_ACR_VALUES?.trim() || undefined,
    prompt: merged.OIDC_PROMPT?.trim() === 'none-sent' ? undefined : merged.OIDC_PROMPT?.trim() || 'select_account',
    label: merged.OIDC_LABEL?.trim() || 'Sign in with Login.gov',
  };
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
  const known = new Set([...settings.map((s) => s.env), ...OIDC_SETTINGS.map((s) => s.env)]);
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
  for (const s of settings) out[s.key] = s.parse(merged[s.env], s.env);
  out.oidc = parseOidc(merged);
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
