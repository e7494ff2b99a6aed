-- Entries to derive again from their posts' bytes (archiver.ts, rederivePending): the worker
-- empties this queue a batch a minute, `socialgov archives rederive` at once. Queued now because
-- the rules changed (issue 19): the poster behind "X via OtherList" for mail that came in by
-- mail, what counts as an attachment (not signatures, not images the HTML shows), and the words
-- inside paths, addresses and slash-joined words in the search index.
create table archive_rederive (
  post_id bigint primary key references archive_entries (post_id) on delete cascade,
  list_id bigint not null
);
create index archive_rederive_list on archive_rederive (list_id);
insert into archive_rederive (post_id, list_id) select post_id, list_id from archive_entries;
