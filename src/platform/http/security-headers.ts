/**
 * The security headers every answer carries (Content-Security-Policy, HSTS, nosniff, frame,
 * referrer and cross-origin rules), as helmet makes them, worked out once at start. The Fastify
 * plugin built helmet's middleware again, parsing the policy, for every request; nothing here
 * differs between requests (no nonces: the pages load scripts and styles from the site only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** helmet's headers for these options, as [lower-case name, value] pairs. */
export function securityHeaders(options: Readonly<HelmetOptions>): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish at once: the security headers could not be worked out.');
  return [...headers];
}

/**
 * Every answer gets the headers, set on the raw response first thing (so error pages and kept
 * pages carry them too); a route may still replace one (a message page that shows remote images
 * sends its own Content-Security-Policy).
 */
export function installSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', async (_req, reply) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  });
}
