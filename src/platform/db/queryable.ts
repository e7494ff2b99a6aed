import type pg from 'pg';

/** A pool or a client inside a transaction: service functions accept either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** What to do once each open transaction of inTransaction commits (see whenCommitted). */
const commitHooks = new WeakMap<object, Array<() => void>>();

/**
 * Run `then` once what `db` wrote is committed: after the commit of an inTransaction transaction
 * (never, if it rolls back), or now for a pool (each query commits on its own). Returns false
 * for a client in a transaction opened some other way, whose end is not known here: `then` is
 * not run. For telling a worker in this process a job is there (see queue.ts), not for anything
 * that must happen: the process may end between the commit and `then`.
 */
export function whenCommitted(db: Queryable, then: () => void): boolean {
  const hooks = commitHooks.get(db);
  if (hooks) hooks.push(then);
  else if ('totalCount' in db) then();
  else return false;
  return true;
}

/** Run `work` in one transaction on a client from the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The pool listens for errors only on idle clients: a connection cut during the transaction
  // (a restarted or terminated server) would be an uncaught 'error' event and end the process.
  // The query in flight fails anyway; the broken client is handed back as such and discarded.
  let lost: Error | undefined;
  const onError = (err: Error) => void (lost = err);
  client.on('error', onError);
  const hooks: Array<() => void> = [];
  commitHooks.set(client, hooks);
  let committed = false;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    committed = true;
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    commitHooks.delete(client);
    client.off('error', onError);
    client.release(lost);
    if (committed)
      for (const then of hooks) {
        try {
          then();
        } catch {
          // a hook is a hint (a worker woken early); the commit stands whatever it does
        }
      }
  }
}
