-- Archives: each accepted post gets an archive entry (its readable text, attachment list,
-- thread and search vector), derived from posts.raw. Posts arrive from the listserv pipeline or
-- from an mbox import; a trigger queues every new post so the archive never misses one.

create table archive_threads (
  id bigint generated always as identity primary key,
  list_id bigint not null references lists (id) on delete cascade,
  subject text not null,
  -- the subject without "Re:", "Fwd:" and "[prefix]", lower case: the fallback for threading
  subject_key text not null,
  root_post_id bigint,
  started_at timestamptz not null,
  last_at timestamptz not null,
  message_count integer not null default 0,
  participant_count integer not null default 0
);
create index archive_threads_list_started on archive_threads (list_id, started_at);
create index archive_threads_subject on archive_threads (list_id, subject_key, last_at);

create table archive_entries (
  post_id bigint primary key references posts (id) on delete cascade,
  list_id bigint not null references lists (id) on delete cascade,
  thread_id bigint not null references archive_threads (id),
  -- the post this one answers, when it is in the archive
  parent_post_id bigint references posts (id) on delete set null,
  -- copies of the post's threading headers, so threading looks only at this table
  message_id text not null,
  in_reply_to text,
  sent_at timestamptz not null,
  from_address text not null,
  from_name text,
  subject text not null,
  -- the text shown and searched: the text/plain part, or the HTML part turned into text
  body_text text not null,
  has_html boolean not null,
  -- [{ index, filename, contentType, size }]
  attachments jsonb not null default '[]',
  has_attachment boolean not null,
  -- subject (A), sender (B) and the body without quoted lines (D): quotes repeat earlier posts
  search tsvector not null
);
create index archive_entries_thread on archive_entries (thread_id, sent_at);
create index archive_entries_list_time on archive_entries (list_id, sent_at);
create index archive_entries_search on archive_entries using gin (search);
create index archive_entries_from on archive_entries (lower(from_address));
create index archive_entries_message_id on archive_entries (list_id, message_id);
create index archive_entries_in_reply_to on archive_entries (list_id, in_reply_to);

-- Posts not yet in the archive (filled by the trigger, emptied by the archiver).
create table archive_pending (
  post_id bigint primary key references posts (id) on delete cascade,
  list_id bigint not null
);
create index archive_pending_list on archive_pending (list_id);

create function queue_post_for_archive() returns trigger language plpgsql as $$
begin
  insert into archive_pending (post_id, list_id) values (new.id, new.list_id) on conflict do nothing;
  return new;
end $$;
create trigger posts_archive after insert on posts for each row execute function queue_post_for_archive();

insert into archive_pending (post_id, list_id) select id, list_id from posts on conflict do nothing;

-- A member's private Atom feed address for one list: only the hash is kept; revoking ends it.
create table archive_feed_tokens (
  id bigint generated always as identity primary key,
  list_id bigint not null references lists (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index archive_feed_tokens_member on archive_feed_tokens (member_id, list_id);
