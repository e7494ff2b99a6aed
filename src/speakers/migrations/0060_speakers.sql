-- Speakers bureau and expert consultations. A speaker is a member who opted in; their topics,
-- bio and "public profile" are the member profile's expertise, bio and bio_public. Requests and
-- consultations move through a workflow; every step is kept in a history table (who, when).

create table speakers (
  member_id bigint primary key references members (id) on delete cascade,
  -- keynote, panel, workshop, consultation
  formats text[] not null default '{}',
  availability text,
  -- false: opted out again (the row keeps their formats for when they come back)
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table speaker_requests (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  status text not null default 'new'
    check (status in ('new', 'in_review', 'matched', 'accepted', 'declined', 'confirmed', 'completed', 'withdrawn')),
  requester_name text not null,
  organization text not null,
  requester_email text not null,
  event_name text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  time_zone text not null,
  online boolean not null,
  location text,
  audience text not null,
  audience_size integer,
  topic text not null,
  format text not null check (format in ('keynote', 'panel', 'workshop', 'consultation')),
  press boolean not null,
  preferred_speaker_id bigint references members (id) on delete set null,
  notes text,
  -- the speaker proposed now (or last); proposal_no counts proposals, so a reminder knows its own
  speaker_id bigint references members (id) on delete set null,
  proposal_no integer not null default 0,
  proposed_at timestamptz,
  reminder_sent_at timestamptz,
  -- the speaker's word that their supervisor and press office approved the invitation
  approval_obtained boolean not null default false,
  approval_note text,
  event_id bigint references events (id) on delete set null,
  ip text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index speaker_requests_community on speaker_requests (community_id, status);
create index speaker_requests_speaker on speaker_requests (speaker_id) where speaker_id is not null;

create table speaker_request_history (
  id bigint generated always as identity primary key,
  request_id bigint not null references speaker_requests (id) on delete cascade,
  from_status text,
  to_status text not null,
  -- coordinator, speaker, requester or system
  actor_role text not null,
  actor text not null,
  actor_member_id bigint references members (id) on delete set null,
  speaker_id bigint references members (id) on delete set null,
  note text,
  at timestamptz not null default now()
);
create index speaker_request_history_request on speaker_request_history (request_id, at);

create table consultations (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  asker_id bigint not null references members (id) on delete cascade,
  topic text not null,
  question text not null,
  status text not null default 'open' check (status in ('open', 'taken', 'answered', 'closed')),
  expert_id bigint references members (id) on delete set null,
  answer text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index consultations_asker on consultations (asker_id);

-- the experts a consultation was routed to: they (and coordinators, and the asker) may read it
create table consultation_experts (
  consultation_id bigint not null references consultations (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  primary key (consultation_id, member_id)
);
create index consultation_experts_member on consultation_experts (member_id);

create table consultation_history (
  id bigint generated always as identity primary key,
  consultation_id bigint not null references consultations (id) on delete cascade,
  from_status text,
  to_status text not null,
  actor_role text not null,
  actor text not null,
  actor_member_id bigint references members (id) on delete set null,
  note text,
  at timestamptz not null default now()
);
create index consultation_history_consultation on consultation_history (consultation_id, at);
