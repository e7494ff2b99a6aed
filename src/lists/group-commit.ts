/**
 * Group commit: items handed in within a short window are written by one `commit` call (one
 * transaction), and each caller's promise settles only when that call has finished. Mail-in uses
 * it so ten sending sessions share one transaction and one disk flush instead of paying for ten,
 * while still answering each post 250 only after it is durable.
 *
 * A failed commit of several items is tried again one item at a time, so one item the database
 * refuses (or that breaks a limit of one statement) fails alone and its neighbours are kept; an
 * item whose own commit fails was not kept, and its sender is told to try again. An item never
 * waits longer than the window unless
 * `maxInFlight` commits are already running, and then only until one of them finishes.
 */

export interface GroupCommitOptions<T, R> {
  /** Write these items at once; resolve with one result per item, in the same order. */
  commit(items: T[]): Promise<R[]>;
  /** Milliseconds the first item of a batch waits for others to join it. */
  windowMs: number;
  /** A batch this large is committed at once, without waiting for the window. */
  maxItems: number;
  /** The same for the items' total weight (bytes of mail): keeps one transaction's size bounded. */
  maxWeight?: number;
  weigh?: (item: T) => number;
  /** Commits running at once; the next batch waits for one to finish. */
  maxInFlight: number;
  /** For tests: how to wait `ms` before calling `fire` (default setTimeout). */
  timer?: (fire: () => void, ms: number) => void;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: Error) => void;
}

export class BatchResultError extends Error {
  readonly code = 'BATCH_RESULT_MISMATCH';
}

export class GroupCommit<T, R> {
  private pending: Array<Waiting<T, R>> = [];
  private weight = 0;
  private timerSet = false;
  /** The oldest waiting item's window has passed (or a batch filled up): write as soon as a slot is free. */
  private due = false;
  private inFlight = 0;
  private readonly idle = new Set<() => void>();

  constructor(private readonly o: GroupCommitOptions<T, R>) {}

  /** Hand in one item; settles when the batch that holds it has committed (or failed). */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.weight += this.o.weigh?.(item) ?? 0;
      if (this.pending.length >= this.o.maxItems || (this.o.maxWeight !== undefined && this.weight >= this.o.maxWeight)) this.due = true;
      if (!this.due && !this.timerSet) {
        this.timerSet = true;
        (this.o.timer ?? defaultTimer)(() => {
          this.timerSet = false;
          this.due = true;
          this.flush();
        }, this.o.windowMs);
      }
      this.flush();
    });
  }

  /** Resolves once nothing is waiting or being written (for an orderly shutdown). */
  drained(): Promise<void> {
    if (!this.pending.length && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private flush(): void {
    while (this.due && this.pending.length && this.inFlight < this.o.maxInFlight) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.run(batch);
    }
    // Everything that was due is on its way; the next item starts a new window.
    if (!this.pending.length) this.due = false;
  }

  /** Up to maxItems / maxWeight from the front; what is left forms the next batch. */
  private takeBatch(): Array<Waiting<T, R>> {
    let n = 0;
    let weight = 0;
    while (n < this.pending.length && n < this.o.maxItems) {
      const w = this.o.weigh?.(this.pending[n]!.item) ?? 0;
      if (n > 0 && this.o.maxWeight !== undefined && weight + w > this.o.maxWeight) break;
      weight += w;
      n++;
    }
    this.weight -= weight;
    return this.pending.splice(0, n);
  }

  /** After a failed batch: each item in a commit of its own (in order), settling each alone. */
  private async oneByOne(batch: Array<Waiting<T, R>>): Promise<void> {
    for (const w of batch) {
      try {
        const results = await this.o.commit([w.item]);
        if (results.length !== 1) throw new BatchResultError(`commit returned ${results.length} results for 1 item`);
        w.resolve(results[0]!);
      } catch (err) {
        w.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private async run(batch: Array<Waiting<T, R>>): Promise<void> {
    try {
      const results = await this.o.commit(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new BatchResultError(`commit returned ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      // A wrong count means the batch may be stored: never again. (A commit cut off after the
      // database committed is stored twice at worst; the repeated Message-ID rule drops the copy.)
      if (batch.length === 1 || err instanceof BatchResultError) for (const w of batch) w.reject(err instanceof Error ? err : new Error(String(err)));
      else await this.oneByOne(batch);
    } finally {
      this.inFlight--;
      this.flush();
      if (!this.pending.length && !this.inFlight) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
    }
  }
}

function defaultTimer(fire: () => void, ms: number): void {
  setTimeout(fire, ms);
}
