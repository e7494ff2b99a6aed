/** The registry feature: official government accounts, apps and websites, their workflow, and the verification API. */
import type { Feature } from '../platform/feature.ts';
import { registryApiRoutes } from './api-routes.ts';
import { registerRegistryJobs } from './jobs.ts';
import { registryRoutes } from './routes.ts';
import { REGISTRY_SCHEMAS } from './schemas.ts';

export const registryFeature: Feature = {
  name: 'registry',
  routes: (ctx) => [registryApiRoutes(ctx), registryRoutes(ctx)],
  api: { schemas: REGISTRY_SCHEMAS, tags: [{ name: 'registry', description: 'Official government social-media accounts, apps and websites; verification' }] },
  jobs: registerRegistryJobs,
};
