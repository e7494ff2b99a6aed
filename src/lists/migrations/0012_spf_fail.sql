-- A post claiming a member's address whose domain publishes no DMARC policy and whose SPF fails
-- hard: 'hold' it for a moderator (the default) or 'accept' it, for lists fed by old forwarders.
alter table lists add column spf_fail text not null default 'hold' check (spf_fail in ('hold', 'accept'));
