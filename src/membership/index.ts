/** The membership feature's public entry: what other features use of it. */
export { canonicalAddress, normaliseDomain, parseAddress } from './address.ts';
export { awaitingApproval } from './approvals.ts';
export { memberCounts, memberCountsByAgency, memberCountsByLevel, MEMBERSHIP_LEVEL_SQL, type AgencyCount, type LevelCount } from './counts.ts';
export { registryCandidates } from './eligibility.ts';
export { agencyOfDomain, registryView, type DomainAgency } from './gov-registry.ts';
export { confirmJoin, requestToJoin } from './join.ts';
export {
  canCoordinate,
  changeMembership,
  coordinatesAny,
  coordinatorAddresses,
  DELIVERY_MODES,
  findMember,
  findMemberByEmail,
  isActiveIn,
  membershipIn,
  membershipsOf,
  standingIn,
  type DeliveryMode,
  type MemberRef,
} from './members.ts';
export type { SessionMember, Standing } from './sessions.ts';
export { DELIVERY_TEXT } from './views.tsx';
export { ConfirmButtonPage } from './views.tsx';
