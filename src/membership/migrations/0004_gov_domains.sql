-- The .gov registry (cisagov/dotgov-data current-full.csv and current-federal.csv) as last
-- imported by `socialgov agencies import`. The eligibility engine looks up an address's domain,
-- and its parent domains, here. Each import replaces the one before.
create table gov_registry_imports (
  id bigint generated always as identity primary key,
  imported_at timestamptz not null default now(),
  -- who: 'cli:<os user>' or 'system'
  actor text not null,
  -- the import included the full registry: only then is a .gov domain missing from gov_domains
  -- known to be unregistered (a federal-only import says nothing about city or state domains)
  includes_full boolean not null,
  -- [{ file, kind: 'full' | 'federal', domains }]
  files jsonb not null,
  total integer not null,
  added integer not null,
  changed integer not null,
  removed integer not null
);

create table gov_domains (
  -- lower-case ASCII, e.g. 'usda.gov'
  domain text primary key check (domain = lower(domain) and domain like '%_.gov'),
  -- as the registry writes it: 'Federal - Executive', 'City', 'State or territory', ...
  domain_type text not null,
  -- Organization name: for federal domains, the agency
  agency text,
  -- Suborganization name: for federal domains, the bureau or office
  bureau text,
  city text,
  -- two-letter state or territory code
  state text,
  -- the import that last added or changed this row
  import_id bigint not null references gov_registry_imports (id),
  updated_at timestamptz not null default now()
);
