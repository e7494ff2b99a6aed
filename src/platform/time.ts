/**
 * Time-zone abbreviations ("EDT", "Eastern Daylight Time") for people, remembered per zone and
 * offset: luxon's `ZZZZ` and `ZZZZZ` tokens build a new Intl.DateTimeFormat on every call (about
 * 3 ms each), which made an archive page with many dates spend most of its time naming zones.
 */
import type { DateTime } from 'luxon';

const names = new Map<string, string>();

/** The zone's name at that moment: `short` "EDT", `long` "Eastern Daylight Time" (the locale's). */
export function zoneAbbreviation(d: DateTime, style: 'short' | 'long' = 'short'): string {
  // One zone at one offset has one name (EST and EDT differ in offset); a name that changed with
  // history at the same offset is not shown by any page here.
  const key = `${d.zoneName}|${d.offset}|${d.locale}|${style}`;
  let name = names.get(key);
  if (name === undefined) {
    name = d.toFormat(style === 'short' ? 'ZZZZ' : 'ZZZZZ');
    if (names.size > 5000) names.clear();
    names.set(key, name);
  }
  return name;
}

/**
 * Formatted times, remembered: pages format the same times (event sessions, archive posts,
 * months) for every request, and luxon's formatting (zone offsets, names, token parsing) was the
 * largest part of making those pages. `key` must hold everything the text depends on. Bounded:
 * when full, it starts again.
 */
const formatted = new Map<string, string>();
const MAX_FORMATTED = 20_000;
export function rememberedFormat(key: string, format: () => string): string {
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    text = format();
    formatted.set(key, text);
  }
  return text;
}
