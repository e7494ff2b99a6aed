/** The speakers bureau's settings: when a proposed speaker is reminded, and the request form's guard against automated sending. */
import type { SettingGroup } from '../platform/config-settings.ts';
import { parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Days a proposed speaker has to answer before one reminder. */
    speakerReminderDays: number;
    /** Seconds a person needs at least to fill in the request form. */
    speakerRequestMinSeconds: number;
  }
}

export const speakersSettings: SettingGroup = {
  title: 'Speakers bureau',
  settings: [
    {
      key: 'speakerReminderDays',
      env: 'SPEAKER_REMINDER_DAYS',
      defaultText: '`5`',
      description: 'Speakers bureau: days a proposed speaker has to accept or decline before they get one reminder.',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 90) : 5),
    },
    {
      key: 'speakerRequestMinSeconds',
      env: 'SPEAKER_REQUEST_MIN_SECONDS',
      defaultText: '`5`',
      description:
        'Speakers bureau: a request form sent back sooner than this many seconds after it was shown is refused as automated (the visitor is asked to send it again).',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 600) : 5),
    },
  ],
};
