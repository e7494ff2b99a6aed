/**
 * Personalizing and signing list copies, in worker threads when there is more than one core
 * (SIGNING_THREADS), or in this thread. Requests made in the same turn of the event loop go to
 * a thread as one batch, so the cost of passing messages between threads stays small.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DkimKey } from './message/dkim.ts';
import { preparePersonalizer, type PersonalizeParams, type Personalizer } from './message/personalize.ts';
import type { SigningReply, SigningRequest } from './signing-thread.ts';
import { TREE } from '../platform/tree.ts';

export interface Signer {
  /**
   * The copy for one recipient of a post (decorated once, personalized and signed here), as
   * pieces to write in order: most of them the same buffers in every copy of the post.
   */
  copy(postId: number, decorated: Buffer, params: PersonalizeParams): Promise<Buffer[]>;
  /**
   * Resolves once every thread has loaded its code (or failed to), so a worker starts its
   * threads when it starts rather than in the middle of its first fan-out.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** In this thread: simplest, and best on one core. */
export function inlineSigner(keys: DkimKey[]): Signer {
  const posts = new Map<number, Personalizer>();
  return {
    async copy(postId, decorated, params) {
      let p = posts.get(postId);
      if (!p) {
        p = preparePersonalizer(decorated, keys);
        posts.set(postId, p);
        if (posts.size > 16) posts.delete(posts.keys().next().value!);
      }
      return p.piecesForRecipient(params);
    },
    ready: async () => undefined,
    close: async () => undefined,
  };
}

/** Copies per message to a signing thread. */
const SLICE = 16;

interface Thread {
  worker: Worker;
  /** Posts prepared in the thread, with their shared pieces (made here from the same bytes). */
  prepared: Map<number, Buffer[]>;
  queue: Map<number, Array<{ id: number; params: PersonalizeParams }>>;
  waiting: Map<number, { shared: Buffer[]; resolve: (b: Buffer[]) => void; reject: (e: Error) => void }>;
  scheduled: boolean;
  /** Resolves when the thread says it is running, or when it fails. */
  started: Promise<void>;
}

export function threadSigner(keys: DkimKey[], threads: number): Signer {
  const plainKeys = keys.map((k) => ({ domain: k.domain, selector: k.selector, privateKeyPem: k.privateKeyPem, algorithm: k.algorithm }));
  const pool: Thread[] = Array.from({ length: threads }, () => {
    let started!: () => void;
    const t: Thread = {
      worker: new Worker(path.join(TREE, 'lists/signing-worker.mjs')),
      prepared: new Map(),
      queue: new Map(),
      waiting: new Map(),
      scheduled: false,
      started: new Promise<void>((r) => (started = r)),
    };
    t.worker.once('exit', () => started());
    t.worker.on('message', (m: SigningReply) => {
      if (m.type === 'running') return started();
      for (const r of m.results) {
        const w = t.waiting.get(r.id);
        t.waiting.delete(r.id);
        if (!w) continue;
        if (r.error !== undefined) {
          w.reject(new Error(r.error));
          continue;
        }
        const pieces: Buffer[] = [];
        let at = r.start;
        for (const n of r.layout) {
          if (n < 0) pieces.push(w.shared[-n - 1]!);
          else if (n) pieces.push(Buffer.from(m.slab, at, n));
          at += Math.max(n, 0);
        }
        w.resolve(pieces);
      }
    });
    t.worker.on('error', (err) => {
      started();
      for (const w of t.waiting.values()) w.reject(err);
      t.waiting.clear();
    });
    t.worker.unref();
    return t;
  });
  let next = 0;
  let seq = 0;
  const flush = (t: Thread) => {
    t.scheduled = false;
    // In slices, so the first copies come back while the thread signs the rest.
    for (const [postId, items] of t.queue) {
      for (let i = 0; i < items.length; i += SLICE) t.worker.postMessage({ type: 'sign', postId, items: items.slice(i, i + SLICE) } satisfies SigningRequest);
    }
    t.queue.clear();
  };
  return {
    copy(postId, decorated, params) {
      const t = pool[next++ % pool.length]!;
      let shared = t.prepared.get(postId);
      if (!shared) {
        t.worker.postMessage({ type: 'prepare', postId, decorated, keys: plainKeys } satisfies SigningRequest);
        // The pieces every copy shares, made here too from the same bytes, so the thread need not
        // send them back (evicted as the thread evicts its own: after 16 posts, oldest first).
        shared = preparePersonalizer(decorated, []).shared;
        t.prepared.set(postId, shared);
        if (t.prepared.size > 16) t.prepared.delete(t.prepared.keys().next().value!);
      }
      const id = ++seq;
      const items = t.queue.get(postId) ?? [];
      items.push({ id, params });
      t.queue.set(postId, items);
      if (!t.scheduled) {
        t.scheduled = true;
        setImmediate(() => flush(t));
      }
      const pieces = shared;
      return new Promise<Buffer[]>((resolve, reject) => t.waiting.set(id, { shared: pieces, resolve, reject }));
    },
    async ready() {
      await Promise.all(pool.map((t) => t.started));
    },
    async close() {
      await Promise.all(pool.map((t) => t.worker.terminate()));
    },
  };
}

export function createSigner(keys: DkimKey[], threads: number): Signer {
  return threads > 0 && keys.length ? threadSigner(keys, threads) : inlineSigner(keys);
}
