-- Lists own their members' subscriptions (issue 20): one row per member per list, for a
-- community's list and its working groups' lists alike, as Mailman's member of a list. It holds
-- how the member takes the list (delivery mode), their place in its digests, and delivery
-- stopped by bounces. Before, memberships (membership's table) and working_group_members
-- (groups' table) each kept a copy, moved by triggers across the features.
--
-- Who is on a list is not kept here: the community's active members (memberships) and, on a
-- group's list, the group's active members (working_group_members) -- read in one place, the
-- list_members view below. A member with no row takes the list's defaults: each message,
-- delivery on, no digest place yet.
create table list_subscriptions (
  list_id bigint not null references lists (id) on delete cascade,
  member_id bigint not null references members (id) on delete cascade,
  -- each message, a daily or weekly digest, or no mail (read it in the archive). Null: on a
  -- group's list, as on the community's list; on the community's list, each message.
  delivery_mode text check (delivery_mode in ('each', 'daily', 'weekly', 'none')),
  -- the number of the last post their digests covered (see 0010_digests.sql)
  last_digest_post integer,
  -- back on each message: the last post still owed in a final digest
  digest_until_post integer,
  last_digest_at timestamptz,
  -- delivery stopped by bounces (list care), apart from the member's own choice. Kept on the
  -- community's list and stopping every list of the community, as it always has.
  delivery_disabled_at timestamptz,
  delivery_disabled_reason text,
  primary key (list_id, member_id)
);
create index list_subscriptions_member on list_subscriptions (member_id);

-- The community's own list (never a group's): one per community.
create function community_list_id(community bigint) returns bigint language sql stable as $$
  select id from lists where community_id = community and group_id is null order by id limit 1
$$;

-- Where a member starts on a list: its newest post that is already planned (each-message members
-- got it or will), so posts still being planned reach them in their first digest instead.
create function list_digest_start(list bigint) returns integer language sql stable as $$
  select coalesce(
    (select min(p.number) - 1 from posts p where p.list_id = l.id and p.planned_at is null),
    l.post_count, 0)
  from lists l where l.id = list
$$;

-- The one place that says who is on a list and how they take it: the community's active members
-- (on a group's list, those of them who are active members of the group), with the delivery they
-- chose for this list, else for the community's list, else each message; their digest place on
-- this list; and whether bounces stopped their delivery (kept for the whole community).
-- Fan-out (src/lists/fanout.ts postRecipients) says the same for one post's list as per-member
-- lookups, so that a slice of a large list reads only the members it takes.
create view list_members as
  select l.id as list_id, ms.member_id,
         coalesce(gs.delivery_mode, cs.delivery_mode, 'each') as delivery_mode,
         case when l.group_id is null then cs.last_digest_post else gs.last_digest_post end as last_digest_post,
         case when l.group_id is null then cs.digest_until_post else gs.digest_until_post end as digest_until_post,
         cs.delivery_disabled_at
    from lists l
    join lists cl on cl.community_id = l.community_id and cl.group_id is null
    join memberships ms on ms.community_id = l.community_id and ms.status = 'active'
    left join list_subscriptions cs on cs.list_id = cl.id and cs.member_id = ms.member_id
    left join list_subscriptions gs on l.group_id is not null and gs.list_id = l.id and gs.member_id = ms.member_id
   where l.group_id is null
      or exists (select 1 from working_group_members w where w.group_id = l.group_id and w.member_id = ms.member_id and w.status = 'active');

-- A change of delivery moves the member's digest place by the same rules on every list (as
-- 0010_digests.sql and 0044_group_delivery.sql did): into digests, carry on from the last digest
-- (or start at the newest planned post); back to each message, the posts up to the newest
-- planned one are owed in a final digest. `was` and `now` are the delivery in effect (a group
-- list's null: the community list's).
create function list_subscription_move(s list_subscriptions, was text, now_mode text) returns list_subscriptions language plpgsql stable as $$
declare
  digest_modes constant text[] := array['daily', 'weekly'];
  start integer;
begin
  if was is not distinct from now_mode then return s; end if;
  start := list_digest_start(s.list_id);
  if now_mode = any(digest_modes) and not (coalesce(was, 'each') = any(digest_modes)) then
    if s.digest_until_post is null or s.last_digest_post is null then s.last_digest_post := start; end if;
    s.digest_until_post := null;
  elsif now_mode = any(digest_modes) and s.last_digest_post is null then
    s.last_digest_post := start;
  elsif now_mode = 'each' and was = any(digest_modes) then
    s.digest_until_post := case when start > coalesce(s.last_digest_post, 0) and s.last_digest_post is not null then start end;
  end if;
  return s;
end $$;

-- The delivery in effect on a group's list when its own is null: the community list's.
create function list_community_mode(list bigint, member bigint) returns text language sql stable as $$
  select coalesce((select cs.delivery_mode from lists l join list_subscriptions cs on cs.list_id = community_list_id(l.community_id) and cs.member_id = member
                    where l.id = list), 'each')
$$;

create function list_subscriptions_delivery() returns trigger language plpgsql as $$
declare
  is_group boolean := exists (select 1 from lists where id = new.list_id and group_id is not null);
  fallback text := case when is_group then list_community_mode(new.list_id, new.member_id) else 'each' end;
  was text := case when tg_op = 'INSERT' then fallback else coalesce(old.delivery_mode, fallback) end;
begin
  new := list_subscription_move(new, was, coalesce(new.delivery_mode, fallback));
  return new;
end $$;
create trigger list_subscriptions_delivery before insert or update of delivery_mode on list_subscriptions
  for each row execute function list_subscriptions_delivery();

-- A change of the community list's delivery moves the place on the community's group lists that
-- follow it (their own delivery null).
create function list_subscriptions_follow() returns trigger language plpgsql as $$
declare
  was text := case when tg_op = 'INSERT' then 'each' else coalesce(old.delivery_mode, 'each') end;
  s list_subscriptions;
begin
  if was is not distinct from coalesce(new.delivery_mode, 'each') then return null; end if;
  if exists (select 1 from lists where id = new.list_id and group_id is not null) then return null; end if;
  for s in select gs.* from list_subscriptions gs join lists l on l.id = gs.list_id
            where gs.member_id = new.member_id and gs.delivery_mode is null
              and l.group_id is not null and l.community_id = (select community_id from lists where id = new.list_id) loop
    s := list_subscription_move(s, was, coalesce(new.delivery_mode, 'each'));
    update list_subscriptions set last_digest_post = s.last_digest_post, digest_until_post = s.digest_until_post
     where list_id = s.list_id and member_id = s.member_id;
  end loop;
  return null;
end $$;
create trigger list_subscriptions_follow after insert or update of delivery_mode on list_subscriptions
  for each row execute function list_subscriptions_follow();

-- The settings move here, then leave memberships and working_group_members, with the triggers
-- that kept them there (0010_digests.sql, 0042_group_lists.sql, 0044_group_delivery.sql).
drop trigger memberships_digest_start on memberships;
drop trigger memberships_group_digests on memberships;
drop trigger working_group_members_digest on working_group_members;
drop trigger working_group_members_delivery on working_group_members;
drop function memberships_digest_start();
drop function memberships_group_digests();
drop function working_group_members_digest_start();
drop function working_group_members_delivery();
drop function digest_start_for(bigint);
drop function group_digest_start(bigint);

alter table list_subscriptions disable trigger list_subscriptions_delivery;
alter table list_subscriptions disable trigger list_subscriptions_follow;
insert into list_subscriptions (list_id, member_id, delivery_mode, last_digest_post, digest_until_post, last_digest_at, delivery_disabled_at, delivery_disabled_reason)
  select l.id, ms.member_id, ms.delivery_mode, ms.last_digest_post, ms.digest_until_post, ms.last_digest_at, ms.delivery_disabled_at, ms.delivery_disabled_reason
    from memberships ms join lists l on l.id = community_list_id(ms.community_id);
insert into list_subscriptions (list_id, member_id, delivery_mode, last_digest_post, digest_until_post)
  select l.id, w.member_id, w.delivery_mode, w.last_digest_post, w.digest_until_post
    from working_group_members w join lists l on l.group_id = w.group_id;
alter table list_subscriptions enable trigger list_subscriptions_delivery;
alter table list_subscriptions enable trigger list_subscriptions_follow;

alter table memberships
  drop column delivery_mode,
  drop column last_digest_post,
  drop column digest_until_post,
  drop column last_digest_at,
  drop column delivery_disabled_at,
  drop column delivery_disabled_reason;
alter table working_group_members
  drop column delivery_mode,
  drop column last_digest_post,
  drop column digest_until_post;
