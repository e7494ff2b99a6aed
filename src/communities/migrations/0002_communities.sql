-- Communities of practice and the channels people join them through (digital.gov's
-- community_list). Hand-typed member figures from imported pages are kept only as dated
-- historical figures (reported_members*); live counts come from memberships.
create table communities (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  deck text,
  summary text,
  kicker text,
  body_md text not null default '',
  authors text[] not null default '{}',
  topics text[] not null default '{}',
  event_cop text[] not null default '{}',
  -- digital.gov page weight: 0 hidden from listings, 1 visible, 2 featured
  weight smallint not null default 1 check (weight in (0, 1, 2)),
  highlight boolean not null default false,
  short_name text,
  acronym text,
  logo text,
  primary_image text,
  redirect_to text,
  published_at timestamptz,
  reviewed_at timestamptz not null default now(),
  -- front matter keys socialgov does not use, kept so an export gives them back
  extra jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table community_channels (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  position smallint not null,
  platform text not null check (platform in ('listserv', 'google-group', 'slack')),
  audience text not null check (audience in ('government', 'government_only', 'public')),
  subscribe_email text,
  subscribe_subject text,
  subscribe_body text,
  terms text,
  join_button text,
  reported_members integer,
  reported_members_text text,
  reported_on date,
  emails_per_week_text text,
  extra jsonb not null default '{}',
  unique (community_id, position)
);
