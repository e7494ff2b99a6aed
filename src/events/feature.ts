/** The events feature: events and sessions, registration, calendar feeds, the events API. */
import type { Feature } from '../platform/feature.ts';
import { eventAdminRoutes } from './admin-routes.ts';
import { eventApiRoutes } from './api-routes.ts';
import { upcomingEventsPanel } from './community-panel.tsx';
import { eventFeedRoutes } from './feed-routes.ts';
import { registerEventsJobs } from './jobs.ts';
import { eventRegistrationsData } from './my-data.ts';
import { eventPageRoutes } from './page-routes.ts';
import { EVENT_SCHEMAS } from './route-kit.ts';
import { eventRegisterRoutes } from './register-routes.ts';
import { eventRegistrationRoutes } from './registration-routes.ts';
import { eventSearchSource } from './site-search.ts';

export const eventsFeature: Feature = {
  name: 'events',
  // one plugin a page group: the public pages, registering, a registration's own pages, feeds, the API, the organizers' pages
  routes: (ctx) => [eventPageRoutes(ctx), eventRegisterRoutes(ctx), eventRegistrationRoutes(ctx), eventFeedRoutes(ctx), eventApiRoutes(ctx), eventAdminRoutes(ctx)],
  api: { schemas: EVENT_SCHEMAS, tags: [{ name: 'events', description: 'Events and their sessions (summits, trainings, office hours)' }] },
  jobs: registerEventsJobs,
  searchSources: [eventSearchSource],
  communityPanels: [upcomingEventsPanel],
  myDataSources: [eventRegistrationsData],
};
