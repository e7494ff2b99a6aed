/** The library feature: articles, guides, topics, shared tools and their API, feeds, and the site search page. */
import type { Feature } from '../platform/feature.ts';
import { registerLibraryJobs } from './jobs.ts';
import { libraryRoutes } from './routes.ts';
import { Tool, ToolList } from './schemas.ts';
import { LIBRARY_SEARCH_SOURCES } from './search.ts';
import { toolRoutes } from './tool-routes.ts';

export const libraryFeature: Feature = {
  name: 'library',
  routes: (ctx) => [libraryRoutes(ctx), toolRoutes(ctx)],
  api: { schemas: [Tool, ToolList], tags: [{ name: 'library', description: 'Shared tools and their federal-compatible terms-of-service agreements' }] },
  jobs: registerLibraryJobs,
  searchSources: LIBRARY_SEARCH_SOURCES,
};
