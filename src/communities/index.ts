/** The communities feature's public entry: what other features use of it. */
export type { FileProblem } from './community-file.ts';
export { joinSettings, type JoinSettings } from './join-settings.ts';
export { communityNames, type CommunityName } from './names.ts';
