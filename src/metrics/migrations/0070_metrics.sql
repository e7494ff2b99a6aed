-- Community metrics (issue 10): a history of membership status changes, and the daily roll-ups
-- the coordinators' dashboard reads, so it stays fast however large the community grows.

-- Every change of a membership's status, written by a trigger so that no code path (web, mail,
-- CLI, bulk import, plain SQL) can miss one. Before this table, joins were only knowable from
-- memberships.created_at and leaves only from the audit log's JSON.
create table membership_changes (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  -- no foreign key: a deleted member's history still counts in past days
  member_id bigint not null,
  -- null: the membership was created
  from_status text,
  to_status text not null,
  at timestamptz not null
);
create index membership_changes_at on membership_changes (at);

create function record_membership_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into membership_changes (community_id, member_id, from_status, to_status, at)
      values (new.community_id, new.member_id, null, new.status, new.created_at);
  elsif new.status is distinct from old.status then
    -- updated_at when the writer set it (imports may give a past time), otherwise now
    insert into membership_changes (community_id, member_id, from_status, to_status, at)
      values (new.community_id, new.member_id, old.status, new.status,
              case when new.updated_at is distinct from old.updated_at then new.updated_at else now() end);
  end if;
  return new;
end $$;
create trigger memberships_changes after insert or update of status on memberships
  for each row execute function record_membership_change();

-- The history so far: status changes from the audit log ...
insert into membership_changes (community_id, member_id, from_status, to_status, at)
  select split_part(a.subject_id, ':', 1)::bigint, split_part(a.subject_id, ':', 2)::bigint,
         a.before->>'status', a.after->>'status', a.at
    from audit_log a
    join communities c on c.id = split_part(a.subject_id, ':', 1)::bigint
   where a.subject_type = 'membership' and a.subject_id ~ '^[0-9]+:[0-9]+$'
     and a.after->>'status' is not null and (a.before->>'status') is distinct from (a.after->>'status');
-- ... and, for memberships the audit log never saw (seeded or written directly), the best the
-- row itself tells: created (as active) at created_at, and its present status at updated_at.
insert into membership_changes (community_id, member_id, from_status, to_status, at)
  select ms.community_id, ms.member_id, null, case when ms.status = 'pending' then 'pending' else 'active' end, ms.created_at
    from memberships ms
   where not exists (select 1 from membership_changes x where x.community_id = ms.community_id and x.member_id = ms.member_id);
insert into membership_changes (community_id, member_id, from_status, to_status, at)
  select ms.community_id, ms.member_id, 'active', ms.status, greatest(ms.updated_at, ms.created_at)
    from memberships ms
   where ms.status in ('left', 'removed', 'banned')
     and not exists (select 1 from membership_changes x where x.community_id = ms.community_id and x.member_id = ms.member_id and x.to_status = ms.status);

-- Indexes so one day's roll-up reads one day's rows.
create index bounce_events_at on bounce_events (at);
create index event_registrations_created on event_registrations (created_at);
create index posts_accepted on posts (accepted_at);
create index archive_entries_sent on archive_entries (sent_at);

-- One figure of one community on one UTC day: metric names come from the named sources in
-- src/metrics/sources.ts ('members.joins', 'posts', 'bounces', ...). Zero figures are not stored.
create table metrics_daily (
  community_id bigint not null references communities (id) on delete cascade,
  day date not null,
  metric text not null,
  value bigint not null,
  primary key (community_id, day, metric)
);
create index metrics_daily_day on metrics_daily (day, metric);

-- Who posted on a day (member id, or the lower-case address of a non-member): active posters over
-- any range are the distinct posters of its days.
create table metrics_poster_days (
  community_id bigint not null references communities (id) on delete cascade,
  day date not null,
  poster text not null,
  primary key (community_id, day, poster)
);
create index metrics_poster_days_day on metrics_poster_days (day);

-- Each archived thread with how long its first answer from someone else took (null: none yet).
create table metrics_thread_replies (
  thread_id bigint primary key references archive_threads (id) on delete cascade,
  community_id bigint not null references communities (id) on delete cascade,
  started_on date not null,
  started_at timestamptz not null,
  first_reply_at timestamptz,
  reply_seconds bigint
);
create index metrics_thread_replies_started on metrics_thread_replies (started_on);

-- Member counts by level of government and by agency, replaced on every roll-up.
create table metrics_member_breakdown (
  community_id bigint not null references communities (id) on delete cascade,
  dimension text not null check (dimension in ('level', 'agency')),
  value text not null,
  members integer not null,
  computed_at timestamptz not null,
  primary key (community_id, dimension, value)
);

-- The days rolled up (for every community at once) and when: a missing day is backfilled.
create table metrics_rollups (
  day date primary key,
  computed_at timestamptz not null default now()
);
create index archive_threads_started on archive_threads (started_at);
