/**
 * The one guard at the HTTP edge against values no route can store or count with: a NUL byte
 * (PostgreSQL refuses it in text, so it used to surface as a 500 deep inside a route) in the
 * address, the query string or a form, and paging numbers (`page`, `limit`, `offset`,
 * `page_size`) that are not whole numbers in range (1e309 is Infinity to JavaScript).
 *
 * An address or query with such a value answers 400 with a message that says what to fix. A
 * form with a NUL byte answers 400 with a page that keeps what was typed: it lists the fields
 * that held the character and sends the same form again without it when the visitor confirms.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatCount } from '../../web/format.ts';

/** The paging parameters and the smallest value each takes. */
export const PAGING_MINIMUM: Record<string, number> = { page: 1, limit: 1, offset: 0, page_size: 1 };
/** The largest paging value any list takes. */
export const PAGING_MAXIMUM = 1_000_000;

export class BadInputError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly code: 'NUL_IN_ADDRESS' | 'BAD_PAGING_NUMBER',
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a form whose fields held a NUL byte: the fields as typed, without it, for the page that offers to resend them. */
export class NulInFormError extends Error {
  readonly statusCode = 400;
  readonly code = 'NUL_IN_FORM';
  constructor(
    /** Every field, cleaned; the CSRF token included, unchanged, so a resent form is checked as the first one was. */
    readonly fields: Array<[string, string]>,
    /** The names of the fields that held the character. */
    readonly affected: string[],
    /** True for a form the page cannot resend (a file upload): the visitor goes back instead. */
    readonly upload: boolean,
  ) {
    super('The form has an invisible control character (a NUL byte, often copied in from another program) that the site cannot store.');
  }
}

/** A NUL byte, raw or percent-encoded, anywhere in a request target. */
export function hasNul(target: string): boolean {
  return target.includes('\0') || /%00/i.test(target);
}

/** Why a paging value is refused, or undefined when it is a whole number in range (or empty). */
export function pagingProblem(name: string, value: unknown): string | undefined {
  const minimum = PAGING_MINIMUM[name];
  if (minimum === undefined) return undefined;
  for (const v of Array.isArray(value) ? value : [value]) {
    if (typeof v !== 'string' || v === '') continue;
    const n = /^\d{1,7}$/.test(v) ? Number(v) : NaN;
    if (!(n >= minimum && n <= PAGING_MAXIMUM)) {
      return `“${name}” must be a whole number from ${minimum} to ${formatCount(PAGING_MAXIMUM)}, written in digits only.`;
    }
  }
  return undefined;
}

/** Every string in a parsed body, with the field it came from (nested JSON as dotted paths). */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const v of value) yield* strings(v, path);
  else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
  }
}

/** The NUL check of a parsed body: throws NulInFormError when a field holds one. */
export function checkBody(body: unknown, contentType: string | undefined): void {
  const affected = new Set<string>();
  for (const [name, v] of strings(body, '')) if (v.includes('\0') || hasNul(name)) affected.add(name.replaceAll('\0', ''));
  if (!affected.size) return;
  const fields = [...strings(body, '')].map(([n, v]): [string, string] => [n.replaceAll('\0', ''), v.replaceAll('\0', '')]);
  throw new NulInFormError(fields, [...affected], !/^application\/x-www-form-urlencoded/i.test(contentType ?? ''));
}

/**
 * Install the guard on the root instance (before the feature plugins, so it covers every route,
 * the not-found handler included). The address and paging checks run first of all; the form
 * check runs once the body is parsed, before any route's own pre-handlers (the CSRF check).
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (hasNul(req.url)) {
      throw new BadInputError(
        'NUL_IN_ADDRESS',
        'The address has a character that is not allowed (a NUL byte, written %00). Check the link or what was typed, and try again.',
      );
    }
    const query = req.query as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(query ?? {})) {
      const problem = pagingProblem(name, value);
      if (problem) throw new BadInputError('BAD_PAGING_NUMBER', problem);
    }
  });
  app.addHook('preHandler', async (req: FastifyRequest, _reply: FastifyReply) => {
    if (req.body !== undefined && req.body !== null) checkBody(req.body, req.headers['content-type']);
  });
}
