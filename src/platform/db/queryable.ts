import type pg from 'pg';

/** A pool or a client inside a transaction: service functions accept either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Run `work` in one transaction on a client from the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The pool listens for errors only on idle clients: a connection cut during the transaction
  // (a restarted or terminated server) would be an uncaught 'error' event and end the process.
  // The query in flight fails anyway; the broken client is handed back as such and discarded.
  let lost: Error | undefined;
  const onError = (err: Error) => void (lost = err);
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}
