/** The communities feature: public community pages, their coordinators' editor, the communities API, the first-start seed. */
import type { Feature } from '../platform/feature.ts';
import { communityAdminRoutes } from './admin-routes.ts';
import { communityRoutes } from './routes.ts';
import { CommunityDetail, CommunityList, CommunitySummary } from './schemas.ts';
import { seedDefaultCommunity } from './seed.ts';
import { communitySearchSource } from './site-search.ts';

export const communitiesFeature: Feature = {
  name: 'communities',
  routes: (ctx) => [communityRoutes(ctx), communityAdminRoutes(ctx)],
  api: { schemas: [CommunitySummary, CommunityDetail, CommunityList], tags: [{ name: 'communities', description: 'Communities of practice' }] },
  firstStart: async (pool) => ((await seedDefaultCommunity(pool)) ? 'Created the Social Media Community of Practice (first start).' : undefined),
  searchSources: [communitySearchSource],
};
