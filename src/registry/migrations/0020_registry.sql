-- The registry of official government social-media accounts, mobile apps and websites
-- (the role of the U.S. Digital Registry). See docs/registry.md.

-- Agencies: department -> bureau -> office. Imported from the .gov registry files, or added by
-- reviewers. Names are unique among siblings.
create table registry_agencies (
  id bigint generated always as identity primary key,
  name text not null check (length(name) between 1 and 300),
  parent_id bigint references registry_agencies (id) on delete restrict,
  level text not null check (level in ('department', 'bureau', 'office')),
  slug text not null unique,
  created_at timestamptz not null default now()
);
create unique index registry_agencies_sibling_name on registry_agencies (coalesce(parent_id, 0), lower(name));

-- Platforms are data: an operator adds or changes one without a deploy. `rules` says how to read
-- the account from an address (see src/registry/platforms.ts, PlatformRule).
create table registry_platforms (
  key text primary key check (key ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name text not null,
  -- host names (www., m. and mobile. are ignored); '*.example.com' for any sub-domain; '*' for
  -- any host (Mastodon: any instance), tried after every platform with named hosts
  hosts text[] not null,
  rules jsonb not null,
  active boolean not null default true,
  builtin boolean not null default false,
  sort integer not null default 100,
  updated_at timestamptz not null default now()
);

create table registry_records (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('account', 'app', 'website')),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'published', 'archive-requested', 'archived')),
  name text not null check (length(name) between 1 and 300),
  -- accounts: the platform, the account as the platform shows it (handle), the key it is matched
  -- by (normalised), the platform's persistent user id when known, and the canonical address
  platform_key text references registry_platforms (key) on update cascade,
  account text,
  account_key text,
  platform_user_id text,
  url text,
  -- websites
  domain text,
  -- apps: [{ "store": "apple", "url": "https://apps.apple.com/..." }], [{ "platform": "ios", "version": "2.1", "released": "2026-01-02" }]
  app_stores jsonb not null default '[]',
  app_versions jsonb not null default '[]',
  language text not null default 'en',
  short_description text not null default '',
  long_description text not null default '',
  category_tags text[] not null default '{}',
  geo_tags text[] not null default '{}',
  rejection_reason text,
  archive_reason text,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  published_at timestamptz,
  archived_at timestamptz,
  last_reviewed_at timestamptz,
  -- set when the record became due for review; cleared by a review
  review_due_at timestamptz,
  review_reminded_at timestamptz,
  check (kind <> 'account' or (platform_key is not null and account_key is not null and url is not null)),
  check (kind <> 'website' or domain is not null)
);
-- One live record per account: an archived one may be registered again.
create unique index registry_records_account on registry_records (platform_key, account_key) where kind = 'account' and status <> 'archived';
create index registry_records_user_id on registry_records (platform_key, platform_user_id) where platform_user_id is not null;
create index registry_records_status on registry_records (status, kind);
create unique index registry_records_website on registry_records (domain) where kind = 'website' and status <> 'archived';

create table registry_record_agencies (
  record_id bigint not null references registry_records (id) on delete cascade,
  agency_id bigint not null references registry_agencies (id) on delete restrict,
  primary key (record_id, agency_id)
);
create index registry_record_agencies_agency on registry_record_agencies (agency_id);

create table registry_record_contacts (
  record_id bigint not null references registry_records (id) on delete cascade,
  member_id bigint not null references members (id) on delete restrict,
  primary key (record_id, member_id)
);

-- Handles an account had before the agency renamed it: whoever holds one now is not the agency.
create table registry_former_handles (
  platform_key text not null,
  account_key text not null,
  record_id bigint not null references registry_records (id) on delete cascade,
  replaced_at timestamptz not null default now(),
  primary key (platform_key, account_key, record_id)
);

create table registry_reviewers (
  member_id bigint primary key references members (id) on delete cascade,
  added_by text not null,
  added_at timestamptz not null default now()
);

-- Optional API keys for a higher verify/search rate limit. Only the SHA-256 hash is kept.
create table registry_api_keys (
  id bigint generated always as identity primary key,
  name text not null,
  key_hash text not null unique,
  per_minute integer not null check (per_minute > 0),
  created_by text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
