-- Mail that socialgov sends by itself (confirmations, notices, reminders), queued in the same
-- transaction as the change that asked for it and delivered by a worker job. `key` makes a
-- message once-only: queueing the same key again does nothing, even across restarts.
create table mail_queue (
  id bigint generated always as identity primary key,
  key text unique,
  message jsonb not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  sent_at timestamptz,
  failed_at timestamptz,
  last_error text
);
create index mail_queue_unsent on mail_queue (created_at) where sent_at is null and failed_at is null;
