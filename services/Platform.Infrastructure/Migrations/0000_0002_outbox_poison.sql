-- A message that can never be published (a type this build does not know, a payload that does not deserialize)
-- is set aside with failed_at and its error, instead of blocking every message behind it.
alter table outbox_messages add column if not exists failed_at timestamptz null;
drop index if exists outbox_messages_unpublished;
create index outbox_messages_unpublished on outbox_messages (created_at, id) where published_at is null and failed_at is null;
