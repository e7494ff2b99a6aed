/**
 * Addresses as they go into the log: whoever reads the log must not be able to sign in, confirm,
 * unsubscribe or read a private feed. Query values named like credentials (`token`, `t`, `code`,
 * `state`, `...key`, `secret`, `password`) and path parameters named `:token` are replaced.
 */

export const REDACTED = '[redacted]';

/** Query parameters whose values are credentials: links in mail (`token`, `t`) and OpenID Connect (`code`, `state`). */
const SECRET_QUERY = /^(t|code|state)$|token|key|secret|password/i;
/** Route parameters that carry a credential, e.g. `/u/:token/each`. */
const SECRET_PARAM = /^:token$/;
/** A path segment that looks like a random token (for addresses that match no route). */
const TOKEN_LIKE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_.-]{20,}$/;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SECRET_QUERY.test(decoded(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
}

function redactPath(path: string, route: string | undefined): string {
  const segments = path.split('/');
  const pattern = route?.split('/');
  // ignoreTrailingSlash: "/u/x/" matches "/u/:token".
  if (pattern && segments.length === pattern.length + 1 && segments[segments.length - 1] === '') pattern.push('');
  if (pattern && pattern.length === segments.length) {
    return segments.map((s, i) => (SECRET_PARAM.test(pattern[i]!) ? REDACTED : s)).join('/');
  }
  // No route (a 404, or a pattern we cannot line up): hide anything that looks like a token.
  return segments.map((s) => (TOKEN_LIKE.test(decoded(s)) ? REDACTED : s)).join('/');
}

/**
 * `url` (path and query, as in `request.url`) with its credentials replaced; `route` is the
 * pattern the request matched (`request.routeOptions.url`), when it matched one.
 */
export function redactUrl(url: string, route?: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? undefined : url.slice(q + 1);
  const safePath = redactPath(path, route);
  return query === undefined ? safePath : `${safePath}?${redactQuery(query)}`;
}
