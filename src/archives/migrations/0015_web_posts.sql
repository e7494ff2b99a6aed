-- Posting from the web (issue 21): a web post is stored as an incoming message like a mailed
-- one, so the same worker path (rules, moderation, decoration, fan-out, archive) handles it.
alter table incoming_messages drop constraint incoming_messages_protocol_check;
alter table incoming_messages add constraint incoming_messages_protocol_check check (protocol in ('smtp', 'lmtp', 'web'));

-- Files a member attached to a web post they are still writing: kept across "Preview" (a file
-- input cannot be filled in again by the server), removed when the post is sent or after a day.
create table web_post_uploads (
  id bigint generated always as identity primary key,
  member_id bigint not null references members (id) on delete cascade,
  list_id bigint not null references lists (id) on delete cascade,
  filename text not null,
  content_type text not null,
  content bytea not null,
  created_at timestamptz not null default now()
);
create index web_post_uploads_member on web_post_uploads (member_id, created_at);
