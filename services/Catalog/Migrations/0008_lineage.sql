-- Lineage (SetDatasetSources): a dataset derived from others. source_retired_at is set when the source is retired
-- after it was named, which marks the derived dataset for review.
create table dataset_sources (
    dataset_id uuid not null references datasets (id),
    source_id uuid not null references datasets (id),
    named_at timestamptz not null,
    source_retired_at timestamptz null,
    primary key (dataset_id, source_id)
);
create index dataset_sources_source on dataset_sources (source_id);
