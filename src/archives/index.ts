/** The archives feature's public entry: what other features use of it. */
export { archiveAccess, archiveLinkFor } from './access.ts';
export { membersMutingPost, mutedPostNumbers, mutesSettledThrough, threadMutesReady } from './mutes.ts';
