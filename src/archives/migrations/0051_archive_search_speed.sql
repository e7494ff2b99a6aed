-- Archive search speed (see docs/archives.md, "Search at scale").
-- The GIN index without a pending list: each insert goes straight into the index, so a search
-- never scans a growing unsorted list of recent entries (and the planner trusts the index).
alter index archive_entries_search set (fastupdate = off);
select gin_clean_pending_list('archive_entries_search'::regclass);
-- Keep the rows narrow: the body text and the search vector (both large) are stored out of line,
-- so finding the newest matches reads ~0.5 KB per row instead of ~3 KB. Applies to rows written
-- from now on (VACUUM FULL archive_entries rewrites older ones).
alter table archive_entries set (toast_tuple_target = 128);
-- "Has attachment" searches and the newest posts with attachments.
create index archive_entries_attachments on archive_entries (list_id, sent_at) where has_attachment;
-- Sender searches ("smith", "agency.gov"): the sender's words alone, so a match needs no look at
-- the (large) search vector. The expression is SENDER_VECTOR in search.ts.
create index archive_entries_sender on archive_entries
  using gin (to_tsvector('simple', coalesce(from_name, '') || ' ' || from_address || ' ' || translate(from_address, '@.', '  ')))
  with (fastupdate = off);
