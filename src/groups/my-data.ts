/** The working groups' part of "Download my data": the groups a member is in. */
import type { MyDataSource } from '../platform/contributions.ts';
import { groupDeliveries } from '../lists/index.ts';

export const workingGroupsData: MyDataSource = {
  key: 'workingGroups',
  async collect(db, member) {
    const { rows } = await db.query(
      `select g.id, c.slug as community, g.slug as group, g.name, w.role, w.status, w.created_at, w.updated_at
         from working_group_members w join working_groups g on g.id = w.group_id join communities c on c.id = g.community_id
        where w.member_id = $1 order by w.created_at`,
      [member.id],
    );
    // how they take each group's list is the lists feature's (its subscriptions)
    const deliveries = await groupDeliveries(db, member.id);
    return rows.map(({ id, created_at, updated_at, ...r }) => ({ ...r, delivery_mode: deliveries.get(Number(id)) ?? null, created_at, updated_at }));
  },
};
