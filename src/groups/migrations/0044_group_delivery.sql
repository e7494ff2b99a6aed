-- A group member may take the group's list differently from the community's list: each
-- message, a daily or weekly digest, or no mail (read it in the archive). Null: as for the
-- community's list (memberships.delivery_mode), which is how every member starts.
alter table working_group_members add column delivery_mode text check (delivery_mode in ('each', 'daily', 'weekly', 'none'));

-- A change of the community's delivery moves the digest place of the groups that follow it
-- (0042_group_lists.sql), and now only of those.
create or replace function memberships_group_digests() returns trigger language plpgsql as $$
declare
  digest_modes constant text[] := array['daily', 'weekly'];
begin
  if new.status <> 'active' or old.status <> 'active' or old.delivery_mode = new.delivery_mode then return null; end if;
  if new.delivery_mode = any(digest_modes) and not (old.delivery_mode = any(digest_modes)) then
    update working_group_members w
       set last_digest_post = case when w.digest_until_post is null or w.last_digest_post is null then coalesce(group_digest_start(w.group_id), 0) else w.last_digest_post end,
           digest_until_post = null
     where w.member_id = new.member_id and w.status = 'active' and w.delivery_mode is null
       and w.group_id in (select id from working_groups where community_id = new.community_id);
  elsif new.delivery_mode = 'each' and old.delivery_mode = any(digest_modes) then
    update working_group_members w
       set digest_until_post = case when coalesce(group_digest_start(w.group_id), 0) > coalesce(w.last_digest_post, 0) and w.last_digest_post is not null
                                    then coalesce(group_digest_start(w.group_id), 0) end
     where w.member_id = new.member_id and w.status = 'active' and w.delivery_mode is null
       and w.group_id in (select id from working_groups where community_id = new.community_id);
  end if;
  return null;
end $$;

-- A change of the group's own delivery moves its digest place by the same rules: into digests,
-- carry on from the last digest (or start at the newest planned post); back to each message,
-- the posts up to the newest planned one are owed in a final digest.
create function working_group_members_delivery() returns trigger language plpgsql as $$
declare
  digest_modes constant text[] := array['daily', 'weekly'];
  community_mode text;
  was text;
  now_mode text;
  start integer;
begin
  if new.status <> 'active' or old.status <> 'active' then return new; end if;
  select ms.delivery_mode into community_mode from memberships ms join working_groups g on g.community_id = ms.community_id
   where g.id = new.group_id and ms.member_id = new.member_id;
  was := coalesce(old.delivery_mode, community_mode);
  now_mode := coalesce(new.delivery_mode, community_mode);
  if was is not distinct from now_mode then return new; end if;
  start := coalesce(group_digest_start(new.group_id), 0);
  if now_mode = any(digest_modes) and not (was = any(digest_modes)) then
    if new.digest_until_post is null or new.last_digest_post is null then new.last_digest_post := start; end if;
    new.digest_until_post := null;
  elsif now_mode = 'each' and was = any(digest_modes) then
    new.digest_until_post := case when start > coalesce(new.last_digest_post, 0) and new.last_digest_post is not null then start end;
  end if;
  return new;
end $$;
create trigger working_group_members_delivery before update of delivery_mode on working_group_members
  for each row execute function working_group_members_delivery();
