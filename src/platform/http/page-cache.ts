/**
 * Pages kept for a few seconds. A page rendered for a signed-out visitor, with no cookie set in
 * its answer, is served again to other signed-out visitors for PAGE_CACHE_SECONDS, so a burst of
 * visitors (an announcement linked from a federal account) costs one render a few seconds, not
 * one each; on routes that ask, a page made for a member is served the same way to members of
 * the same standing (below).
 *
 * What keeps it safe:
 * - Only routes that say `config: { pageCache: true }` are kept: pages that are the same for
 *   every signed-out visitor.
 * - Only answers to requests that carried no cookie at all, that are 200, HTML, and set no cookie
 *   (a page with a form sets the CSRF cookie for a new visitor, so it is never kept) are kept; a
 *   page made with a visitor's cookies could hold something of theirs (a form token from their
 *   CSRF cookie). Only requests whose cookies are all neutral (none, or the CSRF cookie alone)
 *   are served from it: a session, a chosen time zone or any cookie not known to change nothing
 *   gets a page made for it. Nothing made for one person reaches
 *   another, and signed-in members never get a page kept for visitors.
 * - Any change through this process (a POST, PUT, PATCH or DELETE that succeeded) empties it, and a
 *   page begun before it is not kept, so a person sees their change on their next page. Changes made elsewhere (the worker, another web
 *   process, the CLI) show within PAGE_CACHE_SECONDS and the time of one render: a page too old
 *   is made again by the first request after, while the others get the old one meanwhile (no
 *   stampede of renders), and none is served older than twice PAGE_CACHE_SECONDS. Each kept page
 *   says its age in `Age`. A page that is no longer 200 HTML when made again is dropped.
 * - Pages for signed-in members are kept only where the route says
 *   `config: { memberPageCache: true }`: pages that depend on who asks only through their
 *   standing (Viewer.standing: the site-admin flag and every membership's status and role) and the
 *   route's `alongside` row. The session is still read for every request (a ban, a new role or a
 *   sign-out shows on the very next page); the page is kept under that standing and served to
 *   members with the same one. Never kept: a page with a form token (`name="_csrf"`) not left as a hole, one that
 *   names the member (their address, or their name where they gave one) or sets a cookie, and
 *   none for a request with any cookie but the session's and neutral ones. What must differ for
 *   each request (a form token, a draft's id) a route asks of `perRequest`: the kept page has a
 *   hole there, filled afresh for each member it is served to.
 * - Bounded: at most MAX_ENTRIES pages and MAX_BYTES bytes, the least recently used go first;
 *   `recent` keeps at most MAX_ENTRIES values and about MAX_RECENT_BYTES (roughBytes), the least
 *   recently asked for going first.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** The kept public pages (see installPageCache). */
    pageCache: PageCache;
  }
  interface FastifyContextConfig {
    /** This GET page is the same for every signed-out visitor: it may be kept (see page-cache.ts). */
    pageCache?: boolean;
    /**
     * For a signed-in member, this GET page depends on who asks only through their standing
     * (Viewer.standing) and the route's `alongside` row: it may be kept for members with the same
     * (see page-cache.ts). Nothing from their own records (their registrations, mutes, drafts).
     * A function gives what else the page depends on, as text (the domain of their address, say),
     * or undefined when this member's page may not be kept.
     */
    memberPageCache?: boolean | ((req: FastifyRequest) => string | undefined);
  }
}

const MAX_ENTRIES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;
/** What `recent` keeps, besides MAX_ENTRIES values: about this many bytes (see roughBytes). */
const MAX_RECENT_BYTES = 32 * 1024 * 1024;

/**
 * About how much memory a loaded value holds, counted up to `limit` (a cyclic value counts as
 * `limit`): a string its length (a character is one byte in V8's one-byte strings, two in the
 * others), a Buffer or typed array its bytes, an object, array, Map or Set its keys and what they
 * hold plus 8 for each, anything else 8. An estimate to bound the memory, not a measure of it.
 */
export function roughBytes(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length && total < limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += v.length;
    else if (ArrayBuffer.isView(v)) total += v.byteLength;
    else if (v instanceof Date || v === null || typeof v !== 'object') total += 8;
    else if (v instanceof Map)
      for (const [k, e] of v) {
        total += 8;
        stack.push(k, e);
      }
    else if (v instanceof Set)
      for (const e of v) {
        total += 8;
        stack.push(e);
      }
    else
      for (const [k, e] of Object.entries(v)) {
        total += k.length + 8;
        stack.push(e);
      }
  }
  return Math.min(total, limit);
}

interface Entry {
  /** The page (with holes: the bytes around them, for its size). */
  body: Buffer;
  /** A page kept for a standing with per-request values: the bytes around them, and their kinds. */
  holes?: { parts: Buffer[]; kinds: string[]; makers: Map<string, Fresh> };
  /** The page's Content-Security-Policy (a route may relax it for one page: remote images shown). */
  csp: string | undefined;
  type: string;
  bytes: number;
  at: number;
}

interface Making {
  by: FastifyRequest;
  at: number;
  done: Promise<void>;
  finish: () => void;
}

/** How long a visitor waits for a page another request is making before making one of their own. */
const MAKING_WAIT_MS = 2000;

export interface PageCache {
  /** Pages kept now (for tests and the status page). */
  size(): number;
  /** Forget every kept page. */
  clear(): void;
  /** The routes that may be kept (`config: { pageCache: true }`), as registered. */
  routes(): string[];
  /** Of those, the ones a signed-in member's page may be kept for others of their standing (`memberPageCache`). */
  memberRoutes(): string[];
  /**
   * A value the same for everyone (a community's page data, its member counts), loaded at most
   * once per PAGE_CACHE_SECONDS and forgotten with the kept pages on any change through this
   * process; loads asked for at once share one query. Kept within a byte budget (roughBytes),
   * the least recently asked for going first. With PAGE_CACHE_SECONDS=0, always loaded.
   * Never for anything that depends on who asks.
   */
  recent<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** True when every cookie the request carries is one of these (none at all is true). */
function onlyCookies(req: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  const raw = req.headers.cookie;
  if (raw === undefined) return true;
  return raw.split(';').every((pair) => {
    const name = pair.slice(0, pair.includes('=') ? pair.indexOf('=') : undefined).trim();
    return name === '' || allowed.has(name);
  });
}

/**
 * Where a signed-in member's page is kept: the address under their standing and the route's
 * alongside row; undefined when it may not be kept (no standing, or a cookie not known to change
 * nothing).
 */
function memberKey(req: FastifyRequest, allowed: ReadonlySet<string>): string | undefined {
  const standing = req.viewer?.standing;
  if (standing === undefined || !onlyCookies(req, allowed)) return undefined;
  const { alongside, memberPageCache } = req.routeOptions.config;
  const row = alongside ? JSON.stringify(req.alongside ?? null) : '';
  const extra = typeof memberPageCache === 'function' ? memberPageCache(req) : '';
  if (extra === undefined) return undefined;
  return `member\n${standing}\n${row}\n${extra}\n${req.url}`;
}

type Fresh = (req: FastifyRequest, reply: FastifyReply) => string;
/** A hole's mark in a page being made: not something a page's own text can hold by chance. */
const NONCE = randomBytes(8).toString('hex');
const HOLE_START = `\u0001${NONCE}.`;
const hole = (kind: string) => `${HOLE_START}${kind}\u0001`;
const HOLES = new RegExp(`\u0001${NONCE}\\.([a-z-]+)\u0001`, 'g');
/** Requests whose page may be kept for a standing: the per-request values made for each so far, and how. */
const holesOf = new WeakMap<FastifyRequest, Map<string, { value: string; make: Fresh }>>();

/** The per-request values made for pages that are not kept, by kind: one of each kind a request. */
const madeFor = new WeakMap<FastifyRequest, Map<string, string>>();

/**
 * A value that must differ for each request (a form token, a draft's id), made by `make`. The
 * same kind is the same value throughout one page, made once however often it is asked for (a
 * second form token on a first visit would set a second secret cookie, and the first form's
 * token would no longer match). On a page that may be kept for members of a standing, the kept
 * page gets a hole here, and each member it is served to gets a value made for them.
 */
export function perRequest(req: FastifyRequest, reply: FastifyReply, kind: string, make: Fresh): string {
  const mine = holesOf.get(req);
  if (!mine) {
    let made = madeFor.get(req);
    if (!made) madeFor.set(req, (made = new Map()));
    let value = made.get(kind);
    if (value === undefined) made.set(kind, (value = make(req, reply)));
    return value;
  }
  if (!/^[a-z-]+$/.test(kind)) throw new Error(`perRequest: a kind is lower-case letters and hyphens, not “${kind}”.`);
  if (!mine.has(kind)) mine.set(kind, { value: make(req, reply), make });
  return hole(kind);
}

/** Requests whose page a route said is the member's own (ownPage). */
const ownPages = new WeakSet<FastifyRequest>();

/**
 * This member's page shows something that is theirs alone (their own draft, say): it is not
 * kept for their standing. Its per-request values are filled in all the same, whenever they were made.
 */
export function ownPage(req: FastifyRequest): void {
  ownPages.add(req);
}

/**
 * Whether a page made for this member shows something of theirs: a form token not left as a hole,
 * their address, or their name.
 */
function personal(text: string | Buffer, viewer: { email: string; name: string | null }): boolean {
  return (
    count(text, 'name="_csrf"') > count(text, `name="_csrf" value="${HOLE_START}`) ||
    text.includes(viewer.email) ||
    (!!viewer.name && text.includes(viewer.name))
  );
}

/** How many times `what` is in `text` (a page as text or as its UTF-8 bytes). */
function count(text: string | Buffer, what: string): number {
  let n = 0;
  for (let at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length)) n++;
  return n;
}

/** A kept page with its holes filled, each with a value of its kind made for this request. */
function filled(e: Entry, req: FastifyRequest, reply: FastifyReply): Buffer {
  if (!e.holes) return e.body;
  const { parts, kinds, makers } = e.holes;
  const values = new Map<string, Buffer>();
  for (const [kind, make] of makers) values.set(kind, Buffer.from(make(req, reply)));
  return Buffer.concat(parts.flatMap((p, i) => (i < kinds.length ? [p, values.get(kinds[i]!)!] : [p])));
}

/**
 * Install the cache on the app: call it after the plugins that set headers on every answer
 * (helmet) and after @fastify/cookie, whose onSend hook writes the Set-Cookie header this one
 * checks. Compression hooks are per route, so they run after and kept pages are plain HTML.
 */
export function installPageCache(
  app: FastifyInstance,
  opts: {
    seconds: number;
    neutralCookies: string[];
    /** The cookies a signed-in member's request carries besides neutral ones (the session's). */
    sessionCookies?: string[];
    now?: () => number;
    /** For tests: `recent`'s byte budget. */
    recentBytes?: number;
  },
): PageCache {
  const neutral = new Set(opts.neutralCookies);
  const memberCookies = new Set([...opts.neutralCookies, ...(opts.sessionCookies ?? [])]);
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const now = opts.now ?? Date.now;
  const ttl = opts.seconds * 1000;
  const served = new WeakSet<FastifyRequest>();
  const kept = new WeakSet<FastifyRequest>();
  /** `recent`'s values, least recently asked for first; `bytes` is counted once the load is done. */
  const values = new Map<string, { at: number; value: Promise<unknown>; bytes: number }>();
  let valueBytes = 0;
  const recentBytes = opts.recentBytes ?? MAX_RECENT_BYTES;
  const forget = (key: string) => {
    valueBytes -= values.get(key)?.bytes ?? 0;
    values.delete(key);
  };
  /** Counts the changes that emptied the cache: a page begun before one is not kept. */
  let generation = 0;
  const begunIn = new WeakMap<FastifyRequest, number>();
  const clear = () => {
    entries.clear();
    values.clear();
    bytes = 0;
    valueBytes = 0;
    generation++;
  };
  const recent = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (ttl <= 0) return load();
    const hit = values.get(key);
    if (hit && now() - hit.at < ttl) {
      // most recently asked for last: the first values are the ones to drop
      values.delete(key);
      values.set(key, hit);
      return hit.value as Promise<T>;
    }
    forget(key);
    if (values.size >= MAX_ENTRIES) forget(values.keys().next().value!);
    const value = load();
    const entry = { at: now(), value, bytes: 0 };
    values.set(key, entry);
    value.then(
      (v) => {
        if (values.get(key) !== entry) return;
        // One value over a quarter of the budget would push out most of the others: handed out, not kept.
        const size = roughBytes(v, recentBytes / 4 + 1) + key.length;
        if (size > recentBytes / 4) return void values.delete(key);
        entry.bytes = size;
        valueBytes += size;
        for (const [k, e] of values) {
          if (valueBytes <= recentBytes) break;
          if (e.bytes) forget(k); // one still loading holds nothing counted yet
        }
      },
      // a failed load is not kept: the next request tries again
      () => values.get(key) === entry && values.delete(key),
    );
    return value;
  };
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.bytes;
  };
  const routes: string[] = [];
  const memberRoutes: string[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'GET') return;
    if (route.config?.pageCache) routes.push(route.url);
    if (route.config?.memberPageCache) memberRoutes.push(route.url);
  });
  const cache: PageCache = { size: () => entries.size, clear, routes: () => [...routes], memberRoutes: () => [...memberRoutes], recent };
  app.decorate('pageCache', cache);
  if (ttl <= 0) return cache;

  /** The page being made now, per address, by one request whose answer may be kept. */
  const making = new Map<string, Making>();
  const startMaking = (req: FastifyRequest) => {
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    making.set(req.url, { by: req, at: now(), done, finish });
  };
  /** The page being made for this address, unless its maker has taken too long (then it is none). */
  const beingMade = (url: string) => {
    const m = making.get(url);
    return m && now() - m.at < MAKING_WAIT_MS ? m : undefined;
  };

  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || !req.routeOptions.config.pageCache || !onlyCookies(req, neutral)) return;
    // Only a request with no cookie makes a page that may be kept; one with the CSRF cookie may
    // be served a kept page but gets one of its own otherwise.
    const mayMake = req.headers.cookie === undefined;
    if (mayMake) begunIn.set(req, generation);
    let e = entries.get(req.url);
    if (e && now() - e.at >= 2 * ttl) {
      drop(req.url);
      e = undefined;
    }
    if (!e) {
      // None kept: when another request is making it, wait for that one (at most MAKING_WAIT_MS)
      // rather than make it again: 64 visitors arriving at once cost one render, not 64 at once.
      const m = beingMade(req.url);
      if (!m) {
        if (mayMake) startMaking(req);
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([m.done, new Promise<void>((r) => (timer = setTimeout(r, MAKING_WAIT_MS)))]);
      clearTimeout(timer);
      e = entries.get(req.url);
      if (!e) return;
    } else if (now() - e.at >= ttl && !beingMade(req.url) && mayMake) {
      // Too old: this request makes it again, and everyone else gets this one until it is done.
      startMaking(req);
      return;
    }
    const age = now() - e.at;
    // most recently used last: the first entries are the ones to evict
    entries.delete(req.url);
    entries.set(req.url, e);
    served.add(req);
    if (e.csp !== undefined) reply.header('content-security-policy', e.csp);
    return reply
      .code(200)
      .header('age', String(Math.floor(age / 1000)))
      .type(e.type)
      .send(e.body);
  });

  /** Whether an answer may be kept: a 200 HTML page that sets no cookie, begun since the last change. */
  const keepable = (req: FastifyRequest, reply: FastifyReply, payload: unknown): payload is string | Buffer =>
    reply.statusCode === 200 &&
    (typeof payload === 'string' || Buffer.isBuffer(payload)) &&
    reply.getHeader('set-cookie') === undefined &&
    // made from what was there before a change through this process: not kept
    begunIn.get(req) === generation &&
    String(reply.getHeader('content-type') ?? '').startsWith('text/html');

  /** Keeps a page under `key` (its holes, if any, with it). */
  const keep = (key: string, reply: FastifyReply, body: Buffer, holes?: Entry['holes']): void => {
    const size = body.length + key.length;
    if (size > MAX_BYTES / 16) return;
    drop(key);
    const csp = reply.getHeader('content-security-policy');
    entries.set(key, { body, holes, csp: csp === undefined ? undefined : String(csp), type: String(reply.getHeader('content-type')), bytes: size, at: now() });
    bytes += size;
    for (const k of entries.keys()) {
      if (entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
      drop(k);
    }
  };

  /**
   * A member's page: kept for their standing when nothing in it is theirs (its per-request values
   * left as holes), and answered with those values filled in.
   */
  const keepForStanding = (key: string, req: FastifyRequest, reply: FastifyReply, payload: string | Buffer): string | Buffer => {
    const viewer = req.viewer!;
    const values = holesOf.get(req);
    if (!values?.size) {
      if (!personal(payload, viewer)) keep(key, reply, typeof payload === 'string' ? Buffer.from(payload) : payload);
      return payload;
    }
    const text = String(payload);
    const parts: string[] = [];
    const kinds: string[] = [];
    let from = 0;
    for (const m of text.matchAll(HOLES)) {
      parts.push(text.slice(from, m.index));
      kinds.push(m[1]!);
      from = m.index + m[0].length;
    }
    parts.push(text.slice(from));
    const whole = Buffer.from(parts.map((p, i) => (i < kinds.length ? p + (values.get(kinds[i]!)?.value ?? '') : p)).join(''));
    if (!personal(text, viewer) && kinds.every((k) => values.has(k))) {
      const makers = new Map([...values].map(([kind, v]) => [kind, v.make]));
      // kept without this member's values: the bytes around the holes (views of one buffer)
      const body = Buffer.from(parts.join(''));
      let at = 0;
      const views = parts.map((p) => body.subarray(at, (at += Buffer.byteLength(p))));
      keep(key, reply, body, { parts: views, kinds, makers });
    }
    return whole;
  };

  /** A member's page being made, and the key it is kept under (worked out once, before the route runs). */
  const makingFor = new WeakMap<FastifyRequest, string>();
  // A signed-in member's page (the viewer is known by now): served from the pages kept for their
  // standing, or made and kept for the next member with the same.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'GET' || !req.viewer || !req.routeOptions.config.memberPageCache) return;
    const key = memberKey(req, memberCookies);
    if (key === undefined) return;
    const e = entries.get(key);
    if (!e || now() - e.at >= ttl) {
      begunIn.set(req, generation);
      holesOf.set(req, new Map());
      makingFor.set(req, key);
      return;
    }
    entries.delete(key);
    entries.set(key, e);
    served.add(req);
    if (e.csp !== undefined) reply.header('content-security-policy', e.csp);
    return reply
      .code(200)
      .header('age', String(Math.floor((now() - e.at) / 1000)))
      .type(e.type)
      .send(filled(e, req, reply));
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (served.has(req) || req.method !== 'GET') return payload;
    if (req.viewer) {
      const values = holesOf.get(req);
      if (!values || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
      const key = makingFor.get(req);
      if (key !== undefined && !ownPages.has(req) && keepable(req, reply, payload)) return keepForStanding(key, req, reply, payload);
      // not kept (the member's own page, an error page): its holes are filled all the same
      return values.size ? String(payload).replace(HOLES, (_, kind: string) => values.get(kind)?.value ?? '') : payload;
    }
    if (!req.routeOptions.config.pageCache) return payload;
    // Made for a request with no cookie at all: a page made with a visitor's cookie could carry
    // something of theirs without setting a cookie (a form token from their CSRF cookie).
    if (req.headers.cookie !== undefined || !keepable(req, reply, payload)) return payload;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    keep(req.url, reply, body);
    kept.add(req);
    return body;
  });

  app.addHook('onResponse', async (req, reply) => {
    const m = making.get(req.url);
    if (m?.by === req) {
      making.delete(req.url);
      // A page made again and not kept (now a 404, say): the old one must not be served on.
      if (!kept.has(req)) drop(req.url);
      m.finish();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && reply.statusCode < 400) clear();
  });
  return cache;
}
