/** The registry feature: official government accounts, apps and websites, their workflow, and the verification API. */
import type { Feature } from '../platform/feature.ts';
import { registrySettings } from './settings.ts';
import { registryApiRoutes } from './api-routes.ts';
import { registerRegistryJobs } from './jobs.ts';
import { registryBrowseRoutes } from './browse-routes.ts';
import { registryQueueRoutes } from './queue-routes.ts';
import { registryRecordFormRoutes } from './record-form-routes.ts';
import { registryRecordRoutes } from './record-routes.ts';
import { REGISTRY_SCHEMAS } from './schemas.ts';

export const registryFeature: Feature = {
  name: 'registry',
  settings: registrySettings,
  // the API (one plugin: its rate limit and key check cover every route), then one plugin a page group: home and verify, a record, the record form, the lists to act on (shared helpers in route-kit.ts)
  routes: (ctx) => [registryApiRoutes(ctx), registryBrowseRoutes(ctx), registryRecordRoutes(ctx), registryRecordFormRoutes(ctx), registryQueueRoutes(ctx)],
  api: { schemas: REGISTRY_SCHEMAS, tags: [{ name: 'registry', description: 'Official government social-media accounts, apps and websites; verification' }] },
  jobs: registerRegistryJobs,
};
