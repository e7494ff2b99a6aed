/** The library feature: articles, guides, topics, shared tools and their API, feeds, and the site search page. */
import type { Feature } from '../platform/feature.ts';
import { librarySettings } from './settings.ts';
import { registerLibraryJobs } from './jobs.ts';
import { libraryArticleEditRoutes } from './article-edit-routes.ts';
import { libraryArticleRoutes } from './article-routes.ts';
import { libraryBrowseRoutes } from './browse-routes.ts';
import { libraryFeedRoutes } from './feed-routes.ts';
import { libraryGuideEditRoutes } from './guide-edit-routes.ts';
import { libraryGuideRoutes } from './guide-routes.ts';
import { Tool, ToolList } from './schemas.ts';
import { LIBRARY_SEARCH_SOURCES } from './search.ts';
import { toolApiRoutes } from './tool-api-routes.ts';
import { toolEditRoutes } from './tool-edit-routes.ts';
import { toolPageRoutes } from './tool-page-routes.ts';
import { toolRecordRoutes } from './tool-record-routes.ts';

export const libraryFeature: Feature = {
  name: 'library',
  settings: librarySettings,
  // one plugin a page group: the library's home, topics, authors and site search; an article and its workflow; writing an article; a guide; writing guides; feeds; shared tools: their pages, adding and editing one, what members record, the API (shared helpers in route-kit.ts and tool-routes.ts)
  routes: (ctx) => [
    libraryBrowseRoutes(ctx),
    libraryArticleRoutes(ctx),
    libraryArticleEditRoutes(ctx),
    libraryGuideRoutes(ctx),
    libraryGuideEditRoutes(ctx),
    libraryFeedRoutes(ctx),
    toolPageRoutes(ctx),
    toolEditRoutes(ctx),
    toolRecordRoutes(ctx),
    toolApiRoutes(ctx),
  ],
  api: { schemas: [Tool, ToolList], tags: [{ name: 'library', description: 'Shared tools and their federal-compatible terms-of-service agreements' }] },
  jobs: registerLibraryJobs,
  searchSources: LIBRARY_SEARCH_SOURCES,
};
