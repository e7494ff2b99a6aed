/** The membership feature's public entry: what other features use of it. */
export { canonicalAddress, normaliseDomain, parseAddress } from './address.ts';
export { awaitingApproval } from './approvals.ts';
export { memberCounts, memberCountsByAgency, memberCountsByLevel, MEMBERSHIP_LEVEL_SQL, type AgencyCount, type LevelCount } from './counts.ts';
export { registryCandidates } from './eligibility.ts';
export { agencyOfDomain, registryView, type DomainAgency } from './gov-registry.ts';
export { confirmJoin, requestToJoin } from './join.ts';
export {
  canCoordinate, changeMembership, coordinatorAddresses, DELIVERY_MODES, findMember, findMemberByEmail, membershipIn, membershipsOf, type DeliveryMode,
} from './members.ts';
export { DELIVERY_TEXT } from './views.tsx';
