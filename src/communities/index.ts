/** The communities feature's public entry: what other features use of it. */
export type { FileProblem } from './community-file.ts';
export { joinSettings, listCommunities, type JoinSettings } from './store.ts';
