-- The library: authors, topics, articles with an editorial workflow, multi-page guides, and
-- shared tools with their federal-compatible terms-of-service agreements and agency adoptions.

create table library_authors (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null,
  agency text,
  bio_md text not null default '',
  -- set when the author is also a member here; guest authors have none
  member_id bigint references members (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table library_topics (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  deck text,
  summary text,
  body_md text not null default '',
  weight smallint not null default 1,
  -- community slugs shown at the top of the topic page
  featured_communities text[] not null default '{}',
  -- curated links: [{title, summary, href}]
  featured_links jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table library_articles (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  kind text not null check (kind in ('news', 'best-practice', 'case-study', 'resource')),
  title text not null,
  deck text,
  summary text,
  body_md text not null default '',
  topics text[] not null default '{}',
  community_id bigint references communities (id) on delete set null,
  source_name text,
  source_url text,
  hero_image_url text,
  hero_image_alt text,
  check (hero_image_url is null or hero_image_alt is not null),
  redirect_to text,
  status text not null default 'draft' check (status in ('draft', 'in-review', 'published', 'archived')),
  content_lead_id bigint references members (id) on delete set null,
  created_by_id bigint references members (id) on delete set null,
  published_at timestamptz,
  reviewed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  extra jsonb not null default '{}',
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(deck, '') || ' ' || coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(body_md, '')), 'C')
  ) stored
);
create index library_articles_search on library_articles using gin (search);
create index library_articles_published on library_articles (published_at desc) where status = 'published';
create index library_articles_topics on library_articles using gin (topics);

create table library_article_authors (
  article_id bigint not null references library_articles (id) on delete cascade,
  author_id bigint not null references library_authors (id) on delete cascade,
  position smallint not null,
  primary key (article_id, author_id)
);

-- Every workflow step of an article: who moved it, when, from what to what.
create table library_article_steps (
  id bigint generated always as identity primary key,
  article_id bigint not null references library_articles (id) on delete cascade,
  at timestamptz not null default now(),
  actor text not null,
  from_status text,
  to_status text not null,
  note text
);
create index library_article_steps_article on library_article_steps (article_id, at);

create table library_guides (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  deck text,
  summary text,
  -- the guide's introduction (its first page)
  body_md text not null default '',
  topics text[] not null default '{}',
  community_id bigint references communities (id) on delete set null,
  published_at timestamptz,
  updated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(deck, '') || ' ' || coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(body_md, '')), 'C')
  ) stored
);
create index library_guides_search on library_guides using gin (search);

create table library_guide_sections (
  id bigint generated always as identity primary key,
  guide_id bigint not null references library_guides (id) on delete cascade,
  position smallint not null,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null,
  -- shown in a summary box at the top of the section
  summary text,
  body_md text not null default '',
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(body_md, '')), 'C')
  ) stored,
  unique (guide_id, slug),
  unique (guide_id, position) deferrable initially deferred
);
create index library_guide_sections_search on library_guide_sections using gin (search);

create table library_glossary (
  id bigint generated always as identity primary key,
  guide_id bigint not null references library_guides (id) on delete cascade,
  term text not null,
  definition text not null,
  unique (guide_id, term)
);

-- Shared tools and their federal-compatible terms-of-service agreements.
create table tools (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null,
  vendor_url text,
  description text,
  category text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table tool_evaluations (
  id bigint generated always as identity primary key,
  tool_id bigint not null references tools (id) on delete cascade,
  member_id bigint references members (id) on delete set null,
  author_name text not null,
  note_md text not null,
  created_at timestamptz not null default now()
);

-- Uploaded agreement documents (signed amendments, PDFs, Word files).
create table tos_files (
  id bigint generated always as identity primary key,
  filename text not null,
  content_type text not null,
  size integer not null,
  bytes bytea not null,
  uploaded_by text not null,
  uploaded_at timestamptz not null default now()
);

create table tos_agreements (
  id bigint generated always as identity primary key,
  tool_id bigint not null references tools (id) on delete cascade,
  document_url text,
  document_file_id bigint references tos_files (id) on delete set null,
  doc_type text check (doc_type in ('pdf', 'word', 'google-doc', 'website')),
  agreement_date date,
  -- the date exactly as written in an imported file, when it was not a full date (e.g. "07-2014")
  date_text text,
  status text not null check (status in ('compatible', 'inactive', 'declined', 'not-compatible', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index tos_agreements_tool on tos_agreements (tool_id);

create table tos_status_changes (
  id bigint generated always as identity primary key,
  agreement_id bigint not null references tos_agreements (id) on delete cascade,
  status text not null,
  changed_on date not null,
  changed_by text not null,
  note text,
  recorded_at timestamptz not null default now()
);

create table tos_adoptions (
  id bigint generated always as identity primary key,
  agreement_id bigint not null references tos_agreements (id) on delete cascade,
  agency text not null,
  signed_on date not null,
  document_url text,
  document_file_id bigint references tos_files (id) on delete set null,
  contact_name text not null,
  contact_email text not null,
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);
create unique index tos_adoptions_agency on tos_adoptions (agreement_id, lower(agency));

create table tos_contacts (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('cabinet', 'non-cabinet')),
  person text not null,
  email text,
  title text,
  agency text not null,
  position integer not null
);
