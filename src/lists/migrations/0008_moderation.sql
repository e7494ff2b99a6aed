-- Moderation: who decided a held message and when, single-use tokens for the approve/discard
-- links and approve-by-reply in moderators' notices, and when a list last sent such a notice
-- (at most one an hour: later holds wait and go out together).
alter table incoming_messages
  add column notified_at timestamptz,
  add column moderated_by text,
  add column moderated_at timestamptz,
  add column moderation_note text;
create index incoming_messages_held on incoming_messages (list_id, received_at) where status = 'held';

create table hold_tokens (
  token_hash text primary key,
  incoming_id bigint not null references incoming_messages (id) on delete cascade,
  -- the moderator the notice went to
  moderator text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index hold_tokens_incoming on hold_tokens (incoming_id);

alter table lists add column hold_notice_at timestamptz;
