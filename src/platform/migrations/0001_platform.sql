-- Platform-wide state: one-time facts (such as "the default community was seeded") and the
-- audit trail that every feature writes to.
create table platform_state (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- who: a member's address, 'cli:<os user>', or 'system'
  actor text not null,
  -- where from: an IP address, 'cli', or 'system'
  source text not null,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  before jsonb,
  after jsonb
);
create index audit_log_subject on audit_log (subject_type, subject_id, at desc);
