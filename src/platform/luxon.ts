/**
 * luxon, from one place. pg-boss's cron-parser `require`s luxon, which gives its CommonJS build,
 * and an ES `import` gives its ES build: two copies of the same library (about 1 MB of an idle
 * process). The build (scripts/build.js) makes every use of luxon the CommonJS build, so the
 * program holds one; run from source (development), it holds both. Import DateTime from here;
 * the lint forbids importing it from 'luxon' (types excepted).
 */
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the one place luxon is imported (see above)
import * as luxon from 'luxon';

export const { DateTime } = luxon;
export type DateTime<IsValid extends boolean = boolean> = import('luxon').DateTime<IsValid>;
