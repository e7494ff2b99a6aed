/** The metrics feature's public entry: what other features use of it. */
export { listTraffic } from './figures.ts';
export type { MetricSource } from './sources.ts';
