-- Every version of a dataset row carries the id of the transaction that wrote it. Replicas' search indexes follow
-- writes by it with a snapshot watermark (see SearchIndex), which cannot miss a late commit as a time window can.
-- Stamped by the trigger on insert too, so no statement can set it to anything else.
alter table datasets add column changed_xid xid8 not null default pg_current_xact_id();
create or replace function datasets_stamp_changed_at() returns trigger language plpgsql as $$
begin
    new.changed_at := clock_timestamp();
    new.changed_xid := pg_current_xact_id();
    return new;
end $$;
drop trigger datasets_stamp_changed_at on datasets;
create trigger datasets_stamp_changed before insert or update on datasets for each row execute function datasets_stamp_changed_at();
drop index datasets_changed_at;
create index datasets_changed_xid on datasets (changed_xid);
