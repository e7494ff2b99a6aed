/** The lists feature's public entry: what other features use of it. */
export { listAddresses } from './addresses.ts';
export { listByLocalPart, listByLocalPartSql, listHomePath, listOfRow, listOfGroup, listsOfCommunity, type List } from './store.ts';
export { listStanding } from './sub-lists.ts';
export { dnsResolver } from './authenticate.ts';
export type { ListContext } from './context.ts';
export { processIncoming } from './incoming.ts';
export { INCOMING_JOB, INCOMING_JOB_OPTIONS, type IncomingJob } from './mail-in.ts';
export {
  communityDeliveries,
  communityDelivery,
  groupDeliveries,
  groupDelivery,
  setCommunityDelivery,
  setGroupDelivery,
  startSubscription,
  type ListDelivery,
} from './subscriptions.ts';
