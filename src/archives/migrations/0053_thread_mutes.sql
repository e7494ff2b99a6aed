-- A member who muted a thread gets no more copies of it, by mail or in digests (issue 21).
-- The thread is the archive's (archive_threads); when the archive merges a thread into another
-- (a late parent adopts it, threads.ts), its mutes move with it.
create table thread_mutes (
  thread_id bigint not null references archive_threads (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  list_id bigint not null references lists (id) on delete cascade,
  muted_at timestamptz not null default now(),
  primary key (thread_id, member_id)
);
create index thread_mutes_list on thread_mutes (list_id, member_id);
