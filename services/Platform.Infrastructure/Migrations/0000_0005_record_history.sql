-- The record of change (platform/history/v1/history.proto): one row per write that changed a record, appended by the
-- write path in the write's own transaction. changes is a JSON array of {field, from, to} (values as the record's
-- proto3 JSON renders them). Kept as long as the records; append-only.
create table record_history (
    seq bigint generated always as identity primary key,
    record_id text not null,
    occurred_at timestamptz not null,
    caller text not null,
    method text not null,
    request_id text not null default '',
    -- The organisation (catalog) or exchange (trading) owning the record, for who may read it.
    owner text null,
    changes jsonb not null
);
create index record_history_record on record_history (record_id, seq);

create function record_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'record_history is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger record_history_append_only before update or delete or truncate on record_history
    for each statement execute function record_history_append_only();
