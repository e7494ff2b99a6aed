-- A digest sent by hand (`socialgov lists digest <list> --send`) is one more row for its list,
-- mode and period: the period's scheduled digest still comes (with only what arrived after),
-- so the "once per period" rule now holds for scheduled rows only.
alter table digests add column manual boolean not null default false;
alter table digests drop constraint digests_list_id_mode_period_key;
create unique index digests_scheduled_once on digests (list_id, mode, period) where not manual;
