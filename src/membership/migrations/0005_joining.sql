-- Joining, signing in and coordinating: join requests (double opt-in and approvals), sign-in
-- links, sessions, rate-limit events, member profiles, delivery modes and community settings.

alter table members
  add column expertise text[] not null default '{}',
  add column bio text,
  add column bio_public boolean not null default false,
  add column government_level text,
  add column site_admin boolean not null default false,
  add column updated_at timestamptz not null default now();

alter table memberships
  add column delivery_mode text not null default 'each'
    check (delivery_mode in ('each', 'daily', 'weekly', 'none')),
  add column source text not null default 'web';

alter table communities
  -- null: every level of government is eligible
  add column eligible_levels text[],
  add column allow_exceptions boolean not null default true,
  add column guidelines text not null default '';

create table join_requests (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  email text not null,
  name text not null,
  job_title text,
  agency text,
  reason text,
  -- the eligibility decision when the request was made (outcome, rule, reason, level, agency)
  decision jsonb not null,
  token_hash text not null unique,
  expires_at timestamptz not null,
  status text not null default 'unconfirmed'
    check (status in ('unconfirmed', 'awaiting-approval', 'joined', 'approved', 'denied', 'superseded')),
  confirmed_at timestamptz,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  ip text,
  created_at timestamptz not null default now()
);
create index join_requests_queue on join_requests (community_id, status, created_at);
create index join_requests_email on join_requests (lower(email), created_at desc);

create table sign_in_links (
  token_hash text primary key,
  member_id bigint not null references members (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

create table sessions (
  id_hash text primary key,
  member_id bigint not null references members (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_member on sessions (member_id);

create table rate_events (
  key text not null,
  at timestamptz not null default now()
);
create index rate_events_key on rate_events (key, at);
