/** Reading iCalendar text with ical.js, an independent implementation, to check what socialgov writes. */
import ICAL from 'ical.js';

/** Every start ical.js finds in `text` (the series' master with its exceptions) up to `until`. */
export function icalStarts(text: string, until: Date): Date[] {
  const comp = new ICAL.Component(ICAL.parse(text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevents = comp.getAllSubcomponents('vevent');
  const out: Date[] = [];
  for (const master of vevents.filter((v) => !v.hasProperty('recurrence-id'))) {
    const event = new ICAL.Event(master, { strictExceptions: true });
    const uid = master.getFirstPropertyValue('uid');
    for (const ex of vevents.filter((v) => v.hasProperty('recurrence-id') && v.getFirstPropertyValue('uid') === uid)) event.relateException(ex);
    const it = event.iterator();
    for (let next = it.next(); next && next.toJSDate() <= until; next = it.next()) {
      out.push(event.getOccurrenceDetails(next).startDate.toJSDate());
      if (out.length > 500) break;
    }
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

/** Content lines with folding undone (RFC 5545 3.1). */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}
