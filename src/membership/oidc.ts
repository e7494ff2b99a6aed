/**
 * "Sign in with Login.gov" (any OpenID Connect provider): authorization code flow with PKCE,
 * state and nonce, through openid-client. The provider's verified e-mail address then goes
 * through the same rules as a mailed sign-in link: members are signed in; others are told
 * whether their address could join.
 */
import * as client from 'openid-client';
import type { OidcConfig } from './settings.ts';

export class OidcError extends Error {
  readonly code = 'OIDC_FAILED';
}

let discovered: { key: string; config: Promise<client.Configuration> } | undefined;

function configuration(s: OidcConfig): Promise<client.Configuration> {
  const key = `${s.issuer}|${s.clientId}`;
  if (discovered?.key !== key) {
    const insecure = new URL(s.issuer).protocol === 'http:'; // only localhost: checked in config
    const auth = s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None();
    const config = client
      .discovery(
        new URL(s.issuer),
        s.clientId,
        s.clientSecret ? undefined : { token_endpoint_auth_method: 'none' },
        auth,
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: Error) => {
        discovered = undefined; // try again next time
        throw new OidcError(`The sign-in provider at ${s.issuer} could not be reached (${err.message}).`);
      });
    discovered = { key, config };
  }
  return discovered.config;
}

/** What the browser keeps (in a signed, short-lived cookie) between leaving and coming back. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  next?: string;
}

export async function startOidc(s: OidcConfig, redirectUri: string, next?: string): Promise<{ url: string; pending: OidcPending }> {
  const config = await configuration(s);
  const pending: OidcPending = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    ...(next ? { next } : {}),
  };
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: s.scopes,
    response_type: 'code',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  };
  if (s.prompt) params.prompt = s.prompt;
  if (s.acrValues) params.acr_values = s.acrValues;
  return { url: client.buildAuthorizationUrl(config, params).href, pending };
}

/** Finish at the callback: returns the verified e-mail address. */
export async function finishOidc(s: OidcConfig, currentUrl: URL, pending: OidcPending): Promise<string> {
  const config = await configuration(s);
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    throw new OidcError(`The sign-in provider did not confirm who you are (${(err as Error).message}).`);
  }
  let claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
  if (typeof claims.email !== 'string') {
    const sub = typeof claims.sub === 'string' ? claims.sub : client.skipSubjectCheck;
    claims = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, sub)) };
  }
  if (typeof claims.email !== 'string' || claims.email_verified === false) {
    throw new OidcError('The sign-in provider did not give a verified email address, so we cannot tell whether you may join.');
  }
  return claims.email;
}
