-- The metrics roll-up reads one day of request history at a time.
create index speaker_request_history_at on speaker_request_history (at);
