/**
 * The first start of a new database creates the Social Media Community of Practice from the
 * page shipped in ./seed. It happens once: a community deleted later is not re-created.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { SYSTEM } from '../platform/audit.ts';
import { parseCommunityFile } from './community-file.ts';
import { CommunityExistsError, saveCommunity } from './store.ts';
import { TREE } from '../platform/tree.ts';

export const SEED_FILE = path.join(TREE, 'communities/seed/social-media.md');
const STATE_KEY = 'seeded:social-media';

/** Returns true when the community was created now. */
export async function seedDefaultCommunity(pool: pg.Pool): Promise<boolean> {
  const done = await pool.query('select 1 from platform_state where key = $1', [STATE_KEY]);
  if (done.rowCount) return false;
  const parsed = parseCommunityFile(readFileSync(SEED_FILE, 'utf8'), undefined, { digitalGov: true });
  if (!parsed.ok)
    throw new Error(`The built-in seed ${SEED_FILE} is invalid: ${parsed.errors.map((e) => `line ${e.line}: ${e.field} ${e.message}`).join('; ')}`);
  let created = false;
  try {
    await saveCommunity(pool, parsed.page, { update: false, actor: SYSTEM, action: 'community.seed' });
    created = true;
  } catch (err) {
    // Already there (imported by the operator, or another process seeded it at the same moment).
    if (!(err instanceof CommunityExistsError) && (err as { code?: string }).code !== '23505') throw err;
  }
  await pool.query(`insert into platform_state (key, value) values ($1, 'true') on conflict (key) do nothing`, [STATE_KEY]);
  return created;
}
