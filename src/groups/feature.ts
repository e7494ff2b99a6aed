/** The groups feature: working groups in each community, with their members, guides, list and meetings. */
import type { Feature } from '../platform/feature.ts';
import { workingGroupsData } from './my-data.ts';
import { groupRoutes } from './routes.ts';

export const groupsFeature: Feature = {
  name: 'groups',
  routes: (ctx) => [groupRoutes(ctx)],
  myDataSources: [workingGroupsData],
};
