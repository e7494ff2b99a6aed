/** The lists feature's public entry: what other features use of it. */
export { listAddresses } from './addresses.ts';
export { listByLocalPart, listHomePath, listOfGroup, listsOfCommunity, type List } from './store.ts';
export { listStanding } from './sub-lists.ts';
