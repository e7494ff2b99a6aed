/** The events feature's settings: when registrants are reminded, and how long a seat offered from the waiting list is held. */
import type { SettingGroup } from '../platform/config-settings.ts';
import { ConfigError, parsePositive } from '../platform/config-values.ts';

declare module '../platform/config.ts' {
  interface Config {
    /** Event reminders before each session, e.g. "1w,1d,1h". */
    eventReminders: string;
    /** Hours a person promoted from an event's waiting list has to confirm the seat (events may override). */
    eventOfferHours: number;
  }
}

export const eventsSettings: SettingGroup = {
  title: 'Events',
  settings: [
    {
      key: 'eventReminders',
      env: 'EVENT_REMINDERS',
      defaultText: '`1w,1d,1h`',
      description:
        'When registrants get event reminders: comma-separated times before the start, each a number and w (weeks), d (days), h (hours) or m (minutes); `none` for no reminders.',
      parse: (raw, env) => {
        const v = (raw ?? '1w,1d,1h').trim().toLowerCase();
        if (v === 'none') return '';
        for (const part of v.split(',').map((x) => x.trim())) {
          if (!/^\d{1,3}[wdhm]$/.test(part)) throw new ConfigError(env, `"${part}" is not a reminder time; write e.g. 1w,1d,1h (or none).`);
        }
        return v
          .split(',')
          .map((x) => x.trim())
          .join(',');
      },
    },
    {
      key: 'eventOfferHours',
      env: 'EVENT_OFFER_HOURS',
      defaultText: '`24`',
      description: 'Hours a person moved up from an event waiting list has to confirm the seat before it goes to the next person (an event can set its own).',
      parse: (raw, env) => (raw ? parsePositive(raw, env, 720) : 24),
    },
  ],
};
