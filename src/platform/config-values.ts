/**
 * Reading one setting's text (config.ts, and the features' settings.ts): ports, true/false, URLs,
 * lists, numbers. Each refusal is a ConfigError naming the setting and what to write instead.
 */

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

export function parsePort(raw: string, env: string, allowZero: boolean): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(env, `"${raw}" is not a port number; use a whole number from ${allowZero ? 0 : 1} to 65535.`);
  const n = Number(raw);
  if (n > 65535 || (!allowZero && n === 0)) throw new ConfigError(env, `${n} is out of range; use ${allowZero ? 0 : 1} to 65535.`);
  return n;
}

export function parseBool(raw: string, env: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(env, `"${raw}" is not true or false; use true or false.`);
}

export function parseUrl(raw: string, env: string, protocols: string[]): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(env, `is not a URL; use the form ${protocols[0]}//host:port/...`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(env, `must start with ${protocols.join(' or ')}.`);
  return raw;
}

/** A comma-separated setting: its items, trimmed; an empty item (",,") is an error. */
export function commaList(raw: string | undefined, env: string, item: string): string[] {
  if (!raw || !raw.trim()) return [];
  const items = raw.split(',').map((x) => x.trim());
  if (items.some((x) => !x)) throw new ConfigError(env, `has an empty ${item} between commas; list them as a,b.`);
  return items;
}

/** A link in the footer: an https:// (or http://) address, or a path on this site ("/about"). */
export function parseLink(raw: string | undefined, env: string): string | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  if (/^\/(?!\/)/.test(v)) return v;
  return parseUrl(v, env, ['https:', 'http:']);
}

export function parsePositive(raw: string, env: string, max: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > max) throw new ConfigError(env, `"${raw}" must be a whole number from 1 to ${max}.`);
  return Number(raw);
}

export const DOMAIN_PATTERN = /^(\*\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

export function parseDomainList(raw: string | undefined, env: string): string[] {
  if (!raw) return [];
  const items = raw
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const d of items) {
    if (!DOMAIN_PATTERN.test(d)) throw new ConfigError(env, `"${d}" is not a domain or *.suffix pattern; write e.g. fs.fed.us,si.edu,*.state.ny.us`);
  }
  return items;
}

/** A whole number of seconds from 0 to `max`; unset or empty: `fallback`. */
export function parseSeconds(raw: string | undefined, env: string, fallback: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > max) throw new ConfigError(env, `"${raw}" must be a whole number of seconds from 0 to ${max}.`);
  return Number(raw);
}
