-- The write path (Platform.Infrastructure.Writes): one table of request ids and first answers, one audit trail.

-- Request ids of writes, scoped per caller (client id) and method (the single-call method's name; a batch's items
-- share it). fingerprint is a SHA-256 of the request without its request_id: the same id with another request is
-- ALREADY_EXISTS. response is the first answer's bytes, replayed to every retry. Retention deletes by created_at.
create table write_requests (
    caller text not null,
    method text not null,
    request_id text not null,
    fingerprint bytea not null,
    response bytea null,
    created_at timestamptz not null,
    primary key (caller, method, request_id)
);
create index write_requests_created_at on write_requests (created_at);

-- Who did what, when, and how it ended: one row per write (per item of a batch) and per refused write. Append-only;
-- retention deletes rows by occurred_at (default 400 days). seq is the order of appending (newest first = seq desc);
-- id is a UUIDv7 (unique by construction, so not indexed: every index is paid on every write).
create table audit_events (
    seq bigint generated always as identity primary key,
    id uuid not null,
    occurred_at timestamptz not null,
    caller text not null,
    caller_organisation text null,
    caller_exchange text null,
    method text not null,
    request_id text not null default '',
    resource_ids text[] not null default '{}',
    -- The organisation (catalog) or exchange (trading) that owns the resources written; null when none.
    owner text null,
    -- 'OK' or the status code's name (FAILED_PRECONDITION, ...).
    outcome text not null,
    detail text null
);
create index audit_events_occurred_at on audit_events (occurred_at);
create index audit_events_caller on audit_events (caller, seq);
create index audit_events_owner on audit_events (owner, seq) where owner is not null;
-- fastupdate off: with the default pending list, every writer queues on the list's metapage and, once it is full,
-- one of them merges it while the others wait (pgbench of a PlaceTrade transaction: 90-720/s with it, 1,600/s without).
create index audit_events_resources on audit_events using gin (resource_ids) with (fastupdate = off);
-- A refused request retried with the same request id is one event, not one per attempt.
create unique index audit_events_refusal on audit_events (caller, method, request_id, outcome) where request_id <> '' and outcome <> 'OK';

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_events is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_events_append_only before update or truncate on audit_events
    for each statement execute function audit_events_append_only();
