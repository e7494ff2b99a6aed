/** The working groups' part of "Download my data": the groups a member is in. */
import type { MyDataSource } from '../platform/contributions.ts';

export const workingGroupsData: MyDataSource = {
  key: 'workingGroups',
  async collect(db, member) {
    const { rows } = await db.query(
      `select c.slug as community, g.slug as group, g.name, w.role, w.status, w.delivery_mode, w.created_at, w.updated_at
         from working_group_members w join working_groups g on g.id = w.group_id join communities c on c.id = g.community_id
        where w.member_id = $1 order by w.created_at`,
      [member.id],
    );
    return rows;
  },
};
