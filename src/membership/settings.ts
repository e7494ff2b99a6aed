/** The membership feature's settings: who may join without approval, and how long join links, sign-in links and sessions last. */
import type { SettingGroup } from '../platform/config-settings.ts';
import { parseDomainList, parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Operator allow-list: domains whose addresses are eligible (exact, or *.suffix). */
    eligibleDomains: string[];
    /** Operator deny-list: domains whose addresses are never eligible. */
    blockedDomains: string[];
    /** Hours a join confirmation link stays valid. */
    joinLinkHours: number;
    /** Minutes a sign-in link stays valid. */
    signInLinkMinutes: number;
    /** Days a signed-in session lasts without use. */
    sessionDays: number;
  }
}

export const membershipSettings: SettingGroup = {
  title: 'Membership',
  settings: [
    {
      key: 'eligibleDomains',
      env: 'ELIGIBLE_DOMAINS',
      defaultText: '(none)',
      description:
        'Allow-list: comma-separated domains whose addresses may join without approval besides .gov and .mil, exact (`si.edu`) or `*.suffix` (`*.state.ny.us`).',
      parse: (raw, env) => parseDomainList(raw, env),
    },
    {
      key: 'blockedDomains',
      env: 'BLOCKED_DOMAINS',
      defaultText: '(none)',
      description: 'Deny-list: comma-separated domains whose addresses may never join, same forms as ELIGIBLE_DOMAINS.',
      parse: (raw, env) => parseDomainList(raw, env),
    },
    {
      key: 'joinLinkHours',
      env: 'JOIN_LINK_HOURS',
      defaultText: '`48`',
      description: 'Hours a join confirmation link stays valid.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 24 * 30) : 48),
    },
    {
      key: 'signInLinkMinutes',
      env: 'SIGNIN_LINK_MINUTES',
      defaultText: '`30`',
      description: 'Minutes a sign-in link stays valid.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 24 * 60) : 30),
    },
    {
      key: 'sessionDays',
      env: 'SESSION_DAYS',
      defaultText: '`14`',
      description: 'Days a sign-in lasts without use.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 365) : 14),
    },
  ],
};
