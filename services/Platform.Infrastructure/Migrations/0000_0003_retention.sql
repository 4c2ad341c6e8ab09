-- Retention (Platform.Infrastructure.Retention) deletes published outbox rows and processed message ids by age.
create index if not exists outbox_messages_published on outbox_messages (published_at) where published_at is not null;
create index if not exists processed_messages_processed_at on processed_messages (processed_at);
