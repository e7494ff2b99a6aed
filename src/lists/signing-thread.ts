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

/**
 * Signed copies: each one's pieces in order, from `layout`: a negative entry -k-1 is the post's
 * k-th shared piece (`Personalizer.shared`, the same on both sides), a positive one the next
 * that many bytes of `slab` from `start` (the copy's own: its signatures and personal fields).
 */
export type SigningReply =
  | { type: 'signed'; slab: ArrayBuffer; results: Array<{ id: number; start: number; layout: number[]; error?: undefined } | { id: number; error: string }> }
  | { type: 'running' };

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
    const shared = p ? new Map(p.shared.map((b, k) => [b, -k - 1])) : new Map<Buffer, number>();
    const copies = m.items.map(({ id, params }) => {
      if (!p) return { id, error: `post ${m.postId} was not prepared in this thread` };
      try {
        return { id, pieces: p.piecesForRecipient(params) };
      } catch (err) {
        return { id, error: (err as Error).message };
      }
    });
    // The copies' own bytes in one buffer of its own (never a slice of Node's shared pool),
    // moved to the other thread, not copied; the pieces every copy shares (the body above all)
    // stay where they are: the other thread has them too.
    const own = (b: Buffer) => !shared.has(b);
    const slab = Buffer.allocUnsafeSlow(copies.reduce((n, c) => n + (c.pieces?.reduce((k, b) => k + (own(b) ? b.length : 0), 0) ?? 0), 0));
    let at = 0;
    const results = copies.map((c) => {
      if (!c.pieces) return { id: c.id, error: c.error! };
      const start = at;
      const layout = c.pieces.map((b) => {
        const k = shared.get(b);
        if (k !== undefined) return k;
        at += b.copy(slab, at);
        return b.length;
      });
      return { id: c.id, start, layout };
    });
    const buffer = slab.buffer as ArrayBuffer;
    port.postMessage({ type: 'signed', slab: buffer, results } satisfies SigningReply, [buffer]);
  });
}
