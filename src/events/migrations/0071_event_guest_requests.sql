-- Guests (visitors who are not signed in) ask to register; nothing is registered, no seat is
-- held and no calendar invitation is sent until they open the single-use link mailed to the
-- address they typed. A confirmed request becomes an event_registrations row.
create table event_registration_requests (
  id bigint generated always as identity primary key,
  occurrence_id bigint not null references event_occurrences (id) on delete cascade,
  name text not null,
  email text not null,
  agency text,
  every_session boolean not null default false,
  -- accommodations, consents and answers as typed (RegistrationDetails)
  details jsonb not null,
  -- SHA-256 of the link's token; a repeated request replaces it, so only the newest link works
  token_hash text not null unique,
  -- the link works until then (a query-time rule: nothing needs to run for a request to expire)
  expires_at timestamptz not null,
  -- confirmation mails sent for this request (each repeat mails a new link)
  sends integer not null default 1,
  ip text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  confirmed_at timestamptz,
  registration_id bigint references event_registrations (id) on delete set null
);
-- One open request per address and session: asking again updates it instead of adding one.
create unique index event_registration_requests_open on event_registration_requests (occurrence_id, lower(email)) where confirmed_at is null;
create index event_registration_requests_expires on event_registration_requests (expires_at);
