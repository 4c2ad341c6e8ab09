-- changed_at is the database's own clock (not the service's TimeProvider), stamped on every insert and update,
-- so each replica's in-memory search index can fetch what changed since its last poll.
alter table datasets add column changed_at timestamptz not null default clock_timestamp();
create function datasets_stamp_changed_at() returns trigger language plpgsql as $$
begin
    new.changed_at := clock_timestamp();
    return new;
end $$;
create trigger datasets_stamp_changed_at before update on datasets for each row execute function datasets_stamp_changed_at();
create index datasets_changed_at on datasets (changed_at);
