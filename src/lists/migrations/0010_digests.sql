-- Digests: members on delivery mode 'daily' or 'weekly' get one message per period with every
-- post accepted since their last digest.
--
-- A member's place in the list is the number of the last post their digests covered
-- (memberships.last_digest_post). It is set when they choose a digest mode (or join or come back
-- with one), so they never get posts from before, and advanced in the same transaction that
-- writes their digest delivery, so they never miss one or get one twice.
--
-- A member who goes back to each message still has the posts since their last digest coming:
-- digest_until_post marks the last of them, and the next daily run sends them a final digest
-- (as Mailman does), then clears both.
alter table memberships
  add column last_digest_post integer,
  add column last_digest_at timestamptz,
  add column digest_until_post integer;

-- One row per list, mode and period (the local date of the scheduled send time), written even
-- when nothing is new: the unique key makes a retried or concurrent run do nothing, and an
-- empty period is not sent later.
create table digests (
  id bigint generated always as identity primary key,
  list_id bigint not null references lists (id) on delete cascade,
  mode text not null check (mode in ('daily', 'weekly')),
  period date not null,
  -- the scheduled send time (DIGEST_HOUR in the list's time zone)
  scheduled_for timestamptz not null,
  -- posts up to this number are covered
  last_post integer not null,
  recipients integer not null default 0,
  created_at timestamptz not null default now(),
  unique (list_id, mode, period)
);

-- The composed digest for members who have the same range of posts (nearly always one per
-- digest; more when some members chose digests since the last one, or get a final one). deliveries.ref_id (kind 'digest')
-- points here. The message holds placeholders for each member's links (see digests/personal.ts).
create table digest_messages (
  id bigint generated always as identity primary key,
  digest_id bigint not null references digests (id) on delete cascade,
  list_id bigint not null references lists (id) on delete cascade,
  first_post integer not null,
  last_post integer not null,
  post_count integer not null,
  subject text not null,
  message bytea not null,
  unique (digest_id, first_post, last_post)
);

-- Where a member starts: the list's newest post that is already planned (each-message members
-- got it or will), so posts still being planned reach them in their first digest instead.
create function digest_start_for(community bigint) returns integer language sql stable as $$
  select coalesce(
    (select min(p.number) - 1 from posts p where p.list_id = l.id and p.planned_at is null),
    l.post_count)
  from lists l where l.community_id = community order by l.id limit 1
$$;

create function memberships_digest_start() returns trigger language plpgsql as $$
declare
  digest_modes constant text[] := array['daily', 'weekly'];
begin
  if new.status <> 'active' then
    new.digest_until_post := null;
    return new;
  end if;
  if new.delivery_mode = any(digest_modes) then
    if tg_op = 'INSERT' or old.status <> 'active' then
      new.last_digest_post := coalesce(digest_start_for(new.community_id), 0);
      new.digest_until_post := null;
    elsif not (old.delivery_mode = any(digest_modes)) then
      -- Back to digests before the final one went: carry on from the last digest (posts sent
      -- one by one meanwhile come again rather than any being missed).
      if new.digest_until_post is null or new.last_digest_post is null then
        new.last_digest_post := coalesce(digest_start_for(new.community_id), 0);
      end if;
      new.digest_until_post := null;
    elsif new.last_digest_post is null then
      new.last_digest_post := coalesce(digest_start_for(new.community_id), 0);
    end if;
  elsif tg_op = 'UPDATE' and new.delivery_mode = 'each' and old.status = 'active' and old.delivery_mode = any(digest_modes)
        and new.last_digest_post is not null then
    -- From digests to each message: posts up to the newest planned one are owed in a final digest.
    new.digest_until_post := coalesce(digest_start_for(new.community_id), 0);
    if new.digest_until_post <= new.last_digest_post then
      new.digest_until_post := null;
    end if;
  end if;
  return new;
end $$;
create trigger memberships_digest_start before insert or update of delivery_mode, status on memberships
  for each row execute function memberships_digest_start();

update memberships ms set last_digest_post = coalesce(digest_start_for(ms.community_id), 0)
 where ms.delivery_mode in ('daily', 'weekly');
