/** The speakers feature: the speakers bureau (requests, speakers, expert consultations). */
import type { Feature } from '../platform/feature.ts';
import { speakersSettings } from './settings.ts';
import { consultationRoutes } from './consultation-routes.ts';
import { speakerCoordinatorRoutes } from './coordinator-routes.ts';
import { speakerDirectoryRoutes } from './directory-routes.ts';
import { registerSpeakersJobs } from './jobs.ts';
import { speakerRequestsSource } from './metrics.ts';
import { expertQuestionsData, speakerProfileData } from './my-data.ts';
import { speakerProfileRoutes } from './profile-routes.ts';
import { speakerRequestRoutes } from './request-routes.ts';

export const speakersFeature: Feature = {
  name: 'speakers',
  settings: speakersSettings,
  // one plugin a page group: the directory, asking for a speaker, a member's profile, the coordinators' queue, consultations
  routes: (ctx) => [speakerDirectoryRoutes(ctx), speakerRequestRoutes(ctx), speakerProfileRoutes(ctx), speakerCoordinatorRoutes(ctx), consultationRoutes(ctx)],
  jobs: registerSpeakersJobs,
  metricSources: [speakerRequestsSource],
  myDataSources: [speakerProfileData, expertQuestionsData],
};
