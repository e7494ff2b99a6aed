/**
 * The organizer's event form: raw form values to an EventInput, or errors keyed by field with
 * plain-language messages. Nothing typed is lost: the values go back into the form on error.
 */
import { DateTime } from '../platform/luxon.ts';
import {
  FORMATS,
  KINDS,
  PLATFORMS,
  REGISTRATION_MODES,
  SLUG,
  slugify,
  STATUSES,
  type EventInput,
  type Presenter,
  type Question,
  type StoredEvent,
} from './model.ts';
import { formatRule, parseRule, RuleError, WEEKDAYS } from './recurrence.ts';
import { isValidZone, localDate, localTime, parseLocal } from './time.ts';
import { knownZone } from './ics.ts';

export const REPEATS = ['none', 'weekly', 'biweekly', 'monthly-weekday', 'monthly-date', 'custom'] as const;
export type Repeat = (typeof REPEATS)[number];

export type EventFormValues = Record<string, string> & { communities?: string };

export const FORM_FIELDS = [
  'title',
  'slug',
  'kind',
  'status',
  'summary',
  'deck',
  'body',
  'timeZone',
  'date',
  'startTime',
  'endTime',
  'repeat',
  'until',
  'count',
  'rrule',
  'format',
  'venueName',
  'venueRoom',
  'venueAddress',
  'venueCity',
  'venueState',
  'venueZip',
  'venueMap',
  'platform',
  'platformOther',
  'joinUrl',
  'captionsUrl',
  'registration',
  'externalRegistrationUrl',
  'capacity',
  'offerHours',
  'conductUrl',
  'recorded',
  'evaluationUrl',
  'host',
  'organizer',
  'topics',
  'presenters',
  'questions',
] as const;

function httpsUrl(v: string): boolean {
  return /^https?:\/\/[^\s<>"]+$/i.test(v);
}

/** The repeat choice for a start: e.g. the 2nd Wednesday → BYDAY=2WE. */
function ruleFor(repeat: Repeat, start: DateTime): string | undefined {
  const wd = WEEKDAYS[start.weekday - 1]!;
  switch (repeat) {
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${wd}`;
    case 'biweekly':
      return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${wd}`;
    case 'monthly-weekday':
      return `FREQ=MONTHLY;BYDAY=${Math.ceil(start.day / 7) === 5 ? -1 : Math.ceil(start.day / 7)}${wd}`;
    case 'monthly-date':
      return `FREQ=MONTHLY;BYMONTHDAY=${start.day}`;
    default:
      return undefined;
  }
}

/** Parse the form. `communityIds` are the communities ticked (already checked against what the organizer coordinates). */
export function readEventForm(v: EventFormValues, communityIds: number[]): { ok: true; input: EventInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const get = (k: string) => (v[k] ?? '').trim();
  const title = get('title');
  if (!title) errors.title = 'Enter a title.';
  const slug = get('slug') || slugify(title);
  if (!SLUG.test(slug)) errors.slug = 'Use lower-case letters, digits and hyphens only, like weekly-office-hours.';
  const kind = get('kind');
  if (!(KINDS as readonly string[]).includes(kind)) errors.kind = 'Choose what kind of event this is.';
  const status = get('status') || 'draft';
  if (!(STATUSES as readonly string[]).includes(status)) errors.status = 'Choose draft, published or cancelled.';
  const zone = get('timeZone');
  if (!isValidZone(zone) || !knownZone(zone)) errors.timeZone = 'Choose a time zone from the list.';
  const date = get('date');
  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  if (!errors.timeZone) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !DateTime.fromISO(date).isValid) errors.date = 'Enter the date as year-month-day, like 2026-11-04.';
    else {
      startsAt = parseLocal(date, get('startTime'), zone);
      if (!startsAt) errors.startTime = 'Enter the start time as hours:minutes on a 24-hour clock, like 14:00 (a time clocks skip is not allowed).';
      endsAt = parseLocal(date, get('endTime'), zone);
      if (!endsAt) errors.endTime = 'Enter the end time as hours:minutes on a 24-hour clock, like 15:00.';
      else if (startsAt && endsAt <= startsAt) errors.endTime = 'The end time must be after the start time.';
    }
  }
  const repeat = (get('repeat') || 'none') as Repeat;
  let rrule: string | undefined;
  if (!(REPEATS as readonly string[]).includes(repeat)) errors.repeat = 'Choose how often the event repeats.';
  else if (repeat !== 'none' && startsAt && !errors.timeZone) {
    try {
      const base = repeat === 'custom' ? get('rrule') : ruleFor(repeat, DateTime.fromJSDate(startsAt, { zone }));
      if (!base) throw new RuleError('Write the repeat rule, like FREQ=WEEKLY;BYDAY=WE.');
      const rule = parseRule(base, zone);
      const until = get('until');
      const count = get('count');
      if (repeat !== 'custom') {
        if (until && count) errors.count = 'Give an end date or a number of sessions, not both.';
        else if (until) {
          const d = DateTime.fromISO(until, { zone });
          if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || !d.isValid) errors.until = 'Enter the last date as year-month-day, like 2027-06-30.';
          else if (d.endOf('day').toJSDate() < startsAt) errors.until = 'The last date must be on or after the first session.';
          else rule.until = d.endOf('day').toJSDate();
        } else if (count) {
          if (!/^\d{1,3}$/.test(count) || Number(count) < 1) errors.count = 'Enter a number of sessions from 1 to 999.';
          else rule.count = Number(count);
        }
      }
      rrule = formatRule(rule);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      errors[repeat === 'custom' ? 'rrule' : 'repeat'] = err.message;
    }
  }
  const format = get('format');
  if (!(FORMATS as readonly string[]).includes(format)) errors.format = 'Choose in person, online or hybrid.';
  if (format !== 'online' && format && !get('venueName') && !get('venueAddress'))
    errors.venueName = 'Enter where the event is held (a venue name or address), or choose online.';
  const platform = get('platform');
  if (platform && !(PLATFORMS as readonly string[]).includes(platform)) errors.platform = 'Choose a platform from the list.';
  for (const k of ['venueMap', 'joinUrl', 'captionsUrl', 'externalRegistrationUrl', 'conductUrl', 'evaluationUrl']) {
    if (get(k) && !httpsUrl(get(k))) errors[k] = 'Enter a full web address starting with https://';
  }
  const registration = get('registration') || 'members';
  if (!(REGISTRATION_MODES as readonly string[]).includes(registration)) errors.registration = 'Choose how people register.';
  if (registration === 'external' && !get('externalRegistrationUrl'))
    errors.externalRegistrationUrl = 'Enter the address of the registration page on the other website.';
  let capacity: number | undefined;
  if (get('capacity')) {
    if (!/^\d{1,6}$/.test(get('capacity')) || Number(get('capacity')) < 1)
      errors.capacity = 'Enter the number of seats as a whole number, or leave it empty for no limit.';
    else capacity = Number(get('capacity'));
  }
  let offerHours: number | undefined;
  if (get('offerHours')) {
    if (!/^\d{1,3}$/.test(get('offerHours')) || Number(get('offerHours')) < 1 || Number(get('offerHours')) > 720)
      errors.offerHours = 'Enter hours from 1 to 720, or leave it empty for the site default.';
    else offerHours = Number(get('offerHours'));
  }
  const presenters: Presenter[] = [];
  for (const [i, line] of get('presenters')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .entries()) {
    const [name, title2, agency, email] = line.split('|').map((x) => x.trim());
    if (!name) {
      errors.presenters = `Line ${i + 1}: start with the presenter’s name, like “Robin Park | Social media lead | GSA”.`;
      break;
    }
    if (email && !/^[^\s@|]+@[^\s@|]+\.[^\s@|]+$/.test(email)) {
      errors.presenters = `Line ${i + 1}: “${email}” is not an email address. Give a member’s address after the agency, or leave it out for a guest presenter.`;
      break;
    }
    presenters.push({ name, ...(title2 ? { title: title2 } : {}), ...(agency ? { agency } : {}), ...(email ? { email } : {}) });
  }
  const questions: Question[] = get('questions')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => ({
      id: `q${i + 1}`,
      label: l.replace(/^\*\s*/, '').slice(0, 300),
      required: l.startsWith('*'),
    }));
  if (!communityIds.length) errors.communities = 'Choose at least one community the event belongs to.';
  if (Object.keys(errors).length || !startsAt || !endsAt) return { ok: false, errors };
  const input: EventInput = {
    slug,
    kind: kind as EventInput['kind'],
    status: status as EventInput['status'],
    title,
    body: get('body'),
    timeZone: zone,
    startsAt,
    endsAt,
    topics: get('topics')
      .split(',')
      .map((t) => slugify(t.trim()))
      .filter((t) => t && t !== 'event'),
    format: format as EventInput['format'],
    venue: {},
    registration: registration as EventInput['registration'],
    recorded: get('recorded') === 'yes',
    questions,
    communityIds,
    presenters,
    extra: {},
  };
  const opt = <K extends keyof EventInput>(k: K, val: string) => {
    if (val) (input as unknown as Record<string, unknown>)[k] = val;
  };
  opt('summary', get('summary'));
  opt('deck', get('deck'));
  opt('host', get('host'));
  opt('organizer', get('organizer'));
  opt('joinUrl', get('joinUrl'));
  opt('captionsUrl', get('captionsUrl'));
  opt('externalRegistrationUrl', get('externalRegistrationUrl'));
  opt('conductUrl', get('conductUrl'));
  opt('evaluationUrl', get('evaluationUrl'));
  if (rrule) input.rrule = rrule;
  if (platform) input.platform = platform as EventInput['platform'];
  if (get('platformOther')) input.platformOther = get('platformOther');
  if (capacity) input.capacity = capacity;
  if (offerHours) input.offerHours = offerHours;
  const venue: Record<string, string> = {
    name: get('venueName'),
    room: get('venueRoom'),
    address: get('venueAddress'),
    city: get('venueCity'),
    state: get('venueState'),
    zip: get('venueZip'),
    map: get('venueMap'),
  };
  for (const [k, val] of Object.entries(venue)) if (val) (input.venue as Record<string, string>)[k] = val;
  return { ok: true, input };
}

/** A stored event as form values, for editing. */
export function formValuesOf(e: StoredEvent): EventFormValues {
  const rule = e.rrule ? parseRule(e.rrule, e.timeZone) : undefined;
  return {
    title: e.title,
    slug: e.slug,
    kind: e.kind,
    status: e.status,
    summary: e.summary ?? '',
    deck: e.deck ?? '',
    body: e.body,
    timeZone: e.timeZone,
    date: localDate(e.startsAt, e.timeZone),
    startTime: localTime(e.startsAt, e.timeZone),
    endTime: localTime(e.endsAt, e.timeZone),
    repeat: rule ? 'custom' : 'none',
    rrule: e.rrule ?? '',
    until: '',
    count: '',
    format: e.format,
    venueName: e.venue.name ?? '',
    venueRoom: e.venue.room ?? '',
    venueAddress: e.venue.address ?? '',
    venueCity: e.venue.city ?? '',
    venueState: e.venue.state ?? '',
    venueZip: e.venue.zip ?? '',
    venueMap: e.venue.map ?? '',
    platform: e.platform ?? '',
    platformOther: e.platformOther ?? '',
    joinUrl: e.joinUrl ?? '',
    captionsUrl: e.captionsUrl ?? '',
    registration: e.registration,
    externalRegistrationUrl: e.externalRegistrationUrl ?? '',
    capacity: e.capacity ? String(e.capacity) : '',
    offerHours: e.offerHours ? String(e.offerHours) : '',
    conductUrl: e.conductUrl ?? '',
    recorded: e.recorded ? 'yes' : '',
    evaluationUrl: e.evaluationUrl ?? '',
    host: e.host ?? '',
    organizer: e.organizer ?? '',
    topics: e.topics.join(', '),
    presenters: e.presenters.map((p) => [p.name, p.title ?? '', p.agency ?? '', p.email ?? ''].join(' | ').replace(/( \| )+$/, '')).join('\n'),
    questions: e.questions.map((q) => `${q.required ? '* ' : ''}${q.label}`).join('\n'),
  };
}
