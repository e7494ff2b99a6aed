/**
 * socialgov assembled: the platform with every feature installed (./features.ts). The command
 * line, the tests and the benchmarks start socialgov from here, never from src/platform alone.
 */
import './features.ts';

export { FEATURES } from './features.ts';
export { ALL_SETTINGS, FEATURE_SETTINGS, loadAppConfig } from './settings.ts';
export { startPlatform, PortInUseError, type RunningPlatform } from '../platform/app.ts';
export { buildServer, siteOf, type ServerOptions } from '../platform/http/server.ts';
export { registerAllJobs } from '../platform/jobs.ts';
