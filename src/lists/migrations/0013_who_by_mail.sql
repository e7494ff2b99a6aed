-- The "who" command to <list>-request@: members get the list of members by mail only when the
-- list allows it (off by default: the member list of a government community is not public).
alter table lists add column who_by_mail boolean not null default false;
