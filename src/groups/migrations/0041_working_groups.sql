-- Working groups: part of a community, with a charter, leads, members and deliverables.
create table working_groups (
  id bigint generated always as identity primary key,
  community_id bigint not null references communities (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null,
  charter_md text not null default '',
  status text not null default 'forming' check (status in ('forming', 'active', 'completed')),
  -- open: community members join at once; closed: a lead approves each request
  join_policy text not null default 'open' check (join_policy in ('open', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (community_id, slug)
);

create table working_group_members (
  group_id bigint not null references working_groups (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  role text not null default 'member' check (role in ('lead', 'member')),
  status text not null check (status in ('pending', 'active', 'left', 'declined')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (group_id, member_id)
);

-- What a group produced: guides (toolkits, playbooks) and articles from the library.
create table working_group_deliverables (
  id bigint generated always as identity primary key,
  group_id bigint not null references working_groups (id) on delete cascade,
  guide_id bigint references library_guides (id) on delete cascade,
  article_id bigint references library_articles (id) on delete cascade,
  position smallint not null default 0,
  check ((guide_id is null) <> (article_id is null))
);
create unique index working_group_deliverables_item on working_group_deliverables (group_id, coalesce(guide_id, 0), coalesce(article_id, 0));
