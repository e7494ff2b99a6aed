/**
 * Digest copies for the delivery runner: the composed digest (kept for the few digests being
 * sent at once) with one member's links filled in. Personalization and DKIM then go through
 * the runner's signer like a post copy.
 */
import type pg from 'pg';
import { prepareDigest, type PersonalLinks } from './personal.ts';

export interface DigestCopy {
  localPart: string;
  /** The member's copy, before List-Unsubscribe and DKIM. */
  message: Buffer;
  /** A name for the outbox file. */
  name: string;
}

export function digestCopies(pool: pg.Pool, baseUrl: string) {
  const cache = new Map<number, { localPart: string; copy: (links: PersonalLinks) => Buffer }>();
  return async function copyFor(digestMessageId: number, memberId: number, unsubscribeToken: string): Promise<DigestCopy | undefined> {
    let d = cache.get(digestMessageId);
    if (!d) {
      const { rows } = await pool.query<{ message: Buffer; local_part: string }>(
        'select d.message, l.local_part from digest_messages d join lists l on l.id = d.list_id where d.id = $1',
        [digestMessageId],
      );
      if (!rows[0]) return undefined;
      d = { localPart: rows[0].local_part, copy: prepareDigest(rows[0].message) };
      cache.set(digestMessageId, d);
      if (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    const leave = `${baseUrl}/u/${unsubscribeToken}`;
    return { localPart: d.localPart, message: d.copy({ each: `${leave}/each`, leave }), name: `${d.localPart}-digest-${digestMessageId}-${memberId}` };
  };
}
