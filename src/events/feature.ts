/** The events feature: events and sessions, registration, calendar feeds, the events API. */
import type { Feature } from '../platform/feature.ts';
import { eventsSettings } from './settings.ts';
import { eventApiRoutes } from './api-routes.ts';
import { eventFormRoutes } from './event-form-routes.ts';
import { upcomingEventsPanel } from './community-panel.tsx';
import { eventFeedRoutes } from './feed-routes.ts';
import { guestConfirmRoutes } from './guest-confirm-routes.ts';
import { registerEventsJobs } from './jobs.ts';
import { eventRegistrationsData } from './my-data.ts';
import { eventRegistrantRoutes } from './registrant-routes.ts';
import { eventPageRoutes } from './page-routes.ts';
import { EVENT_SCHEMAS } from './route-kit.ts';
import { eventSessionRoutes } from './session-routes.ts';
import { eventRegisterRoutes } from './register-routes.ts';
import { eventRegistrationRoutes } from './registration-routes.ts';
import { eventSearchSource } from './site-search.ts';

export const eventsFeature: Feature = {
  name: 'events',
  settings: eventsSettings,
  // one plugin a page group: the public pages, registering, a guest's confirmation, a registration's own page, feeds, the API, the organizers' (the form, sessions, registrants)
  routes: (ctx) => [
    eventPageRoutes(ctx),
    eventRegisterRoutes(ctx),
    guestConfirmRoutes(ctx),
    eventRegistrationRoutes(ctx),
    eventFeedRoutes(ctx),
    eventApiRoutes(ctx),
    eventFormRoutes(ctx),
    eventSessionRoutes(ctx),
    eventRegistrantRoutes(ctx),
  ],
  api: { schemas: EVENT_SCHEMAS, tags: [{ name: 'events', description: 'Events and their sessions (summits, trainings, office hours)' }] },
  jobs: registerEventsJobs,
  searchSources: [eventSearchSource],
  communityPanels: [upcomingEventsPanel],
  myDataSources: [eventRegistrationsData],
};
