-- Events: summits, trainings, office hours, meetings and webinars, single or recurring (an
-- RFC 5545 RRULE), each with occurrences that carry their own registrations and recording.
-- Times are stored in UTC; time_zone (IANA) is the zone the event is held in.
create table events (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  -- the iCalendar UID: stable for the life of the event, so calendars update rather than duplicate
  uid text not null unique,
  -- iCalendar SEQUENCE: raised on every change registrants should see
  sequence integer not null default 0,
  kind text not null check (kind in ('summit', 'training', 'office-hours', 'meeting', 'webinar')),
  status text not null default 'draft' check (status in ('draft', 'published', 'cancelled')),
  title text not null,
  deck text,
  summary text,
  kicker text,
  body_md text not null default '',
  time_zone text not null,
  -- the first occurrence (DTSTART and DTEND of a series)
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  -- an RRULE value without "RRULE:" (e.g. FREQ=WEEKLY;BYDAY=WE); null for a one-time event
  rrule text,
  host text,
  organizer text,
  topics text[] not null default '{}',
  format text not null check (format in ('in-person', 'online', 'hybrid')),
  venue_name text,
  venue_room text,
  venue_address text,
  venue_city text,
  venue_state text,
  venue_zip text,
  venue_map text,
  platform text check (platform in ('zoom-gov', 'teams', 'youtube-live', 'other')),
  platform_other text,
  -- shown only to registrants (and organizers)
  join_url text,
  -- CART captions
  captions_url text,
  -- members: members of the event's communities; public: anyone, guests give name and e-mail;
  -- external: registration happens elsewhere (imported pages); none: no registration
  registration text not null default 'members' check (registration in ('members', 'public', 'external', 'none')),
  external_registration_url text,
  capacity integer check (capacity > 0),
  -- hours a person promoted from the waiting list has to confirm their seat
  offer_hours integer check (offer_hours between 1 and 720),
  conduct_url text,
  recorded boolean not null default false,
  evaluation_url text,
  -- custom questions: [{ id, label, required }]
  questions jsonb not null default '[]',
  source text not null default 'web' check (source in ('web', 'import', 'cli')),
  -- front matter keys socialgov does not use, kept from imports
  extra jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index events_starts on events (starts_at);

create table event_communities (
  event_id bigint not null references events (id) on delete cascade,
  community_id bigint not null references communities (id) on delete cascade,
  primary key (event_id, community_id)
);
create index event_communities_community on event_communities (community_id);

create table event_presenters (
  id bigint generated always as identity primary key,
  event_id bigint not null references events (id) on delete cascade,
  position smallint not null,
  member_id bigint references members (id) on delete set null,
  -- digital.gov author slug, for imported presenters
  author_slug text,
  name text not null,
  title text,
  agency text,
  unique (event_id, position)
);

create table event_occurrences (
  id bigint generated always as identity primary key,
  event_id bigint not null references events (id) on delete cascade,
  -- the start the rule gives (the iCalendar RECURRENCE-ID); starts_at differs when moved
  original_start timestamptz not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  -- skipped: planned gap (EXDATE); cancelled: called off, registrants told
  status text not null default 'scheduled' check (status in ('scheduled', 'skipped', 'cancelled')),
  note text,
  recording_url text,
  youtube_id text,
  recording_title text,
  transcript_md text,
  slides_url text,
  updated_at timestamptz not null default now(),
  unique (event_id, original_start)
);
create index event_occurrences_starts on event_occurrences (starts_at);

create table event_registrations (
  id bigint generated always as identity primary key,
  occurrence_id bigint not null references event_occurrences (id) on delete cascade,
  member_id bigint references members (id) on delete set null,
  -- one id shared by the rows of an "every session" registration to a series
  series_group uuid,
  name text not null,
  email text not null,
  agency text,
  -- offered: promoted from the waiting list, holding a seat until offer_expires_at
  status text not null check (status in ('registered', 'waitlisted', 'offered', 'cancelled', 'expired')),
  offer_expires_at timestamptz,
  needs_captions boolean not null default false,
  needs_asl boolean not null default false,
  accommodation_other text,
  recording_consent boolean not null default false,
  conduct_ack boolean not null default false,
  answers jsonb not null default '{}',
  attended boolean,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  cancelled_at timestamptz
);
create unique index event_registrations_once on event_registrations (occurrence_id, lower(email)) where status not in ('cancelled', 'expired');
create index event_registrations_queue on event_registrations (occurrence_id, status, created_at);
create index event_registrations_member on event_registrations (member_id);
create index event_registrations_group on event_registrations (series_group) where series_group is not null;
