-- People and their membership of communities. Only 'active' memberships count as members.
create table members (
  id bigint generated always as identity primary key,
  email text not null,
  name text,
  job_title text,
  agency text,
  created_at timestamptz not null default now()
);
create unique index members_email on members (lower(email));

create table memberships (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  status text not null check (status in ('pending', 'active', 'left', 'removed', 'banned')),
  role text not null default 'member' check (role in ('member', 'moderator', 'coordinator')),
  government_level text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (community_id, member_id)
);
create index memberships_active on memberships (community_id) where status = 'active';
