/** The metrics feature: the nightly roll-up of daily figures and the dashboard. */
import type { Feature } from '../platform/feature.ts';
import { registerMetricsJobs } from './jobs.ts';
import { metricsRoutes } from './routes.ts';
import { METRICS_OWN_SOURCES } from './sources.ts';

export const metricsFeature: Feature = {
  name: 'metrics',
  routes: (ctx) => [metricsRoutes(ctx)],
  jobs: registerMetricsJobs,
  metricSources: METRICS_OWN_SOURCES,
};
