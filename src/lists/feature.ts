/** The lists feature: the listserv (mail in, posting rules, moderation, fan-out, digests, bounces) and its pages. */
import type { Feature } from '../platform/feature.ts';
import { bounceRoutes } from './bounce-routes.ts';
import { registerListJobs, startListDelivery, startListMailIn } from './jobs.ts';
import { listRoutes } from './routes.ts';

export const listsFeature: Feature = {
  name: 'lists',
  routes: (ctx) => [listRoutes(ctx), bounceRoutes(ctx)],
  jobs: registerListJobs,
  roles: { 'mail-in': [startListMailIn], worker: [startListDelivery] },
};
