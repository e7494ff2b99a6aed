-- A working group's meetings are events (src/events) linked to the group.
alter table events add column group_id bigint references working_groups (id) on delete set null;
create index events_group on events (group_id) where group_id is not null;
