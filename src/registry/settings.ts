/** The registry's settings: when records go back for review, how often their contacts are reminded, the API's rate limit. */
import type { SettingGroup } from '../platform/config-settings.ts';
import { parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Months after its last review that a published record is due for review again. */
    registryReviewMonths: number;
    /** Days between reminders to a record's contacts while its review is due. */
    registryReminderDays: number;
    /** Registry API: requests per minute per IP address without an API key. */
    registryRateLimit: number;
  }
}

export const registrySettings: SettingGroup = {
  title: 'Registry',
  settings: [
    {
      key: 'registryReviewMonths',
      env: 'REGISTRY_REVIEW_MONTHS',
      defaultText: '`6`',
      description: 'Registry: months after its last review that a published account, app or website goes back to the reviewers and its contacts are reminded.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 120) : 6),
    },
    {
      key: 'registryReminderDays',
      env: 'REGISTRY_REMINDER_DAYS',
      defaultText: '`30`',
      description: 'Registry: days between reminders to the contacts of a record whose review is due.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 365) : 30),
    },
    {
      key: 'registryRateLimit',
      env: 'REGISTRY_RATE_LIMIT',
      defaultText: '`300`',
      description:
        'Registry API: requests per minute from one IP address without an API key (each web process counts separately). API keys have their own limits.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 10_000_000) : 300),
    },
  ],
};
