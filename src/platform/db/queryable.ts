import type pg from 'pg';

/** A pool or a client inside a transaction: service functions accept either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Run `work` in one transaction on a client from the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
