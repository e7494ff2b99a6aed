-- A member's level of government, read from the .gov registry as it is now, so that members added
-- with `members add` or an import, or before the registry was imported, are counted by level, and
-- a later registry import changes the counts. The same rules as levelOf() and the "mil" rule in
-- src/membership/eligibility.ts (a test checks that they agree on every domain type).

-- The level of government for a registry domain type ('City - Election' is local, and so on).
create function gov_level(domain_type text, state text) returns text
language sql immutable parallel safe as $$
  select case
    when base = 'federal' or base like 'federal %' then 'federal'
    when base = 'state or territory' then
      case when upper(trim(coalesce(state, ''))) in ('AS', 'GU', 'MP', 'PR', 'VI', 'UM') then 'territorial' else 'state' end
    when base in ('city', 'county', 'special district', 'school district', 'independent intrastate') then 'local'
    when base = 'tribal' then 'tribal'
    else 'other'
  end
  from (select regexp_replace(lower(trim(domain_type)), '\s*-\s*election$', '') as base) b
$$;

-- The level of an address: military for .mil; for .gov, the registry's entry for the domain or its
-- nearest registered parent (fs.usda.gov, then usda.gov); otherwise null (not known).
create function address_government_level(email text) returns text
language sql stable parallel safe as $$
  select case
    when d like '%.mil' then 'military'
    when d like '%_.gov' then (
      select gov_level(g.domain_type, g.state) from gov_domains g
       where g.domain = any (array(select array_to_string(labels[i:], '.') from generate_subscripts(labels, 1) i where i < cardinality(labels)))
       order by length(g.domain) desc limit 1)
  end
  from (select lower(rtrim(substring(email from '@([^@]*)$'), '.')) as d) a,
       lateral (select string_to_array(d, '.') as labels) l
$$;
