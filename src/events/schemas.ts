/** JSON shapes of the events API; the single source for validation and the OpenAPI document. */
import { Type, type Static } from '@sinclair/typebox';
import { FORMATS, KINDS, PLATFORMS, REGISTRATION_MODES, STATUSES } from './model.ts';

const Str = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});
const lit = (values: readonly string[], description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );

export const EventOccurrence = Type.Object(
  {
    id: Type.Integer(),
    startsAt: Type.String({ format: 'date-time', description: 'UTC.' }),
    endsAt: Type.String({ format: 'date-time' }),
    originalStart: Type.String({
      format: 'date-time',
      description: 'The start the rule gave (iCalendar RECURRENCE-ID); differs from startsAt when the session was moved.',
    }),
    status: lit(['scheduled', 'skipped', 'cancelled']),
    recordingUrl: Str('Video of the session, once posted.'),
    recordingTitle: Str(),
    slidesUrl: Str(),
    hasTranscript: Type.Boolean(),
    url: Type.String({ format: 'uri' }),
  },
  { $id: 'EventOccurrence', title: 'Event session (occurrence)' },
);

export const EventSummary = Type.Object(
  {
    slug: Type.String({ examples: ['socialgov-office-hours'] }),
    title: Type.String(),
    kind: lit(KINDS),
    status: lit(STATUSES),
    summary: Str(),
    timeZone: Type.String({ description: 'IANA zone the event is held in.', examples: ['America/New_York'] }),
    startsAt: Type.String({ format: 'date-time', description: 'First session (UTC).' }),
    endsAt: Type.String({ format: 'date-time' }),
    rrule: Str('RFC 5545 RRULE for a series, e.g. FREQ=WEEKLY;BYDAY=WE.'),
    format: lit(FORMATS),
    topics: Type.Array(Type.String()),
    communities: Type.Array(Type.String({ description: 'Community slugs.' })),
    url: Type.String({ format: 'uri' }),
    calendarUrl: Type.String({ format: 'uri', description: 'iCalendar file of the event (series with its exceptions).' }),
  },
  { $id: 'EventSummary', title: 'Event (summary)' },
);

export const EventDetail = Type.Intersect(
  [
    Type.Ref(EventSummary),
    Type.Object({
      deck: Str(),
      body: Type.String({ description: 'Markdown.' }),
      host: Str(),
      organizer: Str(),
      venue: Type.Object({ name: Str(), room: Str(), address: Str(), city: Str(), state: Str(), zip: Str(), map: Str() }),
      platform: Type.Union([lit(PLATFORMS), Type.Null()]),
      captionsUrl: Str('Live captions (CART).'),
      registration: lit(REGISTRATION_MODES),
      externalRegistrationUrl: Str(),
      capacity: Type.Union([Type.Integer(), Type.Null()]),
      presenters: Type.Array(Type.Object({ name: Type.String(), title: Str(), agency: Str() })),
      occurrences: Type.Array(Type.Ref(EventOccurrence), { description: 'Sessions stored so far (a series: up to a year ahead).' }),
    }),
  ],
  { $id: 'EventDetail', title: 'Event' },
);

export const EventList = Type.Object(
  {
    total: Type.Integer({ minimum: 0, description: 'Every session the filters match, on all pages.' }),
    links: Type.Object({
      self: Type.String({ format: 'uri' }),
      next: Type.Union([Type.String({ format: 'uri' }), Type.Null()], { description: 'The next page, or null on the last.' }),
      prev: Type.Union([Type.String({ format: 'uri' }), Type.Null()], { description: 'The previous page, or null on the first.' }),
    }),
    data: Type.Array(Type.Object({ event: Type.Ref(EventSummary), occurrence: Type.Ref(EventOccurrence) })),
  },
  { $id: 'EventList', title: 'Event sessions' },
);

export const EventListQuery = Type.Object({
  community: Type.Optional(Type.String({ description: 'Community slug.' })),
  kind: Type.Optional(lit(KINDS)),
  topic: Type.Optional(Type.String()),
  format: Type.Optional(lit(FORMATS)),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions ending after this time (default: now).' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions starting before this time.' })),
  past: Type.Optional(Type.Boolean({ description: 'Sessions that have ended, newest first.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Sessions a page, at most 500.' })),
  offset: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Sessions to skip: the links give the next and previous pages.' }),
  ),
});

export type EventOccurrenceJson = Static<typeof EventOccurrence>;
export type EventSummaryJson = Static<typeof EventSummary>;
