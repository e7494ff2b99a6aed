/** What an event is: the kinds, formats and fields organizers fill in, and their plain-language names. */

export const KINDS = ['summit', 'training', 'office-hours', 'meeting', 'webinar'] as const;
export const FORMATS = ['in-person', 'online', 'hybrid'] as const;
export const PLATFORMS = ['zoom-gov', 'teams', 'youtube-live', 'other'] as const;
export const STATUSES = ['draft', 'published', 'cancelled'] as const;
export const REGISTRATION_MODES = ['members', 'public', 'external', 'none'] as const;

export type EventKind = (typeof KINDS)[number];
export type EventFormat = (typeof FORMATS)[number];
export type OnlinePlatform = (typeof PLATFORMS)[number];
export type EventStatus = (typeof STATUSES)[number];
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export const KIND_TEXT: Record<EventKind, string> = {
  summit: 'Summit',
  training: 'Training',
  'office-hours': 'Office hours',
  meeting: 'Meeting',
  webinar: 'Webinar',
};
export const FORMAT_TEXT: Record<EventFormat, string> = { 'in-person': 'In person', online: 'Online', hybrid: 'Hybrid (in person and online)' };
export const PLATFORM_TEXT: Record<OnlinePlatform, string> = {
  'zoom-gov': 'Zoom for Government',
  teams: 'Microsoft Teams',
  'youtube-live': 'YouTube Live',
  other: 'Other',
};
export const REGISTRATION_TEXT: Record<RegistrationMode, string> = {
  members: 'Members of the community register here',
  public: 'Anyone may register here (guests give name and email)',
  external: 'Registration is on another website',
  none: 'No registration needed',
};

export interface Venue {
  name?: string;
  room?: string;
  address?: string;
  city?: string;
  state?: string;
  zip?: string;
  map?: string;
}

export interface Presenter {
  /** A member of the site, when the presenter is one. */
  memberId?: number;
  /** The member's address: how the organizer form names a member presenter. */
  email?: string;
  /** A digital.gov author slug, for imported presenters. */
  authorSlug?: string;
  name: string;
  title?: string;
  agency?: string;
}

export interface Question {
  id: string;
  label: string;
  required: boolean;
}

export interface Recording {
  url?: string;
  youtubeId?: string;
  title?: string;
  transcript?: string;
  slidesUrl?: string;
}

/** Everything an organizer (or an import) gives to create or change an event. */
export interface EventInput {
  slug: string;
  kind: EventKind;
  status: EventStatus;
  title: string;
  deck?: string;
  summary?: string;
  kicker?: string;
  /** Markdown: agenda, links to slides. */
  body: string;
  /** IANA zone the event is held in. */
  timeZone: string;
  /** First session (a series' DTSTART), UTC. */
  startsAt: Date;
  endsAt: Date;
  /** RRULE value for a series; absent for a one-time event. */
  rrule?: string;
  host?: string;
  organizer?: string;
  topics: string[];
  format: EventFormat;
  venue: Venue;
  platform?: OnlinePlatform;
  platformOther?: string;
  joinUrl?: string;
  captionsUrl?: string;
  registration: RegistrationMode;
  externalRegistrationUrl?: string;
  capacity?: number;
  offerHours?: number;
  conductUrl?: string;
  recorded: boolean;
  evaluationUrl?: string;
  questions: Question[];
  communityIds: number[];
  /** A working group's meeting: the group (src/groups). Left out when saving, the link stays as it was. */
  groupId?: number;
  presenters: Presenter[];
  /** For one-time events (imports): the recording of the session. */
  recording?: Recording;
  extra: Record<string, unknown>;
}

export interface StoredEvent extends EventInput {
  id: number;
  uid: string;
  sequence: number;
  source: 'web' | 'import' | 'cli';
  communities: Array<{ id: number; slug: string; title: string }>;
  /** The working group whose meeting this is. */
  group?: { id: number; slug: string; name: string; communitySlug: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface Occurrence {
  id: number;
  eventId: number;
  originalStart: Date;
  startsAt: Date;
  endsAt: Date;
  status: 'scheduled' | 'skipped' | 'cancelled';
  note?: string;
  recording: Recording;
}

export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A one-line place for the event, e.g. "GSA, Room 1461, 1800 F Street NW, Washington, D.C. 20405". */
export function venueLine(v: Venue): string {
  const cityLine = [v.city, [v.state, v.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [v.name, v.room ? `Room ${v.room}` : '', v.address, cityLine].filter(Boolean).join(', ');
}

export function hasRecording(r: Recording): boolean {
  return Boolean(r.url || r.youtubeId);
}

export function recordingUrl(r: Recording): string | undefined {
  return r.url ?? (r.youtubeId ? `https://www.youtube.com/watch?v=${encodeURIComponent(r.youtubeId)}` : undefined);
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'event'
  );
}
