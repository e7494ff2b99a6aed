-- The repeated-message-id rule looks up earlier arrivals to a list by Message-ID (issue 18;
-- numbered 0018 after it, leaving 0011-0017 to other list migrations).
create index incoming_messages_message_id on incoming_messages (list_id, message_id) where message_id is not null;
