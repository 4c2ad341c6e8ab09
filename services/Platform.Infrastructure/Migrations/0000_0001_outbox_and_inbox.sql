-- Integration events written in the same transaction as the change they describe; a relay publishes them.
create table if not exists outbox_messages (
    id uuid primary key,
    message_type text not null,
    payload jsonb not null,
    trace_parent text null,
    created_at timestamptz not null default now(),
    published_at timestamptz null,
    attempts int not null default 0,
    last_error text null
);
create index if not exists outbox_messages_unpublished on outbox_messages (created_at, id) where published_at is null;

-- Messages a consumer has already applied: consumers insert here in the same transaction as their change.
create table if not exists processed_messages (
    consumer text not null,
    message_id uuid not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, message_id)
);
