/** The library's settings: when a published page's content lead is reminded to review it. */
import type { SettingGroup } from '../platform/config-settings.ts';
import { parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Months after which a published library page's content lead is reminded to review it. */
    libraryReviewMonths: number;
  }
}

export const librarySettings: SettingGroup = {
  title: 'Library',
  settings: [
    {
      key: 'libraryReviewMonths',
      env: 'LIBRARY_REVIEW_MONTHS',
      defaultText: '`12`',
      description: 'Months after a library page was last reviewed before its content lead gets a reminder to review it.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 120) : 12),
    },
  ],
};
