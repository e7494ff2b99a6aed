-- Mailman's administrivia rule: hold posts that are really commands ("unsubscribe" sent to the
-- post address) and tell the sender where commands go. On unless a list turns it off.
alter table lists add column administrivia boolean not null default true;
