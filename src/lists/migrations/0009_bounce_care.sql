-- Bounce care (issue 5): each member's bounce score on each list, fed by bounce_events as they
-- are recorded. A member with no row has no bounces on record. Days are UTC calendar days.
create table bounce_scores (
  list_id bigint not null references lists (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  score numeric(8, 2) not null default 0,
  -- the day of the last counted bounce, and whether it was a temporary failure
  last_bounce_on date,
  last_bounce_temporary boolean,
  -- the day delivery was turned off (memberships.delivery_disabled_at holds the exact time)
  disabled_on date,
  warnings_sent integer not null default 0,
  last_warning_on date,
  -- what the last bounce said, for coordinators (plain text, shown escaped)
  last_status_code text,
  last_diagnostic text,
  last_source text,
  updated_at timestamptz not null default now(),
  primary key (list_id, member_id)
);
create index bounce_scores_disabled on bounce_scores (disabled_on) where disabled_on is not null;

-- Each bounce event is counted once: the bounce-care job sets processed_at when it has.
alter table bounce_events add column processed_at timestamptz;
create index bounce_events_unprocessed on bounce_events (id) where processed_at is null;
