-- Every certified revision of a dataset (DatasetCertified names its revision): H2 as of a day, and its series, count
-- the volume of each dataset's latest revision certified by then. datasets.certified_at is the first certification
-- (H1 counts from it); datasets.volume_bytes the latest certified revision's volume (H2 now).
create table certified_revisions (
    dataset_id uuid not null,
    revision int not null,
    certified_at timestamptz not null,
    volume_bytes bigint not null,
    primary key (dataset_id, revision)
);
create index certified_revisions_latest on certified_revisions (dataset_id, certified_at desc) include (volume_bytes);

insert into certified_revisions (dataset_id, revision, certified_at, volume_bytes)
select dataset_id, 1, certified_at, volume_bytes from datasets where certified_at is not null;
