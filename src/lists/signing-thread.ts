/**
 * The inside of a signing thread: keeps a prepared personalizer per post and answers batches
 * of recipients with their signed copies. RSA signing is the costliest step of a fan-out; in a
 * worker thread it runs beside the SMTP hand-off instead of taking turns with it.
 */
import { parentPort } from 'node:worker_threads';
import type { DkimKey } from './message/dkim.ts';
import { preparePersonalizer, type PersonalizeParams, type Personalizer } from './message/personalize.ts';

export type SigningRequest =
  | { type: 'prepare'; postId: number; decorated: Uint8Array; keys: Array<Pick<DkimKey, 'domain' | 'selector' | 'privateKeyPem' | 'algorithm'>> }
  | { type: 'sign'; postId: number; items: Array<{ id: number; params: PersonalizeParams }> };

export type SigningReply = { type: 'signed'; results: Array<{ id: number; raw?: Uint8Array; error?: string }> } | { type: 'running' };

export function runSigningThread(): void {
  const port = parentPort;
  if (!port) throw new Error('runSigningThread must run in a worker thread');
  const posts = new Map<number, Personalizer>();
  port.postMessage({ type: 'running' } satisfies SigningReply);
  port.on('message', (m: SigningRequest) => {
    if (m.type === 'prepare') {
      posts.set(m.postId, preparePersonalizer(Buffer.from(m.decorated), m.keys));
      if (posts.size > 16) posts.delete(posts.keys().next().value!);
      return;
    }
    const p = posts.get(m.postId);
    const results = m.items.map(({ id, params }) => {
      if (!p) return { id, error: `post ${m.postId} was not prepared in this thread` };
      try {
        return { id, raw: p.forRecipient(params) };
      } catch (err) {
        return { id, error: (err as Error).message };
      }
    });
    // Each copy has a buffer of its own (personalize.ts), moved to the other thread, not copied.
    const moved = results.flatMap((r) => (r.raw ? [r.raw.buffer as ArrayBuffer] : []));
    port.postMessage({ type: 'signed', results } satisfies SigningReply, moved);
  });
}
