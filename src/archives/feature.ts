/** The archives feature: every list's archive (months, threads, message pages, search, mbox, feed). */
import type { Feature } from '../platform/feature.ts';
import { registerArchiveJobs } from './jobs.ts';
import { archiveBrowseRoutes } from './browse-routes.ts';
import { archiveExportRoutes } from './export-routes.ts';
import { archiveFeedRoutes } from './feed-routes.ts';
import { archiveMessageRoutes } from './message-routes.ts';
import { archiveMuteRoutes } from './mute-routes.ts';
import { archivePostRoutes } from './post-routes.ts';
import { archiveSearchRoutes } from './search-routes.ts';
import { keptUploadsData, threadMutesData } from './my-data.ts';
import { archiveSearchSource } from './site-search.ts';

export const archivesFeature: Feature = {
  name: 'archives',
  // one plugin a page group: browsing (home, months, threads), a message and its attachments, search, the mbox download, the private feed, posting from the web, muting a thread (shared helpers in route-kit.ts)
  routes: (ctx) => [
    archiveBrowseRoutes(ctx),
    archiveMessageRoutes(ctx),
    archiveSearchRoutes(ctx),
    archiveExportRoutes(ctx),
    archiveFeedRoutes(ctx),
    archivePostRoutes(ctx),
    archiveMuteRoutes(ctx),
  ],
  jobs: registerArchiveJobs,
  searchSources: [archiveSearchSource],
  myDataSources: [threadMutesData, keptUploadsData],
};
