/** The key that signs cookies: SOCIALGOV_SECRET, or one generated once and shared through the database. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db/queryable.ts';

export async function cookieSecret(db: Queryable, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db.query(`insert into platform_state (key, value) values ('cookie-secret', $1) on conflict (key) do nothing`, [
    JSON.stringify(randomBytes(48).toString('base64url')),
  ]);
  const { rows } = await db.query<{ value: string }>(`select value from platform_state where key = 'cookie-secret'`);
  return rows[0]!.value;
}
