/**
 * The membership feature's settings: who may join without approval, how long join links, sign-in
 * links and sessions last, and signing in with OpenID Connect (e.g. Login.gov).
 */
import type { SettingGroup } from '../platform/config-settings.ts';
import { ConfigError, parseDomainList, parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Operator allow-list: domains whose addresses are eligible (exact, or *.suffix). */
    eligibleDomains: string[];
    /** Operator deny-list: domains whose addresses are never eligible. */
    blockedDomains: string[];
    /** Hours a join confirmation link stays valid. */
    joinLinkHours: number;
    /** Minutes a sign-in link stays valid. */
    signInLinkMinutes: number;
    /** Days a signed-in session lasts without use. */
    sessionDays: number;
    /** OpenID Connect provider (e.g. Login.gov) for "Sign in with ..."; unset: mailed links only. */
    oidc: OidcConfig | undefined;
  }
}

/** Signing in with OpenID Connect: read from the seven OIDC_* settings together. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string;
  acrValues: string | undefined;
  prompt: string | undefined;
  label: string;
}

function parseOidc(merged: Readonly<Record<string, string | undefined>>): OidcConfig | undefined {
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

export const membershipSettings: SettingGroup = {
  title: 'Membership',
  settings: [
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
      key: 'oidc',
      env: 'OIDC_ISSUER',
      defaultText: '(none: sign-in by mailed link only)',
      description: 'OpenID Connect provider for a "Sign in with ..." button, e.g. `https://secure.login.gov` (https; http only for localhost).',
      parse: (_raw, _env, values) => parseOidc(values),
    },
  ],
  // read with OIDC_ISSUER into one value
  alsoReads: [
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
  ],
};
