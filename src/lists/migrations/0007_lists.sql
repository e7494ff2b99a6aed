-- The listserv: one discussion list per community (created with the community), the mail that
-- arrives for it, accepted posts, and one delivery record per (post, member) that makes fan-out
-- resumable after a crash without resending or skipping anyone.
create table lists (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  -- the local part of the list address: <local_part>@LIST_DOMAIN
  local_part text not null unique check (local_part ~ '^[a-z0-9]+([._-][a-z0-9]+)*$' and local_part !~ '-(request|owner|bounces|confirm)$'),
  name text not null,
  description text not null default '',
  -- null: "[<short name>]"; '' : no prefix
  subject_prefix text,
  footer text not null default '',
  reply_to text not null default 'poster' check (reply_to in ('poster', 'list')),
  -- 'auto': rewrite From only when the sender's domain publishes DMARC p=reject/quarantine
  dmarc_mitigation text not null default 'auto' check (dmarc_mitigation in ('auto', 'always', 'never')),
  -- announce-only: every post is held for a moderator
  moderated boolean not null default false,
  -- hold every post, whoever sends it, until switched off
  emergency boolean not null default false,
  max_bytes integer not null default 5242880,
  max_recipients integer not null default 10,
  -- addresses (or @domain) that may post without being members
  accept_from text[] not null default '{}',
  -- addresses (or @domain) whose posts are discarded
  banned text[] not null default '{}',
  -- the poster gets their own post too
  send_to_poster boolean not null default true,
  -- members only (default for government-only lists) or public archives
  archive_public boolean not null default false,
  time_zone text not null default 'America/New_York',
  post_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index lists_community on lists (community_id);

insert into lists (community_id, local_part, name)
  select id, slug, coalesce(short_name, title) from communities;

create function create_community_list() returns trigger language plpgsql as $$
begin
  if new.slug ~ '-(request|owner|bounces|confirm)$' then return new; end if;
  insert into lists (community_id, local_part, name) values (new.id, new.slug, coalesce(new.short_name, new.title))
    on conflict (local_part) do nothing;
  return new;
end $$;
create trigger communities_list after insert on communities for each row execute function create_community_list();

-- Every message the mail-in listeners accepted (answered 250 only after this row committed).
create table incoming_messages (
  id bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  list_id bigint references lists (id) on delete set null,
  -- which address it came to: post, request, owner, bounces, confirm
  address_kind text not null check (address_kind in ('post', 'request', 'owner', 'bounces', 'confirm')),
  rcpt text not null,
  -- the +token of a -bounces+ or -confirm+ address
  token text,
  envelope_from text not null,
  remote_ip text,
  helo text,
  protocol text not null check (protocol in ('smtp', 'lmtp')),
  raw bytea not null,
  size integer not null,
  message_id text,
  from_address text,
  subject text,
  -- received → accepted | held | rejected | discarded | done (commands, bounces) | failed
  status text not null default 'received',
  -- the rules that fired: [{ rule, reason, outcome }]
  rule_hits jsonb not null default '[]',
  decision_reason text,
  processed_at timestamptz,
  post_id bigint
);
create index incoming_messages_status on incoming_messages (list_id, status, received_at);

-- Accepted posts, numbered per list, as delivered (decorated) and as received (for archives).
create table posts (
  id bigint generated always as identity primary key,
  list_id bigint not null references lists (id) on delete cascade,
  number integer not null,
  incoming_id bigint references incoming_messages (id) on delete set null,
  message_id text not null,
  in_reply_to text,
  refs text[] not null default '{}',
  subject text not null default '',
  from_address text not null,
  from_name text,
  member_id bigint references members (id) on delete set null,
  -- the Date header (or arrival time)
  sent_at timestamptz not null,
  accepted_at timestamptz not null default now(),
  raw bytea not null,
  decorated bytea not null,
  size integer not null,
  -- recipients planned (deliveries written) at
  planned_at timestamptz,
  unique (list_id, number)
);
create index posts_list_time on posts (list_id, accepted_at);
create index posts_message_id on posts (message_id);

-- One row per copy to send: a post to a member (kind 'post'), later digests. Claimed by a
-- worker (status 'sending', claimed_by), marked 'sent' when the relay accepted it.
create table deliveries (
  id bigint generated always as identity primary key,
  kind text not null default 'post' check (kind in ('post', 'digest')),
  ref_id bigint not null,
  list_id bigint not null references lists (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  address text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'deferred', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  first_attempt_at timestamptz,
  claimed_by text,
  claimed_at timestamptz,
  sent_at timestamptz,
  last_response text,
  unique (kind, ref_id, member_id)
);
create index deliveries_due on deliveries (next_attempt_at, id) where status in ('pending', 'deferred');
create index deliveries_sending on deliveries (claimed_by) where status = 'sending';

-- Delivery refused with 5xx: kept for bounce processing (scores, warnings) and coordinators.
create table bounce_events (
  id bigint generated always as identity primary key,
  list_id bigint references lists (id) on delete cascade,
  member_id bigint references members (id) on delete cascade,
  address text not null,
  temporary boolean not null,
  source text not null check (source in ('smtp', 'dsn', 'verp')),
  status_code text,
  diagnostic text,
  delivery_id bigint,
  incoming_id bigint,
  at timestamptz not null default now()
);
create index bounce_events_member on bounce_events (member_id, at desc);

-- Automatic replies sent, to cap them per address per day (RFC 3834: never loop).
create table auto_replies (
  address text not null,
  at timestamptz not null default now()
);
create index auto_replies_address on auto_replies (lower(address), at);

alter table memberships
  -- delivery stopped by bounces (issue: list care), kept separate from the member's own choice
  add column delivery_disabled_at timestamptz,
  add column delivery_disabled_reason text;
