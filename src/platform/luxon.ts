/**
 * luxon, loaded as the job queue loads it. pg-boss's cron-parser `require`s luxon, which gives
 * the CommonJS build; an ES `import` gives the ES build, a second copy of the same library in
 * memory (its source, compiled code and formatter caches: about 1 MB of an idle process). Import
 * DateTime from here; the lint forbids importing it from 'luxon' (types excepted).
 */
import { createRequire } from 'node:module';

export const { DateTime } = createRequire(import.meta.url)('luxon') as typeof import('luxon');
export type DateTime<IsValid extends boolean = boolean> = import('luxon').DateTime<IsValid>;
