/**
 * The composition root: every feature of socialgov, in order, installed into the platform.
 * Adding a feature is one line here and one descriptor in src/<feature>/feature.ts.
 *
 * The order is the order of their routes, jobs and roles, and of what they add to other
 * features' pages: the site-search filter (communities, events, the library's kinds, archives),
 * the metrics dashboard's tables (metrics' own, then speaker requests) and the parts of
 * "Download my data" (working groups, events, archives' muted threads and files kept for web
 * posts, speakers).
 */
import { installFeatures, type Feature } from '../platform/feature.ts';
import { archivesFeature } from '../archives/feature.ts';
import { communitiesFeature } from '../communities/feature.ts';
import { eventsFeature } from '../events/feature.ts';
import { groupsFeature } from '../groups/feature.ts';
import { libraryFeature } from '../library/feature.ts';
import { listsFeature } from '../lists/feature.ts';
import { membershipFeature } from '../membership/feature.ts';
import { metricsFeature } from '../metrics/feature.ts';
import { registryFeature } from '../registry/feature.ts';
import { speakersFeature } from '../speakers/feature.ts';

export const FEATURES: readonly Feature[] = [
  communitiesFeature,
  membershipFeature,
  groupsFeature,
  eventsFeature,
  libraryFeature,
  listsFeature,
  registryFeature,
  archivesFeature,
  metricsFeature,
  speakersFeature,
];

installFeatures(FEATURES);
