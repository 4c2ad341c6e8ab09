-- Revisions of a dataset's content (CreateDatasetRevision); registration is revision 1. The datasets row keeps the
-- content of the revision named in datasets.revision (the certified one once certified, else the latest), so every
-- figure, filter and listing reads the counted content from the row; latest_revision is the newest revision.
create table dataset_revisions (
    dataset_id uuid not null references datasets (id),
    revision int not null check (revision > 0),
    volume_bytes bigint not null check (volume_bytes > 0),
    record_count bigint not null check (record_count >= 0),
    token_count bigint not null check (token_count >= 0),
    language_shares jsonb not null,
    note text not null,
    created_at timestamptz not null,
    certified_at timestamptz null,
    primary key (dataset_id, revision)
);

alter table datasets
    add column revision int not null default 1,
    add column latest_revision int not null default 1;

insert into dataset_revisions (dataset_id, revision, volume_bytes, record_count, token_count, language_shares, note, created_at, certified_at)
select id, 1, volume_bytes, record_count, token_count, language_shares, '', created_at, certified_at from datasets;
