/** A digest member's "get each message instead": delivery mode back to 'each', audited. */
import type pg from 'pg';
import type { Actor } from '../../platform/audit.ts';
import { inTransaction } from '../../platform/db/queryable.ts';
import { changeMembership, membershipIn } from '../../membership/index.ts';

export type SwitchResult = 'switched' | 'already' | 'not-a-member';

export async function switchToEachMessage(pool: pg.Pool, p: { communityId: number; memberId: number; actor: Actor }): Promise<SwitchResult> {
  return inTransaction(pool, async (tx) => {
    const m = await membershipIn(tx, p.memberId, p.communityId);
    if (m?.status !== 'active') return 'not-a-member';
    if (m.deliveryMode === 'each') return 'already';
    await changeMembership(tx, p.actor, {
      communityId: p.communityId,
      memberId: p.memberId,
      deliveryMode: 'each',
      source: 'digest-link',
      action: 'membership.delivery',
    });
    return 'switched';
  });
}
