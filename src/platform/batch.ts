/**
 * Reads that arrive while one of the same kind is under way go together in the next one.
 *
 * Every signed-in request reads its session (the design: a ban or a sign-out shows on the very
 * next page). One query a request cost each a round trip, a wake-up of a PostgreSQL backend and
 * the driver's work for a statement: under load, more than the rest of the request. Here the
 * first request of a kind starts its query at once, as before; the requests that arrive while it
 * runs wait for it to end and then share one query. Nothing is kept: each request's read is a
 * query that began after the request arrived, so it sees every change committed before then.
 */

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * `run(key, items)` reads many items of one kind (`key`) in one go and answers each, in order.
 * The returned function reads one item: when no read of its kind is under way it starts one at
 * once; otherwise it waits and goes in the next one, with everything else of its kind that came
 * meanwhile (at most `maxItems` a read; the rest in the reads after). One read of a kind at a
 * time; kinds do not wait for each other. A read that fails fails each of its items, and the
 * next read of the kind starts all the same.
 */
export function batched<I, O>(run: (key: string, items: I[]) => Promise<O[]>, maxItems = 256): (key: string, item: I) => Promise<O> {
  /** The kinds with a read under way, and what waits for the next read of each. */
  const waitingFor = new Map<string, Array<Waiting<I, O>>>();
  const next = (key: string, waiting: Array<Waiting<I, O>>): void => {
    if (!waiting.length) {
      waitingFor.delete(key); // nothing kept for a kind no one asks for now
      return;
    }
    const these = waiting.splice(0, maxItems);
    let answer: Promise<O[]>;
    try {
      answer = run(
        key,
        these.map((w) => w.item),
      );
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer
      .then((outs) => {
        if (outs.length !== these.length) throw new Error(`batched: ${these.length} asked, ${outs.length} answered`);
        these.forEach((w, i) => w.resolve(outs[i]!));
      })
      .catch((err: unknown) => these.forEach((w) => w.reject(err)))
      .finally(() => next(key, waiting));
  };
  return (key, item) =>
    new Promise<O>((resolve, reject) => {
      const waiting = waitingFor.get(key);
      if (waiting) return void waiting.push({ item, resolve, reject });
      const mine = [{ item, resolve, reject }];
      waitingFor.set(key, mine);
      next(key, mine);
    });
}
