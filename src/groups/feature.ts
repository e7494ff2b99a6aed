/** The groups feature: working groups in each community, with their members, guides, list and meetings. */
import type { Feature } from '../platform/feature.ts';
import { leaveGroupByList } from './groups.ts';
import { groupPageRoutes } from './group-routes.ts';
import { workingGroupsData } from './my-data.ts';
import { groupLeadRoutes } from './lead-routes.ts';
import { groupMeetingRoutes } from './meeting-routes.ts';
import { groupMemberRoutes } from './member-routes.ts';

export const groupsFeature: Feature = {
  name: 'groups',
  // one plugin a page group: the list and a group's page, a member's part, the leads' part, meetings
  routes: (ctx) => [groupPageRoutes(ctx), groupMemberRoutes(ctx), groupLeadRoutes(ctx), groupMeetingRoutes(ctx)],
  myDataSources: [workingGroupsData],
  // leaving a group's list (by mail or link) is leaving the group, whose members are this feature's rows
  leaveGroupList: leaveGroupByList,
};
