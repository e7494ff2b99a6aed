/** The archives feature: every list's archive (months, threads, message pages, search, mbox, feed). */
import type { Feature } from '../platform/feature.ts';
import { registerArchiveJobs } from './jobs.ts';
import { archiveRoutes } from './routes.ts';
import { archiveSearchSource } from './site-search.ts';

export const archivesFeature: Feature = {
  name: 'archives',
  routes: (ctx) => [archiveRoutes(ctx)],
  jobs: registerArchiveJobs,
  searchSources: [archiveSearchSource],
};
