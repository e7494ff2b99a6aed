/** The events feature: events and sessions, registration, calendar feeds, the events API. */
import type { Feature } from '../platform/feature.ts';
import { eventAdminRoutes } from './admin-routes.ts';
import { upcomingEventsPanel } from './community-panel.tsx';
import { registerEventsJobs } from './jobs.ts';
import { eventRegistrationsData } from './my-data.ts';
import { EVENT_SCHEMAS, eventRoutes } from './routes.ts';
import { eventSearchSource } from './site-search.ts';

export const eventsFeature: Feature = {
  name: 'events',
  routes: (ctx) => [eventRoutes(ctx), eventAdminRoutes(ctx)],
  api: { schemas: EVENT_SCHEMAS, tags: [{ name: 'events', description: 'Events and their sessions (summits, trainings, office hours)' }] },
  jobs: registerEventsJobs,
  searchSources: [eventSearchSource],
  communityPanels: [upcomingEventsPanel],
  myDataSources: [eventRegistrationsData],
};
