/** The lists feature: the listserv (mail in, posting rules, moderation, fan-out, digests, bounces) and its pages. */
import type { Feature } from '../platform/feature.ts';
import { listsSettings } from './settings.ts';
import { bounceRoutes } from './bounce-routes.ts';
import { registerListJobs, startListDelivery, startListMailIn } from './jobs.ts';
import { moderationRoutes } from './moderation-routes.ts';
import { listSettingsRoutes } from './settings-routes.ts';
import { unsubscribeRoutes } from './unsubscribe-routes.ts';

export const listsFeature: Feature = {
  name: 'lists',
  settings: listsSettings,
  // one plugin a page group: the moderation queue, list settings, unsubscribe links, bounce care
  routes: (ctx) => [moderationRoutes(ctx), listSettingsRoutes(ctx), unsubscribeRoutes(ctx), bounceRoutes(ctx)],
  jobs: registerListJobs,
  roles: { 'mail-in': [startListMailIn], worker: [startListDelivery] },
};
