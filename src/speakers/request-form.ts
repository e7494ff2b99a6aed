/** The public speaker request form: its fields, and turning what was typed into a request or field errors. */
import { COMMON_ZONES, isValidZone, parseLocal } from '../events/index.ts';
import { nameProblem } from '../platform/text.ts';

export const FORMATS = ['keynote', 'panel', 'workshop', 'consultation'] as const;
export type SpeakerFormat = (typeof FORMATS)[number];
export const FORMAT_TEXT: Record<SpeakerFormat, string> = { keynote: 'Keynote', panel: 'Panel', workshop: 'Workshop', consultation: 'Consultation' };

export const REQUEST_FIELDS = [
  'requesterName',
  'organization',
  'email',
  'eventName',
  'date',
  'startTime',
  'endTime',
  'timeZone',
  'where',
  'location',
  'audience',
  'audienceSize',
  'topic',
  'format',
  'press',
  'preferredSpeaker',
  'notes',
] as const;
export type RequestFormValues = Partial<Record<(typeof REQUEST_FIELDS)[number], string>>;

export interface RequestInput {
  requesterName: string;
  organization: string;
  email: string;
  eventName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  online: boolean;
  location: string | null;
  audience: string;
  audienceSize: number | null;
  topic: string;
  format: SpeakerFormat;
  press: boolean;
  preferredSpeakerId: number | null;
  notes: string | null;
}

export function isFormat(v: string): v is SpeakerFormat {
  return (FORMATS as readonly string[]).includes(v);
}

export function readRequestForm(v: RequestFormValues, now: Date): { ok: true; input: RequestInput } | { ok: false; errors: Record<string, string> } {
  const get = (k: (typeof REQUEST_FIELDS)[number]) => (v[k] ?? '').trim();
  const errors: Record<string, string> = {};
  if (!get('requesterName')) errors.requesterName = 'Enter your full name.';
  else if (nameProblem(get('requesterName'))) errors.requesterName = nameProblem(get('requesterName'))!;
  if (!get('organization')) errors.organization = 'Enter the name of your organization or agency.';
  const email = get('email');
  if (!email) errors.email = 'Enter your email address, so we can tell you about your request.';
  // Requesters need not work for government: only the form of the address is checked.
  else if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) errors.email = 'Enter an email address like name@example.org.';
  if (!get('eventName')) errors.eventName = 'Enter the name of your event.';
  const zone = get('timeZone');
  if (!isValidZone(zone) || !COMMON_ZONES.includes(zone)) errors.timeZone = 'Choose the time zone of your event from the list.';
  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(get('date'))) errors.date = 'Enter the date of your event as year-month-day, for example 2027-04-15.';
  else if (!errors.timeZone) {
    startsAt = parseLocal(get('date'), get('startTime'), zone);
    if (!startsAt) errors.startTime = 'Enter the start time as hours and minutes, for example 14:00 for 2 p.m.';
    else if (startsAt.getTime() < now.getTime()) errors.date = 'The date is in the past. Enter the date your event will take place.';
    if (startsAt) {
      if (get('endTime')) {
        endsAt = parseLocal(get('date'), get('endTime'), zone);
        if (!endsAt) errors.endTime = 'Enter the end time as hours and minutes, for example 15:00 for 3 p.m., or leave it empty.';
        else if (endsAt <= startsAt) errors.endTime = 'The end time must be after the start time.';
      } else endsAt = new Date(startsAt.getTime() + 60 * 60 * 1000);
    }
  }
  const where = get('where');
  if (where !== 'online' && where !== 'in-person') errors.where = 'Say whether your event is online or in person.';
  const location = get('location');
  if (where === 'in-person' && !location) errors.location = 'Enter where your event takes place (venue and city).';
  if (!get('audience')) errors.audience = 'Describe your audience, for example “state communicators” or “students”.';
  const sizeText = get('audienceSize');
  let audienceSize: number | null = null;
  if (sizeText) {
    if (!/^\d{1,7}$/.test(sizeText.replace(/,/g, ''))) errors.audienceSize = 'Enter the number of people you expect, for example 150, or leave it empty.';
    else audienceSize = Number(sizeText.replace(/,/g, ''));
  }
  if (!get('topic')) errors.topic = 'Enter the topic you would like the speaker to cover.';
  const format = get('format');
  if (!isFormat(format)) errors.format = 'Choose a format: keynote, panel, workshop or consultation.';
  const press = get('press');
  if (press !== 'yes' && press !== 'no') errors.press = 'Say whether press will attend. Speakers need to know to clear it with their press office.';
  const preferred = get('preferredSpeaker');
  if (preferred && !/^\d{1,12}$/.test(preferred)) errors.preferredSpeaker = 'Choose a speaker from the list, or “no preference”.';
  if (Object.keys(errors).length || !startsAt || !endsAt) return { ok: false, errors };
  return {
    ok: true,
    input: {
      requesterName: get('requesterName'),
      organization: get('organization'),
      email,
      eventName: get('eventName'),
      startsAt,
      endsAt,
      timeZone: zone,
      online: where === 'online',
      location: location || null,
      audience: get('audience'),
      audienceSize,
      topic: get('topic'),
      format: format as SpeakerFormat,
      press: press === 'yes',
      preferredSpeakerId: preferred ? Number(preferred) : null,
      notes: get('notes') || null,
    },
  };
}
