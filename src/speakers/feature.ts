/** The speakers feature: the speakers bureau (requests, speakers, expert consultations). */
import type { Feature } from '../platform/feature.ts';
import { registerSpeakersJobs } from './jobs.ts';
import { speakerRequestsSource } from './metrics.ts';
import { expertQuestionsData, speakerProfileData } from './my-data.ts';
import { speakersRoutes } from './routes.ts';

export const speakersFeature: Feature = {
  name: 'speakers',
  routes: (ctx) => [speakersRoutes(ctx)],
  jobs: registerSpeakersJobs,
  metricSources: [speakerRequestsSource],
  myDataSources: [speakerProfileData, expertQuestionsData],
};
