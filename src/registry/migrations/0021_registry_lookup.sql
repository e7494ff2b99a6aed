-- Verification looks accounts up in every status it reports (published and archived), which the
-- partial unique index (live records only) can't serve; without this a lookup scans the table.
create index registry_records_lookup on registry_records (platform_key, account_key) where kind = 'account';
create index registry_former_handles_lookup on registry_former_handles (platform_key, account_key, replaced_at desc);
