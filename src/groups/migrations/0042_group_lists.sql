-- Each working group has its own discussion list (a sub-list of its community's list): a row in
-- `lists` with group_id set, at <community>-<group>@LIST_DOMAIN. Its recipients are the group's
-- active members who are still active members of the community, with their community delivery
-- settings (each message, digests, delivery stopped by bounces).
alter table lists add column group_id bigint unique references working_groups (id) on delete cascade;

-- digest_start_for picks the community's own list, never a group's.
create or replace function digest_start_for(community bigint) returns integer language sql stable as $$
  select coalesce(
    (select min(p.number) - 1 from posts p where p.list_id = l.id and p.planned_at is null),
    l.post_count)
  from lists l where l.community_id = community and l.group_id is null order by l.id limit 1
$$;

-- A free list address for a group: <community>-<group>, then -2, -3 ... when taken; never ending
-- in a command suffix (-request, -owner, -bounces, -confirm), which would swallow its mail.
create function group_list_local_part(community_slug text, group_slug text) returns text language plpgsql stable as $$
declare
  base text := community_slug || '-' || group_slug;
  candidate text;
  n integer := 1;
begin
  if base ~ '-(request|owner|bounces|confirm)$' then base := base || '-list'; end if;
  candidate := base;
  while exists (select 1 from lists where local_part = candidate) or exists (select 1 from communities where slug = candidate) loop
    n := n + 1;
    candidate := base || '-' || n;
  end loop;
  return candidate;
end $$;

create function create_group_list() returns trigger language plpgsql as $$
begin
  insert into lists (community_id, group_id, local_part, name)
    select new.community_id, new.id, group_list_local_part(c.slug, new.slug), new.name from communities c where c.id = new.community_id;
  return new;
end $$;
create trigger working_groups_list after insert on working_groups for each row execute function create_group_list();

create function rename_group_list() returns trigger language plpgsql as $$
begin
  update lists set name = new.name, updated_at = now() where group_id = new.id;
  return new;
end $$;
create trigger working_groups_list_name after update of name on working_groups for each row when (old.name is distinct from new.name) execute function rename_group_list();

do $$
declare g record;
begin
  for g in select w.id, w.community_id, w.slug, w.name, c.slug as community_slug from working_groups w join communities c on c.id = w.community_id
            where not exists (select 1 from lists l where l.group_id = w.id) order by w.id loop
    insert into lists (community_id, group_id, local_part, name) values (g.community_id, g.id, group_list_local_part(g.community_slug, g.slug), g.name);
  end loop;
end $$;

-- Digests of a group list: each group member's place in it, as memberships keep it for the
-- community's list (0010_digests.sql), set and moved by the same rules.
alter table working_group_members
  add column last_digest_post integer,
  add column digest_until_post integer;

create function group_digest_start(group_id bigint) returns integer language sql stable as $$
  select coalesce(
    (select min(p.number) - 1 from posts p where p.list_id = l.id and p.planned_at is null),
    l.post_count)
  from lists l where l.group_id = group_digest_start.group_id
$$;

-- Joining (or coming back to) a group starts its digests at the newest planned post.
create function working_group_members_digest_start() returns trigger language plpgsql as $$
begin
  if new.status <> 'active' then
    new.digest_until_post := null;
  elsif tg_op = 'INSERT' or old.status <> 'active' then
    new.last_digest_post := coalesce(group_digest_start(new.group_id), 0);
    new.digest_until_post := null;
  end if;
  return new;
end $$;
create trigger working_group_members_digest before insert or update of status on working_group_members
  for each row execute function working_group_members_digest_start();

-- A member who changes between each message and digests in the community changes for its
-- groups' lists too: the same carry-over and final digest as the community's list.
create function memberships_group_digests() returns trigger language plpgsql as $$
declare
  digest_modes constant text[] := array['daily', 'weekly'];
begin
  if new.status <> 'active' or old.status <> 'active' or old.delivery_mode = new.delivery_mode then return null; end if;
  if new.delivery_mode = any(digest_modes) and not (old.delivery_mode = any(digest_modes)) then
    update working_group_members w
       set last_digest_post = case when w.digest_until_post is null or w.last_digest_post is null then coalesce(group_digest_start(w.group_id), 0) else w.last_digest_post end,
           digest_until_post = null
     where w.member_id = new.member_id and w.status = 'active'
       and w.group_id in (select id from working_groups where community_id = new.community_id);
  elsif new.delivery_mode = 'each' and old.delivery_mode = any(digest_modes) then
    update working_group_members w
       set digest_until_post = case when coalesce(group_digest_start(w.group_id), 0) > coalesce(w.last_digest_post, 0) and w.last_digest_post is not null
                                    then coalesce(group_digest_start(w.group_id), 0) end
     where w.member_id = new.member_id and w.status = 'active'
       and w.group_id in (select id from working_groups where community_id = new.community_id);
  end if;
  return null;
end $$;
create trigger memberships_group_digests after update of delivery_mode, status on memberships
  for each row execute function memberships_group_digests();

update working_group_members w set last_digest_post = coalesce(group_digest_start(w.group_id), 0) where w.status = 'active';
